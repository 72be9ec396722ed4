"""The real @architect/functions (from the npm registry), unmodified, against the sandbox:
arc.http with middleware and sessions, arc.tables(), arc.events/queues publish and subscribe,
arc.ws send/info/close, arc.static; service discovery through `_arc` and ARC_SANDBOX."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedOK

from pyarc.testing import Sandbox, wait_until

from .conftest import write_app

MANIFEST = """\
@app
arcfn

@aws
runtime nodejs20.x

@http
get /
post /notes
get /notes/:id

@ws

@events
ping

@queues
work

@tables
notes
  id *String

@static
"""

FILES = {
    "src/http/get-index/index.mjs": """
        import arc from '@architect/functions'
        async function who (req) {
          req.who = 'middleware'
          return req
        }
        async function count (req) {
          const visits = (req.session.visits || 0) + 1
          return { session: { visits }, json: { who: req.who, visits, css: arc.static('/app.css') } }
        }
        export const handler = arc.http(who, count)
    """,
    "src/http/post-notes/index.js": """
        const arc = require('@architect/functions')
        exports.handler = arc.http(async req => {
          const data = await arc.tables()
          await data.notes.put({ id: req.body.id, text: req.body.text })
          await arc.events.publish({ name: 'ping', payload: { id: req.body.id } })
          await arc.queues.publish({ name: 'work', payload: { id: req.body.id } })
          return { status: 201, json: { table: data.name('notes') } }
        })
    """,
    "src/http/get-notes-000id/index.js": """
        const arc = require('@architect/functions')
        exports.handler = arc.http(async req => {
          const data = await arc.tables()
          return { json: (await data.notes.get({ id: req.params.id })) || null }
        })
    """,
    "src/events/ping/index.js": """
        const arc = require('@architect/functions')
        async function mark (payload) {
          const data = await arc.tables()
          await data.notes.update({
            Key: { id: payload.id },
            UpdateExpression: 'SET pinged = :yes',
            ExpressionAttributeValues: { ':yes': true },
          })
        }
        exports.handler = arc.events.subscribe(mark)
    """,
    "src/queues/work/index.js": """
        const arc = require('@architect/functions')
        async function mark (payload) {
          const data = await arc.tables()
          await data.notes.update({
            Key: { id: payload.id },
            UpdateExpression: 'SET worked = :yes',
            ExpressionAttributeValues: { ':yes': true },
          })
        }
        exports.handler = arc.queues.subscribe(mark)
    """,
    "src/ws/connect/index.js": "exports.handler = async () => ({ statusCode: 200 })\n",
    "src/ws/disconnect/index.js": "exports.handler = async () => ({ statusCode: 200 })\n",
    "src/ws/default/index.js": """
        const arc = require('@architect/functions')
        exports.handler = async event => {
          const id = event.requestContext.connectionId
          const info = await arc.ws.info({ id })
          await arc.ws.send({ id, payload: { echo: event.body, connected: Boolean(info.ConnectedAt) } })
          if (event.body === 'bye') await arc.ws.close({ id })
          return { statusCode: 200 }
        }
    """,
    "public/app.css": "body { color: teal }\n",
}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory, architect_functions: Path) -> Iterator[Sandbox]:
    app = write_app(tmp_path_factory.mktemp("arcfn"), MANIFEST, FILES)
    (app / "node_modules").symlink_to(architect_functions, target_is_directory=True)
    with Sandbox(app, watch=False) as running:
        yield running


def test_arc_http_middleware_and_sessions(sandbox: Sandbox) -> None:
    with httpx.Client(base_url=sandbox.url) as client:
        first = client.get("/")
        second = client.get("/")
    assert first.status_code == 200
    assert first.json() == {"who": "middleware", "visits": 1, "css": "/_static/app.css"}
    assert second.json()["visits"] == 2  # the session cookie (JWE) came back and was read
    assert "_idx=" in first.headers["set-cookie"]


def test_arc_tables_events_and_queues(sandbox: Sandbox) -> None:
    created = httpx.post(f"{sandbox.url}/notes", json={"id": "n1", "text": "hello"})
    assert created.status_code == 201
    assert created.json() == {"table": "arcfn-staging-notes"}
    sandbox.idle()  # the event and the queued message are handled
    note = httpx.get(f"{sandbox.url}/notes/n1").json()
    assert note == {"id": "n1", "text": "hello", "pinged": True, "worked": True}


def test_arc_ws_send_info_and_close(sandbox: Sandbox) -> None:
    async def scenario() -> tuple[dict, dict, bool]:
        async with connect(sandbox.ws_url) as ws:
            await ws.send("hello")
            echoed = json.loads(await ws.recv())
            await ws.send("bye")
            last = json.loads(await ws.recv())
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except ConnectionClosedOK:
                return echoed, last, True
            return echoed, last, False

    echoed, last, closed = asyncio.run(scenario())
    assert echoed == {"echo": "hello", "connected": True}
    assert last == {"echo": "bye", "connected": True}
    assert closed  # arc.ws.close ended the connection from the server side
    wait_until(lambda: sandbox.connection_count == 0, timeout=10)
