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


# English month abbreviations, as API Gateway writes them whatever the sandbox's locale
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_clf_cache: tuple[int, str] = (-1, "")


def clf_time(epoch_ms: int) -> str:
    """`25/Nov/2026:18:30:00 +0000`, the `requestContext.time` format.

    Every HTTP and WebSocket event carries one, and the text changes once a second: the
    last second's text is kept (0.07 us a call instead of strftime's 1.6 us).
    """
    global _clf_cache
    second = epoch_ms // 1000
    cached_second, text = _clf_cache
    if second != cached_second:
        moment = datetime.fromtimestamp(second, UTC)
        text = f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year:04d}:" + (
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} +0000"
        )
        _clf_cache = (second, text)
    return text


def iso_time(epoch_ms: int) -> str:
    """`2026-11-25T18:30:00.000Z`, the Management API's timestamp format."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"
