"""`pyarc tables`: run the DynamoDB-compatible endpoint alone, or look inside a running one.

pyarc tables serve [--port 5555] [--persist DIR] [--cwd DIR]
pyarc tables ls [--endpoint URL]
pyarc tables scan NAME [--endpoint URL] [--limit N]
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from pyarc.errors import PyarcError

MANIFESTS = ("app.arc", ".arc", "arc.json", "arc.yaml", "arc.yml")


def default_port() -> int:
    value = os.environ.get("ARC_TABLES_PORT", "5555")
    try:
        return int(value)
    except ValueError:
        raise PyarcError(f"ARC_TABLES_PORT must be a port number, not '{value}'.") from None


def _client(endpoint: str | None) -> Any:
    import boto3
    from botocore.config import Config

    url = endpoint or f"http://localhost:{default_port()}"
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name=os.environ.get("AWS_REGION", "us-west-2"),
        aws_access_key_id="pyarc",
        aws_secret_access_key="pyarc",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=30),
    )


def _call(endpoint: str | None, operation: str, **kwargs: Any) -> dict[str, Any]:
    from botocore.exceptions import ClientError, EndpointConnectionError

    client = _client(endpoint)
    try:
        return getattr(client, operation)(**kwargs)
    except EndpointConnectionError:
        raise PyarcError(
            f"No tables endpoint answers at {client.meta.endpoint_url}; start `pyarc sandbox` "
            "or `pyarc tables serve`, or pass --endpoint."
        ) from None
    except ClientError as exc:
        error = exc.response["Error"]
        raise PyarcError(f"{error.get('Code')}: {error.get('Message')}") from None


def _say_whose(endpoint: str | None) -> None:
    """Name the app whose sandbox serves the endpoint; refuse another app's sandbox when run
    in an app directory. A bare `pyarc tables serve` has no identity and is used as it is."""
    from urllib.parse import urlsplit

    from rich.console import Console
    from rich.markup import escape

    from pyarc.manifest.discovery import find_manifest
    from pyarc.sandbox.local_api import ask_identity, require_same_app

    url = urlsplit(_client(endpoint).meta.endpoint_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    if url.hostname not in ("localhost", "127.0.0.1", "::1"):
        return
    identity = ask_identity(url.hostname, port)
    if identity is None:
        return
    here = Path.cwd()
    if find_manifest(here) is not None:
        require_same_app(identity, here, port, "--endpoint (the sandbox's --tables-port)")
    Console(stderr=True).print(
        f"[dim]Tables of the sandbox of {escape(identity.describe())} on port {port}[/]",
        highlight=False,
    )


def _table_names(endpoint: str | None) -> list[str]:
    names: list[str] = []
    start: dict[str, Any] = {}
    while True:
        page = _call(endpoint, "list_tables", **start)
        names += page["TableNames"]
        if "LastEvaluatedTableName" not in page:
            return names
        start = {"ExclusiveStartTableName": page["LastEvaluatedTableName"]}


@click.group(name="tables")
def command() -> None:
    """The DynamoDB-compatible tables endpoint."""


@command.command()
@click.option("--port", type=int, default=None, help="Port (default: ARC_TABLES_PORT or 5555).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--persist",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep table data in DIR across restarts.",
)
@click.option(
    "--cwd",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="App directory: its @tables are created and sandbox-seed.json loaded, if present.",
)
def serve(port: int | None, host: str, persist: Path | None, cwd: Path) -> None:
    """Run the tables endpoint on its own."""
    from pyarc.tables.engine import Engine
    from pyarc.tables.server import serve as run
    from pyarc.tables.service import TablesService

    engine = Engine(persist)
    if any((cwd / name).is_file() for name in MANIFESTS):
        from pyarc.commands.options import load_app
        from pyarc.sandbox.tables import ensure_tables, load_seed

        inventory = load_app(cwd.resolve())
        created = ensure_tables(engine, inventory)
        seeded = load_seed(engine, inventory)
        click.echo(f"tables: {', '.join(created) or 'none'}; {seeded} seed item(s) loaded")
    port = port or default_port()
    click.echo(f"pyarc tables listening on http://{host}:{port}")
    try:
        asyncio.run(run(TablesService(engine), host, port))
    except KeyboardInterrupt:
        pass
    finally:
        engine.close()


@command.command(name="ls", short_help="List tables with their keys and item counts.")
@click.option("--endpoint", default=None, help="Endpoint URL (default: http://localhost:5555).")
def list_tables(endpoint: str | None) -> None:
    """List the tables of a running sandbox with their keys and item counts."""
    from rich.console import Console
    from rich.table import Table

    _say_whose(endpoint)
    names = _table_names(endpoint)
    if not names:
        url = _client(endpoint).meta.endpoint_url
        Console().print(f"No tables at {url}.", highlight=False)
        return
    view = Table(title="tables")
    view.add_column("name", no_wrap=True)  # the name `scan` takes: never cut short
    for column in ("keys", "indexes", "items", "ttl", "stream"):
        view.add_column(column, overflow="fold")
    for name in names:
        info = _call(endpoint, "describe_table", TableName=name)["Table"]
        ttl = _call(endpoint, "describe_time_to_live", TableName=name)["TimeToLiveDescription"]
        keys = ", ".join(
            f"{k['AttributeName']} ({k['KeyType'].lower()})" for k in info["KeySchema"]
        )
        indexes = ", ".join(
            i["IndexName"]
            for i in info.get("GlobalSecondaryIndexes", []) + info.get("LocalSecondaryIndexes", [])
        )
        view.add_row(
            name,
            keys,
            indexes or "-",
            str(info["ItemCount"]),
            ttl.get("AttributeName", "-"),
            info.get("StreamSpecification", {}).get("StreamViewType", "-"),
        )
    Console().print(view)


@command.command(name="scan")
@click.argument("name")
@click.option("--endpoint", default=None, help="Endpoint URL (default: http://localhost:5555).")
@click.option("--limit", type=int, default=100, show_default=True, help="At most N items.")
def scan_table(name: str, endpoint: str | None, limit: int) -> None:
    """Print the items of table NAME."""
    from boto3.dynamodb.types import TypeDeserializer
    from rich.console import Console
    from rich.table import Table

    deserialize = TypeDeserializer().deserialize
    _say_whose(endpoint)
    name = resolve_table_name(endpoint, name)
    items: list[dict[str, Any]] = []
    start: dict[str, Any] = {}
    while len(items) < limit:
        page = _call(endpoint, "scan", TableName=name, Limit=min(limit - len(items), 1000), **start)
        items += [{k: deserialize(v) for k, v in item.items()} for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    info = _call(endpoint, "describe_table", TableName=name)["Table"]
    keys = [k["AttributeName"] for k in info["KeySchema"]]
    columns = keys + sorted({k for item in items for k in item} - set(keys))
    view = Table(title=f"{name} ({len(items)} item(s) shown of {info['ItemCount']})")
    for column in columns:
        view.add_column(column, overflow="fold")
    for item in items:
        view.add_row(*[_cell(item.get(c)) for c in columns])
    Console().print(view)


def resolve_table_name(endpoint: str | None, name: str) -> str:
    """`name` as the endpoint knows it: a manifest name such as `data` means
    `<app>-staging-data` (as in the sandbox); an unknown name is a PyarcError listing the tables."""
    names = _table_names(endpoint)
    if name in names:
        return name
    staging = [n for n in names if n.endswith(f"-staging-{name}")]
    if len(staging) == 1:
        return staging[0]
    url = _client(endpoint).meta.endpoint_url
    if not names:
        raise PyarcError(
            f"ResourceNotFoundException: the endpoint at {url} has no tables, "
            f"so there is no {name!r} to scan."
        )
    raise PyarcError(
        f"ResourceNotFoundException: there is no table {name!r} at {url}; "
        f"use one of {', '.join(names)}."
    )


def _plain(value: Any) -> Any:
    """DynamoDB values as JSON-friendly Python: Decimal -> int/float, set -> sorted list."""
    from boto3.dynamodb.types import Binary

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Binary):
        value = value.value
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()  # as DynamoDB JSON shows binary
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    value = _plain(value)
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, default=str)
