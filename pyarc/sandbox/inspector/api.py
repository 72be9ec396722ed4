"""The inspector's HTTP side, under `/_pyarc/` on the sandbox's main port.

    GET  /_pyarc/                              the page (static/index.html, this run's token)
    GET  /_pyarc/assets/<file>                 its CSS and ES modules
    GET  /_pyarc/api/live                      server-sent events: `invocation`, `output`, `changed`
    GET  /_pyarc/api/overview                  the app, its ports, what it declares
    GET  /_pyarc/api/invocations[?function=&failed=1]   newest first
    GET  /_pyarc/api/invocations/{id}          one, with event, result, output, error
    DELETE /_pyarc/api/invocations             forget them
    GET  /_pyarc/api/routes                    @http and @ws routes with handler and config
    GET  /_pyarc/api/connections               open WebSocket connections
    POST /_pyarc/api/connections/messages      {"data"}: to every connection
    POST /_pyarc/api/connections/{id}/messages {"data"}: to one
    DELETE /_pyarc/api/connections/{id}        disconnect it (its $disconnect runs)
    GET  /_pyarc/api/tables                    tables with keys, indexes, counts
    POST /_pyarc/api/tables/items              Scan/Query page
    PUT  /_pyarc/api/tables/items              put an item;  POST .../items/delete: delete one
    GET  /_pyarc/api/tables/{name}/export      every item as JSON (a download)
    POST /_pyarc/api/tables/reset              every table emptied and seeded again
    GET  /_pyarc/api/bus                       events, queues (depth), schedules, stream records
    POST /_pyarc/api/events/{name}             {"message"}: SNS Publish
    POST /_pyarc/api/queues/{name}             {"body"}: SQS SendMessage
    POST /_pyarc/api/schedules/{name}/fire     run the schedule now

Every request passes `Guard` first; errors are `{"message": "<one sentence>"}`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from pyarc.errors import PyarcError
from pyarc.sandbox.connections import ConnectionGone
from pyarc.sandbox.inspector import tables_view, views
from pyarc.sandbox.inspector.guard import TOKEN_HEADER, Guard
from pyarc.sandbox.inspector.recorder import Recorder
from pyarc.sandbox.management_api import DELETED_CLOSE_CODE, DELETED_CLOSE_REASON
from pyarc.tables.errors import DynamoError

if TYPE_CHECKING:
    from pyarc.sandbox.server import SandboxServer

Endpoint = Callable[[Request], Awaitable[Response]]
PREFIX = "/_pyarc"
STATIC = Path(__file__).parent / "static"
TABLES_REFRESH_S = 0.5  # open pages reread the tables at most this often while handlers write
ASSET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
TOKEN_PLACEHOLDER = "{{PYARC_TOKEN}}"
# the page loads only its own files; nothing may frame it (clickjacking)
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
MAX_BODY = 1024 * 1024


def is_inspector_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


async def inspector_off(scope: Scope, receive: Receive, send: Send) -> None:
    """`/_pyarc/...` of a sandbox started with `--no-inspector`."""
    message = "The inspector is off in this sandbox (--no-inspector); restart it without that flag."
    await _json({"message": message}, 404)(scope, receive, send)


class Inspector:
    """ASGI app for `/_pyarc/...` (not `/_pyarc/app` and `/_pyarc/logs`, which `LocalApi`
    answers on every port)."""

    def __init__(self, server: SandboxServer, recorder: Recorder, guard: Guard) -> None:
        self.server = server
        self.recorder = recorder
        self.guard = guard
        self.live = recorder.live
        self.router = Router(self._routes(), default=self.not_found)
        self._loop: asyncio.AbstractEventLoop | None = None  # known once a page listens
        self._tables_refresh_due = False

    def tables_changed(self) -> None:
        """A table or an item changed (any thread, under the store's lock): open pages hear
        `changed: tables` once per `TABLES_REFRESH_S`, however many writes there were."""
        loop = self._loop
        if loop is None or self._tables_refresh_due or not self.live.listening:
            return
        self._tables_refresh_due = True
        loop.call_soon_threadsafe(loop.call_later, TABLES_REFRESH_S, self._tell_tables_changed)

    def _tell_tables_changed(self) -> None:
        self._tables_refresh_due = False
        self.live.publish("changed", {"what": "tables"})

    def _routes(self) -> list[Route]:
        api = f"{PREFIX}/api"
        routes = [
            Route(PREFIX, self.to_page),
            Route(f"{PREFIX}/", self.page),
            Route(f"{PREFIX}/assets/{{name:path}}", self.asset),
            Route(f"{api}/live", self.live_stream),
            Route(f"{api}/overview", self.overview),
            Route(f"{api}/invocations", self.invocations, methods=["GET"]),
            Route(f"{api}/invocations", self.clear_invocations, methods=["DELETE"]),
            Route(f"{api}/invocations/{{id:int}}", self.invocation),
            Route(f"{api}/routes", self.routes),
            Route(f"{api}/connections", self.connections),
            Route(f"{api}/connections/messages", self.broadcast, methods=["POST"]),
            Route(f"{api}/connections/{{id}}/messages", self.send_to, methods=["POST"]),
            Route(f"{api}/connections/{{id}}", self.disconnect, methods=["DELETE"]),
            Route(f"{api}/tables", self.tables),
            Route(f"{api}/tables/items", self.read_items, methods=["POST"]),
            Route(f"{api}/tables/items", self.put_item, methods=["PUT"]),
            Route(f"{api}/tables/items/delete", self.delete_item, methods=["POST"]),
            Route(f"{api}/tables/reset", self.reset_tables, methods=["POST"]),
            Route(f"{api}/tables/{{name}}/export", self.export_table),
            Route(f"{api}/bus", self.bus),
            Route(f"{api}/events/{{name}}", self.publish, methods=["POST"]),
            Route(f"{api}/queues/{{name}}", self.send_message, methods=["POST"]),
            Route(f"{api}/schedules/{{name}}/fire", self.fire, methods=["POST"]),
        ]
        return [Route(r.path, _answering(r.endpoint), methods=r.methods) for r in routes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        refusal = self.guard.refusal(request.method, request.headers)
        if refusal is not None:
            await _json({"message": refusal}, 403)(scope, receive, send)
            return
        await self.router(scope, receive, send)

    async def not_found(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"The inspector has nothing at {scope['path']}; open {PREFIX}/."
        await _json({"message": message}, 404)(scope, receive, send)

    # the page ---------------------------------------------------------------------------
    async def to_page(self, request: Request) -> Response:
        return RedirectResponse(f"{PREFIX}/", 308)

    async def page(self, request: Request) -> Response:
        html = (
            (STATIC / "index.html").read_text("utf-8").replace(TOKEN_PLACEHOLDER, self.guard.token)
        )
        return Response(html, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = (STATIC / name).resolve()
        if (
            not path.is_relative_to(STATIC.resolve())
            or not path.is_file()
            or path.suffix not in ASSET_TYPES
        ):
            return _json({"message": f"The inspector has no file {name!r}."}, 404)
        return Response(
            path.read_bytes(), media_type=ASSET_TYPES[path.suffix], headers=SECURITY_HEADERS
        )

    async def live_stream(self, request: Request) -> Response:
        self._loop = asyncio.get_running_loop()
        headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
        return StreamingResponse(
            self.live.stream(), media_type="text/event-stream", headers=headers
        )

    async def overview(self, request: Request) -> Response:
        server = self.server
        inventory = server.inventory
        ports = server.ports.as_arc_sandbox() if server.ports is not None else {}
        return _json(
            {
                "app": inventory.app,
                "path": str(inventory.cwd),
                "manifest": inventory.manifest.name,
                "ports": ports,
                "host": server.config.host,
                "keep": self.recorder.keep,
                "counts": {
                    "http": len(inventory.http),
                    "ws": len(inventory.ws),
                    "tables": len(inventory.tables),
                    "events": len(inventory.events),
                    "queues": len(inventory.queues),
                    "scheduled": len(inventory.scheduled),
                    "streams": len(inventory.streams),
                },
                "functions": [fn.key for fn in inventory.functions],
                "tokenHeader": TOKEN_HEADER,
            }
        )

    # invocations ------------------------------------------------------------------------
    async def invocations(self, request: Request) -> Response:
        function = request.query_params.get("function")
        failed = request.query_params.get("failed") in ("1", "true")
        rows = [
            record.summary()
            for record in self.recorder.all()
            if (not function or record.function == function) and (not failed or record.ok is False)
        ]
        return _json({"invocations": rows, "keep": self.recorder.keep})

    async def invocation(self, request: Request) -> Response:
        record = self.recorder.get(request.path_params["id"])
        if record is None:
            return _json(
                {"message": "That invocation is no longer kept (only the newest are)."}, 404
            )
        return _json(record.detail())

    async def clear_invocations(self, request: Request) -> Response:
        self.recorder.clear()
        self.live.publish("changed", {"what": "invocations"})
        return _json({"ok": True})

    # routes and connections -------------------------------------------------------------
    async def routes(self, request: Request) -> Response:
        return _json(views.routes_view(self.server.inventory))

    async def connections(self, request: Request) -> Response:
        return _json({"connections": views.connections_view(self._state().registry)})

    async def broadcast(self, request: Request) -> Response:
        data = _frame(await _body(request))
        sent = 0
        for connection in self._state().registry.all():
            try:
                await connection.send(data)
                sent += 1
            except ConnectionGone:
                continue
        return _json({"sent": sent})

    async def send_to(self, request: Request) -> Response:
        data = _frame(await _body(request))
        connection_id = request.path_params["id"]
        try:
            await self._state().registry.get(connection_id).send(data)
        except ConnectionGone:
            return _json({"message": f"Connection {connection_id} is gone."}, 410)
        return _json({"sent": 1})

    async def disconnect(self, request: Request) -> Response:
        """As the Management API's DeleteConnection: the gateway then runs $disconnect."""
        connection_id = request.path_params["id"]
        try:
            connection = self._state().registry.get(connection_id)
        except ConnectionGone:
            return _json({"message": f"Connection {connection_id} is gone."}, 410)
        await connection.close(DELETED_CLOSE_CODE, DELETED_CLOSE_REASON)
        self.live.publish("changed", {"what": "connections"})
        return _json({"disconnected": connection_id})

    # tables -----------------------------------------------------------------------------
    async def tables(self, request: Request) -> Response:
        return await self._tables(
            lambda engine: {"tables": tables_view.list_tables(engine, self.server.inventory)}
        )

    async def read_items(self, request: Request) -> Response:
        body = await _body(request)
        return await self._tables(lambda engine: tables_view.read_items(engine, body))

    async def put_item(self, request: Request) -> Response:
        body = await _body(request)
        return await self._tables(lambda engine: tables_view.put_item(engine, body), changed=True)

    async def delete_item(self, request: Request) -> Response:
        body = await _body(request)
        return await self._tables(
            lambda engine: tables_view.delete_item(engine, body), changed=True
        )

    async def export_table(self, request: Request) -> Response:
        name = request.path_params["name"]
        response = await self._tables(lambda engine: tables_view.export_items(engine, name))
        if response.status_code == 200:
            response.headers["content-disposition"] = f'attachment; filename="{name}.json"'
        return response

    async def reset_tables(self, request: Request) -> Response:
        try:
            await asyncio.to_thread(self.server.reset_tables)
        except PyarcError as exc:
            return _json({"message": str(exc)}, 400)
        self.live.publish("changed", {"what": "tables"})
        return _json({"ok": True})

    async def _tables(self, work: Callable[[Any], Any], changed: bool = False) -> Response:
        engine = self.server.tables_engine
        if engine is None:
            return _json({"message": "The tables endpoint is not running in this sandbox."}, 409)
        try:
            answer = await asyncio.to_thread(work, engine)
        except DynamoError as exc:
            return _json({"message": exc.message, "type": exc.type}, 400)
        except tables_view.BadInput as exc:
            return _json({"message": str(exc)}, 400)
        if changed:
            self.live.publish("changed", {"what": "tables"})
        return _json(answer)

    # events, queues, schedules ---------------------------------------------------------
    async def bus(self, request: Request) -> Response:
        return _json(views.bus_view(self.server.inventory, self.server.event_bus, self.recorder))

    async def publish(self, request: Request) -> Response:
        body = await _body(request)
        message = _payload_text(body.get("message"))
        return self._on_bus(
            lambda bus: {"messageId": bus.publish(request.path_params["name"], message)}
        )

    async def send_message(self, request: Request) -> Response:
        body = await _body(request)
        text = _payload_text(body.get("body"))
        group = body.get("groupId") if isinstance(body.get("groupId"), str) else None

        def send(bus: Any) -> dict[str, Any]:
            message_id, sequence = bus.send(request.path_params["name"], text, group_id=group)
            return {"messageId": message_id, "sequenceNumber": sequence}

        return self._on_bus(send)

    async def fire(self, request: Request) -> Response:
        bus = self.server.event_bus
        if bus is None:
            return _json({"message": "The event bus is not running in this sandbox."}, 409)
        name = request.path_params["name"]
        if name not in bus.schedules:
            try:
                await bus.fire(name)  # refuses it, in the bus's words
            except PyarcError as exc:
                return _json({"message": _sentence(str(exc))}, 404)
        task = asyncio.ensure_future(bus.fire(name))  # the page follows it on the live stream
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        return _json({"fired": name}, 202)

    def _on_bus(self, work: Callable[[Any], dict[str, Any]]) -> Response:
        bus = self.server.event_bus
        if bus is None:
            return _json({"message": "The event bus is not running in this sandbox."}, 409)
        try:
            answer = work(bus)
        except PyarcError as exc:
            return _json({"message": _sentence(str(exc))}, 400)
        self.live.publish("changed", {"what": "bus"})
        return _json(answer)

    def _state(self) -> Any:
        assert self.server.state is not None
        return self.server.state


class _BadBody(Exception):
    pass


async def _body(request: Request) -> dict[str, Any]:
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            raise _BadBody("The request body is over 1 MB; send less.")
    try:
        body = json.loads(bytes(data) or b"{}", parse_float=Decimal)
    except ValueError:
        raise _BadBody("The request body is not JSON; send a JSON object.") from None
    if not isinstance(body, dict):
        raise _BadBody("The request body must be a JSON object.")
    return body


def _frame(body: dict[str, Any]) -> str:
    data = body.get("data")
    if not isinstance(data, str):
        raise _BadBody("'data' must be the text of the frame to send.")
    return data


def _payload_text(value: Any) -> str:
    """A message as SNS/SQS carry it: text as given, anything else as its JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        raise _BadBody("Give the message to send (text, or any JSON value).")
    return json.dumps(value, default=_default)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, default=_default, ensure_ascii=False)
    return Response(
        body,
        status_code=status,
        media_type="application/json",
        headers={"cache-control": "no-store"},
    )


def _answering(endpoint: Endpoint) -> Endpoint:
    """`endpoint`, with a body the page got wrong answered 400 in one sentence."""

    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except _BadBody as exc:
            return _json({"message": str(exc)}, 400)

    return run
