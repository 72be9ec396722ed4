"""Publish to the app's `@queues` (SQS) and read what a consumer receives."""

from __future__ import annotations

from typing import Any

from pyarc.functions import clients
from pyarc.functions.discovery import lookup
from pyarc.functions.payloads import from_message, to_message

__all__ = ["parse", "publish", "queue_url"]


def queue_url(name: str) -> str:
    """The SQS queue URL of the queue `name` (from SSM discovery)."""
    return lookup("queues", name)


def publish(
    name: str,
    payload: Any,
    *,
    group_id: str | None = None,
    dedup_id: str | None = None,
    delay_seconds: int = 0,
) -> str:
    """Send `payload` (JSON-serialisable) to the queue `name`; return the SQS message id.

    FIFO queues (URL ending `.fifo`, pyarc's default) need a message group: `group_id`,
    defaulting to the queue name as Architect does. Deduplication is the queue's
    content-based deduplication unless `dedup_id` is given.
    """
    url = queue_url(name)
    params: dict[str, Any] = {"QueueUrl": url, "MessageBody": to_message(payload)}
    if delay_seconds:
        params["DelaySeconds"] = delay_seconds
    if url.endswith(".fifo"):
        params["MessageGroupId"] = group_id or name
        if dedup_id:
            params["MessageDeduplicationId"] = dedup_id
    answer = clients.client("sqs").send_message(**params)
    return answer["MessageId"]


def parse(event: dict[str, Any]) -> list[Any]:
    """The published payloads in an SQS-triggered Lambda event, in record order."""
    return [from_message(record["body"]) for record in event.get("Records", [])]
