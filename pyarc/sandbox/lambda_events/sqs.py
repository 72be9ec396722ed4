"""The SQS records a Lambda consumer of an `@queues` queue receives (`Records[]`), with
AWS's field names, casing and value formats."""

from __future__ import annotations

import hashlib
from datetime import datetime


def sqs_record(
    *,
    queue_arn: str,
    message_id: str,
    body: str,
    sent: datetime,
    first_received: datetime,
    receive_count: int,
    group_id: str | None = None,
    dedup_id: str | None = None,
    sequence_number: str | None = None,
    attributes: dict[str, dict[str, str]] | None = None,
) -> dict:
    """One SQS message as Lambda receives it in `Records[]`."""
    region = queue_arn.split(":")[3]
    system = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": str(int(sent.timestamp() * 1000)),
        "SenderId": "AIDAIENQZJOLO23YVJ4VO",
        "ApproximateFirstReceiveTimestamp": str(int(first_received.timestamp() * 1000)),
    }
    if group_id is not None:
        system["SequenceNumber"] = sequence_number or "0"
        system["MessageGroupId"] = group_id
        system["MessageDeduplicationId"] = dedup_id or hashlib.sha256(body.encode()).hexdigest()
    return {
        "messageId": message_id,
        "receiptHandle": f"{message_id}#{receive_count}",
        "body": body,
        "attributes": system,
        "messageAttributes": {
            name: sqs_attribute(value) for name, value in (attributes or {}).items()
        },
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def sqs_attribute(value: dict[str, str]) -> dict:
    """An SQS message attribute as Lambda shows it: `stringValue` for String/Number,
    `binaryValue` (base64) for Binary, never both, and always the two empty lists."""
    shaped: dict = {}
    if value.get("StringValue") is not None:
        shaped["stringValue"] = value["StringValue"]
    if value.get("BinaryValue") is not None:
        shaped["binaryValue"] = value["BinaryValue"]
    shaped |= {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType", "String")}
    return shaped
