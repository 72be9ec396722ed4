"""Ids and timestamps in the formats API Gateway uses."""

from __future__ import annotations

import os
import string
import time
from datetime import UTC, datetime

_ALPHABET = string.ascii_letters + string.digits
# each random byte -> one letter or digit (256 % 62 leaves a slight bias: fine for ids);
# one translate of 15 random bytes costs a tenth of 15 `secrets.choice` calls
_TO_ALPHABET = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))


def aws_id() -> str:
    """A 16-character id like API Gateway's `JKJaXmPLvHcESHA=` (URL-safe, ends with `=`)."""
    return os.urandom(15).translate(_TO_ALPHABET).decode("ascii") + "="


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def clf_time(epoch_ms: int) -> str:
    """`25/Nov/2026:18:30:00 +0000`, the `requestContext.time` format."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def iso_time(epoch_ms: int) -> str:
    """`2026-11-25T18:30:00.000Z`, the Management API's timestamp format."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"
