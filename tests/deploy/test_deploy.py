"""`deploy()` against moto's server: bucket, artifacts, stack, static files, outputs.

What moto models and what it does not (moto 5, `moto/cloudformation/parsing.py`): it creates
Lambda functions and permissions, IAM roles, DynamoDB tables, S3 buckets, SSM parameters and
log groups from a template, but skips `AWS::ApiGatewayV2::*` and `AWS::S3::BucketPolicy` with a
warning, and never records stack Outputs for stacks made through change sets. So the tests
check the modelled resources in moto itself, and the API Gateway resources in the expanded
template pyarc uploaded (the aws-sam-translator output CloudFormation receives).
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
from rich.console import Console

from pyarc.deploy.build import BuildOptions
from pyarc.deploy.deployer import DeployOptions, deploy

STACK = "CageSocketStaging"


def options(**changes) -> DeployOptions:
    base = DeployOptions(build=BuildOptions(runtime_requirements=[]), poll_seconds=0.01)
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def console() -> Console:
    return Console(record=True, width=200, force_terminal=False)


def function_uploads(keys: list[str]) -> list[str]:
    return [key for key in keys if "/functions/" in key]


def test_first_deploy_creates_bucket_artifacts_stack_and_static_files(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory = make_app(tmp_path / "app")
    out = console()
    result = deploy(inventory, options(), out)

    s3 = boto3.client("s3")
    bucket = result.deployment_bucket
    assert bucket == "pyarc-deploy-123456789012-us-west-2"
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    stored = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert len(function_uploads(result.uploads.uploaded)) == 2
    assert set(result.uploads.uploaded) == stored

    cfn = boto3.client("cloudformation")
    assert cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        if r["LogicalResourceId"]
    }
    lam = boto3.client("lambda")
    code = lam.get_function(FunctionName=resources["GetIndexHTTPLambda"])
    assert code["Configuration"]["Handler"] == "lambda.handler"
    assert code["Configuration"]["Runtime"] == "python3.13"
    artifact_keys = {key.rsplit("/", 1)[1] for key in function_uploads(stored)}
    assert code["Code"]["Location"].rsplit("/", 1)[1] in artifact_keys
    table = boto3.client("dynamodb").describe_table(TableName=resources["NotesTable"])["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ssm = boto3.client("ssm")
    assert (
        ssm.get_parameter(Name=f"/{STACK}/tables/notes")["Parameter"]["Value"] == table["TableName"]
    )

    # moto skips ApiGatewayV2: check the expanded template CloudFormation was given instead
    template_key = next(key for key in stored if "/templates/" in key)
    expanded = json.loads(s3.get_object(Bucket=bucket, Key=template_key)["Body"].read())
    assert "Transform" not in expanded
    types = {r["Type"] for r in expanded["Resources"].values()}
    assert {"AWS::ApiGatewayV2::Api", "AWS::Lambda::Function"} <= types
    assert not any(t.startswith("AWS::Serverless::") for t in types)
    api = next(r for r in expanded["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Api")
    paths = api["Properties"]["Body"]["paths"]
    assert {"/", "/things"} <= set(paths)

    static_bucket = resources["StaticBucket"]
    page = s3.get_object(Bucket=static_bucket, Key="index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert "no-cache" in page["CacheControl"]
    css = s3.head_object(Bucket=static_bucket, Key="css/app.css")
    assert css["ContentType"] == "text/css; charset=utf-8"
    assert result.static is not None and sorted(result.static.uploaded) == [
        "css/app.css",
        "index.html",
    ]
    text = out.export_text()
    assert "Created the deployment bucket" in text
    assert f"CREATE_COMPLETE      AWS::CloudFormation::Stack           {STACK}" in text


def test_second_deploy_without_changes_uploads_nothing(moto_server: str, tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    deploy(inventory, options(), console())
    out = console()
    again = deploy(inventory, options(), out)
    assert again.uploads.uploaded == []
    assert again.static is not None and again.static.uploaded == []
    assert again.stack is not None and again.stack.changed is False
    assert "no infrastructure changes" in out.export_text()


def test_changed_handler_uploads_exactly_one_new_artifact(
    moto_server: str, tmp_path: Path, make_app, write_handler
) -> None:
    inventory = make_app(tmp_path / "app")
    first = deploy(inventory, options(), console())
    write_handler(inventory.function("http:post-things").src, version="2")
    second = deploy(inventory, options(), console())
    new = function_uploads(second.uploads.uploaded)
    assert len(new) == 1
    assert new[0] not in first.uploads.uploaded
    lam = boto3.client("lambda")
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in boto3.client("cloudformation").list_stack_resources(StackName=STACK)[
            "StackResourceSummaries"
        ]
        if r["LogicalResourceId"]
    }
    location = lam.get_function(FunctionName=resources["PostThingsHTTPLambda"])["Code"]["Location"]
    assert location.endswith(new[0])


def test_deploy_prints_the_http_and_wss_urls_from_the_stack_outputs(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    # moto records Outputs only for stacks made by CreateStack, so the stack is created that
    # way first; the deploy then updates it through a change set and prints what it reports.
    inventory = make_app(tmp_path / "app")
    outputs = {
        "API": "https://abc123.execute-api.us-west-2.amazonaws.com",
        "WSS": "wss://def456.execute-api.us-west-2.amazonaws.com/staging",
    }
    seed = {
        "Resources": {
            "Seed": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Name": "/seed", "Type": "String", "Value": "x"},
            }
        },
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(seed))
    out = console()
    result = deploy(inventory, options(), out)
    assert result.outputs == outputs
    text = out.export_text()
    assert f"API: {outputs['API']}" in text
    assert f"WSS: {outputs['WSS']}" in text


def test_tags_reach_the_stack(moto_server: str, tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    deploy(inventory, options(tags={"team": "cage", "cost": "42"}), console())
    stack = boto3.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
    assert {t["Key"]: t["Value"] for t in stack["Tags"]} == {"team": "cage", "cost": "42"}
