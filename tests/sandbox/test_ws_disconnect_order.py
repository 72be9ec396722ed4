"""$disconnect runs after the connection is closed, as on API Gateway.

AWS ("Manage connected users and client apps: $connect and $disconnect routes"): "The
connection can be closed by the server or by the client. As the connection is already
closed when it is executed, $disconnect is a best-effort event." So a client's close
handshake completes without waiting for the $disconnect handler.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from websockets.asyncio.client import connect

from pyarc.testing import Sandbox, wait_until
from tests.sandbox.conftest import write_app

MANIFEST = "@app\ndisconnect-order\n\n@ws\n"
HANDLERS = {
    "src/ws/connect/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    # blocks until the test opens the FIFO for writing, then logs the event
    "src/ws/disconnect/lambda.py": """
        import json, os

        def handler(event, context):
            with open(os.environ["RELEASE_FIFO"]) as release:
                release.read()
            with open(os.environ["EVENT_LOG"], "a") as log:
                log.write(json.dumps(event) + "\\n")
            return {"statusCode": 200}
    """,
    "src/ws/disconnect/config.arc": "@aws\ntimeout 120\n",  # blocked for as long as the test
    "src/ws/default/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": event["requestContext"]["connectionId"]}
    """,
}


def _open_for_writing(fifo: Path) -> int | None:
    """The FIFO's write end once a reader (the blocked $disconnect handler) has it open."""
    try:
        return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return None


def test_client_close_completes_while_disconnect_handler_runs(tmp_path: Path) -> None:
    fifo, log = tmp_path / "release", tmp_path / "events.jsonl"
    os.mkfifo(fifo)
    app = write_app(tmp_path / "app", MANIFEST, HANDLERS,
                    {"RELEASE_FIFO": str(fifo), "EVENT_LOG": str(log)})
    with Sandbox(app, watch=False) as sandbox:

        async def connect_and_close() -> str:
            ws = await connect(sandbox.ws_url, close_timeout=None)  # wait for the server's close
            await ws.send("who")
            connection_id = str(await ws.recv())
            # a close that waited for $disconnect would never finish: the handler is blocked
            await asyncio.wait_for(ws.close(), 20)
            return connection_id

        connection_id = asyncio.run(connect_and_close())
        assert not log.exists()  # $disconnect has not finished: it is still blocked
        fds: list[int] = []
        wait_until(lambda: (fd := _open_for_writing(fifo)) is not None and not fds.append(fd),
                   30, "the $disconnect handler to be running")
        os.close(fds[0])  # EOF: the handler goes on
        wait_until(log.exists, 30, "the $disconnect event")
    event = json.loads(log.read_text().splitlines()[0])
    assert event["requestContext"]["eventType"] == "DISCONNECT"
    assert event["requestContext"]["connectionId"] == connection_id
