"""$default: every message from a tab arrives here.

Messages are JSON text frames:

    {"action": "hello"}
        -> the sender gets {"type": "welcome", "you": <its id>, "connections": [...]},
           everyone else gets {"type": "state", ...} so the newcomer appears.
    {"action": "direction", "direction": "left" | "center" | "right", "ref": "optional"}
        -> that connection's bird turns; everyone gets {"type": "state", ...}.

A state frame is {"type": "state", "cause": {...}, "connections": [{"id", "direction",
"connectedAt"}, ...]}; `cause.ref` echoes the sender's `ref` so a client can match its
own move. Anything else gets {"type": "error", "error": <code>, "message": <sentence>}
sent back to the sender only.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from pyarc.functions import tables, ws

SCOPE = "connection"
DIRECTIONS = ("left", "center", "right")
MAX_MESSAGE_BYTES = 1024
MAX_REF_CHARS = 64
CONNECTION_TTL_S = 2 * 60 * 60
CONNECT_GRACE_MS = 10_000  # a record this young may belong to a handshake still in flight
EXAMPLE = '{"action": "direction", "direction": "left"}'


class BadMessage(Exception):
    """A message this app does not understand; `frame` is what the sender gets back."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.frame = {"type": "error", "error": code, "message": message}


@dataclass(frozen=True)
class Hello:
    ref: str | None = None


@dataclass(frozen=True)
class Turn:
    direction: str
    ref: str | None = None


def parse_message(body: str | None, is_base64: bool = False) -> Hello | Turn:
    """The message in a frame's body, or BadMessage saying what is wrong with it."""
    if is_base64:
        raise BadMessage("binary-frame", f"Send text frames holding JSON such as {EXAMPLE}.")
    if not body:
        raise BadMessage("empty-message", f"The message was empty; send JSON such as {EXAMPLE}.")
    size = len(body.encode())
    if size > MAX_MESSAGE_BYTES:
        raise BadMessage(
            "too-large",
            f"The message was {size} bytes; messages may be at most {MAX_MESSAGE_BYTES} bytes.",
        )
    try:
        message = json.loads(body)
    except ValueError:
        raise BadMessage(
            "invalid-json", f"The message was not JSON; send e.g. {EXAMPLE}."
        ) from None
    if not isinstance(message, dict):
        raise BadMessage("not-an-object", f"The message must be a JSON object such as {EXAMPLE}.")
    ref = message.get("ref")
    if ref is not None and not (isinstance(ref, str) and len(ref) <= MAX_REF_CHARS):
        raise BadMessage(
            "bad-ref", f"`ref` must be a string of at most {MAX_REF_CHARS} characters."
        )
    action = message.get("action")
    if action == "hello":
        return Hello(ref=ref)
    if action == "direction":
        direction = message.get("direction")
        if direction not in DIRECTIONS:
            raise BadMessage(
                "unknown-direction",
                f"Direction {json.dumps(direction)} is not one of left, center or right.",
            )
        return Turn(direction=direction, ref=ref)
    raise BadMessage(
        "unknown-action",
        f'Action {json.dumps(action)} is unknown; use "hello" or "direction".',
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    connection_id = event["requestContext"]["connectionId"]
    try:
        message = parse_message(event.get("body"), bool(event.get("isBase64Encoded")))
    except BadMessage as bad:
        send_quietly(connection_id, bad.frame)
        return {"statusCode": 400}
    if isinstance(message, Turn):
        turn(connection_id, message.direction)
        cause = {"kind": "turn", "id": connection_id, "direction": message.direction}
        broadcast_state({**cause, "ref": message.ref} if message.ref else cause)
    else:
        cause = {"kind": "join", "id": connection_id}
        connections = broadcast_state(cause, exclude=connection_id)
        welcome = {"type": "welcome", "you": connection_id, "connections": connections}
        send_quietly(connection_id, {**welcome, "ref": message.ref} if message.ref else welcome)
    return {"statusCode": 200}


def turn(connection_id: str, direction: str) -> None:
    """Point this connection's bird; recreate its record if it was swept up meanwhile."""
    now_ms = int(time.time() * 1000)
    tables.table("data").update_item(
        Key={"scopeID": SCOPE, "dataID": connection_id},
        UpdateExpression=(
            "SET direction = :direction, connectedAt = if_not_exists(connectedAt, :now), "
            "#ttl = if_not_exists(#ttl, :ttl)"
        ),
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={
            ":direction": direction,
            ":now": now_ms,
            ":ttl": now_ms // 1000 + CONNECTION_TTL_S,
        },
    )


def send_quietly(connection_id: str, frame: dict[str, Any]) -> None:
    """Reply to one connection; a sender that already left needs no answer."""
    with contextlib.suppress(ws.GoneError):
        ws.send(connection_id, frame)


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


def broadcast_state(cause: dict[str, Any], exclude: str | None = None) -> list[dict[str, Any]]:
    """Send the full state to every connection but `exclude`; forget the ones that are gone.

    Returns the connections as they stand after the broadcast.
    """
    connections = live_connections()
    frame = {"type": "state", "cause": cause, "connections": connections}
    gone = ws.broadcast([c["id"] for c in connections if c["id"] != exclude], frame)
    if gone and forget_stale(gone):
        connections = [c for c in connections if c["id"] not in set(gone)]
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


def _number(value: Any) -> int:
    return int(value) if isinstance(value, int | Decimal) else 0
