"""AWS-shaped events for subscribers: SNS (`@events`), SQS (`@queues`), EventBridge
Scheduler (`@scheduled`) and DynamoDB Streams (`@tables-streams`).

Field names, casing and value formats are exactly what Lambda receives on AWS.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from pyarc.sandbox.config import ACCOUNT_ID


def iso_millis(moment: datetime) -> str:
    """`2026-11-25T18:30:00.000Z`, as SNS and Scheduler print times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def sns_event(
    *,
    topic_arn: str,
    message: str,
    message_id: str,
    published: datetime,
    subject: str | None = None,
    attributes: dict[str, dict[str, str]] | None = None,
) -> dict:
    """One SNS notification as Lambda receives it (`Records[0].Sns`)."""
    region = topic_arn.split(":")[3]
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid5(uuid.NAMESPACE_URL, topic_arn)}",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": topic_arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": iso_millis(published),
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": (
                        f"https://sns.{region}.amazonaws.com/SimpleNotificationService-pyarc.pem"
                    ),
                    "UnsubscribeUrl": (
                        f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
                        f"&SubscriptionArn={topic_arn}"
                    ),
                    "MessageAttributes": {
                        name: {"Type": value.get("Type", "String"), "Value": value.get("Value", "")}
                        for name, value in (attributes or {}).items()
                    },
                },
            }
        ]
    }


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


def scheduler_event(*, schedule_arn: str, fired: datetime, execution_id: str) -> dict:
    """What `pyarc deploy`'s `AWS::Scheduler::Schedule` sends: its target `Input` is this
    shape, filled by Scheduler's context attributes (`<aws.scheduler.execution-id>`,
    `<aws.scheduler.scheduled-time>`, `<aws.scheduler.schedule-arn>`)."""
    region = schedule_arn.split(":")[3]
    return {
        "version": "0",
        "id": execution_id,
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT_ID,
        "time": fired.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [schedule_arn],
        "detail": {},
    }


def stream_event(records: list[dict], stream_arn: str) -> dict:
    """DynamoDB Streams records as Lambda receives them."""
    region = stream_arn.split(":")[3]
    shaped = []
    for record in records:
        shaped.append(
            {
                "eventID": record.get("eventID") or uuid.uuid4().hex,
                "eventName": record["eventName"],
                "eventVersion": record.get("eventVersion", "1.1"),
                "eventSource": "aws:dynamodb",
                "awsRegion": region,
                "dynamodb": record["dynamodb"],
                "eventSourceARN": stream_arn,
                **({"userIdentity": record["userIdentity"]} if "userIdentity" in record else {}),
            }
        )
    return {"Records": shaped}


def now() -> datetime:
    return datetime.now(UTC)
