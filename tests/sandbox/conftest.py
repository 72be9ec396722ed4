"""Apps and clients shared by the sandbox tests (real servers on free ports)."""

from __future__ import annotations

import json
import socket
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyarc.testing import Sandbox, wait_until

MANIFEST = """\
@app
gateway-test

@http
get /
get /things/:id
post /echo
any /api/*
get /status/:code
get /boom
get /crash
get /exit
get /slow
get /leak
get /malformed
get /bodyobject
get /binary
get /cookies
get /env
get /missing

@ws
whoami
broadcast
inspect

@static

@tables
notes
  id *String
"""

ECHO_EVENT = """
import json

def handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps(event)}
"""

HANDLERS: dict[str, str] = {
    "src/http/get-index/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "home"}
    """,
    "src/http/get-things-000id/lambda.py": ECHO_EVENT,
    "src/http/post-echo/lambda.py": ECHO_EVENT,
    "src/http/any-api-catchall/lambda.py": ECHO_EVENT,
    "src/http/get-status-000code/lambda.py": """
        def handler(event, context):
            return {"statusCode": int(event["pathParameters"]["code"]), "body": "custom"}
    """,
    "src/http/get-boom/lambda.py": """
        def handler(event, context):
            raise ValueError("boom from the handler")
    """,
    "src/http/get-crash/lambda.py": """
        import os

        def handler(event, context):
            os._exit(7)
    """,
    "src/http/get-exit/lambda.py": """
        import sys

        def handler(event, context):
            sys.exit(3)
    """,
    "src/http/get-slow/lambda.py": """
        import time

        def handler(event, context):
            time.sleep(30)
            return {"statusCode": 200}
    """,
    "src/http/get-slow/config.arc": "@aws\ntimeout 1\n",
    "src/http/get-leak/lambda.py": """
        LEAK = []

        def handler(event, context):
            LEAK.append(bytearray(80 * 1024 * 1024))
            return {"statusCode": 200, "body": str(len(LEAK))}
    """,
    "src/http/get-leak/config.arc": "@aws\nmemory 160\n",
    "src/http/get-malformed/lambda.py": """
        def handler(event, context):
            return {"statusCode": "not a status", "body": "x"}
    """,
    "src/http/get-bodyobject/lambda.py": """
        def handler(event, context):
            return {"ok": True, "n": 1}
    """,
    "src/http/get-binary/lambda.py": """
        import base64

        def handler(event, context):
            data = bytes(range(256))
            return {"statusCode": 200, "headers": {"content-type": "application/octet-stream"},
                    "isBase64Encoded": True, "body": base64.b64encode(data).decode()}
    """,
    "src/http/get-cookies/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "cookies": ["a=1; Path=/", "b=2; HttpOnly"], "body": "c"}
    """,
    "src/http/get-env/lambda.py": """
        import json, os

        def handler(event, context):
            return {"statusCode": 200, "body": json.dumps(dict(os.environ))}
    """,
    "src/ws/connect/lambda.py": """
        import json, os

        def handler(event, context):
            with open(os.environ["EVENT_LOG"], "a") as log:
                log.write(json.dumps(event) + "\\n")
            query = event.get("queryStringParameters") or {}
            if "crash" in query:
                raise RuntimeError("connect failed")
            if "reject" in query:
                return {"statusCode": int(query["reject"]), "body": "go away"}
            return {"statusCode": 200}
    """,
    "src/ws/default/lambda.py": """
        def handler(event, context):
            prefix = "b64:" if event["isBase64Encoded"] else "echo:"
            return {"statusCode": 200, "body": prefix + event["body"]}
    """,
    "src/ws/disconnect/lambda.py": """
        import json, os

        def handler(event, context):
            with open(os.environ["EVENT_LOG"], "a") as log:
                log.write(json.dumps(event) + "\\n")
            return {"statusCode": 200}
    """,
    "src/ws/whoami/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}
    """,
    "src/ws/inspect/lambda.py": ECHO_EVENT,
    "src/ws/broadcast/lambda.py": """
        import json
        import boto3

        client = boto3.client("apigatewaymanagementapi")

        def handler(event, context):
            body = json.loads(event["body"])
            for connection_id in body["ids"]:
                client.post_to_connection(ConnectionId=connection_id, Data=body["message"].encode())
            return {"statusCode": 200}
    """,
    "public/index.html": "<h1>static home</h1>",
    "public/style.css": "body { color: red }",
    "public/static.json": json.dumps({"style.css": "style-1a2b3c.css"}),
}


def write_app(root: Path, manifest: str, handlers: dict[str, str], env: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.arc").write_text(manifest)
    for relative, text in handlers.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip())
    (root / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return root


class DisconnectLog:
    """The $disconnect handler appends each event it gets to this file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def events(self, event_type: str = "DISCONNECT") -> list[dict]:
        if not self.path.exists():
            return []
        lines = self.path.read_text().splitlines()
        found = [json.loads(line) for line in lines if line.strip()]
        return [e for e in found if e["requestContext"]["eventType"] == event_type]

    def wait_for(
        self, connection_id: str, event_type: str = "DISCONNECT", timeout: float = 15
    ) -> dict:
        def found() -> bool:
            return any(self._matches(e, connection_id) for e in self.events(event_type))

        wait_until(found, timeout, f"{event_type} event for {connection_id}")
        return next(e for e in self.events(event_type) if self._matches(e, connection_id))

    @staticmethod
    def _matches(event: dict, connection_id: str) -> bool:
        return event["requestContext"]["connectionId"] == connection_id


@pytest.fixture(scope="session")
def gateway_app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("gateway")
    log = base / "disconnects.jsonl"
    return write_app(base / "app", MANIFEST, HANDLERS, {"EVENT_LOG": str(log), "GREETING": "hi"})


@pytest.fixture(scope="session")
def disconnects(gateway_app_dir: Path) -> DisconnectLog:
    return DisconnectLog(gateway_app_dir.parent / "disconnects.jsonl")


@pytest.fixture(scope="session")
def sandbox(gateway_app_dir: Path) -> Iterator[Sandbox]:
    with Sandbox(gateway_app_dir, watch=False) as running:
        yield running


def _raw_http(port: int, request_line: str, headers: str = "") -> tuple[int, bytes]:
    """Send a request with an un-normalised path (clients would clean up `..`)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"{request_line}\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


@pytest.fixture
def raw_http():
    """`raw_http(port, "GET /path HTTP/1.1") -> (status, body)`, path sent exactly as given."""
    return _raw_http

from tests.fuzz_app import clients, sb  # noqa: E402, F401  (the fuzz app, for test_fuzz_regressions.py)
