"""The WebSocket side of API Gateway: $connect during the handshake, routing, $disconnect.

Route selection is `$request.body.action`, as deployed: a JSON text frame whose
`action` names a custom `@ws` route goes there, anything else to `$default`.
Messages on one connection are handled one after another, in order. A handler
that returns a `body` gets it sent back to the caller (a route response).
Idle and maximum-lifetime limits close the socket with 1001, like AWS.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from pyarc.inventory.model import Function
from pyarc.sandbox.connections import Connection, ConnectionGone
from pyarc.sandbox.ids import aws_id, now_ms
from pyarc.sandbox.lambda_events.ws import (
    connect_event,
    disconnect_event,
    handshake_headers,
    message_event,
)
from pyarc.sandbox.state import SandboxState

GOING_AWAY = 1001


async def _receive_within(websocket: WebSocket, seconds: float) -> Any:
    """`websocket.receive()`, or TimeoutError after `seconds` (at 0 at once, receiving
    nothing, as `asyncio.wait_for` does); `asyncio.timeout` waits in this task instead of
    starting another one for each receive, as `wait_for` does."""
    if seconds <= 0:
        raise TimeoutError
    async with asyncio.timeout(seconds):
        return await websocket.receive()


def _first(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first value of header `name` (ASGI names are lower case), as `Headers.get`."""
    for key, value in headers:
        if key == name:
            return value
    return None


def log_invocation(log: Any, route_key: str, result: Any) -> None:
    """The console line of one WebSocket invocation, from a socket or `pyarc invoke ws`:
    `ws $default 200` (the route key; the handler's `statusCode`, else 200; or the error)."""
    if result.ok:
        payload = result.payload
        code = payload.get("statusCode") if isinstance(payload, dict) else None
        status: int | str = code if isinstance(code, int) else 200
    else:
        status = result.error.kind if result.error else "error"
    log.invocation(f"ws {route_key}", status, result.duration_ms, result.cold)


