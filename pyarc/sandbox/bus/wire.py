"""The events port (default 4444): Architect's local event bus (`POST /events`,
`POST /queues` with `{"name", "payload"}`), plus the AWS calls handlers make — SNS
`Publish`/`PublishBatch` (query protocol, XML answers) and SQS `SendMessage`/
`SendMessageBatch`/`GetQueueUrl`/`GetQueueAttributes` (JSON 1.0 protocol) — so plain
boto3 with `AWS_ENDPOINT_URL_SNS` / `AWS_ENDPOINT_URL_SQS` reaches the sandbox, with
AWS's validation and error codes. Also `POST /_arc/invoke` for `pyarc invoke`.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pyarc.sandbox.bus import names
from pyarc.sandbox.bus.bus import (
    MAX_MESSAGE_BYTES,
    EventBus,
    MessageTooLarge,
    UnknownTarget,
    payload_text,
)

SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/"
Invoker = Callable[[str, str, object], Awaitable[dict]]


def create_app(bus: EventBus, invoke_target: Invoker | None = None) -> Starlette:
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
            return await _sqs(bus, target.removeprefix("AmazonSQS."), await request.body())
        form = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        form.update(parse_qs(request.url.query))
        action = (form.get("Action") or [""])[0]
        if action == "Publish":
            return _sns_publish(bus, {k: v[0] for k, v in form.items()})
        if action == "PublishBatch":
            return _sns_publish_batch(bus, {k: v[0] for k, v in form.items()})
        return _sns_error(
            "InvalidAction", f"The action {action or '(none)'} is not valid for this endpoint.", 400
        )

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


# SNS (query protocol) ----------------------------------------------------------------------
class SnsError(Exception):
    """An SNS error answer: code (botocore maps it to the exception), message, status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
MAX_BATCH_ENTRIES = 10


def _sns_publish(bus: EventBus, form: dict[str, str]) -> Response:
    topic_arn = form.get("TopicArn") or form.get("TargetArn")
    if not topic_arn:
        return _sns_error("InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter", 400)
    if "Message" not in form:
        return _sns_error("ValidationError", "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null", 400)
    try:
        name = bus.event_for_arn(topic_arn)
    except UnknownTarget:
        return _sns_error("NotFound", "Topic does not exist", 404)
    try:
        message_id = _sns_send(bus, name, form, "")
    except SnsError as exc:
        return _sns_error(exc.code, exc.message, exc.status)
    xml = (
        f'<PublishResponse xmlns="{SNS_NS}"><PublishResult><MessageId>{message_id}</MessageId>'
        f"</PublishResult><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
        "</ResponseMetadata></PublishResponse>"
    )
    return Response(xml, media_type="text/xml")


def _sns_publish_batch(bus: EventBus, form: dict[str, str]) -> Response:
    try:
        name = bus.event_for_arn(form.get("TopicArn", ""))
    except UnknownTarget:
        return _sns_error("NotFound", "Topic does not exist", 404)
    prefixes = []
    while f"PublishBatchRequestEntries.member.{len(prefixes) + 1}.Id" in form:
        prefixes.append(f"PublishBatchRequestEntries.member.{len(prefixes) + 1}.")
    ids = [form[p + "Id"] for p in prefixes]
    if not prefixes:
        return _sns_error("EmptyBatchRequest", "The batch request doesn't contain any entries.", 400)
    if len(prefixes) > MAX_BATCH_ENTRIES:
        return _sns_error("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.", 400)
    if len(set(ids)) != len(ids):
        return _sns_error("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.", 400)
    if not all(BATCH_ID.fullmatch(i) for i in ids):
        return _sns_error("InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification.", 400)
    if sum(len(form.get(p + "Message", "").encode()) for p in prefixes) > MAX_MESSAGE_BYTES:
        return _sns_error("BatchRequestTooLong", "The length of all the messages put together is more than the limit.", 400)
    successful, failed = [], []
    for entry_id, prefix in zip(ids, prefixes, strict=True):
        try:
            message_id = _sns_send(bus, name, form, prefix)
        except SnsError as exc:
            failed.append(
                f"<member><Id>{escape(entry_id)}</Id><Code>{exc.code}</Code>"
                f"<Message>{escape(exc.message)}</Message><SenderFault>true</SenderFault></member>"
            )
            continue
        successful.append(f"<member><Id>{escape(entry_id)}</Id><MessageId>{message_id}</MessageId></member>")
    xml = (
        f'<PublishBatchResponse xmlns="{SNS_NS}"><PublishBatchResult>'
        f"<Successful>{''.join(successful)}</Successful><Failed>{''.join(failed)}</Failed>"
        f"</PublishBatchResult><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
        "</ResponseMetadata></PublishBatchResponse>"
    )
    return Response(xml, media_type="text/xml")


def _sns_send(bus: EventBus, name: str, form: dict[str, str], prefix: str) -> str:
    """Validate one Publish (or batch entry, `prefix` naming it) as SNS does and publish it."""
    message = form.get(prefix + "Message", "")
    if not message:
        raise SnsError("InvalidParameter", "Invalid parameter: Empty message")
    if len(message.encode()) > MAX_MESSAGE_BYTES:
        raise SnsError("InvalidParameter", "Invalid parameter: Message too long")
    structure = form.get(prefix + "MessageStructure")
    if structure is not None:
        message = _sns_structured(structure, message)
    subject = form.get(prefix + "Subject")
    if subject is not None and (not subject or len(subject) > 100):
        raise SnsError("InvalidParameter", "Invalid parameter: Subject")
    attributes = _sns_attributes(form, prefix + "MessageAttributes.entry.")
    message_id = bus.publish(name, message, subject=subject, attributes=attributes)
    bus.log(f"event {name}: published {message_id}")
    return message_id


def _sns_structured(structure: str, message: str) -> str:
    """`MessageStructure=json`: a Lambda subscriber gets the `lambda` entry, else `default`."""
    if structure != "json":
        raise SnsError("InvalidParameter", "Invalid parameter: MessageStructure")
    try:
        by_protocol = json.loads(message)
    except ValueError:
        by_protocol = None
    if not isinstance(by_protocol, dict):
        raise SnsError("InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse")
    if "default" not in by_protocol:
        raise SnsError("InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body")
    chosen = by_protocol.get("lambda", by_protocol["default"])
    if not isinstance(chosen, str):
        raise SnsError("InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse")
    return chosen


def _sns_attributes(form: dict[str, str], prefix: str) -> dict[str, dict[str, str]]:
    """`MessageAttributes.entry.N.{Name, Value.DataType, Value.StringValue|BinaryValue}`
    -> `{name: {"Type", "Value"}}` as the Lambda event shows them (binary stays base64)."""
    attributes: dict[str, dict[str, str]] = {}
    index = 1
    while f"{prefix}{index}.Name" in form:
        entry = f"{prefix}{index}."
        name = form[entry + "Name"]
        data_type = form.get(entry + "Value.DataType", "")
        value = form.get(entry + "Value.StringValue", form.get(entry + "Value.BinaryValue", ""))
        if data_type.split(".", 1)[0] not in ("String", "Number", "Binary"):
            raise SnsError(
                "ParameterValueInvalid",
                f"The message attribute '{name}' has an invalid message attribute type, the set "
                "of supported type prefixes is Binary, Number, and String.",
            )
        if value == "":
            raise SnsError(
                "ParameterValueInvalid",
                f"The message attribute '{name}' must contain non-empty message attribute value "
                f"for message attribute type '{data_type.split('.', 1)[0]}'.",
            )
        if data_type.split(".", 1)[0] == "Number" and not _is_number(value):
            raise SnsError("ParameterValueInvalid", f"Could not cast message attribute '{name}' value to number.")
        if data_type == "String.Array" and not _is_array(value):
            raise SnsError(
                "ParameterValueInvalid",
                f"The message attribute '{name}' with type 'String.Array' has an invalid value: "
                "use a JSON array of strings, numbers, true, false or null.",
            )
        attributes[name] = {"Type": data_type, "Value": value}
        index += 1
    return attributes


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _is_array(value: str) -> bool:
    try:
        items = json.loads(value)
    except ValueError:
        return False
    return isinstance(items, list) and all(
        item is None or isinstance(item, str | int | float | bool) for item in items
    )


def _sns_error(code: str, message: str, status: int) -> Response:
    xml = (
        f'<ErrorResponse xmlns="{SNS_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
        "</ErrorResponse>"
    )
    return Response(xml, status_code=status, media_type="text/xml")


# SQS (JSON 1.0 protocol) -------------------------------------------------------------------
class SqsError(Exception):
    """An SQS error: `shape` is botocore's exception name (`__type`), `code` the query
    error code boto3 puts in `Error.Code` (`x-amzn-query-error`), as SQS answers them."""

    def __init__(self, shape: str, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.shape, self.message, self.code = shape, message, code or shape


MAX_DELAY_SECONDS = 900
QUEUE_ATTRIBUTES = (
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible", "ContentBasedDeduplication", "CreatedTimestamp",
    "DeduplicationScope", "DelaySeconds", "FifoQueue", "FifoThroughputLimit",
    "LastModifiedTimestamp", "MaximumMessageSize", "MessageRetentionPeriod", "Policy",
    "QueueArn", "ReceiveMessageWaitTimeSeconds", "RedriveAllowPolicy", "RedrivePolicy",
    "SqsManagedSseEnabled", "VisibilityTimeout", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
)
_STARTED = str(int(time.time()))


async def _sqs(bus: EventBus, operation: str, raw: bytes) -> Response:
    try:
        request = json.loads(raw or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json reads
        return _sqs_error("InvalidParameterValue", "The request body is not valid JSON.", 400)
    if not isinstance(request, dict):
        return _sqs_error(
            "InvalidParameterValue", "The request body must be a JSON object of parameters.", 400
        )
    try:
        _check_sqs_types(request)
        if operation == "GetQueueUrl":
            name = _queue(bus, request.get("QueueName", ""))
            queue = next(q for q in bus.inventory.queues if q.name == name)
            return _sqs_ok({"QueueUrl": names.queue_url(bus.inventory.app, queue.name, queue.fifo, bus.endpoint)})
        if operation == "GetQueueAttributes":
            return _sqs_ok(_queue_attributes(bus, request))
        if operation == "SendMessage":
            name = _queue_of_url(bus, request.get("QueueUrl", ""))
            return _sqs_ok(_sqs_send(bus, name, request))
        if operation == "SendMessageBatch":
            name = _queue_of_url(bus, request.get("QueueUrl", ""))
            return _sqs_ok(_sqs_send_batch(bus, name, request.get("Entries") or []))
    except SqsError as exc:
        return _sqs_error(exc.shape, exc.message, 400, query_error=f"{exc.code};Sender")
    return _sqs_error(
        "UnsupportedOperation", f"{operation} is not supported by the pyarc sandbox.", 400,
        query_error="AWS.SimpleQueueService.UnsupportedOperation;Sender",
    )


_SQS_STRINGS = ("QueueName", "QueueUrl", "QueueOwnerAWSAccountId", "MessageBody",
                "MessageGroupId", "MessageDeduplicationId", "Id")


def _check_sqs_types(request: dict, where: str = "") -> None:
    """Refuse a parameter of the wrong JSON type, naming it, as SQS does."""

    def wrong(name: str, value: object, expected: str) -> SqsError:
        return SqsError(
            "InvalidParameterValue",
            f"Value {json.dumps(value)[:100]} for parameter {where}{name} is invalid. "
            f"Reason: it must be {expected}.",
        )

    for name in [k for k, v in request.items() if v is None]:
        del request[name]  # a null parameter is an absent one
    for name in _SQS_STRINGS:
        value = request.get(name)
        if value is not None and not isinstance(value, str):
            raise wrong(name, value, "a string")
    delay = request.get("DelaySeconds")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int)):
        raise wrong("DelaySeconds", delay, "an integer")
    names = request.get("AttributeNames")
    if names is not None and not (
        isinstance(names, list) and all(isinstance(n, str) for n in names)
    ):
        raise wrong("AttributeNames", names, "a list of attribute names")
    entries = request.get("Entries")
    if entries is not None:
        if not isinstance(entries, list):
            raise wrong("Entries", entries, "a list of entries")
        for position, entry in enumerate(entries, 1):
            if not isinstance(entry, dict):
                raise wrong(f"Entries.{position}", entry, "an object")
            _check_sqs_types(entry, f"Entries.{position}.")


def _queue(bus: EventBus, name: str) -> str:
    try:
        return bus.queue_for_name(name)
    except UnknownTarget:
        raise SqsError(
            "QueueDoesNotExist", "The specified queue does not exist.",
            "AWS.SimpleQueueService.NonExistentQueue",
        ) from None


def _queue_of_url(bus: EventBus, url: str) -> str:
    return _queue(bus, url.rstrip("/").rsplit("/", 1)[-1])


def _sqs_send(bus: EventBus, name: str, entry: dict) -> dict:
    """Validate one SendMessage (or batch entry) as SQS does, then enqueue it."""
    body = entry.get("MessageBody")
    if not isinstance(body, str) or not body:
        raise SqsError("MissingParameter", "The request must contain the parameter MessageBody.")
    fifo = bus.queue_fifo(name)
    group_id = entry.get("MessageGroupId")
    if fifo and not group_id:
        raise SqsError("MissingParameter", "The request must contain the parameter MessageGroupId.")
    if not fifo and entry.get("MessageDeduplicationId"):
        raise SqsError(
            "InvalidParameterValue",
            f"Value {entry['MessageDeduplicationId']} for parameter MessageDeduplicationId is "
            "invalid. Reason: The request include parameter that is not valid for this queue type.",
        )
    delay = entry.get("DelaySeconds") or 0
    if not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY_SECONDS:
        raise SqsError(
            "InvalidParameterValue",
            f"Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be "
            f">= 0 and <= {MAX_DELAY_SECONDS}.",
        )
    if fifo and delay:
        raise SqsError(
            "InvalidParameterValue",
            f"Value {delay} for parameter DelaySeconds is invalid. Reason: The request include "
            "parameter that is not valid for this queue type.",
        )
    attributes = entry.get("MessageAttributes") or {}
    _check_sqs_attributes(attributes)
    try:
        message_id, sequence = bus.send(
            name, body, group_id=group_id, dedup_id=entry.get("MessageDeduplicationId"),
            attributes=attributes, delay_seconds=delay,
        )
    except MessageTooLarge:
        raise SqsError(
            "InvalidParameterValue",
            f"One or more parameters are invalid. Reason: Message must be shorter than {MAX_MESSAGE_BYTES} bytes.",
        ) from None
    bus.log(f"queue {name}: published {message_id}")
    result = {"MessageId": message_id, "MD5OfMessageBody": hashlib.md5(body.encode()).hexdigest()}
    if sequence:
        result["SequenceNumber"] = sequence
    return result


def _check_sqs_attributes(attributes: object) -> None:
    if not isinstance(attributes, dict):
        raise SqsError("InvalidParameterValue", "MessageAttributes must be a map.")
    for name, value in attributes.items():
        data_type = value.get("DataType", "") if isinstance(value, dict) else ""
        if not isinstance(data_type, str) or data_type.split(".", 1)[0] not in (
            "String", "Number", "Binary"
        ):
            raise SqsError(
                "InvalidParameterValue",
                f"The type of message (user) attribute '{name}' is invalid. You must use only the "
                "following supported type prefixes: Binary, Number, String.",
            )
        given = value.get("StringValue") or value.get("BinaryValue")
        if not given or not isinstance(given, str):
            raise SqsError(
                "InvalidParameterValue",
                f"The message attribute '{name}' must contain non-empty message attribute value.",
            )


