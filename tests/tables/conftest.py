"""A real tables endpoint (uvicorn on a free port) shared by the tests, reset per test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pyarc.tables.engine import Engine
from pyarc.tables.server import uvicorn_server
from pyarc.tables.service import TablesService
from pyarc.testing import free_port, wait_for_port

CREDENTIALS = {
    "region_name": "us-west-2",
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
}


@dataclass
class RunningTables:
    engine: Engine
    service: TablesService
    url: str


def start_tables(engine: Engine, ttl_interval: float = 0.05) -> tuple[RunningTables, Any]:
    """Start uvicorn + TTL sweeper in a thread; return the handle and a stop function."""
    service = TablesService(engine, ttl_interval=ttl_interval)
    port = free_port()
    server = uvicorn_server(service, "127.0.0.1", port)

    async def main() -> None:
        sweeper = asyncio.create_task(service.run_background())
        try:
            await server.serve()
        finally:
            sweeper.cancel()

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    wait_for_port(port)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return RunningTables(engine, service, f"http://127.0.0.1:{port}"), stop


def make_client(url: str, resource: bool = False) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    factory = boto3.resource if resource else boto3.client
    return factory("dynamodb", endpoint_url=url, config=config, **CREDENTIALS)


@pytest.fixture(scope="session")
def tables_server() -> Iterator[RunningTables]:
    running, stop = start_tables(Engine())
    yield running
    stop()


@pytest.fixture(scope="session")
def _session_client(tables_server: RunningTables) -> Any:
    return make_client(tables_server.url)


@pytest.fixture(scope="session")
def _session_resource(tables_server: RunningTables) -> Any:
    return make_client(tables_server.url, resource=True)


@pytest.fixture
def engine(tables_server: RunningTables) -> Engine:
    tables_server.engine.reset()
    return tables_server.engine


@pytest.fixture
def ddb(engine: Engine, _session_client: Any) -> Any:
    """A boto3 DynamoDB client on a freshly reset endpoint."""
    return _session_client


@pytest.fixture
def ddb_resource(engine: Engine, _session_resource: Any) -> Any:
    return _session_resource


def create_table(
    client: Any,
    name: str = "things",
    hash_key: tuple[str, str] = ("pk", "S"),
    range_key: tuple[str, str] | None = ("sk", "S"),
    **extra: Any,
) -> None:
    keys = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    definitions = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
    if range_key:
        keys.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    for definition in extra.pop("more_definitions", []):
        definitions.append({"AttributeName": definition[0], "AttributeType": definition[1]})
    client.create_table(
        TableName=name,
        KeySchema=keys,
        AttributeDefinitions=definitions,
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


@pytest.fixture
def things(ddb: Any) -> str:
    """A `things` table keyed by pk (S) + sk (S)."""
    create_table(ddb)
    return "things"


def error_of(excinfo: Any) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def make_table(ddb: Any) -> Any:
    """`make_table(name, hash_key=("pk","S"), range_key=("sk","S"), **CreateTable extras)`."""

    def make(name: str, *args: Any, **kwargs: Any) -> str:
        create_table(ddb, name, *args, **kwargs)
        return name

    return make


@pytest.fixture
def err() -> Any:
    """`err(excinfo) -> (code, message)` of a botocore ClientError."""
    return error_of


@pytest.fixture
def serve_engine() -> Iterator[Any]:
    """`serve_engine(engine) -> (RunningTables, stop)`; anything left running is stopped."""
    stops: list[Any] = []

    def serve(engine: Engine, ttl_interval: float = 0.05) -> tuple[RunningTables, Any]:
        running, stop = start_tables(engine, ttl_interval)
        stops.append(stop)
        return running, stop

    yield serve
    for stop in stops:
        stop()


@pytest.fixture
def client_for() -> Any:
    """`client_for(url)`: a boto3 DynamoDB client for another endpoint."""
    return make_client

from tests.fuzz_app import clients, sb  # noqa: E402, F401  (the fuzz app, for test_fuzz_regressions.py)
