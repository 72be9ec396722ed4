"""`@aws roles shared` (Architect's model): the app role grants only what the app has, on its
own resources; SSM discovery params. Per-function roles: test_roles.py."""

from __future__ import annotations

import json
import re

from pyarc.template import build


def full_app(app):
    app.aws(roles="shared").static().http("get", "/", "get-index").ws("connect", "default")
    app.table("notes", "noteID").stream("notes").event("ping").queue("work")
    app.scheduled("daily", "rate(1 day)").cdn()
    return app


def statements(template: dict) -> list[dict]:
    found = []
    for policy in template["Resources"]["Role"]["Properties"]["Policies"]:
        found += policy["PolicyDocument"]["Statement"]
    return found


def test_no_statement_grants_on_every_resource(app):
    template = build(full_app(app).inventory)
    for statement in statements(template):
        resources = statement["Resource"]
        assert resources, statement
        for resource in resources:
            text = json.dumps(resource)
            assert resource != "*", statement
            # each ARN names a resource of this template or a path scoped by the stack name
            names_own = any(
                f"${{{rid}" in text or f'"{rid}"' in text for rid in template["Resources"]
            )
            assert names_own or "${AWS::StackName}" in text, statement


def test_role_policies_are_only_those_the_app_needs(app):
    app.aws(roles="shared").static().http("get", "/", "get-index")
    template = build(app.inventory)
    role = template["Resources"]["Role"]["Properties"]
    assert [p["PolicyName"] for p in role["Policies"]] == [
        "ArcStaticBucketPolicy",
        "ArcParameterStorePolicy",
        "ArcGlobalPolicy",
    ]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }


def test_logs_are_scoped_to_the_stacks_log_groups(app):
    app.aws(roles="shared").http("get", "/", "get-index")
    [logs] = [s for s in statements(build(app.inventory)) if s["Sid"] == "Logs"]
    assert logs["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    prefix = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
    assert logs["Resource"] == [
        {"Fn::Sub": prefix + "/aws/lambda/${AWS::StackName}/*"},
        {"Fn::Sub": prefix + "/aws/lambda/${AWS::StackName}/*:log-stream:*"},
    ]


def test_discovery_parameters_and_their_grant(app):
    template = build(full_app(app).inventory)
    params = {
        r["Properties"]["Name"]["Fn::Sub"]: r["Properties"]["Value"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::SSM::Parameter"
    }
    assert params == {
        "/${AWS::StackName}/tables/notes": {"Ref": "NotesTable"},
        "/${AWS::StackName}/events/ping": {"Ref": "PingEventTopic"},
        "/${AWS::StackName}/queues/work": {"Ref": "WorkQueue"},
        "/${AWS::StackName}/static/bucket": {"Ref": "StaticBucket"},
        "/${AWS::StackName}/static/fingerprint": "false",
        "/${AWS::StackName}/ws/wss": {
            "Fn::Sub": "wss://${WS}.execute-api.${AWS::Region}.${AWS::URLSuffix}/staging"
        },
        "/${AWS::StackName}/ws/https": {
            "Fn::Sub": "https://${WS}.execute-api.${AWS::Region}.${AWS::URLSuffix}/staging"
        },
    }
    [ssm] = [s for s in statements(template) if s["Sid"] == "Discovery"]
    assert "ssm:GetParametersByPath" in ssm["Action"]
    prefix = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/"
    assert ssm["Resource"] == [
        {"Fn::Sub": prefix + "${AWS::StackName}"},
        {"Fn::Sub": prefix + "${AWS::StackName}/*"},
    ]


def test_every_sid_is_unique_and_alphanumeric(app):
    for policy in build(full_app(app).inventory)["Resources"]["Role"]["Properties"]["Policies"]:
        sids = [s["Sid"] for s in policy["PolicyDocument"]["Statement"]]
        assert len(sids) == len(set(sids))
        assert all(re.fullmatch(r"[A-Za-z0-9]+", sid) for sid in sids)
