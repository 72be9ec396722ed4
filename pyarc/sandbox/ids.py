"""Ids and timestamps in the formats API Gateway uses."""

from __future__ import annotations

import secrets
import string
import time
from datetime import UTC, datetime

_ALPHABET = string.ascii_letters + string.digits


def aws_id() -> str:
    """A 16-character id like API Gateway's `JKJaXmPLvHcESHA=` (URL-safe, ends with `=`)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(15)) + "="


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def clf_time(epoch_ms: int) -> str:
    """`25/Nov/2026:18:30:00 +0000`, the `requestContext.time` format."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def iso_time(epoch_ms: int) -> str:
    """`2026-11-25T18:30:00.000Z`, the Management API's timestamp format."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"
