"""Services pyarc does not emulate: moto's backends with `pyarc[aws]`, a clear 501 without.

Plain boto3 in a handler and in the test process, configured only by the sandbox's
environment (`AWS_ENDPOINT_URL`). The refusal is checked in a child interpreter where moto
cannot be imported at all, as on a default install.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from rich.text import Text

from pyarc.sandbox.aws_endpoint.refusal import cbor_text_map
from pyarc.sandbox.banner import banner_lines
from pyarc.sandbox.config import ACCOUNT_ID
from pyarc.testing import Sandbox

MANIFEST = """\
@app
moto-test

@http
post /secret
"""

# Reads one secret and writes another, with nothing but boto3 and the sandbox's environment.
HANDLER = """
import asyncio
import json

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def handler(event, context):
    body = json.loads(event["body"])
    secrets = boto3.client("secretsmanager", config=Config(retries={"max_attempts": 1}))
    try:
        read = secrets.get_secret_value(SecretId=body["read"])["SecretString"]
        made = secrets.create_secret(Name=body["write"], SecretString=body["value"])["ARN"]
    except ClientError as error:
        answer = {"error": error.response["Error"],
                  "attempts": error.response["ResponseMetadata"]["RetryAttempts"]}
    else:
        answer = {"read": read, "arn": made}
    return {"statusCode": 200, "body": json.dumps(answer)}
"""


def write_app(root: Path) -> Path:
    (root / "app.arc").write_text(MANIFEST)
    handler = root / "src/http/post-secret/lambda.py"
    handler.parent.mkdir(parents=True)
    handler.write_text(HANDLER.lstrip())
    return root


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_app(tmp_path_factory.mktemp("moto-app"))


def client(sandbox: Sandbox, service: str):
    """A boto3 client configured as a handler's: the sandbox's variables, one attempt."""
    endpoint = sandbox.env["AWS_ENDPOINT_URL"]  # the one endpoint, for every service
    return sandbox.client(service, endpoint, config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def sandbox(app_dir: Path) -> Iterator[Sandbox]:
    with Sandbox(app_dir, schedules=False, watch=False) as running:
        yield running


def test_a_secrets_manager_round_trip_from_the_test_process_and_a_handler(sandbox) -> None:
    secrets = client(sandbox, "secretsmanager")
    made = secrets.create_secret(Name="db/password", SecretString="from the test")
    assert made["ARN"].startswith(f"arn:aws:secretsmanager:{sandbox.env['AWS_REGION']}:{ACCOUNT_ID}:")

    reply = httpx.post(
        sandbox.url + "/secret",
        json={"read": "db/password", "write": "api/key", "value": "from the handler"},
        timeout=30,
    ).json()
    assert reply["read"] == "from the test"
    assert f":{ACCOUNT_ID}:secret:api/key" in reply["arn"]
    assert secrets.get_secret_value(SecretId="api/key")["SecretString"] == "from the handler"
    names = {s["Name"] for s in secrets.list_secrets()["SecretList"]}
    assert names == {"db/password", "api/key"}


def test_moto_state_ends_with_the_sandbox_run(app_dir: Path) -> None:
    with Sandbox(app_dir, schedules=False, watch=False) as first:
        client(first, "secretsmanager").create_secret(Name="kept?", SecretString="x")
        kms = client(first, "kms")
        assert kms.create_key()["KeyMetadata"]["AWSAccountId"] == ACCOUNT_ID
    with Sandbox(app_dir, schedules=False, watch=False) as second:
        assert client(second, "secretsmanager").list_secrets()["SecretList"] == []
        assert client(second, "kms").list_keys()["Keys"] == []


def test_ses_kms_and_step_functions_are_served_by_moto(sandbox) -> None:
    ses = client(sandbox, "ses")  # query protocol, signed `ses`, at AWS's host `email.`
    ses.verify_email_identity(EmailAddress="me@example.com")
    assert ses.list_identities()["Identities"] == ["me@example.com"]
    sesv2 = client(sandbox, "sesv2")  # REST-JSON under /v2/, the same signing name
    assert sesv2.get_email_identity(EmailIdentity="me@example.com")["IdentityType"] == "EMAIL_ADDRESS"

    kms = client(sandbox, "kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    sealed = kms.encrypt(KeyId=key, Plaintext=b"hush")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"hush"

    states = client(sandbox, "stepfunctions")  # signs as `states`
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
    machine = states.create_state_machine(
        name="flow",
        definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/flow",
    )["stateMachineArn"]
    assert f":{ACCOUNT_ID}:stateMachine:flow" in machine
    assert states.start_execution(stateMachineArn=machine)["executionArn"]


def test_the_banner_says_who_serves_what(sandbox) -> None:
    served = sandbox.server.aws_served()
    lines = banner_lines(sandbox.server.inventory, sandbox.server.ports, "127.0.0.1", 1.0, aws=served)
    text = "\n".join(Text.from_markup(line).plain for line in lines)
    assert f"AWS endpoint {sandbox.env['AWS_ENDPOINT_URL'].replace('127.0.0.1', 'localhost')}" in text
    assert {"dynamodb", "sns", "sqs", "ssm", "execute-api"} <= set(served.by_pyarc)
    assert re.search(r"pyarc\s+" + re.escape(", ".join(served.by_pyarc)) + "\n", text)
    assert re.search(r"moto\s+any other service moto has: secretsmanager", text)
    assert "refused" not in text


def test_a_service_moto_lacks_is_refused_naming_it_at_once(sandbox) -> None:
    with pytest.raises(ClientError) as caught:
        client(sandbox, "cloudsearch").describe_domains()  # neither pyarc nor moto has it
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["ResponseMetadata"]["RetryAttempts"] == 0
    assert error["Error"]["Code"] == "NotImplemented"
    assert "'cloudsearch'" in error["Error"]["Message"]
    assert "neither pyarc nor moto" in error["Error"]["Message"]


def test_an_operation_moto_lacks_is_refused_naming_it(sandbox) -> None:
    # moto has Secrets Manager but not every operation of it
    with pytest.raises(ClientError) as caught:
        client(sandbox, "secretsmanager").validate_resource_policy(ResourcePolicy="{}")
    error = caught.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert "moto serves it but not this call" in error["Message"]


# The child: moto cannot be imported (as on `pip install pyarc`), the sandbox runs, and the
# test process and a handler each call Secrets Manager; it prints what they got.
WITHOUT_MOTO = """
import json, sys
sys.modules["moto"] = None  # `import moto` and `import moto.x` raise ModuleNotFoundError

