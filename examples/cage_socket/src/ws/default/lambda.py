"""$default: every message from a tab arrives here.

Messages are JSON text frames:

    {"action": "hello", "tab": "<id>", "colour": 3, "name": "Kiwi"}   (all optional)
        -> the connection gets a colour and a name: the ones asked for (what the tab had
           before a reconnect) unless another bird has them, else free ones (distinct
           while there are colours left; the tab's own earlier connections do not count);
           an unknown colour or name is simply not honoured.
           The sender gets {"type": "welcome", "you": <its id>, "connections": [...]},
           everyone else gets {"type": "state", ...} so the newcomer appears.
    {"action": "direction", "direction": "left" | "center" | "right", "ref": "optional"}
        -> that connection's bird turns; everyone gets {"type": "state", ...}.

A state frame is {"type": "state", "cause": {...}, "connections": [{"id", "direction",
"connectedAt", "colour", "name"}, ...]}; `cause.ref` echoes the sender's `ref` so a client can match its
own move. Anything else gets {"type": "error", "error": <code>, "message": <sentence>}
sent back to the sender only.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from shared.aviary import (
    COLOURS,
    CONNECTION_TTL_S,
    NAMES,
    SCOPE,
    broadcast_state,
    choose_bird,
    live_connections,
)

from pyarc.functions import tables, ws

DIRECTIONS = ("left", "center", "right")
MAX_MESSAGE_BYTES = 1024
MAX_REF_CHARS = 64
TAB_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
EXAMPLE = '{"action": "direction", "direction": "left"}'


class BadMessage(Exception):
    """A message this app does not understand; `frame` is what the sender gets back."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.frame = {"type": "error", "error": code, "message": message}


@dataclass(frozen=True)
class Hello:
    ref: str | None = None
    colour: int | None = None  # asked for by a reconnecting tab
    name: str | None = None
    tab: str | None = None  # the browser tab's own id (sessionStorage)


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
        colour, name, tab = message.get("colour"), message.get("name"), message.get("tab")
        valid_colour = type(colour) is int and 0 <= colour < COLOURS
        return Hello(
            ref=ref,
            colour=colour if valid_colour else None,
            name=name if name in NAMES else None,
            tab=tab if isinstance(tab, str) and TAB_ID.match(tab) else None,
        )
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
        colour, name = choose_bird(
            connection_id, live_connections(with_tabs=True), message.colour, message.name,
            message.tab,
        )
        dress(connection_id, colour, name, message.tab)
        cause = {"kind": "join", "id": connection_id}
        connections = broadcast_state(cause, exclude=connection_id)
        welcome = {"type": "welcome", "you": connection_id, "connections": connections}
        send_quietly(connection_id, {**welcome, "ref": message.ref} if message.ref else welcome)
    return {"statusCode": 200}


def turn(connection_id: str, direction: str) -> None:
    """Point this connection's bird."""
    update_bird(connection_id, {"direction": direction})


def dress(connection_id: str, colour: int, name: str, tab: str | None) -> None:
    """Give this connection's bird its colour and name."""
    update_bird(connection_id, {"colour": colour, "name": name, "tab": tab or connection_id})


def update_bird(connection_id: str, values: dict[str, Any]) -> None:
    """Set `values` on this connection's record, recreating it (looking ahead, with its
    TTL) if it was swept up meanwhile."""
    now_ms = int(time.time() * 1000)
    keep = {"direction": "center", "connectedAt": now_ms, "ttl": now_ms // 1000 + CONNECTION_TTL_S}
    sets = [f"#{key} = :{key}" for key in values]
    sets += [f"#{key} = if_not_exists(#{key}, :{key})" for key in keep if key not in values]
    tables.table("data").update_item(
        Key={"scopeID": SCOPE, "dataID": connection_id},
        UpdateExpression="SET " + ", ".join(sets),
        ExpressionAttributeNames={f"#{key}": key for key in {**keep, **values}},
        ExpressionAttributeValues={f":{key}": value for key, value in {**keep, **values}.items()},
    )


def send_quietly(connection_id: str, frame: dict[str, Any]) -> None:
    """Reply to one connection; a sender that already left needs no answer."""
    with contextlib.suppress(ws.GoneError):
        ws.send(connection_id, frame)
