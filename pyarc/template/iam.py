"""Roles: one per function with only its rights (rights.py says which and why), or with
`@aws roles shared` Architect's single app role holding every grant of the app. Either way
each statement names only the app's own resources. Functions with `policies` get those
instead, in a role SAM makes."""

from __future__ import annotations

from typing import Any

from pyarc.inventory.model import logical_id
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import arn, assume_role, get_att
from pyarc.template.rights import FunctionRights, function_rights

DEFAULT_POLICIES = "architect-default-policies"  # Architect's keyword in config.arc policies


def add_logging_grant(draft: Draft) -> None:
    if not draft.inventory.functions:
        return
    groups = "log-group:/aws/lambda/${AWS::StackName}/*"
    draft.grant(
        "ArcGlobalPolicy",
        "Logs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        [arn("logs", groups), arn("logs", groups + ":log-stream:*")],
    )


def policy_documents(draft: Draft) -> list[Json]:
    return [
        {
            "PolicyName": policy,
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": grant.sid,
                        "Effect": "Allow",
                        "Action": grant.actions,
                        "Resource": grant.resources,
                    }
                    for grant in grants
                ],
            },
        }
        for policy, grants in draft.grants.items()
    ]


def add_role(draft: Draft) -> None:
    functions = draft.inventory.functions
    if not functions:
        return
    documents = policy_documents(draft)
    shared = draft.inventory.aws.roles == "shared"
    if shared and any(not fn.config.policies for fn in functions):
        draft.add(names.APP_ROLE, role(documents), owner="the app role")
    for fn in functions:
        properties = draft.function_properties(fn)
        rights = function_rights(draft, fn)
        draft.rights[fn.key] = rights
        if fn.config.policies:
            del properties["Role"]
            properties["Policies"] = custom_policies(fn.config.policies, documents)
        elif not shared:
            role_id = names.role_id(fn)
            policy = {"PolicyName": "FunctionRights", "PolicyDocument": rights_document(rights)}
            draft.add(role_id, role([policy]), owner=f"the role of {fn.key}")
            properties["Role"] = get_att(role_id, "Arn")


def role(policies: list[Json]) -> Json:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": assume_role("lambda.amazonaws.com"),
            "Policies": policies,
        },
    }


def rights_document(rights: FunctionRights) -> Json:
    """One statement per target (a table, a queue...), its actions and ARNs merged."""
    merged: dict[str, tuple[list[str], list[Any]]] = {}
    for right in rights.rights:
        actions, resources = merged.setdefault(right.target, ([], []))
        actions += [a for a in right.actions if a not in actions]
        resources += [r for r in right.resources if r not in resources]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": statement_id(target), "Effect": "Allow", "Action": actions, "Resource": arns}
            for target, (actions, arns) in merged.items()
        ],
    }


def statement_id(target: str) -> str:
    """`the app's SSM parameters` -> `TheAppSSMParameters`: a possessive is no word of its own."""
    return logical_id(target.replace("'s ", " "))


def custom_policies(requested: list[str], documents: list[Json]) -> list[Any]:
    """`config.arc` policies: managed policy names/ARNs, SAM policy templates by name, and
    `architect-default-policies` for the app role's own statements."""
    chosen: list[Any] = []
    for name in requested:
        if name == DEFAULT_POLICIES:
            chosen += [doc["PolicyDocument"] for doc in documents]
        else:
            chosen.append(name)
    return chosen
