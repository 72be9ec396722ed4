"""The example's handlers, called as Lambda calls them, against moto's DynamoDB and a
recording Management API: who gets which frame, and what the table holds afterwards."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

A, B = "AAAAconnA=", "BBBBconnB="


def connect(handlers: Any, make_event: Any, gateway: Any, *ids: str, **extra: Any) -> None:
    for connection_id in ids:
        answer = handlers.connect.handler(make_event("$connect", connection_id, **extra), None)
        assert answer == {"statusCode": 200}
        gateway.open.add(connection_id)


def say(handlers: Any, make_event: Any, connection_id: str, message: Any) -> dict:
    body = message if isinstance(message, str) else json.dumps(message)
    return handlers.default.handler(make_event("$default", connection_id, body), None)


def stored(table: Any) -> dict[str, dict]:
    return {item["dataID"]: item for item in table.scan()["Items"]}


def test_connect_stores_the_connection_looking_ahead_with_a_ttl(empty_data_table, handlers, make_event, gateway):
    connect(handlers, make_event, gateway, A, connected_at=1_795_631_400_000)

    item = stored(empty_data_table)[A]
    assert item["scopeID"] == "connection"
    assert item["direction"] == "center"
    assert item["connectedAt"] == 1_795_631_400_000
    assert item["ttl"] == 1_795_631_400 + 2 * 60 * 60


def test_hello_welcomes_the_sender_and_shows_the_newcomer_to_everyone_else(
    empty_data_table, handlers, make_event, gateway
):
    connect(handlers, make_event, gateway, A)
    connect(handlers, make_event, gateway, B)

    assert say(handlers, make_event, B, {"action": "hello"}) == {"statusCode": 200}

    [welcome] = gateway.take(B)
    assert welcome["type"] == "welcome" and welcome["you"] == B
    assert [c["id"] for c in welcome["connections"]] == [A, B]
    [state] = gateway.take(A)
    assert state["type"] == "state"
    assert state["cause"] == {"kind": "join", "id": B}
    assert {c["id"]: c["direction"] for c in state["connections"]} == {A: "center", B: "center"}


def test_a_turn_is_stored_and_broadcast_to_every_connection(empty_data_table, handlers, make_event, gateway):
    connect(handlers, make_event, gateway, A, B)

    say(handlers, make_event, A, {"action": "direction", "direction": "left", "ref": "r1"})

    assert stored(empty_data_table)[A]["direction"] == "left"
    for receiver in (A, B):
        [state] = gateway.take(receiver)
        assert state["cause"] == {"kind": "turn", "id": A, "direction": "left", "ref": "r1"}
        assert {c["id"]: c["direction"] for c in state["connections"]} == {
            A: "left",
            B: "center",
        }


@pytest.mark.parametrize(
    ("body", "is_base64", "code"),
    [
        ("not json at all", False, "invalid-json"),
        ("", False, "empty-message"),
        ('["left"]', False, "not-an-object"),
        ('{"action": "direction", "direction": "up"}', False, "unknown-direction"),
        ('{"action": "direction"}', False, "unknown-direction"),
        ('{"action": "dance"}', False, "unknown-action"),
        ('{"direction": "left"}', False, "unknown-action"),
        ('{"action": "hello", "ref": "' + "r" * 65 + '"}', False, "bad-ref"),
        (
            json.dumps({"action": "direction", "direction": "left", "pad": "x" * 2000}),
            False,
            "too-large",
        ),
        (base64.b64encode(b"\x00\x01binary").decode(), True, "binary-frame"),
    ],
)
def test_a_bad_message_gets_an_error_frame_to_the_sender_only(
    empty_data_table, handlers, make_event, gateway, body, is_base64, code
):
    connect(handlers, make_event, gateway, A, B)
    before = stored(empty_data_table)

    event = make_event("$default", A, body, is_base64=is_base64)
    answer = handlers.default.handler(event, None)

    assert answer["statusCode"] == 400
    [frame] = gateway.take(A)
    assert frame["type"] == "error" and frame["error"] == code
    assert frame["message"].endswith(".") and len(frame["message"]) < 200
    assert gateway.take(B) == []
    assert stored(empty_data_table) == before


def test_an_error_for_a_sender_that_already_left_is_dropped_quietly(
    empty_data_table, handlers, make_event, gateway
):
    connect(handlers, make_event, gateway, A)
    gateway.open.discard(A)

    answer = say(handlers, make_event, A, "{{{")

    assert answer["statusCode"] == 400
    assert gateway.take(A) == []


def test_records_of_gone_connections_are_dropped_and_the_state_resent(
    empty_data_table, handlers, make_event, gateway
):
    minute_ago_ms = int(time.time() * 1000) - 60_000
    connect(handlers, make_event, gateway, A, B)
    connect(handlers, make_event, gateway, "ghost", connected_at=minute_ago_ms)
    gateway.open.discard("ghost")  # it left without a $disconnect

    say(handlers, make_event, A, {"action": "direction", "direction": "right"})

    assert set(stored(empty_data_table)) == {A, B}
    for receiver in (A, B):
        frames = gateway.take(receiver)
        assert [c["id"] for c in frames[-1]["connections"]] == [A, B]


def test_a_gone_connection_still_in_its_handshake_is_kept(empty_data_table, handlers, make_event, gateway):
    connect(handlers, make_event, gateway, A)
    connect(handlers, make_event, gateway, "newcomer")
    gateway.open.discard("newcomer")  # its $connect ran; the socket is not open yet

    say(handlers, make_event, A, {"action": "direction", "direction": "right"})

    assert "newcomer" in stored(empty_data_table)


def test_disconnect_forgets_the_connection_and_tells_everyone(empty_data_table, handlers, make_event, gateway):
    connect(handlers, make_event, gateway, A, B)
    gateway.open.discard(B)

    answer = handlers.disconnect.handler(make_event("$disconnect", B), None)

    assert answer == {"statusCode": 200}
    assert set(stored(empty_data_table)) == {A}
    [state] = gateway.take(A)
    assert state["cause"] == {"kind": "leave", "id": B}
    assert [c["id"] for c in state["connections"]] == [A]


def test_get_connections_lists_every_live_connection_with_its_direction(
    empty_data_table, handlers, make_event, gateway
):
    connect(handlers, make_event, gateway, A, B)
    say(handlers, make_event, B, {"action": "direction", "direction": "left"})
    empty_data_table.put_item(  # expired but not yet swept by DynamoDB's TTL process
        Item={
            "scopeID": "connection",
            "dataID": "old",
            "direction": "left",
            "connectedAt": 1,
            "ttl": int(time.time()) - 5,
        }
    )

    answer = handlers.get_connections.handler({"rawPath": "/connections"}, None)

    assert answer["statusCode"] == 200
    assert answer["headers"]["content-type"].startswith("application/json")
    body = json.loads(answer["body"])
    assert body["count"] == 2
    assert {c["id"]: c["direction"] for c in body["connections"]} == {A: "center", B: "left"}


def test_the_page_loads_fingerprinted_assets_and_opens_arc_wss_url(handlers, monkeypatch, tmp_path):
    manifest = tmp_path / "static.json"
    manifest.write_text(
        json.dumps({"client.js": "client-1a2b3c.js", "style.css": "style-9f8e.css"})
    )
    monkeypatch.setenv("ARC_STATIC_MANIFEST", str(manifest))
    monkeypatch.setenv("ARC_WSS_URL", "wss://abc123.execute-api.us-east-1.amazonaws.com/staging")

    answer = handlers.get_index.handler({"rawPath": "/"}, None)

    assert answer["statusCode"] == 200
    assert answer["headers"]["content-type"].startswith("text/html")
    page = answer["body"]
    assert '<script type="module" src="/_static/client-1a2b3c.js">' in page
    assert 'href="/_static/style-9f8e.css"' in page
    assert 'data-bird-svg="/_static/bird.svg"' in page  # not fingerprinted: plain name
    assert 'data-wss-url="wss://abc123.execute-api.us-east-1.amazonaws.com/staging"' in page


def test_hello_dresses_each_bird_in_a_colour_and_name_no_other_tab_has(
    empty_data_table, handlers, make_event, gateway
):
    ids = [f"conn{n:02d}=" for n in range(9)]
    connect(handlers, make_event, gateway, *ids)
    for connection_id in ids:
        say(handlers, make_event, connection_id, {"action": "hello", "tab": connection_id[:6]})
    birds = {i: (int(item["colour"]), item["name"]) for i, item in stored(empty_data_table).items()}
    colours = [birds[i][0] for i in ids]
    assert sorted(colours[:8]) == list(range(8))  # distinct while colours are left
    assert colours[8] == 0  # then the least used
    assert len({name for _, name in birds.values()}) == 9
    [welcome] = [f for f in gateway.take(ids[8]) if f["type"] == "welcome"]
    assert all("tab" not in c for c in welcome["connections"])  # tab ids stay private
    assert {c["id"]: (c["colour"], c["name"]) for c in welcome["connections"]} == birds


def test_a_reconnecting_tab_gets_its_colour_and_name_back_unless_another_tab_has_them(
    empty_data_table, handlers, make_event, gateway
):
    connect(handlers, make_event, gateway, A, B)
    say(handlers, make_event, A, {"action": "hello", "tab": "tab-a"})
    say(handlers, make_event, B, {"action": "hello", "tab": "tab-b"})
    a_bird = (int(stored(empty_data_table)[A]["colour"]), stored(empty_data_table)[A]["name"])
    # tab a reconnects before its old socket is gone: its own old record does not count
    connect(handlers, make_event, gateway, "A2")
    say(handlers, make_event, "A2", {"action": "hello", "tab": "tab-a", "colour": a_bird[0],
                                     "name": a_bird[1]})
    assert (int(stored(empty_data_table)["A2"]["colour"]), stored(empty_data_table)["A2"]["name"]) == a_bird
    # another tab asking for b's colour and name does not get them
    b_bird = (int(stored(empty_data_table)[B]["colour"]), stored(empty_data_table)[B]["name"])
    connect(handlers, make_event, gateway, "C")
    say(handlers, make_event, "C", {"action": "hello", "tab": "tab-c", "colour": b_bird[0],
                                    "name": b_bird[1]})
    c_bird = (int(stored(empty_data_table)["C"]["colour"]), stored(empty_data_table)["C"]["name"])
    assert c_bird[0] != b_bird[0] and c_bird[1] != b_bird[1]
    # a colour or name the app does not have is not honoured, and is no error
    connect(handlers, make_event, gateway, "D")
    assert say(handlers, make_event, "D", {"action": "hello", "colour": 99, "name": "Rex",
                                           "tab": "x" * 65}) == {"statusCode": 200}
    assert 0 <= int(stored(empty_data_table)["D"]["colour"]) < 8 and stored(empty_data_table)["D"]["name"] != "Rex"
