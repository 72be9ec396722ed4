"""The narrow bus API the wire modules speak to: all they may ask of `EventBus`, and the
batch limits SNS and SQS share."""

from __future__ import annotations

import re
from typing import Protocol

from pyarc.sandbox.bus.bus import QueueState
from pyarc.sandbox.bus.delivery import Log

BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")  # a PublishBatch / SendMessageBatch entry id
MAX_BATCH_ENTRIES = 10


class Bus(Protocol):
    """What SNS, SQS and Architect's own bus calls need; `EventBus` is the one implementation."""

    log: Log

    def publish(
        self, event_name: str, message: str, *, subject: str | None = None,
        attributes: dict[str, dict[str, str]] | None = None,
    ) -> str: ...  # fmt: skip

    def event_for_arn(self, topic_arn: str) -> str: ...

    def send(
        self, queue_name: str, body: str, *, group_id: str | None = None,
        dedup_id: str | None = None, attributes: dict[str, dict[str, str]] | None = None,
        delay_seconds: int = 0,
    ) -> tuple[str, str | None]: ...  # fmt: skip

    def queue_for_name(self, physical_or_logical: str) -> str: ...

    def queue_fifo(self, queue_name: str) -> bool: ...

    def queue_state(self, queue_name: str) -> QueueState: ...

    async def idle(self) -> None: ...
