"""The API Gateway Management API: `POST|GET|DELETE /@connections/{id}`.

Also answered under `/{stage}/@connections/{id}` (the deployed URL shape) and
Architect's `/_arc/ws/@connections/{id}`, so
`boto3.client("apigatewaymanagementapi", endpoint_url=...)` works unchanged.
Errors carry `x-amzn-ErrorType`, which is how botocore names the exception.

A broadcast is one POST per recipient, so `serve` answers a POST at the ASGI level
(no Starlette request or response objects): it is most of what a broadcast costs here.

Sandbox only, not an AWS route: `POST /_arc/ws/@broadcast` (`serve_broadcast`) takes a
whole broadcast of `ws.broadcast` in one request and answers, for each recipient that
failed, the status, headers and body its own `POST /@connections/{id}` would have got, so
the handler raises exactly what it would have (docs/sandbox.md, "Broadcasts").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from pyarc.sandbox.config import WS_MESSAGE_LIMIT
from pyarc.sandbox.connections import ConnectionGone, ConnectionRegistry
from pyarc.sandbox.ids import iso_time

# (kept in step with pyarc/functions/_posting.py, which may not import the sandbox)
BROADCAST_PATH = "/_arc/ws/@broadcast"
BROADCAST_MARK = (b"x-pyarc-broadcast", b"1")
# recipients served between yields to the event loop, so a huge broadcast does not stall it
_BROADCAST_SLICE = 64

CONNECTIONS_PATH = re.compile(r"^(?:/_arc/ws|/[^/@]+)?/@connections/(?P<id>[^/]+)/?$")

DELETED_CLOSE_CODE = 1000
DELETED_CLOSE_REASON = "Connection closed by the server"

# the answer to a delivered POST (what Starlette's empty Response(status_code=200) sends)
_POSTED_START = {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]}
_POSTED_BODY = {"type": "http.response.body", "body": b""}


def connection_id_from(path: str) -> str | None:
    """The connection id when `path` (decoded) is a Management API path, else None."""
    found = CONNECTIONS_PATH.match(path)
    return found.group("id") if found else None


def _error(status: int, error_type: str, message: str) -> Response:
    return Response(
        json.dumps({"message": message}),
        status_code=status,
        media_type="application/json",
        headers={"x-amzn-ErrorType": error_type},
    )


class _TooLarge(Exception):
    """The body grew past the limit `_receive_body` was given."""


async def _receive_body(receive: Receive, limit: int | None = None) -> bytes | None:
    """The whole request body; None when the client left first. Raises `_TooLarge` as soon
    as it grows past `limit` (the rest is never read into memory)."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = message.get("more_body", False)
        if limit is not None and size > limit:
            raise _TooLarge
    return b"".join(chunks)


def gone(connection_id: str) -> Response:
    return _error(410, "GoneException", f"Connection {connection_id} is gone.")


class ManagementApi:
    def __init__(self, registry: ConnectionRegistry, message_limit: int = WS_MESSAGE_LIMIT) -> None:
        self.registry = registry
        self.message_limit = message_limit

    async def serve(self, scope: Scope, receive: Receive, send: Send, connection_id: str) -> None:
        """Answer one request to `/@connections/{connection_id}` (ASGI)."""
        if scope["method"] != "POST":
            response = await self.handle(Request(scope, receive), connection_id)
            await response(scope, receive, send)
            return
        try:
            data = await _receive_body(receive, self.message_limit)
        except _TooLarge:
            await self._too_large()(scope, receive, send)
            return
        if data is None:  # the client left
            return
        try:
            await self.registry.get(connection_id).send(data)
        except ConnectionGone:
            await gone(connection_id)(scope, receive, send)
            return
        await send(_POSTED_START)
        await send(_POSTED_BODY)

    async def serve_broadcast(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer `POST /_arc/ws/@broadcast`: a JSON list of ids, a newline, the data.

        Each id is served as its own `POST /@connections/{id}` would be (413 first, then
        410 when gone), in order; the answer lists the failures as `[index, status,
        headers, body]` (one write for the whole broadcast instead of one per recipient)."""
        whole = await _receive_body(receive)
        if whole is None:  # the client left
            return
        head, _, data = whole.partition(b"\n")
        try:
            ids = json.loads(head)
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ValueError("not a list of ids")
        except ValueError:
            await _error(400, "BadRequestException", "Not a pyarc broadcast.")(
                scope, receive, send
            )
            return
        too_large = self._too_large() if len(data) > self.message_limit else None
        frame: bytes | str = data
        with contextlib.suppress(UnicodeDecodeError):  # decoded once, not per recipient
            frame = data.decode("utf-8")
        failures = []
        for index, connection_id in enumerate(ids):
            if index and not index % _BROADCAST_SLICE:
                await asyncio.sleep(0)
            failed = too_large
            if failed is None:
                try:
                    await self.registry.get(connection_id).send(frame)
                    continue
                except ConnectionGone:
                    failed = gone(connection_id)
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in failed.raw_headers}
            failures.append([index, failed.status_code, headers, bytes(failed.body).decode()])
        body = json.dumps({"failures": failures}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    BROADCAST_MARK,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def handle(self, request: Request, connection_id: str) -> Response:
        method = request.method.upper()
        if method == "POST":
            return await self._post(request, connection_id)
        if method == "GET":
            return self._get(connection_id)
        if method == "DELETE":
            return await self._delete(connection_id)
        return _error(
            405, "MethodNotAllowedException", f"{method} is not supported on @connections."
        )

    async def _post(self, request: Request, connection_id: str) -> Response:
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > self.message_limit:
                return self._too_large()
        try:
            connection = self.registry.get(connection_id)
            await connection.send(bytes(data))
        except ConnectionGone:
            return gone(connection_id)
        return Response(status_code=200)

    def _too_large(self) -> Response:
        return _error(
            413,
            "PayloadTooLargeException",
            f"Message too long: the limit is {self.message_limit} bytes.",
        )

    def _get(self, connection_id: str) -> Response:
        try:
            connection = self.registry.get(connection_id)
        except ConnectionGone:
            return gone(connection_id)
        # wire names are camelCase (boto3 presents them as ConnectedAt, Identity, ...)
        body = {
            "connectedAt": iso_time(connection.connected_at),
            "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
            "lastActiveAt": iso_time(connection.last_active_at),
        }
        return Response(json.dumps(body), media_type="application/json")

    async def _delete(self, connection_id: str) -> Response:
        try:
            connection = self.registry.get(connection_id)
        except ConnectionGone:
            return gone(connection_id)
        await connection.close(DELETED_CLOSE_CODE, DELETED_CLOSE_REASON)
        return Response(status_code=204)