class WebSocketGateway:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._live: dict[str, asyncio.Event] = {}  # connection id -> set when fully torn down

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        client = scope.get("client") or ("127.0.0.1", 0)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        user_agent, host = _first(headers, "user-agent"), _first(headers, "host")
        connection = Connection(aws_id(), websocket, now_ms(), client[0], user_agent or "")
        domain = host or f"localhost:{self.state.ports.http}"
        accepted_protocol = await self._run_connect(connection, domain, headers, websocket)
        if accepted_protocol is False:
            return
        done = asyncio.Event()
        self._live[connection.id] = done
        try:
            await websocket.accept(subprotocol=accepted_protocol or None)
            self.state.registry.add(connection)
            code, reason = await self._serve(connection, domain)
            self.state.registry.remove(connection.id)
            # one turn of the loop first (a yield, not a wait): uvicorn finishes closing the
            # socket on it, so the client's close never waits behind the $disconnect frame's
            # write, which hands the CPU to the worker (connect cycles 289-301 -> 330/s)
            await asyncio.sleep(0)
            await self._run_disconnect(connection, domain, code, reason)
        finally:
            self.state.registry.remove(connection.id)
            self._live.pop(connection.id, None)
            done.set()

    # $connect ------------------------------------------------------------------------
    async def _run_connect(
        self,
        connection: Connection,
        domain: str,
        headers: list[tuple[str, str]],
        websocket: WebSocket,
    ) -> str | bool:
        """Run $connect; returns a subprotocol to accept ("" for none) or False when rejected."""
        fn = self.state.ws_function("$connect")
        if fn is None:
            return ""
        single, multi = handshake_headers(headers, connection.source_ip, self.state.ports.http)
        query = []  # no query string (the usual case): no QueryParams to parse
        if websocket.scope.get("query_string"):
            query = list(websocket.query_params.multi_items())
        event = connect_event(connection, domain, single, multi, query)
        result = await self._invoke("$connect", fn, event)
        status, body, protocol = 200, "", ""
        if result is None:
            status, body = 500, '{"message": "Internal server error"}'
        elif isinstance(result, dict) and "statusCode" in result:
            try:
                status = int(result["statusCode"])
            except (TypeError, ValueError):
                status = 502
            body = result.get("body") if isinstance(result.get("body"), str) else ""
            response_headers = result.get("headers") or {}
            if isinstance(response_headers, dict):
                for name, value in response_headers.items():
                    if str(name).lower() == "sec-websocket-protocol":
                        protocol = str(value)
        if 200 <= status < 300:
            return protocol
        with contextlib.suppress(Exception):  # the client may already be gone
            await websocket.send_denial_response(Response(body or "", status_code=status))
        return False

    # messages -----------------------------------------------------------------------
    async def _serve(self, connection: Connection, domain: str) -> tuple[int, str]:
        """Receive until the socket closes; returns the (code, reason) for $disconnect."""
        # the task handling messages in order starts with the first message: a socket
        # that only connects and closes costs no task, queue or loop turn for it
        inbox: asyncio.Queue[str | bytes | None] | None = None
        worker: asyncio.Task[None] | None = None
        config = self.state.config
        code, reason = 1005, ""
        try:
            while True:
                now = now_ms()
                idle_left = connection.last_active_at / 1000 + config.ws_idle_timeout - now / 1000
                life_left = connection.connected_at / 1000 + config.ws_max_lifetime - now / 1000
                try:
                    message = await _receive_within(
                        connection.websocket, max(0.0, min(idle_left, life_left))
                    )
                except TimeoutError:
                    if life_left <= idle_left:
                        await connection.close(GOING_AWAY, "Connection duration limit reached")
                    elif now_ms() - connection.last_active_at < config.ws_idle_timeout * 1000:
                        continue  # activity (an outbound post) moved the deadline
                    else:
                        await connection.close(GOING_AWAY, "Going away: idle timeout")
                    break
                except Exception:  # the transport failed under us
                    break
                if message["type"] == "websocket.disconnect":
                    code = message.get("code") or 1005
                    reason = message.get("reason") or ""
                    break
                connection.touch()
                data = message.get("text")
                if inbox is None:
                    inbox = asyncio.Queue()
                    worker = asyncio.create_task(self._process(connection, domain, inbox))
                inbox.put_nowait(data if data is not None else message.get("bytes") or b"")
        finally:
            if inbox is not None and worker is not None:
                inbox.put_nowait(None)
                with contextlib.suppress(Exception):
                    await worker
        if connection.close_code is not None:
            return connection.close_code, connection.close_reason
        return code, reason

    async def _process(
        self, connection: Connection, domain: str, inbox: asyncio.Queue[str | bytes | None]
    ) -> None:
        while (frame := await inbox.get()) is not None:
            try:
                await self._handle_message(connection, domain, frame)
            except Exception as exc:  # never let one message kill the connection loop
                self.state.log.error(f"WebSocket message on {connection.id} failed: {exc}")

    def select_route(self, frame: str | bytes) -> str | None:
        """The route key `$request.body.action` selects, `$default`, or None (no route)."""
        if isinstance(frame, str):
            try:
                body = json.loads(frame)
            except ValueError:
                body = None
            action = body.get("action") if isinstance(body, dict) else None
            is_custom = isinstance(action, str) and not action.startswith("$")
            if is_custom and action in self.state.ws_routes:
                return action
        return "$default" if "$default" in self.state.ws_routes else None

    async def _handle_message(
        self, connection: Connection, domain: str, frame: str | bytes
    ) -> None:
        route_key = self.select_route(frame)
        request_id = aws_id()
        fn = self.state.ws_function(route_key) if route_key else None
        if fn is None or route_key is None:
            await self._reply_error(connection, "Forbidden", request_id)
            return
        event = message_event(connection, domain, route_key, frame)
        result = await self._invoke(route_key, fn, event)
        if result is None:
            await self._reply_error(connection, "Internal server error", request_id)
            return
        if isinstance(result, dict) and result.get("body") is not None:
            body = result["body"]
            if not isinstance(body, str):
                body = json.dumps(body)
            data: str | bytes = body
            if result.get("isBase64Encoded"):
                with contextlib.suppress(ValueError):
                    data = base64.b64decode(body)
            with contextlib.suppress(ConnectionGone):
                await connection.send(data)

    async def _reply_error(self, connection: Connection, message: str, request_id: str) -> None:
        reply = {"message": message, "connectionId": connection.id, "requestId": request_id}
        with contextlib.suppress(ConnectionGone):
            await connection.send(json.dumps(reply))

    # $disconnect --------------------------------------------------------------------
    async def _run_disconnect(
        self, connection: Connection, domain: str, code: int, reason: str
    ) -> None:
        fn = self.state.ws_function("$disconnect")
        if fn is None:
            return
        await self._invoke("$disconnect", fn, disconnect_event(connection, domain, code, reason))

    # shared ------------------------------------------------------------------------
    async def _invoke(self, route_key: str, fn: Function, event: dict[str, Any]) -> Any | None:
        """Invoke and log; returns the payload, or None when the invocation failed."""
        result = await self.state.pools.invoke(fn, event)
        # the worker pool has already logged an error with its traceback
        log_invocation(self.state.log, route_key, result)
        return result.payload if result.ok else None

    # shutdown ----------------------------------------------------------------------
    @property
    def unfinished(self) -> int:
        """Connections accepted whose `$disconnect` has not finished yet (open ones included)."""
        return len(self._live)

    async def close_all(self, code: int = GOING_AWAY, reason: str = "Going away") -> int:
        """Close every socket with `code`, wait until each one's $disconnect has run —
        also those of sockets the clients closed just before (their handlers still need
        the tables and _arc services, which stop after this)."""
        connections = self.state.registry.all()
        waiting = list(self._live.values())
        await asyncio.gather(*(c.close(code, reason) for c in connections))
        if waiting:
            await asyncio.gather(*(event.wait() for event in waiting))
        return len(connections)
