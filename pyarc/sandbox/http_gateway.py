"""The HTTP side of the sandbox's port: Management API, static files, `@http` routes, 404s."""

from __future__ import annotations

import html

from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

from pyarc.inventory.functions import missing_handler
from pyarc.sandbox.http_responses import (
    HttpResponseParts,
    MalformedResponse,
    json_error,
    normalise,
)
from pyarc.sandbox.lambda_events.http import HttpRequestInfo, build_v1, build_v2
from pyarc.sandbox.management_api import BROADCAST_PATH, ManagementApi, connection_id_from
from pyarc.sandbox.router import RouteMatch, suggest_route
from pyarc.sandbox.state import SandboxState
from pyarc.sandbox.static import STATIC_PREFIX

_SKIPPED_RESPONSE_HEADERS = {"content-length", "transfer-encoding", "connection"}


class BodyTooLarge(Exception):
    pass


class HttpGateway:
    def __init__(self, state: SandboxState, management: ManagementApi) -> None:
        self.state = state
        self.management = management

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == BROADCAST_PATH and scope["method"] == "POST":  # sandbox only
            await self.management.serve_broadcast(scope, receive, send)
            return
        connection_id = connection_id_from(scope["path"])  # (decoded)
        if connection_id is not None:
            await self.management.serve(scope, receive, send, connection_id)
            return
        response = await self._respond(scope, receive)
        await response(scope, receive, send)

    async def _respond(self, scope: Scope, receive: Receive) -> Response | _Answer:
        # read from the scope: a starlette Request (and its Headers) only where one is used
        path = scope["path"]  # decoded
        method = scope["method"].upper()
        too_big = self._headers_too_big(scope)
        if too_big is not None:
            return too_big
        if path.startswith(STATIC_PREFIX) and method in ("GET", "HEAD"):
            headers = Headers(scope=scope)
            found = self.state.static.respond(path[len(STATIC_PREFIX) :], headers)
            return found or self._not_found(scope, headers, static=True)
        raw_path = scope.get("raw_path", b"").decode("latin-1") or path
        match = self.state.router.match(method, raw_path)
        if match is None:
            headers = Headers(scope=scope)
            if method in ("GET", "HEAD"):
                relative = "index.html" if path == "/" else path.lstrip("/")
                found = self.state.static.respond(relative, headers)
                if found is not None:
                    return found
            return self._not_found(scope, headers)
        return await self._invoke(scope, receive, match, raw_path)

    async def _invoke(
        self, scope: Scope, receive: Receive, match: RouteMatch, raw_path: str
    ) -> _Answer:
        fn = match.route.function
        label = match.route_key
        hint = missing_handler(fn, self.state.inventory.cwd)
        if hint is not None:
            self.state.log.error(f"{label}: {hint}")
            return _to_response(json_error(500, "Internal Server Error", pyarc=hint))
        try:
            body = await _read_body(scope, receive, self.state.config.http_body_limit)
        except BodyTooLarge:
            limit_mb = self.state.config.http_body_limit / 1024 / 1024
            return _to_response(
                json_error(413, f"Request Entity Too Large: bodies over {limit_mb:g} MB")
            )
        client = scope.get("client")
        info = HttpRequestInfo(
            method=scope["method"],
            raw_path=raw_path,
            raw_query=scope.get("query_string", b"").decode("latin-1"),
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            body=body,
            source_ip=client[0] if client else "127.0.0.1",
            protocol=f"HTTP/{scope.get('http_version', '1.1')}",
        )
        version = self.state.payload_version
        build = build_v1 if version == "1.0" else build_v2
        event = build(info, match, self.state.ports.http)
        result = await self.state.pools.invoke(fn, event)
        if not result.ok:
            error = result.error
            # the worker pool has already logged the error with its traceback
            self.state.log.invocation(label, 500, result.duration_ms, result.cold)
            parts = json_error(500, "Internal Server Error")
            if error is not None:
                parts.headers.append(("x-pyarc-error-type", error.error_type))
            return _to_response(parts, info.request_id)
        try:
            parts = normalise(result.payload, version)
        except MalformedResponse as exc:
            # an HTTP API answers a response it cannot map with its plain 500 (REST APIs
            # say 502); the reason goes to the console and the `pyarc` field
            message = f"Malformed Lambda proxy response from {label}: {exc}"
            self.state.log.invocation(label, 500, result.duration_ms, result.cold)
            self.state.log.error(message)
            parts = json_error(500, "Internal Server Error", pyarc=message)
            parts.headers.append(("x-pyarc-error-type", "Sandbox.MalformedResponse"))
            return _to_response(parts, info.request_id)
        self.state.log.invocation(label, parts.status, result.duration_ms, result.cold)
        return _to_response(parts, info.request_id)

    def _headers_too_big(self, scope: Scope) -> _Answer | None:
        """HTTP APIs cap the request line plus the header values at 10240 bytes (config.py).
        AWS documents the limit, not its answer: 431 is HTTP's status for it (RFC 6585)."""
        size = request_line_and_header_values_size(scope)
        limit = self.state.config.http_header_limit
        if size <= limit:
            return None
        method, path = scope["method"], scope["path"]
        hint = (
            f"The request line and header values of {method} {path} take {size} bytes, over the "
            f"{limit} an API Gateway HTTP API accepts; send smaller headers (often cookies)."
        )
        self.state.log.warning(hint)
        return _to_response(json_error(431, "Request Header Fields Too Large", pyarc=hint))

    def _not_found(self, scope: Scope, headers: Headers, static: bool = False) -> Response:
        method, path = scope["method"], scope["path"]
        if path == BROWSER_ICON:  # browsers ask for it by themselves: no route to suggest
            self.state.log.not_found(method, path, "")
            return Response("Not Found", status_code=404, media_type="text/plain")
        if static:
            folder = self.state.static.folder
            name = path[len(STATIC_PREFIX) :]
            hint = f"No file {name!r} in the static folder {folder}; add it there."
            short, line = f"no file {name!r} in {folder.name}/", None
        else:
            manifest = self.state.inventory.manifest.name
            line = suggest_route(method, path)
            hint = (
                f"No @http route matches {method} {path}: add `{line}` under @http in {manifest}."
            )
            short = f"add `{line}` under @http in {manifest}"
            misplaced = self.state.inventory.unknown_pragma_declaring(method, path)
            if misplaced is not None:
                pragma, line = misplaced
                short = f"`{line}` is under @{pragma}, which pyarc does not know: use @http"
                hint = (
                    f"No @http route matches {method} {path}: `{line}` is under @{pragma} in "
                    f"{manifest}, which is not a pragma pyarc knows; rename it @http."
                )
        self.state.log.not_found(method, path, short)
        if "text/html" in headers.get("accept", ""):
            return HTMLResponse(not_found_page(method, path, hint, line), status_code=404)
        return JSONResponse({"message": "Not Found", "pyarc": hint}, status_code=404)