import boto3
import httpx
from botocore.config import Config
from botocore.exceptions import ClientError

from pyarc.sandbox.banner import banner_lines
from pyarc.testing import Sandbox

def error_of(call):
    try:
        call()
    except ClientError as error:
        return {"error": error.response["Error"],
                "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
                "attempts": error.response["ResponseMetadata"]["RetryAttempts"]}
    return {"error": None}

with Sandbox(sys.argv[1], schedules=False, watch=False) as sb:
    env = sb.env
    def client(service):
        return boto3.client(service, endpoint_url=env["AWS_ENDPOINT_URL"],
                            region_name=env["AWS_REGION"],
                            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                            config=Config(retries={"max_attempts": 3}))
    found = {
        "test process": error_of(lambda: client("secretsmanager").get_secret_value(SecretId="x")),
        "handler": httpx.post(sb.url + "/secret", timeout=30,
                              json={"read": "x", "write": "y", "value": "z"}).json(),
        "lambda": error_of(lambda: client("lambda").list_functions()),
        "cloudwatch": error_of(lambda: client("cloudwatch").list_metrics()),
        "ec2": error_of(lambda: client("ec2").describe_instances()),
        "banner": banner_lines(sb.server.inventory, sb.server.ports, "127.0.0.1", 1.0,
                               aws=sb.server.aws_served()),
        "moto imported": [name for name in sys.modules if name.split(".")[0] == "moto"
                          and sys.modules[name] is not None],
    }
