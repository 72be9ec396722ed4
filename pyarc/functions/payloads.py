"""How payloads travel: JSON for structured values, raw text and bytes as they are."""

from __future__ import annotations

import json
from typing import Any


def encode(payload: Any) -> bytes:
    """bytes as they are, str as UTF-8, anything else (dict, list, number...) as compact JSON."""
    if isinstance(payload, bytes | bytearray | memoryview):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode()
    return json.dumps(payload, separators=(",", ":")).encode()


def to_message(payload: Any) -> str:
    """The text body of an SNS/SQS message: JSON for everything (as Architect publishes)."""
    return json.dumps(payload, separators=(",", ":"))


def from_message(text: str) -> Any:
    """A message body back to the value published: JSON when it parses, else the text itself."""
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text
