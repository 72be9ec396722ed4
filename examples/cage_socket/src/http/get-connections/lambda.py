"""GET /connections: every open connection and where its bird is looking, as JSON.

{"count": 2, "connections": [{"id": "...", "direction": "left", "connectedAt": 1795...}, ...]}
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Key

from pyarc.functions import http, tables

SCOPE = "connection"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    connections = live_connections()
    return http.json({"count": len(connections), "connections": connections})


def live_connections() -> list[dict[str, Any]]:
    """Every stored connection whose TTL has not passed, oldest first."""
    table = tables.table("data")
    query: dict[str, Any] = {"KeyConditionExpression": Key("scopeID").eq(SCOPE)}
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**query)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    now_s = int(time.time())
    connections = [
        {
            "id": item["dataID"],
            "direction": item.get("direction", "center"),
            "connectedAt": _number(item.get("connectedAt")),
        }
        for item in items
        if _number(item.get("ttl")) > now_s
    ]
    return sorted(connections, key=lambda c: (c["connectedAt"], c["id"]))


def _number(value: Any) -> int:
    return int(value) if isinstance(value, int | Decimal) else 0
