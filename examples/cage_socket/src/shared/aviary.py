"""The aviary: one record per open connection in the `data` table, and the state frame
every tab receives when a bird arrives, turns or leaves.

A record lives under scopeID "connection", dataID = the connection id, with `direction`,
`connectedAt` (epoch ms) and a `ttl` two hours ahead (API Gateway's own connection limit)
so DynamoDB sweeps it up even if `$disconnect` never runs. Once the tab has said hello it
also holds the bird's `colour` (an index into client.js's PALETTE), `name` and the `tab`
id the browser tab keeps in sessionStorage (never sent to other tabs).
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from pyarc.functions import tables, ws

SCOPE = "connection"
CONNECTION_TTL_S = 2 * 60 * 60  # API Gateway closes every WebSocket after 2 hours
CONNECT_GRACE_MS = 10_000  # a record this young may belong to a handshake still in flight
COLOURS = 8  # len(PALETTE) in public/client.js
NAMES = (
    "Pip", "Juno", "Kiwi", "Mango", "Biscuit", "Pepper", "Tango", "Olive",
    "Noodle", "Sunny", "Ziggy", "Maple", "Poppy", "Rio", "Basil", "Clementine",
)


def live_connections(with_tabs: bool = False) -> list[dict[str, Any]]:
    """Every stored connection whose TTL has not passed, oldest first (`with_tabs`: with
    each one's `tab` id too, for choosing a bird; frames never carry it)."""
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
            "colour": _number(item["colour"]) if "colour" in item else None,
            "name": item.get("name"),
            **({"tab": item.get("tab")} if with_tabs else {}),
        }
        for item in items
        if _number(item.get("ttl")) > now_s
    ]
    return sorted(connections, key=lambda c: (c["connectedAt"], c["id"]))


def broadcast_state(cause: dict[str, Any], exclude: str | None = None) -> list[dict[str, Any]]:
    """Send the full state to every connection but `exclude` with `ws.broadcast`; forget
    the ones that are gone and send the state again without them.

    Returns the connections as they stand after the broadcast.
    """
    connections = live_connections()
    frame = {"type": "state", "cause": cause, "connections": connections}
    gone = ws.broadcast([c["id"] for c in connections if c["id"] != exclude], frame)
    if gone and forget_stale(gone):
        left = set(gone)
        connections = [c for c in connections if c["id"] not in left]
        frame = {**frame, "connections": connections}
        ws.broadcast([c["id"] for c in connections if c["id"] != exclude], frame)
    return connections


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


def choose_bird(
    me: str,
    connections: list[dict[str, Any]],
    colour: int | None,
    name: str | None,
    tab: str | None = None,
) -> tuple[int, str]:
    """The colour and name for connection `me`: the ones it asks for (what its tab had before
    a reconnect) when no other tab's bird has them, else the first free ones; once every
    colour (or name) is taken, the least used. Connections of the same `tab` (its previous
    socket, not yet gone) do not count as others."""
    others = [c for c in connections if c["id"] != me and not (tab and c.get("tab") == tab)]
    colours = [c["colour"] for c in others if c.get("colour") is not None]
    names = [c["name"] for c in others if c.get("name")]
    if colour is None or colour in colours:
        colour = min(range(COLOURS), key=lambda option: (colours.count(option), option))
    if name is None or name in names:
        name = min(NAMES, key=lambda option: (names.count(option), NAMES.index(option)))
    return colour, name


def _number(value: Any) -> int:
    return int(value) if isinstance(value, int | Decimal) else 0
