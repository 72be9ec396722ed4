"""The events port (default 4444): Architect's local event bus (`POST /events`,
`POST /queues` with `{"name", "payload"}`), plus the two AWS calls handlers make —
SNS `Publish` (query protocol, XML answers) and SQS `SendMessage`/`SendMessageBatch`/
`GetQueueUrl` (JSON 1.0 protocol) — so plain boto3 with `AWS_ENDPOINT_URL_SNS` /
`AWS_ENDPOINT_URL_SQS` reaches the sandbox. Also `POST /_arc/invoke` for `pyarc invoke`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pyarc.sandbox.events import names
from pyarc.sandbox.events.bus import EventBus, MessageTooLarge, UnknownTarget, payload_text

SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/"
Invoker = Callable[[str, str, object], Awaitable[dict]]


def create_app(bus: EventBus, invoke_target: Invoker | None = None) -> Starlette:
    """`invoke_target(pragma, name, payload) -> dict` serves `POST /_arc/invoke`."""

    async def architect_bus(request: Request) -> Response:
        kind = request.url.path.strip("/")  # "events" or "queues"
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError as exc:
            return _bad(f"the request body is not valid JSON ({exc.msg})")
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
            return await _sqs(bus, target.removeprefix("AmazonSQS."), await request.body())
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        form.update(parse_qs(request.url.query))
        action = (form.get("Action") or [""])[0]
        if action == "Publish":
            return _sns_publish(bus, {k: v[0] for k, v in form.items()})
        return _sns_error(
            "InvalidAction", f"The action {action or '(none)'} is not valid for this endpoint.", 400
        )

    async def invoke(request: Request) -> Response:
        if invoke_target is None:
            return _bad("invoking is not available on this server", status=404)
        try:
            body = json.loads(await request.body() or b"{}")
            pragma, name = body["pragma"], body["name"]
        except (ValueError, KeyError, TypeError):
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


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


# SNS (query protocol) ----------------------------------------------------------------------
def _sns_publish(bus: EventBus, form: dict[str, str]) -> Response:
    topic_arn = form.get("TopicArn") or form.get("TargetArn")
    if not topic_arn:
        return _sns_error("InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter", 400)
    if "Message" not in form:
        return _sns_error("ValidationError", "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null", 400)
    attributes: dict[str, dict[str, str]] = {}
    index = 1
    while f"MessageAttributes.entry.{index}.Name" in form:
        prefix = f"MessageAttributes.entry.{index}"
        attributes[form[f"{prefix}.Name"]] = {
            "Type": form.get(f"{prefix}.Value.DataType", "String"),
            "Value": form.get(f"{prefix}.Value.StringValue", form.get(f"{prefix}.Value.BinaryValue", "")),
        }
        index += 1
    try:
        name = bus.event_for_arn(topic_arn)
        message_id = bus.publish(name, form["Message"], subject=form.get("Subject"), attributes=attributes)
    except UnknownTarget:
        return _sns_error("NotFound", "Topic does not exist", 404)
    except MessageTooLarge:
        return _sns_error("InvalidParameter", "Invalid parameter: Message too long", 400)
    bus.log(f"event {name}: published {message_id}")
    xml = (
        f'<PublishResponse xmlns="{SNS_NS}"><PublishResult><MessageId>{message_id}</MessageId>'
        f"</PublishResult><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
        "</ResponseMetadata></PublishResponse>"
    )
    return Response(xml, media_type="text/xml")


def _sns_error(code: str, message: str, status: int) -> Response:
    xml = (
        f'<ErrorResponse xmlns="{SNS_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
        "</ErrorResponse>"
    )
    return Response(xml, status_code=status, media_type="text/xml")


# SQS (JSON 1.0 protocol) -------------------------------------------------------------------
async def _sqs(bus: EventBus, operation: str, raw: bytes) -> Response:
    try:
        request = json.loads(raw or b"{}")
    except ValueError:
        return _sqs_error("InvalidParameterValue", "The request body is not valid JSON.", 400)
    if operation == "GetQueueUrl":
        try:
            name = bus.queue_for_name(request.get("QueueName", ""))
        except UnknownTarget:
            return _sqs_missing()
        queue = next(q for q in bus.inventory.queues if q.name == name)
        url = names.queue_url(bus.inventory.app, queue.name, queue.fifo, bus.endpoint)
        return _sqs_ok({"QueueUrl": url})
    if operation not in ("SendMessage", "SendMessageBatch"):
        return _sqs_error("UnsupportedOperation", f"{operation} is not supported by the pyarc sandbox.", 400)
    queue_url = request.get("QueueUrl", "")
    try:
        name = bus.queue_for_name(queue_url.rstrip("/").rsplit("/", 1)[-1])
    except UnknownTarget:
        return _sqs_missing()
    entries = request.get("Entries", []) if operation == "SendMessageBatch" else [request]
    successful, failed = [], []
    for entry in entries:
        body = entry.get("MessageBody")
        if not isinstance(body, str) or not body:
            if operation == "SendMessage":
                return _sqs_error("MissingParameter", "The request must contain the parameter MessageBody.", 400)
            failed.append({"Id": entry.get("Id"), "SenderFault": True, "Code": "MissingParameter",
                           "Message": "The request must contain the parameter MessageBody."})
            continue
        try:
            message_id, sequence = bus.send(
                name,
                body,
                group_id=entry.get("MessageGroupId"),
                dedup_id=entry.get("MessageDeduplicationId"),
                attributes=entry.get("MessageAttributes"),
            )
        except MessageTooLarge:
            reason = "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes."
            if operation == "SendMessage":
                return _sqs_error("InvalidParameterValue", reason, 400)
            failed.append({"Id": entry.get("Id"), "SenderFault": True, "Code": "InvalidParameterValue", "Message": reason})
            continue
        result = {"MessageId": message_id, "MD5OfMessageBody": hashlib.md5(body.encode()).hexdigest()}
        if sequence:
            result["SequenceNumber"] = sequence
        if operation == "SendMessageBatch":
            result["Id"] = entry.get("Id")
        successful.append(result)
    if operation == "SendMessage":
        return _sqs_ok(successful[0])
    return _sqs_ok({"Successful": successful, "Failed": failed})


def _sqs_ok(body: dict) -> Response:
    return Response(json.dumps(body), media_type="application/x-amz-json-1.0")


def _sqs_missing() -> Response:
    return _sqs_error(
        "QueueDoesNotExist", "The specified queue does not exist.", 400,
        query_error="AWS.SimpleQueueService.NonExistentQueue;Sender",
    )


def _sqs_error(code: str, message: str, status: int, query_error: str | None = None) -> Response:
    headers = {"x-amzn-query-error": query_error or f"{code};Sender"}
    body = {"__type": f"com.amazonaws.sqs#{code}", "message": message}
    return Response(json.dumps(body), status_code=status, headers=headers,
                    media_type="application/x-amz-json-1.0")
