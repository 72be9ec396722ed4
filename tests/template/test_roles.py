"""A role per function with only what its code uses (issue 16 item 1), and --explain-iam."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pyarc.inventory import load
from pyarc.template import build, explain_iam

HERE = Path(__file__).parent


@pytest.fixture
def rights_app(tmp_path: Path) -> Path:
    app_dir = tmp_path / "rights"
    shutil.copytree(HERE / "apps" / "rights", app_dir)
    return app_dir


def actions_of(template: dict, function_id: str) -> dict[str, set[str]]:
    """target resource (as JSON) -> actions, from the function's own role."""
    props = template["Resources"][function_id]["Properties"]
    role = template["Resources"][props["Role"]["Fn::GetAtt"][0]]["Properties"]
    granted: dict[str, set[str]] = {}
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            for resource in statement["Resource"]:
                granted.setdefault(json.dumps(resource), set()).update(statement["Action"])
    return granted


def table_actions(template: dict, function_id: str, table: str) -> set[str]:
    arn = json.dumps({"Fn::GetAtt": [f"{table}Table", "Arn"]})
    return actions_of(template, function_id).get(arn, set())


def all_actions(template: dict, function_id: str) -> set[str]:
    return set().union(*actions_of(template, function_id).values())


def test_each_function_has_its_own_role(rights_app):
    template = build(load(rights_app))
    resources = template["Resources"]
    functions = [k for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function"]
    roles = {resources[f]["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions}
    assert len(roles) == len(functions)
    assert "Role" not in resources  # no app-wide role


def test_a_function_that_only_reads_a_table_cannot_write_it(rights_app):
    template = build(load(rights_app))
    assert table_actions(template, "GetNotesHTTPLambda", "Notes") == {"dynamodb:Query"}
    assert table_actions(template, "GetNotesHTTPLambda", "Users") == set()
    index = json.dumps({"Fn::Sub": "${NotesTable.Arn}/index/*"})
    assert actions_of(template, "GetNotesHTTPLambda")[index] == {"dynamodb:Query"}
    assert table_actions(template, "PostNotesHTTPLambda", "Notes") == {"dynamodb:PutItem"}


def test_declared_rights_replace_what_the_code_would_get(rights_app):
    template = build(load(rights_app))
    users = table_actions(template, "GetAdminHTTPLambda", "Users")
    assert "dynamodb:GetItem" in users and "dynamodb:Query" in users
    assert "dynamodb:DeleteItem" not in users  # the code deletes; config.arc says read only
    assert not {a for a in users if a.endswith(("PutItem", "UpdateItem", "BatchWriteItem"))}


def test_only_ws_functions_and_senders_post_to_connections(rights_app):
    template = build(load(rights_app))
    for http_fn in ("GetNotesHTTPLambda", "PostNotesHTTPLambda", "GetLoginHTTPLambda"):
        assert "execute-api:ManageConnections" not in all_actions(template, http_fn)
    for ws_fn in ("ConnectWSLambda", "DefaultWSLambda", "DisconnectWSLambda"):
        assert "execute-api:ManageConnections" in all_actions(template, ws_fn)


def test_publishing_and_sending_name_only_their_topic_and_queue(rights_app):
    template = build(load(rights_app))
    post = actions_of(template, "PostNotesHTTPLambda")
    assert post[json.dumps({"Ref": "AuditEventTopic"})] == {"sns:Publish"}
    assert post[json.dumps({"Fn::GetAtt": ["JobsQueue", "Arn"]})] == {"sqs:SendMessage"}
    consumer = actions_of(template, "JobsQueueLambda")[json.dumps(
        {"Fn::GetAtt": ["JobsQueue", "Arn"]}
    )]  # fmt: skip
    assert "sqs:ReceiveMessage" in consumer and "sqs:SendMessage" not in consumer
    assert "sns:Publish" not in all_actions(template, "GetNotesHTTPLambda")


def test_every_function_writes_only_its_own_log_group(rights_app):
    template = build(load(rights_app))
    logs = [
        r for r, actions in actions_of(template, "GetLoginHTTPLambda").items()
        if "logs:PutLogEvents" in actions
    ]  # fmt: skip
    assert logs and all("/GetLoginHTTPLambda" in r for r in logs)
    assert all_actions(template, "GetLoginHTTPLambda") == {
        "logs:CreateLogStream", "logs:PutLogEvents",
        "ssm:GetParametersByPath", "ssm:GetParameter", "ssm:GetParameters",
    }  # fmt: skip


def test_a_table_name_the_code_computes_means_any_table(rights_app):
    template = build(load(rights_app))
    for table in ("Notes", "Users"):
        assert table_actions(template, "GetReportHTTPLambda", table) == {"dynamodb:Scan"}


def test_explain_iam_names_the_line_behind_each_grant(rights_app):
    text = explain_iam(load(rights_app))
    assert "http:get-notes (GetNotesHTTPLambda) -> role GetNotesHTTPLambdaRole" in text
    assert "src/http/get-notes/lambda.py:7 notes.query(" in text
    assert "src/http/post-notes/lambda.py:10 events.publish(\"audit\"" in text
    assert "declared at src/http/get-admin/config.arc:2:1: tables-read users" in text
    assert "not granted: src/http/get-admin/lambda.py:5" in text


def test_shared_role_keeps_architects_model(rights_app):
    (rights_app / "app.arc").write_text(
        (rights_app / "app.arc").read_text() + "\n@aws\nroles shared\n"
    )
    template = build(load(rights_app))
    resources = template["Resources"]
    assert resources["GetNotesHTTPLambda"]["Properties"]["Role"] == {
        "Fn::GetAtt": ["Role", "Arn"]
    }
    assert not [k for k in resources if k.endswith("LambdaRole")]
    assert "every function uses the app role" in explain_iam(load(rights_app))


def test_the_rights_app_templates_lint_clean(rights_app, validate):
    validate(load(rights_app), "production")


def test_statement_ids_read_as_their_targets(rights_app):
    """A reviewer reads the Sid: `TheAppSSMParameters`, not `TheAppSSSMParameters`."""
    template = build(load(rights_app))
    props = template["Resources"]["GetNotesHTTPLambda"]["Properties"]
    role = template["Resources"][props["Role"]["Fn::GetAtt"][0]]["Properties"]
    sids = {s["Sid"] for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]}
    assert "TheAppSSMParameters" in sids
    assert not any("SSSM" in sid or "APIS" in sid for sid in sids)
