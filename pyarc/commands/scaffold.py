"""The files `pyarc init` writes: a runnable app, plus one working piece per flag.

Pure data: `app_files(name, ws=..., tables=..., events=...)` -> {relative path: text}.
"""

from __future__ import annotations

import re

GITIGNORE = """\
__pycache__/
*.pyc
.venv/
.pytest_cache/
.pyarc/
sam.yaml
sam.json
.aws-sam/
"""

HOME = '''\
from pyarc.functions import http


def handler(event, context):
    """GET /: the home page."""
    return http.html("<!doctype html><title>{name}</title><h1>Hello from {name}</h1>")
'''

WS_CONNECT = '''\
def handler(event, context):
    """A browser connects: accept it (a non-2xx status would refuse it)."""
    return {"statusCode": 200}
'''

WS_DISCONNECT = '''\
def handler(event, context):
    """The connection closed; nothing to clean up yet."""
    return {"statusCode": 200}
'''

WS_DEFAULT = '''\
import json

from pyarc.functions import ws


def handler(event, context):
    """Every message: send it back to the client that sent it."""
    me = event["requestContext"]["connectionId"]
    ws.send(me, {"echo": json.loads(event.get("body") or "null")})
    return {"statusCode": 200}
'''

NOTES_GET = '''\
from pyarc.functions import http, tables


def handler(event, context):
    """GET /notes: every note, as JSON."""
    notes = tables.table("notes").scan()["Items"]
    return http.json(sorted(notes, key=lambda note: note["id"]))
'''

NOTES_POST = '''\
import uuid

from pyarc.functions import http, tables


def handler(event, context):
    """POST /notes with {"text": ...}: store a note."""
    body = http.parse_body(event) or {}
    note = {"id": uuid.uuid4().hex, "text": str(body.get("text", ""))}
    tables.table("notes").put_item(Item=note)
    return http.json(note, status=201)
'''

HELLO_POST = '''\
from pyarc.functions import events, http


def handler(event, context):
    """POST /hello: publish the `hello` event; src/events/hello handles it."""
    events.publish("hello", http.parse_body(event) or {})
    return http.json({"published": "hello"}, status=202)
'''

HELLO_EVENT = '''\
from pyarc.functions import events


def handler(event, context):
    """Each `hello` event: print it (the sandbox shows it; on AWS it goes to CloudWatch)."""
    for payload in events.parse(event):
        print("hello event:", payload)
'''

TEST_HEAD = '''\
"""Tests that run the app's sandbox in-process: `pytest` from the app folder."""

from pathlib import Path

import httpx
from pyarc.testing import sandbox_fixture

APP = Path(__file__).resolve().parent.parent
sandbox = sandbox_fixture(APP)  # one sandbox on free ports for this module's tests


def test_home_page(sandbox):
    response = httpx.get(f"{sandbox.url}/")
    assert response.status_code == 200
    assert "Hello from {name}" in response.text
'''

TEST_WS = '''

def test_websocket_echo(sandbox):
    import json

    from websockets.sync.client import connect

    with connect(sandbox.ws_url) as socket:
        socket.send(json.dumps({"hi": 1}))
        assert json.loads(socket.recv(timeout=30)) == {"echo": {"hi": 1}}
'''

TEST_TABLES = '''

def test_notes_are_stored(sandbox):
    created = httpx.post(f"{sandbox.url}/notes", json={"text": "buy milk"})
    assert created.status_code == 201
    notes = httpx.get(f"{sandbox.url}/notes").json()
    assert {"id": created.json()["id"], "text": "buy milk"} in notes
'''

TEST_EVENTS = '''

def test_hello_event_is_handled(sandbox):
    from pyarc.testing import wait_until

    assert httpx.post(f"{sandbox.url}/hello", json={"from": "test"}).status_code == 202
    sandbox.idle()  # every published event handled

    def printed() -> bool:
        return any("hello event:" in line for line in sandbox.output("events:hello"))

    wait_until(printed, 10, "the hello handler's output")
'''


def app_name(folder_name: str) -> str:
    """A valid @app name from a folder name: `My App!` -> `my-app`."""
    name = re.sub(r"[^a-z0-9_-]+", "-", folder_name.lower()).strip("-_")
    if not name or not name[0].isalpha():
        name = f"app-{name}" if name else "app"
    return name


def app_files(name: str, ws: bool = False, tables: bool = False, events: bool = False) -> dict:
    """{path relative to the app folder: text} for a new app called `name`."""
    manifest = f"@app\n{name}\n\n@http\nget /\n"
    files = {"src/http/get-index/lambda.py": HOME.replace("{name}", name)}
    test = TEST_HEAD.replace("{name}", name)
    if tables:
        manifest += "get /notes\npost /notes\n"
        files["src/http/get-notes/lambda.py"] = NOTES_GET
        files["src/http/post-notes/lambda.py"] = NOTES_POST
        test += TEST_TABLES
    if events:
        manifest += "post /hello\n"
        files["src/http/post-hello/lambda.py"] = HELLO_POST
        files["src/events/hello/lambda.py"] = HELLO_EVENT
        test += TEST_EVENTS
    if ws:
        manifest += "\n@ws\n"
        files["src/ws/connect/lambda.py"] = WS_CONNECT
        files["src/ws/disconnect/lambda.py"] = WS_DISCONNECT
        files["src/ws/default/lambda.py"] = WS_DEFAULT
        test += TEST_WS
    if tables:
        manifest += "\n@tables\nnotes\n  id *String\n"
    if events:
        manifest += "\n@events\nhello\n"
    return {"app.arc": manifest, ".gitignore": GITIGNORE, "tests/test_app.py": test, **files}
