"""SNS `Publish` / `PublishBatch` on the events port (query protocol, XML answers), so plain
boto3 with `AWS_ENDPOINT_URL_SNS` reaches the bus. The form body is read and checked
against botocore's SNS model (`pyarc.wire`: types, required members, SNS's wording); the
rules below are SNS's own (empty or long messages, subjects, MessageStructure, attribute
types, batch limits)."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from starlette.responses import Response

from pyarc.sandbox.bus.bus import MAX_MESSAGE_BYTES, UnknownTarget
from pyarc.sandbox.bus.wire.api import BATCH_ID, MAX_BATCH_ENTRIES, Bus
from pyarc.wire import WireError, error_statuses, query_error, read_form, refusal, service_model


@functools.cache
def namespace() -> str:
    """SNS's XML namespace, from its model (loaded on the first SNS call, not at import)."""
    return str(service_model("sns").metadata["xmlNamespace"])


class SnsError(Exception):
    """An SNS error answer: code (botocore maps it to the exception), message; the status
    is the one SNS's model declares for the code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, error_statuses("sns").get(code, 400)


def handle(bus: Bus, form: Mapping[str, str]) -> Response:
    """Answer one SNS call; `form` holds the body's (and query string's) parameters."""
    action = form.get("Action", "")
    operation = OPERATIONS.get(action)
    if operation is None:
        return error("InvalidAction", f"The action {action or '(none)'} is not valid for this endpoint.")
    try:
        return operation(bus, read_form("sns", action, form))
    except WireError as exc:
        refused = refusal("sns", exc)
        return error(refused.code, refused.message, refused.status)
    except SnsError as exc:
        return error(exc.code, exc.message, exc.status)


def publish(bus: Bus, request: dict[str, Any]) -> Response:
    topic_arn = request.get("TopicArn") or request.get("TargetArn")
    if not topic_arn:
        raise SnsError("InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
    message_id = _send(bus, _topic(bus, topic_arn), request)
    return _answer("Publish", f"<MessageId>{message_id}</MessageId>")


def publish_batch(bus: Bus, request: dict[str, Any]) -> Response:
    name = _topic(bus, request["TopicArn"])
    entries: list[dict[str, Any]] = request["PublishBatchRequestEntries"]
    ids = [entry["Id"] for entry in entries]
    if not entries:
        raise SnsError("EmptyBatchRequest", "The batch request doesn't contain any entries.")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise SnsError("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
    if len(set(ids)) != len(ids):
        raise SnsError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
    if not all(BATCH_ID.fullmatch(i) for i in ids):
        raise SnsError("InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification.")
    if sum(len(entry["Message"].encode()) for entry in entries) > MAX_MESSAGE_BYTES:
        raise SnsError("BatchRequestTooLong", "The length of all the messages put together is more than the limit.")
    successful, failed = [], []
    for entry_id, entry in zip(ids, entries, strict=True):
        try:
            message_id = _send(bus, name, entry)
        except SnsError as exc:
            failed.append(
                f"<member><Id>{escape(entry_id)}</Id><Code>{exc.code}</Code>"
                f"<Message>{escape(exc.message)}</Message><SenderFault>true</SenderFault></member>"
            )
            continue
        successful.append(f"<member><Id>{escape(entry_id)}</Id><MessageId>{message_id}</MessageId></member>")
    return _answer(
        "PublishBatch", f"<Successful>{''.join(successful)}</Successful><Failed>{''.join(failed)}</Failed>"
    )


OPERATIONS = {"Publish": publish, "PublishBatch": publish_batch}


def _topic(bus: Bus, topic_arn: str) -> str:
    try:
        return bus.event_for_arn(topic_arn)
    except UnknownTarget:
        raise SnsError("NotFound", "Topic does not exist") from None


def _send(bus: Bus, name: str, entry: dict[str, Any]) -> str:
    """SNS's rules for one Publish (or batch entry), then publish it."""
    message: str = entry["Message"]
    if not message:
        raise SnsError("InvalidParameter", "Invalid parameter: Empty message")
    if len(message.encode()) > MAX_MESSAGE_BYTES:
        raise SnsError("InvalidParameter", "Invalid parameter: Message too long")
    structure = entry.get("MessageStructure")
    if structure is not None:
        message = _structured(structure, message)
    subject = entry.get("Subject")
    if subject is not None and (not subject or len(subject) > 100):
        raise SnsError("InvalidParameter", "Invalid parameter: Subject")
    attributes = _attributes(entry.get("MessageAttributes") or {})
    message_id = bus.publish(name, message, subject=subject, attributes=attributes)
    bus.log(f"event {name}: published {message_id}")
    return message_id


def _structured(structure: str, message: str) -> str:
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


def _attributes(given: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """`{name: {DataType, StringValue | BinaryValue}}` (as the model reads them) -> `{name:
    {"Type", "Value"}}` as the Lambda event shows them (binary stays base64)."""
    attributes: dict[str, dict[str, str]] = {}
    for name, attribute in given.items():
        data_type = attribute["DataType"]
        value = attribute.get("StringValue", attribute.get("BinaryValue", ""))
        prefix = data_type.split(".", 1)[0]
        if prefix not in ("String", "Number", "Binary"):
            raise SnsError(
                "ParameterValueInvalid",
                f"The message attribute '{name}' has an invalid message attribute type, the set "
                "of supported type prefixes is Binary, Number, and String.",
            )
        if value == "":
            raise SnsError(
                "ParameterValueInvalid",
                f"The message attribute '{name}' must contain non-empty message attribute value "
                f"for message attribute type '{prefix}'.",
            )
        if prefix == "Number" and not _is_number(value):
            raise SnsError("ParameterValueInvalid", f"Could not cast message attribute '{name}' value to number.")
        if data_type == "String.Array" and not _is_array(value):
            raise SnsError(
                "ParameterValueInvalid",
                f"The message attribute '{name}' with type 'String.Array' has an invalid value: "
                "use a JSON array of strings, numbers, true, false or null.",
            )
        attributes[name] = {"Type": data_type, "Value": value}
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


def _answer(action: str, result: str) -> Response:
    xml = (
        f'<{action}Response xmlns="{namespace()}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return Response(xml, media_type="text/xml")


def error(code: str, message: str, status: int = 400) -> Response:
    return Response(query_error(namespace(), code, message), status_code=status, media_type="text/xml")
