"""ws.send / close / info / broadcast against moto (AWS side) and a real management API server."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from pyarc.functions import ws

AWS_WSS = "wss://abc123.execute-api.us-east-1.amazonaws.com/staging"


def _moto_connection(connection_id: str):
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    return apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].connections[
        connection_id
    ]


@pytest.mark.usefixtures("aws")
def test_send_reaches_the_deployed_endpoint_derived_from_arc_wss_url(monkeypatch):
    monkeypatch.setenv("ARC_WSS_URL", AWS_WSS)
    # (moto keeps ids URL-encoded, so this id avoids "="; the wire test below uses one)
    ws.send("conn-1", {"hello": "world", "n": [1, 2]})
    ws.send("conn-1", "plain text")
    ws.send("conn-1", b"\x00\x01binary")
    data = _moto_connection("conn-1").data
    assert data == b'{"hello":"world","n":[1,2]}' + b"plain text" + b"\x00\x01binary"


@pytest.mark.usefixtures("aws")
def test_info_and_close_on_aws(monkeypatch):
    monkeypatch.setenv("ARC_WSS_URL", AWS_WSS)
    ws.send("conn-2", "x")
    found = ws.info("conn-2")
    assert isinstance(found["ConnectedAt"], datetime)
    assert found["Identity"]["SourceIp"]
    assert "ResponseMetadata" not in found
    ws.close("conn-2")
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    assert "conn-2" not in backend.connections


def test_send_json_text_and_bytes_over_the_wire(management):
    management.open.add("L0SM9cOFvHcCIhw=")
    for payload in ({"direction": "left"}, [1, "two"], "héllo", b"\xff\x00"):
        ws.send("L0SM9cOFvHcCIhw=", payload)
    assert management.received["L0SM9cOFvHcCIhw="] == [
        b'{"direction":"left"}',
        b'[1,"two"]',
        "héllo".encode(),
        b"\xff\x00",
    ]
    assert json.loads(management.received["L0SM9cOFvHcCIhw="][0]) == {"direction": "left"}


def test_gone_connection_raises_gone_error_for_every_call(management):
    for call in (
        lambda: ws.send("ghost", "x"),
        lambda: ws.close("ghost"),
        lambda: ws.info("ghost"),
    ):
        with pytest.raises(ws.GoneError) as caught:
            call()
        assert caught.value.connection_id == "ghost"
        assert "ghost" in str(caught.value)
        assert isinstance(caught.value.__cause__, ClientError)
        assert caught.value.__cause__.response["Error"]["Code"] == "GoneException"


def test_info_over_the_wire_parses_timestamps(management):
    management.open.add("b")
    found = ws.info("b")
    assert found["ConnectedAt"].isoformat().startswith("2026-11-25T18:30:00")
    assert found["LastActiveAt"] > found["ConnectedAt"]
    assert found["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "pytest"}


def test_close_then_send_is_gone(management):
    management.open.add("c")
    ws.close("c")
    with pytest.raises(ws.GoneError):
        ws.send("c", "after close")


def test_broadcast_returns_exactly_the_gone_ids(management):
    live = [f"live-{i}" for i in range(40)]
    gone = [f"gone-{i}" for i in range(7)]
    management.open.update(live)
    ids = [x for pair in zip(live, gone + [None] * 40, strict=False) for x in pair if x]
    result = ws.broadcast(ids, {"state": "new"})
    assert sorted(result) == sorted(gone)
    assert {cid: management.received.get(cid) for cid in live} == {
        cid: [b'{"state":"new"}'] for cid in live
    }


def test_broadcast_of_nothing_and_of_one(management):
    assert ws.broadcast([], "x") == []
    management.open.add("solo")
    assert ws.broadcast(["solo", "solo"], "x") == []
    assert management.received["solo"] == [b"x"]  # duplicates are sent once


def test_broadcast_raises_other_errors_after_trying_everyone(management):
    management.open.update({"ok-1", "ok-2", "big"})
    management.too_large.add("big")
    with pytest.raises(ClientError) as caught:
        ws.broadcast(["ok-1", "big", "gone", "ok-2"], "payload")
    assert caught.value.response["Error"]["Code"] == "PayloadTooLargeException"
    assert management.received["ok-1"] == [b"payload"]
    assert management.received["ok-2"] == [b"payload"]


def test_missing_arc_wss_url_is_a_clear_error():
    from pyarc.functions import ConfigurationError

    with pytest.raises(ConfigurationError, match="ARC_WSS_URL is not set"):
        ws.send("x", "y")
