"""Publish to the app's `@events` (SNS topics) and read what a subscriber receives."""

from __future__ import annotations

from typing import Any

from pyarc.functions import clients
from pyarc.functions.discovery import lookup
from pyarc.functions.payloads import from_message, to_message

__all__ = ["parse", "publish", "topic_arn"]


def topic_arn(name: str) -> str:
    """The SNS topic ARN of the event `name` (from SSM discovery)."""
    return lookup("events", name)


def publish(name: str, payload: Any) -> str:
    """Publish `payload` (JSON-serialisable) to the event `name`; return the SNS message id."""
    answer = clients.client("sns").publish(TopicArn=topic_arn(name), Message=to_message(payload))
    return answer["MessageId"]


def parse(event: dict[str, Any]) -> list[Any]:
    """The published payloads in an SNS-triggered Lambda event, in record order."""
    return [from_message(record["Sns"]["Message"]) for record in event.get("Records", [])]
