"""The helpers inside real handlers on the running sandbox (pyarc.testing.Sandbox), and from
this test process through the sandbox's environment: the "same code locally" half."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

import pyarc.functions
from pyarc.functions import tables, ws
from pyarc.testing import Sandbox, wait_until

APP = Path(__file__).parent / "app"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    copy = tmp_path_factory.mktemp("functions") / "app"
    shutil.copytree(APP, copy)
    with Sandbox(copy, watch=False) as running:
        yield running


@pytest.fixture
def sandbox_env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """This test process sees what a handler sees, so the helpers reach the sandbox."""
    for key, value in sandbox.env.items():
        monkeypatch.setenv(key, value)
    pyarc.functions.reset()
    return sandbox


def _rows(sandbox: Sandbox) -> list[str]:
    return httpx.get(sandbox.url + "/rows").json()["ids"]


def test_session_round_trip_in_a_handler(sandbox):
    with httpx.Client(base_url=sandbox.url) as browser:
        first = browser.get("/visits")
        assert first.status_code == 200, first.text
        assert first.json() == {"visits": 1}
        assert "_idx" in first.cookies
        assert browser.get("/visits").json() == {"visits": 2}
        assert browser.get("/visits").json() == {"visits": 3}
        token = browser.cookies["_idx"]
    tampered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    answer = httpx.get(sandbox.url + "/visits", headers={"cookie": f"_idx={tampered}"})
    assert answer.json() == {"visits": 1}
    answer = httpx.get(sandbox.url + "/visits", headers={"cookie": f"_idx={token}"})
    assert answer.json() == {"visits": 4}


def test_parse_body_in_a_handler(sandbox):
    echo = sandbox.url + "/echo"
    assert httpx.post(echo, json={"a": [1, 2]}).json() == {"body": {"a": [1, 2]}, "type": "dict"}
    form = httpx.post(echo, data={"name": "Ada", "tag": ["x", "y"]}).json()
    assert form == {"body": {"name": "Ada", "tag": ["x", "y"]}, "type": "dict"}
    text = httpx.post(echo, content="hi", headers={"content-type": "text/plain"}).json()
    assert text == {"body": "hi", "type": "str"}
    png = b"\x89PNG\r\n\x1a\n\xff\x00"
    binary = httpx.post(echo, content=png, headers={"content-type": "image/png"}).json()
    assert binary["type"] == "dict" and binary["body"]["bytes"] == "iVBORw0KGgr/AA=="
    bad = httpx.post(echo, content="{oops", headers={"content-type": "application/json"})
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]


def test_static_url_in_a_handler_is_served(sandbox):
    urls = httpx.get(sandbox.url + "/asset").json()
    assert urls == {"url": "/_static/app.js", "missing": "/_static/nope.js"}
    assert 'hello = "world"' in httpx.get(sandbox.url + urls["url"]).text

    # fingerprinting: the static.json that `pyarc deploy` writes into the static folder
    manifest = sandbox.path / "public" / "static.json"
    manifest.write_text(json.dumps({"app.js": "app-1a2b3c4d.js"}))
    urls = httpx.get(sandbox.url + "/asset").json()
    assert urls == {"url": "/_static/app-1a2b3c4d.js", "missing": "/_static/nope.js"}
    served = httpx.get(sandbox.url + urls["url"])
    assert served.status_code == 200
    assert 'hello = "world"' in served.text


def test_services_and_tables_in_a_handler(sandbox):
    answer = httpx.get(sandbox.url + "/rows").json()
    assert answer["services"]["tables"]["data"] == "functions-app-staging-data"


async def _receive_json(client, timeout: float = 10.0):
    return json.loads(await asyncio.wait_for(client.recv(), timeout))


def test_broadcast_info_gone_and_close_from_handlers(sandbox):
    async def scenario():
        async with (
            websockets.connect(sandbox.ws_url) as alice,
            websockets.connect(sandbox.ws_url) as bob,
        ):
            await alice.send(json.dumps({"do": "broadcast", "text": "hi all"}))
            to_alice = [await _receive_json(alice), await _receive_json(alice)]
            to_bob = await _receive_json(bob)
            assert to_bob["text"] == "hi all"
            assert {"gone": ["never-connected-id"]} in to_alice
            assert any(m.get("text") == "hi all" for m in to_alice)

            await bob.send(json.dumps({"do": "ghost"}))
            assert await _receive_json(bob) == {"gone": "never-connected-id"}

            await bob.send(json.dumps({"do": "info"}))
            info = await _receive_json(bob)
            assert info["connectedAt"].startswith("20")
            assert info["identity"]["SourceIp"] == "127.0.0.1"

            await bob.send(json.dumps({"do": "close"}))
            await asyncio.wait_for(bob.wait_closed(), 10)

    before = len(_rows(sandbox))
    asyncio.run(scenario())
    wait_until(lambda: len(_rows(sandbox)) == before, what="$disconnect to remove both rows")


def test_the_same_calls_from_outside_a_handler(sandbox_env):
    sandbox = sandbox_env
    assert os.environ["ARC_WSS_URL"].startswith("ws://")

    async def scenario():
        async with websockets.connect(sandbox.ws_url) as client:
            wait_until(lambda: len(_rows(sandbox)) >= 1, what="$connect to store the row")
            (me,) = [i for i in _rows(sandbox)]
            assert tables.name("data") == "functions-app-staging-data"
            assert tables.table("data").get_item(Key={"scopeID": "connection", "dataID": me})[
                "Item"
            ]
            ws.send(me, {"direct": True})
            assert await _receive_json(client) == {"direct": True}
            assert ws.broadcast([me, "gone-one"], "x") == ["gone-one"]
            assert await asyncio.wait_for(client.recv(), 10) == "x"
            assert ws.info(me)["Identity"]["SourceIp"] == "127.0.0.1"
            ws.close(me)
            await asyncio.wait_for(client.wait_closed(), 10)
            with pytest.raises(ws.GoneError):
                ws.send(me, "too late")

    asyncio.run(scenario())
