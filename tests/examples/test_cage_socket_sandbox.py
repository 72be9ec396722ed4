"""The example on a running sandbox, spoken to by plain WebSocket clients: bad messages
get an error frame back to their sender and nothing else happens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from pyarc.testing import wait_until

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RECEIVE_TIMEOUT_S = 10

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(params=["cage_socket", "cage_socket_js"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The Python example, then the JavaScript one (@architect/functions): one page, one
    protocol, the same tests."""
    from pyarc.testing import Sandbox

    with Sandbox(EXAMPLES / request.param) as running:
        yield running


def receive(client: ClientConnection) -> dict[str, Any]:
    return json.loads(client.recv(timeout=RECEIVE_TIMEOUT_S))


def join(client: ClientConnection) -> str:
    """Say hello; return the connection id the welcome names."""
    client.send(json.dumps({"action": "hello"}))
    welcome = receive(client)
    assert welcome["type"] == "welcome"
    return welcome["you"]


def test_bad_messages_answer_the_sender_only_and_the_app_keeps_working(sandbox: Any) -> None:
    with connect(sandbox.ws_url, open_timeout=RECEIVE_TIMEOUT_S) as sender:
        sender_id = join(sender)
        with connect(sandbox.ws_url, open_timeout=RECEIVE_TIMEOUT_S) as observer:
            observer_id = join(observer)
            joined = receive(sender)
            assert joined["cause"] == {"kind": "join", "id": observer_id}
            send_bad_messages_then_a_turn(sender, sender_id, observer, observer_id)
        left = receive(sender)
        assert left["cause"] == {"kind": "leave", "id": observer_id}
        assert [c["id"] for c in left["connections"]] == [sender_id]

    def table_is_empty() -> bool:
        return httpx.get(f"{sandbox.url}/connections", timeout=5).json()["count"] == 0

    wait_until(table_is_empty, 10, "every record to be deleted by $disconnect")


def send_bad_messages_then_a_turn(
    sender: ClientConnection, sender_id: str, observer: ClientConnection, observer_id: str
) -> None:
    bad_messages = {
        "not json": "invalid-json",
        '{"action": "direction", "direction": "up"}': "unknown-direction",
        '{"action": "fly"}': "unknown-action",
        json.dumps({"action": "hello", "pad": "x" * 4000}): "too-large",
    }
    for message, code in bad_messages.items():
        sender.send(message)
        frame = receive(sender)
        assert (frame["type"], frame["error"]) == ("error", code)
    sender.send(b"\x00\x01")
    assert receive(sender)["error"] == "binary-frame"

    # Messages from one connection are handled in order, so had any bad message reached
    # the observer, it would arrive before the broadcast of this turn.
    sender.send(json.dumps({"action": "direction", "direction": "left", "ref": "after-bad"}))
    seen_by_observer = receive(observer)
    assert seen_by_observer["type"] == "state"
    assert seen_by_observer["cause"]["ref"] == "after-bad"
    assert {c["id"]: c["direction"] for c in seen_by_observer["connections"]} == {
        sender_id: "left",
        observer_id: "center",
    }
    assert receive(sender)["cause"]["ref"] == "after-bad"
