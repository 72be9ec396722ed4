"""Fixtures for the cage_socket example: its handlers loaded from their files, an
in-process AWS (moto) holding the app's table and discovery parameters, and a recorder
standing in for the API Gateway Management API."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import pyarc.functions
from pyarc.functions import ws

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cage_socket"
APP = "cage-socket"
TABLE = "cage-socket-staging-data"
STACK = "CageSocketTesting"  # stack_name("cage-socket", "testing")


def load_handler(relative_dir: str) -> ModuleType:
    """Import `examples/cage_socket/src/<relative_dir>/lambda.py` as a fresh module.

    `src` is on `sys.path` meanwhile, so the handler's `from shared.aviary import ...`
    finds `src/shared` as it does in the sandbox and on Lambda.
    """
    path = EXAMPLE / "src" / relative_dir / "lambda.py"
    name = "cage_socket_" + relative_dir.replace("/", "_").replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@dataclass
class Handlers:
    connect: ModuleType
    default: ModuleType
    disconnect: ModuleType
    get_connections: ModuleType
    get_index: ModuleType


@pytest.fixture(scope="session")
def handlers() -> Iterator[Handlers]:
    """The five handlers, sharing one `shared` package (the example's `src/shared`).

    `shared` is a common name, so it leaves `sys.modules` and `src` leaves `sys.path`
    again once the handlers hold what they imported.
    """
    src = str(EXAMPLE / "src")
    sys.path.insert(0, src)
    try:
        loaded = Handlers(
            connect=load_handler("ws/connect"),
            default=load_handler("ws/default"),
            disconnect=load_handler("ws/disconnect"),
            get_connections=load_handler("http/get-connections"),
            get_index=load_handler("http/get-index"),
        )
    finally:
        sys.path.remove(src)
        for name in [m for m in sys.modules if m == "shared" or m.startswith("shared.")]:
            del sys.modules[name]
    yield loaded


@dataclass
class Gateway:
    """Records what handlers send; connections not in `open` are gone, as API Gateway says."""

    open: set[str] = field(default_factory=set)
    frames: dict[str, list[Any]] = field(default_factory=dict)

    def send(self, connection_id: str, payload: Any) -> None:
        if connection_id not in self.open:
            raise ws.GoneError(connection_id)
        self.frames.setdefault(connection_id, []).append(json.loads(json.dumps(payload)))

    def broadcast(self, connection_ids: Any, payload: Any) -> list[str]:
        gone = []
        for connection_id in dict.fromkeys(connection_ids):
            try:
                self.send(connection_id, payload)
            except ws.GoneError:
                gone.append(connection_id)
        return gone

    def take(self, connection_id: str) -> list[Any]:
        """Frames received by `connection_id` since the last take."""
        return self.frames.pop(connection_id, [])


@pytest.fixture(scope="module")
def aws_tables() -> Iterator[Any]:
    """moto in process for the whole module, with the app's `data` table and its SSM
    discovery parameter; yields the boto3 Table resource."""
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as env:
        for key in list(os.environ):
            if key.startswith(("AWS_", "ARC_", "LAMBDA_")):
                env.delenv(key)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_REGION", "us-east-1")
        env.setenv("ARC_APP_NAME", APP)
        env.setenv("ARC_ENV", "testing")
        env.setenv("ARC_WSS_URL", "ws://localhost:3333")
        with mock_aws():
            import boto3

            pyarc.functions.reset()
            dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
            table = dynamodb.create_table(
                TableName=TABLE,
                KeySchema=[
                    {"AttributeName": "scopeID", "KeyType": "HASH"},
                    {"AttributeName": "dataID", "KeyType": "RANGE"},
                ],
                AttributeDefinitions=[
                    {"AttributeName": "scopeID", "AttributeType": "S"},
                    {"AttributeName": "dataID", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            boto3.client("ssm", region_name="us-east-1").put_parameter(
                Name=f"/{STACK}/tables/data", Value=TABLE, Type="String"
            )
            yield table
            pyarc.functions.reset()


@pytest.fixture
def empty_data_table(aws_tables: Any) -> Any:
    """The `data` table, emptied before the test."""
    with aws_tables.batch_writer() as batch:
        for item in aws_tables.scan(ProjectionExpression="scopeID, dataID")["Items"]:
            batch.delete_item(Key=item)
    return aws_tables


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Gateway:
    recorder = Gateway()
    monkeypatch.setattr(ws, "send", recorder.send)
    monkeypatch.setattr(ws, "broadcast", recorder.broadcast)
    return recorder


@pytest.fixture
def make_event() -> Any:
    return ws_event


def ws_event(route_key: str, connection_id: str, body: str | None = None, **extra: Any) -> dict:
    """A WebSocket event as API Gateway sends it (only the fields the handlers read, and more)."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    now_ms = int(time.time() * 1000)
    event: dict[str, Any] = {
        "requestContext": {
            "routeKey": route_key,
            "eventType": event_type,
            "connectionId": connection_id,
            "connectedAt": extra.pop("connected_at", now_ms),
            "requestTimeEpoch": now_ms,
            "domainName": "localhost:3333",
            "stage": "testing",
            "apiId": "pyarcsandbox",
        },
        "isBase64Encoded": extra.pop("is_base64", False),
    }
    if body is not None:
        event["body"] = body
    return event
