"""DynamoDB Streams records (the shape Lambda receives from a table stream)."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from typing import Any

from pyarc.tables.store.table import REGION, Table
from pyarc.tables.values import Item, item_size

TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


class SequenceNumbers:
    """Increasing stream sequence numbers, formatted as DynamoDB's digit strings."""

    def __init__(self) -> None:
        self._counter = itertools.count(int(time.time()) * 10**9)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            return f"{next(self._counter):021d}"


def stream_record(
    table: Table,
    key: Item,
    old: Item | None,
    new: Item | None,
    sequence_number: str,
    user_identity: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One record with the table's StreamViewType (NEW_AND_OLD_IMAGES by default)."""
    view_type = (table.stream or {}).get("StreamViewType", "NEW_AND_OLD_IMAGES")
    event_name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": float(int(time.time())),
        "Keys": key,
    }
    if new is not None and view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["NewImage"] = new
    if old is not None and view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["OldImage"] = old
    body["SequenceNumber"] = sequence_number
    body["SizeBytes"] = item_size(key) + item_size(new or {}) + item_size(old or {})
    body["StreamViewType"] = view_type
    record: dict[str, Any] = {
        "eventID": uuid.uuid4().hex,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": body,
        "eventSourceARN": table.stream_arn,
    }
    if user_identity is not None:
        record["userIdentity"] = user_identity
    return record
