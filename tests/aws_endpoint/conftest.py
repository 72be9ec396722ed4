"""One small app run by the sandbox, reached with plain boto3 through `AWS_ENDPOINT_URL`."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from pyarc.testing import Sandbox

MANIFEST = """\
@app
endpoint-test

@http
get /
post /upload

@static

@tables
notes
  id *String

@queues
jobs

@events
pings
"""

HANDLERS = {
    # a handler using plain boto3: the sandbox's AWS_ENDPOINT_URL is all it needs
    "src/http/post-upload/lambda.py": """
        import json
        import os

        import boto3

        def handler(event, context):
            s3 = boto3.client("s3")
            body = json.loads(event["body"])
            s3.put_object(Bucket=body["bucket"], Key=body["key"], Body=body["text"].encode(),
                          ContentType="text/plain")
            got = s3.get_object(Bucket=body["bucket"], Key=body["key"])
            return {"statusCode": 200, "headers": {"content-type": "application/json"},
                    "body": json.dumps({"read": got["Body"].read().decode(),
                                        "static": os.environ["ARC_STATIC_BUCKET"]})}
    """,
    "src/http/get-index/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "headers": {"content-type": "text/html"},
                    "body": "<!doctype html><title>endpoint</title>"}
    """,
    "src/queues/jobs/lambda.py": """
        def handler(event, context):
            return None
    """,
    "src/events/pings/lambda.py": """
        def handler(event, context):
            return None
    """,
}


def write_app(root: Path) -> Path:
    (root / "app.arc").write_text(MANIFEST)
    (root / "public").mkdir()
    for relative, source in HANDLERS.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    return root


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_app(tmp_path_factory.mktemp("endpoint-app"))


@pytest.fixture(scope="module")
def sandbox(app_dir: Path) -> Iterator[Sandbox]:
    with Sandbox(app_dir, schedules=False) as running:
        yield running


@pytest.fixture(scope="module")
def aws(sandbox: Sandbox, monkeypatch_module: pytest.MonkeyPatch):
    """`aws("s3")`: a plain boto3 client configured only by the sandbox's environment."""
    for name in [n for n in __import__("os").environ if n.startswith("AWS_")]:
        monkeypatch_module.delenv(name)
    for name, value in sandbox.env.items():
        if name.startswith("AWS_") and not name.startswith("AWS_ENDPOINT_URL_"):
            monkeypatch_module.setenv(name, value)  # AWS_ENDPOINT_URL alone points the way

    def client(service: str, **config: object):
        return boto3.client(service, config=Config(retries={"max_attempts": 1}, **config))

    return client


@pytest.fixture(scope="module")
def s3(aws):
    return aws("s3")


def create_bucket(s3, sandbox: Sandbox, name: str) -> str:
    """A bucket in the sandbox's region (as a handler's boto3 would create it)."""
    region = sandbox.inventory.aws.region
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return name


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch
