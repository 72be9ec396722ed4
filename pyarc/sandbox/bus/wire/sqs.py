"""SQS `SendMessage` / `SendMessageBatch` / `GetQueueUrl` / `GetQueueAttributes` on the
events port, so plain boto3 with `AWS_ENDPOINT_URL_SQS` reaches the bus: JSON 1.0 (AWS-query
compatible), which botocore's SQS model speaks today (`protocols: ["json"]`), and the query
protocol (form body, XML answers) that boto3 1.34 releases before botocore 1.34.90 still
send (`pyarc.wire.legacy` spells it). Each request is checked against botocore's model
(`pyarc.wire`: types, required members, SQS's wording); the rules below are SQS's own
(FIFO group and dedup ids, delays, attribute types, batch limits, attribute names)."""

from __future__ import annotations

import functools
import hashlib
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from starlette.responses import Response

from pyarc.sandbox.bus.bus import MAX_MESSAGE_BYTES, MessageTooLarge, UnknownTarget
from pyarc.sandbox.bus.wire.api import BATCH_ID, MAX_BATCH_ENTRIES, Bus
from pyarc.wire import WireError, input_shape, json_error, query_error, read_form, refusal, validate

JSON_10 = "application/x-amz-json-1.0"
QUERY_NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"  # SQS's, in its query model
MAX_DELAY_SECONDS = 900
_STARTED = str(int(time.time()))


class SqsError(Exception):
    """An SQS error: `shape` is botocore's exception name (`__type`), `code` the query
    error code boto3 puts in `Error.Code` (`x-amzn-query-error`), as SQS answers them."""

    def __init__(self, shape: str, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.shape, self.message, self.code = shape, message, code or shape


UNSUPPORTED = "AWS.SimpleQueueService.UnsupportedOperation"


def handle(bus: Bus, operation: str, raw: bytes) -> Response:
    """Answer one SQS call in JSON (`X-Amz-Target: AmazonSQS.<operation>`, body `raw`)."""
    answer = OPERATIONS.get(operation)
    if answer is None:
        return error("UnsupportedOperation", _unsupported(operation), UNSUPPORTED)
    try:
        request = json.loads(raw or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json reads
        return error("InvalidParameterValue", "The request body is not valid JSON.")
    if not isinstance(request, dict):
        return error("InvalidParameterValue", "The request body must be a JSON object of parameters.")
    try:
        validate("sqs", operation, request)
        return Response(json.dumps(answer(bus, request)), media_type=JSON_10)
    except (WireError, SqsError) as exc:
        failure = _failure(exc)
        return error(failure.shape, failure.message, failure.code)


def handle_query(bus: Bus, action: str, form: Mapping[str, str]) -> Response:
    """Answer one SQS call in the query protocol (`Action=SendMessage&...`, XML answers)."""
    answer = OPERATIONS.get(action)
    try:
        if answer is None:
            raise SqsError("UnsupportedOperation", _unsupported(action), UNSUPPORTED)
        result = answer(bus, read_form("sqs", action, form, legacy=True))
    except (WireError, SqsError) as exc:
        failure = _failure(exc)
        return Response(query_error(QUERY_NAMESPACE, failure.code, failure.message),
                        status_code=400, media_type="text/xml")
    xml = (
        f'<{action}Response xmlns="{QUERY_NAMESPACE}"><{action}Result>{_xml(result)}'
        f"</{action}Result><ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId>"
        f"</ResponseMetadata></{action}Response>"
    )
    return Response(xml, media_type="text/xml")


def _unsupported(operation: str) -> str:
    return f"{operation} is not supported by the pyarc sandbox."


def _failure(exc: WireError | SqsError) -> SqsError:
    if isinstance(exc, SqsError):
        return exc
    refused = refusal("sqs", exc)
    return SqsError(refused.code, refused.message)


# how SQS's query answers name what its JSON answers hold (its query model's locationNames)
_ELEMENTS = {"Successful": "SendMessageBatchResultEntry", "Failed": "BatchResultErrorEntry",
             "Attributes": "Attribute"}


def _xml(result: dict[str, Any]) -> str:
    parts = []
    for name, value in result.items():
        if isinstance(value, list):  # flattened: one element per item
            parts += [f"<{_ELEMENTS[name]}>{_xml(item)}</{_ELEMENTS[name]}>" for item in value]
        elif isinstance(value, dict):  # a flattened map: <Attribute><Name/><Value/></Attribute>
            parts += [
                f"<{_ELEMENTS[name]}><Name>{escape(k)}</Name><Value>{escape(v)}</Value></{_ELEMENTS[name]}>"
                for k, v in value.items()
            ]
        else:
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            parts.append(f"<{name}>{escape(text)}</{name}>")
    return "".join(parts)


def get_queue_url(bus: Bus, request: dict[str, Any]) -> dict[str, Any]:
    return {"QueueUrl": bus.queue_state(_queue(bus, request["QueueName"])).url}


def send_message(bus: Bus, request: dict[str, Any]) -> dict[str, Any]:
    return _send(bus, _queue_of_url(bus, request["QueueUrl"]), request)


def send_message_batch(bus: Bus, request: dict[str, Any]) -> dict[str, Any]:
    name = _queue_of_url(bus, request["QueueUrl"])
    entries: list[dict[str, Any]] = request["Entries"]
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
    ids: list[str] = [entry["Id"] for entry in entries]
    if not all(BATCH_ID.fullmatch(entry_id) for entry_id in ids):
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
    size = sum(len(entry["MessageBody"].encode()) for entry in entries)
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
            successful.append({"Id": entry_id, **_send(bus, name, entry)})
        except SqsError as exc:
            failed.append({"Id": entry_id, "SenderFault": True, "Code": exc.code, "Message": exc.message})
    return {"Successful": successful, "Failed": failed}


def get_queue_attributes(bus: Bus, request: dict[str, Any]) -> dict[str, Any]:
    name = _queue_of_url(bus, request["QueueUrl"])
    wanted: list[str] = request.get("AttributeNames") or []
    known = _attribute_names()
    for attribute in wanted:
        if attribute not in known:
            raise SqsError("InvalidAttributeName", f"Unknown Attribute {attribute}.")
    queue = bus.queue_state(name)
    every = {
        "QueueArn": queue.arn,
        "ApproximateNumberOfMessages": str(queue.visible),
        "ApproximateNumberOfMessagesNotVisible": str(queue.not_visible),
        "ApproximateNumberOfMessagesDelayed": str(queue.delayed),
        "CreatedTimestamp": _STARTED,
        "LastModifiedTimestamp": _STARTED,
        "VisibilityTimeout": str(queue.visibility_timeout),
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


@functools.cache
def _attribute_names() -> frozenset[str]:
    """What GetQueueAttributes may ask for: the model's `QueueAttributeName` enum (`All`, ...)."""
    shape = input_shape("sqs", "GetQueueAttributes")
    assert shape is not None and shape.members["AttributeNames"].member is not None
    return frozenset(shape.members["AttributeNames"].member.enum)


OPERATIONS = {
    "GetQueueUrl": get_queue_url, "GetQueueAttributes": get_queue_attributes,
    "SendMessage": send_message, "SendMessageBatch": send_message_batch,
}


def _queue(bus: Bus, name: str) -> str:
    try:
        return bus.queue_for_name(name)
    except UnknownTarget:
        raise SqsError(
            "QueueDoesNotExist", "The specified queue does not exist.",
            "AWS.SimpleQueueService.NonExistentQueue",
        ) from None


def _queue_of_url(bus: Bus, url: str) -> str:
    return _queue(bus, url.rstrip("/").rsplit("/", 1)[-1])


def _send(bus: Bus, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """SQS's rules for one SendMessage (or batch entry), then enqueue it."""
    body: str = entry["MessageBody"]
    if not body:
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
    delay: int = entry.get("DelaySeconds") or 0
    if not 0 <= delay <= MAX_DELAY_SECONDS:
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
    attributes: dict[str, dict[str, str]] = entry.get("MessageAttributes") or {}
    _check_attributes(attributes)
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


def _check_attributes(attributes: dict[str, dict[str, str]]) -> None:
    """SQS's rules for message attributes (their types are the model's)."""
    for name, value in attributes.items():
        if value["DataType"].split(".", 1)[0] not in ("String", "Number", "Binary"):
            raise SqsError(
                "InvalidParameterValue",
                f"The type of message (user) attribute '{name}' is invalid. You must use only the "
                "following supported type prefixes: Binary, Number, String.",
            )
        if not (value.get("StringValue") or value.get("BinaryValue")):
            raise SqsError(
                "InvalidParameterValue",
                f"The message attribute '{name}' must contain non-empty message attribute value.",
            )


def error(code: str, message: str, query_code: str | None = None) -> Response:
    """SQS's JSON error: `__type` the shape, `x-amzn-query-error` the code botocore reports."""
    return Response(
        json_error(f"com.amazonaws.sqs#{code}", message), status_code=400,
        headers={"x-amzn-query-error": f"{query_code or code};Sender"}, media_type=JSON_10,
    )  # fmt: skip
