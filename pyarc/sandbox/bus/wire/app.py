"""The events port's app (default 4444): Architect's local event bus (`POST /events`,
`POST /queues` with `{"name", "payload"}`), `POST /_arc/invoke` for `pyarc invoke`,
`GET /_arc/idle`, and every other POST to the AWS protocol it speaks: SQS in JSON when
`X-Amz-Target: AmazonSQS.*` says so, SQS in the query protocol when the SigV4 scope says
`sqs` (unsigned: an SQS action) (`sqs.py`), else SNS's query form (`sns.py`)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pyarc.sandbox.bus.bus import MessageTooLarge, UnknownTarget, payload_text
from pyarc.sandbox.bus.wire import sns, sqs
from pyarc.sandbox.bus.wire.api import Bus
from pyarc.wire.sigv4 import credential_scope

Invoker = Callable[[str, str, object], Awaitable[dict]]


def create_app(bus: Bus, invoke_target: Invoker | None = None) -> Starlette:
    """`invoke_target(pragma, name, payload) -> dict` serves `POST /_arc/invoke`."""

    async def architect_bus(request: Request) -> Response:
        kind = request.url.path.strip("/")  # "events" or "queues"
        try:
            body = json.loads(await request.body() or b"null")
        except (ValueError, RecursionError) as exc:
            return _bad(f"the request body is not valid JSON ({_json_problem(exc)})")
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return _bad('send {"name": "<' + kind[:-1] + ' name>", "payload": {...}}')
        try:
            text = payload_text(body.get("payload"))
            if kind == "events":
                message_id = bus.publish(body["name"], text)
            else:
                message_id, _ = bus.send(body["name"], text)
        except UnknownTarget as exc:
            return _bad(str(exc), status=404)
        except MessageTooLarge as exc:
            return _bad(str(exc), status=413)
        bus.log(f"{kind[:-1]} {body['name']}: published {message_id}")
        return JSONResponse({"ok": True, "messageId": message_id}, status_code=202)

    async def aws_endpoint(request: Request) -> Response:
        target = request.headers.get("x-amz-target", "")
        if target.startswith("AmazonSQS."):
            return sqs.handle(bus, target.removeprefix("AmazonSQS."), await request.body())
        parsed = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        parsed.update(parse_qs(request.url.query))
        form = {k: v[0] for k, v in parsed.items()}
        scope = credential_scope(request.scope["headers"])
        action = form.get("Action", "")
        if (scope.service == "sqs") if scope else action in sqs.OPERATIONS:
            return sqs.handle_query(bus, action, form)  # boto3 before SQS spoke JSON
        return sns.handle(bus, form)

    async def invoke(request: Request) -> Response:
        if invoke_target is None:
            return _bad("invoking is not available on this server", status=404)
        try:
            body = json.loads(await request.body() or b"{}")
            pragma, name = body["pragma"], body["name"]
        except (ValueError, RecursionError, KeyError, TypeError):
            pragma = name = None
        if not isinstance(pragma, str) or not isinstance(name, str):
            return _bad('send {"pragma": "...", "name": "...", "payload": ...}')
        try:
            return JSONResponse(await invoke_target(pragma, name, body.get("payload")))
        except UnknownTarget as exc:
            return _bad(str(exc), status=404)

    async def idle(request: Request) -> Response:
        await bus.idle()
        return JSONResponse({"idle": True})

    return Starlette(
        routes=[
            Route("/events", architect_bus, methods=["POST"]),
            Route("/queues", architect_bus, methods=["POST"]),
            Route("/_arc/invoke", invoke, methods=["POST"]),
            Route("/_arc/idle", idle, methods=["GET"]),
            Route("/{path:path}", aws_endpoint, methods=["POST"]),
        ]
    )


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    return str(exc)


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)
