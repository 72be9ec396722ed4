"""The app's DynamoDB tables by their logical names (as written under `@tables`)."""

from __future__ import annotations

from typing import Any

from pyarc.functions import clients
from pyarc.functions.discovery import lookup

__all__ = ["client", "name", "table"]


def name(logical: str) -> str:
    """Physical table name, e.g. `data` -> `cage-socket-staging-data` (from SSM discovery)."""
    return lookup("tables", logical)


def table(logical: str) -> Any:
    """A boto3 `dynamodb.Table` resource for the logical table (cached per process)."""
    return clients.resource("dynamodb").Table(name(logical))


def client() -> Any:
    """The low-level boto3 DynamoDB client (for transactions, batch calls, paginators...)."""
    return clients.client("dynamodb")
