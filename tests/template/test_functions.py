"""One AWS::Serverless::Function per handler: configuration, code location, environment."""

from __future__ import annotations

import pytest

from pyarc.errors import PyarcError
from pyarc.template import build


def test_every_handler_becomes_a_function_with_its_log_group(app):
    app.http("get", "/", "get-index").ws("connect").event("ping").queue("work")
    app.scheduled("daily", "rate(1 day)").table("notes", "id").stream("notes")
    resources = build(app.inventory)["Resources"]
    functions = sorted(k for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function")
    assert functions == sorted(
        [
            "GetIndexHTTPLambda",
            "ConnectWSLambda",
            "PingEventLambda",
            "WorkQueueLambda",
            "DailyScheduledLambda",
            "NotesStreamLambda",
        ]
    )
    for fn_id in functions:
        group = resources[fn_id + "LogGroup"]
        assert group["Type"] == "AWS::Logs::LogGroup"
        name = {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}/{fn_id}"}
        assert group["Properties"]["LogGroupName"] == name
        assert resources[fn_id]["Properties"]["LoggingConfig"] == {"LogGroup": name}
        assert resources[fn_id]["DependsOn"] == [fn_id + "LogGroup"]


def test_defaults_follow_architect_and_python(app):
    app.http("get", "/", "get-index")
    props = build(app.inventory)["Resources"]["GetIndexHTTPLambda"]["Properties"]
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["MemorySize"] == 1152
    assert props["Timeout"] == 5
    assert props["EphemeralStorage"] == {"Size": 512}
    assert props["Handler"] == "lambda.handler"
    assert props["Role"] == {"Fn::GetAtt": ["GetIndexHTTPLambdaRole", "Arn"]}  # its own
    assert props["CodeUri"] == "src/http/get-index"
    assert "ReservedConcurrentExecutions" not in props
    assert "Layers" not in props


def test_config_arc_settings_are_carried_over(app):
    layer = "arn:aws:lambda:us-west-2:123456789012:layer:deps:3"
    app.http(
        "post",
        "/things",
        "post-things",
        runtime="python3.12",
        memory=256,
        timeout=30,
        architecture="x86_64",
        storage=2048,
        concurrency=7,
        layers=[layer],
        handler="app.main",
    )
    props = build(app.inventory)["Resources"]["PostThingsHTTPLambda"]["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["MemorySize"] == 256
    assert props["Timeout"] == 30
    assert props["Architectures"] == ["x86_64"]
    assert props["EphemeralStorage"] == {"Size": 2048}
    assert props["ReservedConcurrentExecutions"] == 7
    assert props["Layers"] == [layer]
    assert props["Handler"] == "app.main"


def test_handler_module_is_the_file_found(app):
    app.http("get", "/", "get-index")
    src = app.inventory.http[0].function.src
    src.mkdir(parents=True)
    (src / "index.py").write_text("def handler(event, context):\n    return {}\n")
    props = build(app.inventory)["Resources"]["GetIndexHTTPLambda"]["Properties"]
    assert props["Handler"] == "index.handler"


def test_code_uris_from_deploy_replace_the_source_dir(app):
    app.http("get", "/", "get-index").event("ping")
    template = build(
        app.inventory,
        code_uris={
            "http:get-index": "s3://bucket/get-index.zip",
            "events:ping": {"Bucket": "bucket", "Key": "ping.zip"},
        },
    )
    resources = template["Resources"]
    assert resources["GetIndexHTTPLambda"]["Properties"]["CodeUri"] == "s3://bucket/get-index.zip"
    assert resources["PingEventLambda"]["Properties"]["CodeUri"] == {
        "Bucket": "bucket",
        "Key": "ping.zip",
    }


def test_environment_has_arc_variables_and_the_users_own(app):
    app.static().http("get", "/", "get-index").ws("connect")
    app.env("staging", API_KEY="s3cret", ARC_SESSION_TABLE_NAME="sessions")
    app.env("production", API_KEY="live")
    staging = build(app.inventory, "staging")["Resources"]["GetIndexHTTPLambda"]
    variables = staging["Properties"]["Environment"]["Variables"]
    assert variables == {
        "ARC_APP_NAME": "test-app",
        "ARC_ENV": "staging",
        "ARC_STACK_NAME": {"Ref": "AWS::StackName"},
        "ARC_SESSION_TABLE_NAME": "sessions",
        "ARC_STATIC_BUCKET": {"Ref": "StaticBucket"},
        "ARC_WSS_URL": {
            "Fn::Sub": "wss://${WS}.execute-api.${AWS::Region}.${AWS::URLSuffix}/staging"
        },
        "API_KEY": "s3cret",
    }
    production = build(app.inventory, "production")["Resources"]["ConnectWSLambda"]
    variables = production["Properties"]["Environment"]["Variables"]
    assert variables["ARC_ENV"] == "production"
    assert variables["API_KEY"] == "live"
    assert variables["ARC_SESSION_TABLE_NAME"] == "jwe"
    assert variables["ARC_WSS_URL"]["Fn::Sub"].endswith("/production")


def test_no_wss_or_bucket_variables_without_ws_or_static(app):
    app.event("ping")
    variables = build(app.inventory)["Resources"]["PingEventLambda"]["Properties"]["Environment"]
    assert "ARC_WSS_URL" not in variables["Variables"]
    assert "ARC_STATIC_BUCKET" not in variables["Variables"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("AWS_REGION", "reserved by Lambda"), ("1BAD", "not a valid Lambda variable name")],
)
def test_bad_user_variables_are_refused(app, name, message):
    app.http("get", "/", "get-index").env("staging", **{name: "x"})
    with pytest.raises(PyarcError, match=message):
        build(app.inventory)


def test_oversized_environment_is_refused(app):
    app.http("get", "/", "get-index").env("staging", BIG="x" * 5000)
    with pytest.raises(PyarcError, match="4096-byte limit"):
        build(app.inventory)


@pytest.mark.parametrize(
    ("setting", "value"), [("memory", 64), ("timeout", 901), ("storage", 20000)]
)
def test_out_of_range_settings_name_the_function(app, setting, value):
    app.http("get", "/", "get-index", **{setting: value})
    with pytest.raises(PyarcError, match=f"http function 'get-index' has {setting} {value}"):
        build(app.inventory)


@pytest.mark.parametrize(
    ("runtime", "successor"), [("nodejs20.x", "nodejs24.x"), ("python3.11", "python3.14")]
)
def test_runtimes_lambda_no_longer_accepts_are_refused_before_deploying(app, runtime, successor):
    """cfn-lint's E2533 says the same; Lambda would fail the stack at CreateFunction."""
    app.http("get", "/", "get-index", runtime=runtime)
    with pytest.raises(PyarcError) as raised:
        build(app.inventory)
    message = str(raised.value)
    assert f"http function 'get-index' has runtime {runtime}, which Lambda no longer" in message
    assert f"set runtime {successor} in get-index/config.arc or @aws" in message


def test_current_node_runtimes_build(app):
    app.http("get", "/", "get-index", runtime="nodejs22.x").http(
        "get", "/b", "get-b", runtime="nodejs24.x"
    )
    resources = build(app.inventory)["Resources"]
    assert resources["GetIndexHTTPLambda"]["Properties"]["Runtime"] == "nodejs22.x"
    assert resources["GetBHTTPLambda"]["Properties"]["Runtime"] == "nodejs24.x"


def test_functions_whose_names_collide_are_refused(app):
    app.event("send-mail")
    app.event("send_mail")
    with pytest.raises(PyarcError, match="SendMailEventLambda"):
        build(app.inventory)


def test_custom_policies_replace_the_app_role(app):
    app.aws(roles="shared").http("get", "/", "get-index").table("notes", "id")
    app.http(
        "get",
        "/admin",
        "get-admin",
        policies=["AmazonDynamoDBReadOnlyAccess", "architect-default-policies"],
    )
    resources = build(app.inventory)["Resources"]
    custom = resources["GetAdminHTTPLambda"]["Properties"]
    assert "Role" not in custom
    assert custom["Policies"][0] == "AmazonDynamoDBReadOnlyAccess"
    role_documents = [p["PolicyDocument"] for p in resources["Role"]["Properties"]["Policies"]]
    assert custom["Policies"][1:] == role_documents
    assert resources["GetIndexHTTPLambda"]["Properties"]["Role"] == {"Fn::GetAtt": ["Role", "Arn"]}