BROWSER_ICON = "/favicon.ico"


def not_found_page(method: str, path: str, hint: str, line: str | None) -> str:
    """The 404 page a browser gets: the sentence, and the `@http` line to copy."""
    snippet = ""
    if line is not None:
        snippet = f"<pre><code>@http\n{html.escape(line)}</code></pre>"
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>404 {html.escape(method)} {html.escape(path)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;"
        "padding:0 1rem;color:#222}pre{background:#f4f1ea;padding:1rem;border-radius:6px;"
        "font-size:15px}h1{font-size:1.6rem}</style>"
        f"<h1>404: no route for {html.escape(method)} {html.escape(path)}</h1>"
        f"<p>{_code_spans(hint)}</p>{snippet}"
        "<p style='color:#777;font-size:14px'>pyarc sandbox</p></html>"
    )


def _code_spans(text: str) -> str:
    """`text` as HTML, with `backticked` parts in <code>."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))


def request_line_and_header_values_size(scope: Scope) -> int:
    """Bytes of `GET /path?query HTTP/1.1` plus every header value (names do not count)."""
    target = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    line = len(scope["method"]) + 1 + len(target) + (len(query) + 1 if query else 0)
    line += len(" HTTP/") + len(scope.get("http_version", "1.1"))
    return line + sum(len(value) for _, value in scope["headers"])


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The request body, read as starlette's `Request.stream()` reads it (a client gone
    raises its ClientDisconnect), refused once over `limit`."""
    for name, value in scope["headers"]:
        if name == b"content-length":  # the first one, as `Headers.get` finds it
            declared = value.decode("latin-1")
            if declared.isdigit() and int(declared) > limit:
                raise BodyTooLarge
            break
    data = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.request":
            data += message.get("body", b"")
            if len(data) > limit:
                raise BodyTooLarge
            if not message.get("more_body", False):
                return bytes(data)
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()


class _Answer:
    """A response as its two ASGI messages: the ones starlette's `Response(body, status)`
    sends, built without its header handling."""

    __slots__ = ("status", "raw_headers", "body")

    def __init__(self, status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status, self.raw_headers, self.body = status, raw_headers, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status, "headers": self.raw_headers}
        )
        await send({"type": "http.response.body", "body": self.body})


def _to_response(parts: HttpResponseParts, request_id: str | None = None) -> _Answer:
    status = parts.status
    raw_headers: list[tuple[bytes, bytes]] = []
    if not (status < 200 or status in (204, 304)):  # where starlette counts the body
        raw_headers.append((b"content-length", str(len(parts.body)).encode("latin-1")))
    for name, value in parts.headers:
        lowered = name.lower()
        if lowered in _SKIPPED_RESPONSE_HEADERS:
            continue
        raw_headers.append((lowered.encode("latin-1"), _header_bytes(value)))
    if request_id is not None:  # HTTP APIs name the request (= requestContext.requestId)
        raw_headers.append((b"apigw-requestid", request_id.encode("ascii")))
    return _Answer(status, raw_headers, parts.body)


def _header_bytes(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")