def _sqs_send_batch(bus: EventBus, name: str, entries: list) -> dict:
    if not entries:
        raise SqsError(
            "EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.",
            "AWS.SimpleQueueService.EmptyBatchRequest",
        )
    if len(entries) > MAX_BATCH_ENTRIES:
        raise SqsError(
            "TooManyEntriesInBatchRequest",
            f"Maximum number of entries per request are {MAX_BATCH_ENTRIES}. You have sent {len(entries)}.",
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        )
    ids = [str(entry.get("Id", "")) for entry in entries]
    for entry_id in ids:
        if not BATCH_ID.fullmatch(entry_id):
            raise SqsError(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and "
                "underscores. It can be at most 80 letters long.",
                "AWS.SimpleQueueService.InvalidBatchEntryId",
            )
    repeated = next((i for n, i in enumerate(ids) if i in ids[:n]), None)
    if repeated is not None:
        raise SqsError(
            "BatchEntryIdsNotDistinct", f"Id {repeated} repeated.",
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        )
    size = sum(len(str(entry.get("MessageBody", "")).encode()) for entry in entries)
    if size > MAX_MESSAGE_BYTES:
        raise SqsError(
            "BatchRequestTooLong",
            f"Batch requests cannot be longer than {MAX_MESSAGE_BYTES} bytes. You have sent {size} bytes.",
            "AWS.SimpleQueueService.BatchRequestTooLong",
        )
    if bus.queue_fifo(name) and not all(entry.get("MessageGroupId") for entry in entries):
        raise SqsError("MissingParameter", "The request must contain the parameter MessageGroupId.")
    successful, failed = [], []
    for entry_id, entry in zip(ids, entries, strict=True):
        try:
            successful.append({"Id": entry_id, **_sqs_send(bus, name, entry)})
        except SqsError as exc:
            failed.append({"Id": entry_id, "SenderFault": True, "Code": exc.code, "Message": exc.message})
    return {"Successful": successful, "Failed": failed}


def _queue_attributes(bus: EventBus, request: dict) -> dict:
    name = _queue_of_url(bus, request.get("QueueUrl", ""))
    wanted = list(request.get("AttributeNames") or [])
    for attribute in wanted:
        if attribute != "All" and attribute not in QUEUE_ATTRIBUTES:
            raise SqsError("InvalidAttributeName", f"Unknown Attribute {attribute}.")
    queue = next(q for q in bus.inventory.queues if q.name == name)
    counts = bus.queues[name].counts()
    visibility = queue.visibility_timeout if queue.visibility_timeout is not None else queue.function.config.timeout
    every = {
        "QueueArn": names.queue_arn(bus.inventory.app, queue.name, queue.fifo, bus.region),
        "ApproximateNumberOfMessages": str(counts["visible"]),
        "ApproximateNumberOfMessagesNotVisible": str(counts["not_visible"]),
        "ApproximateNumberOfMessagesDelayed": str(counts["delayed"]),
        "CreatedTimestamp": _STARTED,
        "LastModifiedTimestamp": _STARTED,
        "VisibilityTimeout": str(visibility),
        "MaximumMessageSize": str(MAX_MESSAGE_BYTES),
        "MessageRetentionPeriod": "345600",
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
    }
    if queue.fifo:  # what `pyarc deploy` sets: FifoQueue, ContentBasedDeduplication
        every |= {"FifoQueue": "true", "ContentBasedDeduplication": "true",
                  "DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"}
    chosen = every if "All" in wanted else {k: v for k, v in every.items() if k in wanted}
    return {"Attributes": chosen} if chosen else {}


def _sqs_ok(body: dict) -> Response:
    return Response(json.dumps(body), media_type="application/x-amz-json-1.0")


def _sqs_error(code: str, message: str, status: int, query_error: str | None = None) -> Response:
    headers = {"x-amzn-query-error": query_error or f"{code};Sender"}
    body = {"__type": f"com.amazonaws.sqs#{code}", "message": message}
    return Response(json.dumps(body), status_code=status, headers=headers,
                    media_type="application/x-amz-json-1.0")
