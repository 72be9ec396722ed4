"""The one endpoint: each SigV4 service reaches its app; others the fallback or a refusal."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from botocore.exceptions import ClientError

from pyarc.sandbox.aws_endpoint import AwsEndpoint, signing_service


def test_every_client_reaches_the_sandbox_through_aws_endpoint_url(sandbox, aws) -> None:
    assert sandbox.env["AWS_ENDPOINT_URL"] == sandbox.tables_url
    tables = aws("dynamodb").list_tables()["TableNames"]
    assert "endpoint-test-staging-notes" in tables
    stack = "/EndpointTestTesting"
    found = aws("ssm").get_parameters_by_path(Path=stack, Recursive=True)["Parameters"]
    assert f"{stack}/tables/notes" in {p["Name"] for p in found}
    values = {p["Name"]: p["Value"] for p in found}
    queue = values[f"{stack}/queues/jobs"]
    assert aws("sqs").send_message(QueueUrl=queue, MessageBody="hi", MessageGroupId="g")["MessageId"]
    topic = values[f"{stack}/events/pings"]
    assert aws("sns").publish(TopicArn=topic, Message="hi")["MessageId"]


def test_the_management_api_answers_as_execute_api(sandbox, aws) -> None:
    client = aws("apigatewaymanagementapi")
    with pytest.raises(ClientError) as caught:
        client.get_connection(ConnectionId="nobody")
    assert caught.value.response["Error"]["Code"] == "GoneException"


def _scope(headers: dict[str, str], query: str = "") -> dict:
    return {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "query_string": query.encode(),
    }


def test_the_service_comes_from_the_credential_scope() -> None:
    signed = "AWS4-HMAC-SHA256 Credential=AK/20260101/us-west-2/states/aws4_request, Signed"
    assert signing_service(_scope({"Authorization": signed})) == "states"
    presigned = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
    assert signing_service(_scope({}, presigned)) == "s3"
    assert signing_service(_scope({"Authorization": "AWS AK:sig"})) == "s3"
    assert signing_service(_scope({})) is None


def _call(endpoint: AwsEndpoint, service: str, **headers: str) -> httpx.Response:
    auth = f"AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/{service}/aws4_request, S=x"
    transport = httpx.ASGITransport(app=endpoint)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://aws") as client:
            return await client.post("/", headers={"authorization": auth, **headers}, content=b"{}")

    return asyncio.run(go())


def test_an_unserved_service_goes_to_the_fallback_then_to_a_refusal() -> None:
    async def moto_like(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"from the fallback"})

    asked: list[str] = []

    def fallback(service: str):
        asked.append(service)
        return moto_like if service == "secretsmanager" else None

    endpoint = AwsEndpoint({}, fallback=fallback)
    assert _call(endpoint, "secretsmanager").text == "from the fallback"
    refused = _call(endpoint, "frobnicator", **{"x-amz-target": "Frob.Do"})
    assert refused.status_code == 501
    assert "'frobnicator'" in refused.json()["message"] and "pyarc[aws]" in refused.json()["message"]
    _call(endpoint, "frobnicator")
    assert asked == ["secretsmanager", "frobnicator"]  # decided once per service


def test_a_refusal_reaches_boto3_as_a_client_error_naming_the_service(aws) -> None:
    # `cloudsearch` (query protocol) is one neither pyarc nor moto serves
    with pytest.raises(ClientError) as caught:
        aws("cloudsearch").describe_domains()
    error = caught.value.response["Error"]
    assert error["Code"] == "NotImplemented" and "'cloudsearch'" in error["Message"]


def test_print_env_gives_a_shell_the_endpoint(tmp_path) -> None:
    import shlex

    from click.testing import CliRunner

    from pyarc.cli import cli
    from tests.aws_endpoint.conftest import write_app

    app = write_app(tmp_path)
    result = CliRunner().invoke(cli, ["sandbox", "--cwd", str(app), "--print-env", "--tables-port", "5600"])
    assert result.exit_code == 0, result.output
    exported = dict(shlex.split(line)[1].split("=", 1) for line in result.output.splitlines())
    assert exported["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5600"
    assert exported["AWS_ACCESS_KEY_ID"] and exported["AWS_REGION"]
