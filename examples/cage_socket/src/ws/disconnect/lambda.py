"""$disconnect: forget the connection and show everyone the aviary without it."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from pyarc.functions import tables, ws

SCOPE = "connection"
CONNECT_GRACE_MS = 10_000  # a record this young may belong to a handshake still in flight


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    connection_id = event["requestContext"]["connectionId"]
    tables.table("data").delete_item(Key={"scopeID": SCOPE, "dataID": connection_id})
    broadcast_state({"kind": "leave", "id": connection_id})
    return {"statusCode": 200}


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


def broadcast_state(cause: dict[str, Any]) -> None:
    """Send the full state to every connection; forget the ones that are gone."""
    connections = live_connections()
    frame = {"type": "state", "cause": cause, "connections": connections}
    gone = ws.broadcast([c["id"] for c in connections], frame)
    if gone and forget_stale(gone):
        remaining = [c for c in connections if c["id"] not in set(gone)]
        ws.broadcast([c["id"] for c in remaining], {**frame, "connections": remaining})


def forget_stale(connection_ids: list[str]) -> int:
    """Delete records of gone connections older than the grace period; return how many."""
    table = tables.table("data")
    cutoff_ms = int(time.time() * 1000) - CONNECT_GRACE_MS
    dropped = 0
    for connection_id in connection_ids:
        try:
            table.delete_item(
                Key={"scopeID": SCOPE, "dataID": connection_id},
                ConditionExpression=Attr("connectedAt").lt(cutoff_ms),
            )
            dropped += 1
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            pass  # young record: its handshake may not have finished yet
    return dropped


def _number(value: Any) -> int:
    return int(value) if isinstance(value, int | Decimal) else 0