print(json.dumps(found))
"""


def test_without_moto_every_other_service_is_refused_naming_the_extra(app_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_MOTO, str(app_dir)],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["moto imported"] == []
    banner = "\n".join(Text.from_markup(line).plain for line in found["banner"])
    assert re.search(r"refused\s+any other service; pip install 'pyarc\[aws\]'", banner)
    assert "moto has" not in banner
    for side in ("test process", "handler"):
        error = found[side]["error"]
        assert error["Code"] == "NotImplemented", side
        assert "'secretsmanager'" in error["Message"] and "pip install 'pyarc[aws]'" in error["Message"]
        assert found[side]["attempts"] == 0, side  # 501: no SDK retries it
    assert found["test process"]["status"] == 501
    # REST-JSON (a GET with no body), Smithy CBOR and EC2 clients read the message too
    for service in ("lambda", "cloudwatch", "ec2"):
        error = found[service]["error"]
        assert error["Code"] == "NotImplemented", service
        assert f"'{service if service != 'cloudwatch' else 'monitoring'}'" in error["Message"]


def test_the_cbor_error_body_is_rfc_8949() -> None:
    # a 24-byte text needs the one-byte length form (0x78), a 3-byte one the short form
    encoded = cbor_text_map({"__type": "NotImplemented", "message": "x" * 24})
    assert encoded[:1] == b"\xa2"
    assert encoded[1:8] == b"\x66__type"
    assert encoded.endswith(b"\x67message\x78\x18" + b"x" * 24)


def test_moto_answers_in_the_request_s_region_and_the_run_s_account() -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from pyarc.sandbox.aws_endpoint.moto_services import MotoServices

    moto = MotoServices(account_id="111122223333")
    request = AWSRequest(
        "POST",
        "http://aws/",
        data=json.dumps({"Name": "scoped", "SecretString": "v"}),
        headers={
            "X-Amz-Target": "secretsmanager.CreateSecret",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    SigV4Auth(Credentials("AK", "SK"), "secretsmanager", "eu-west-2").add_auth(request)

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=moto("secretsmanager"))
        async with httpx.AsyncClient(transport=transport, base_url="http://aws") as http:
            return await http.post("/", headers=dict(request.headers), content=request.body)

    try:
        answer = asyncio.run(send())
    finally:
        moto.reset()
    assert answer.status_code == 200, answer.text
    assert answer.json()["ARN"].startswith("arn:aws:secretsmanager:eu-west-2:111122223333:secret:scoped")


def test_a_moto_that_does_not_import_is_refused_not_a_500(monkeypatch) -> None:
    from pyarc.sandbox.aws_endpoint.moto_services import MotoServices

    monkeypatch.setitem(sys.modules, "moto.backend_index", None)  # installed, but broken
    app = MotoServices()("kms")
    auth = "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/kms/aws4_request, S=x"

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://aws") as http:
            headers = {"authorization": auth, "x-amz-target": "TrentService.ListKeys"}
            return await http.post("/", headers=headers, content=b"{}")

    answer = asyncio.run(send())
    assert answer.status_code == 501
    assert "moto is installed but does not import" in answer.json()["message"]
    assert "'kms'" in answer.json()["message"]


LAZY_MOTO = """
import json, sys
import boto3
from pyarc.testing import Sandbox

def moto_loaded():
    return any(name.split(".")[0] == "moto" for name in sys.modules)

with Sandbox(sys.argv[1], schedules=False, watch=False) as sb:
    at_start = moto_loaded()
    env = sb.env
    kms = boto3.client("kms", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"],
                       aws_access_key_id="x", aws_secret_access_key="x")
    keys = kms.list_keys()["Keys"]
print(json.dumps({"at start": at_start, "after a call": moto_loaded(), "keys": keys}))
"""


def test_moto_is_imported_on_the_first_call_it_serves_not_at_start(app_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    done = subprocess.run(
        [sys.executable, "-c", LAZY_MOTO, str(app_dir)],
        capture_output=True, text=True, timeout=90, env=env,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found == {"at start": False, "after a call": True, "keys": []}
