"""The DynamoDB JSON wire protocol over ASGI, in front of an `Engine`.

Public API:

    service = TablesService(engine, ttl_interval=1.0)
    service.app                      # ASGI app: POST / with X-Amz-Target DynamoDB_20120810.<Op>
    await service.run_background()   # TTL sweeper; runs until cancelled, then close()s
    service.close()                  # stop the table thread (a later request starts another)

Requests and responses are `application/x-amz-json-1.0`; every response carries
`x-amz-crc32` and `x-amzn-RequestId`. Errors are DynamoDB's body
`{"__type": "com.amazonaws.dynamodb.v20120810#<Type>", "message": ...}`; a bug in the
engine answers 500 InternalServerError and the server keeps serving.

Table work (parsing the body, the engine's operation, encoding the answer and its CRC)
runs on one thread of the service's own, never on the event loop: a large Scan keeps the
engine's lock and this thread busy, while the loop (which in the sandbox also serves
HTTP and WebSocket traffic) keeps answering. One thread keeps requests in arrival order,
as the engine's lock would serialise them anyway.

That thread still shares the GIL with the loop, and one C call holds it throughout: a
1 MB Scan page encoded by a single `orjson.dumps` would stall every other port for
milliseconds. So a page's `Items` are encoded `ENCODE_CHUNK_ITEMS` at a time (the loop
gets the GIL between two chunks) and the chunks are sent as they are, one ASGI body
message each, after the headers with the whole body's length and CRC.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson

from pyarc.tables.engine import Engine
from pyarc.tables.errors import DynamoError

TARGET_PREFIX = "DynamoDB_20120810."
CONTENT_TYPE = b"application/x-amz-json-1.0"
ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
# Items per orjson call when a response lists many (~0.1 ms of GIL each for small items).
ENCODE_CHUNK_ITEMS = 500
log = logging.getLogger("pyarc.tables")

Scope = dict[str, Any]


def encode_error(error: DynamoError) -> bytes:
    body = {"__type": ERROR_PREFIX + error.type, "message": error.message, **error.extra}
    if error.type == "TransactionCanceledException":
        body["Message"] = error.message
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def parse_request(target: str, body: bytes) -> tuple[str, dict[str, Any]]:
    """(operation, request) from the X-Amz-Target header and the JSON body; the engine
    checks the request itself, as it does for every caller."""
    if not target.startswith(TARGET_PREFIX):
        raise DynamoError("UnknownOperationException", f"Unknown target: {target or '(none)'}")
    try:
        request = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than json reads
        raise DynamoError(
            "SerializationException", "Could not parse the request body as JSON"
        ) from None
    if not isinstance(request, dict):
        raise DynamoError("SerializationException", "Start of list found where not expected")
    return target[len(TARGET_PREFIX) :], request


def encode_response(response: dict[str, Any]) -> list[bytes]:
    """The JSON body of `response`, in pieces that join into one object; a long `Items`
    list is encoded a chunk at a time so no single call holds the GIL for long."""
    items = response.get("Items")
    if not isinstance(items, list) or len(items) <= ENCODE_CHUNK_ITEMS:
        return [orjson.dumps(response)]  # ~6x json.dumps: shorter GIL holds
    rest = orjson.dumps({k: v for k, v in response.items() if k != "Items"})
    pieces = [b'{"Items":[']
    for start in range(0, len(items), ENCODE_CHUNK_ITEMS):
        chunk = orjson.dumps(items[start : start + ENCODE_CHUNK_ITEMS])[1:-1]
        pieces.append(chunk if start == 0 else b"," + chunk)
    pieces.append(b"]}" if rest == b"{}" else b"]," + rest[1:])
    return pieces


class TablesService:
    """Serves one engine over HTTP; `app` is the ASGI callable."""

    def __init__(self, engine: Engine, ttl_interval: float = 1.0) -> None:
        self.engine = engine
        self.ttl_interval = ttl_interval
        self.app = self  # an object with `async __call__`, so ASGI servers detect ASGI 3
        self._thread: ThreadPoolExecutor | None = None  # started by the first request

    def close(self) -> None:
        """Stop the table thread once its queued requests are answered."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.shutdown(wait=False)

    def answer(self, target: str, body: bytes) -> tuple[int, list[bytes]]:
        """(status, JSON body in pieces) for one request; runs on the table thread."""
        try:
            operation, request = parse_request(target, body)
            response = self.engine.handle(operation, request)
            return 200, encode_response(response)
        except DynamoError as error:
            return error.status, [encode_error(error)]
        except Exception:  # a bug must not take the endpoint down
            log.exception("tables: internal error answering %s", target)
            error = DynamoError("InternalServerError", "Internal server error")
            return 500, [encode_error(error)]

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        target = ""
        for name, value in scope["headers"]:
            if name == b"x-amz-target":
                target = value.decode("latin-1")
                break
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        if scope["method"] != "POST":
            status, pieces = 200, [b'{"healthy":true}']
            length, crc = len(pieces[0]), zlib.crc32(pieces[0])
        else:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="pyarc-tables")
            status, pieces, length, crc = await asyncio.get_running_loop().run_in_executor(
                self._thread, self._answer_with_crc, target, b"".join(chunks)
            )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", CONTENT_TYPE),
                    (b"content-length", str(length).encode()),
                    (b"x-amz-crc32", str(crc).encode()),
                    (b"x-amzn-requestid", uuid.uuid4().hex.encode()),
                ],
            }
        )
        last = len(pieces) - 1
        for position, piece in enumerate(pieces):
            await send({"type": "http.response.body", "body": piece, "more_body": position < last})

    def _answer_with_crc(self, target: str, body: bytes) -> tuple[int, list[bytes], int, int]:
        """(status, body pieces, body length, CRC32 of the body): all on the table thread."""
        status, pieces = self.answer(target, body)
        crc = 0
        for piece in pieces:
            crc = zlib.crc32(piece, crc)
        return status, pieces, sum(map(len, pieces)), crc

    async def run_background(self) -> None:
        """Delete expired TTL items every `ttl_interval` seconds until cancelled; then close()."""
        try:
            while True:
                await asyncio.sleep(self.ttl_interval)
                try:
                    await asyncio.to_thread(self.engine.sweep_ttl)
                except Exception:
                    log.exception("tables: TTL sweep failed")
        finally:
            self.close()
