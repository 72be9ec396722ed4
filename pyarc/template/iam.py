"""The app role: one statement per service, each naming only the app's own resources."""

from __future__ import annotations

from typing import Any

from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import arn

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
    uses_app_role = [fn for fn in functions if not fn.config.policies]
    if uses_app_role:
        draft.add(
            names.APP_ROLE,
            {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "Policies": documents,
                },
            },
            owner="the app role",
        )
    for fn in functions:
        if fn.config.policies:
            properties = draft.function_properties(fn)
            del properties["Role"]
            properties["Policies"] = custom_policies(fn.config.policies, documents)


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
