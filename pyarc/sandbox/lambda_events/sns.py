"""The SNS notification a Lambda subscriber of an `@events` topic receives (`Records[].Sns`),
with AWS's field names, casing and value formats."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


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
