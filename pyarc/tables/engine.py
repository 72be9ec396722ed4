"""The tables engine's one entry point: check a DynamoDB request, then run its operation.

Public API (others call exactly this):

    engine = Engine(persist_dir: Path | None = None)
    engine.handle(operation: str, request: dict) -> dict   # DynamoDB JSON bodies in and out;
                                                           # raises pyarc.tables.errors.DynamoError
    engine.check(operation: str, request: dict)            # the same checks, nothing runs
    engine.store                                           # pyarc.tables.store.store.Store
    engine.reset()                                         # drop every table (fast, for tests)
    engine.add_stream_listener(callback)                   # callback(table_name, records)
    engine.sweep_ttl(now: float | None = None) -> int      # delete expired items, return count
    engine.connect_object_storage(storage)                 # the local S3 ImportTable and
                                                           # ExportTableToPointInTime use

Every request, whether it came over the wire or from the sandbox itself (CreateTable for the
manifest's tables, seed items), is checked here against botocore's model of the DynamoDB
API (`shapes.check_request`, which also normalises attribute values in place: the request
becomes the engine's, so pass one built for the call), then runs under the store's lock.
Layers point one way: wire (`service`) -> this module and `operations` -> `store`.
Import and export (`transfers/`) are checked here too, then run outside the store's lock:
their jobs run on a thread of their own and come back through `handle` for each item.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyarc.tables.errors import DynamoError, as_reported
from pyarc.tables.operations import CHECKS, OPERATIONS
from pyarc.tables.shapes import check_request
from pyarc.tables.store.store import ChangeListener, Store, StreamListener
from pyarc.tables.transfers.jobs import Transfers
from pyarc.tables.transfers.storage import ObjectStorage


class Engine:
    """DynamoDB semantics over one `Store`; `handle(op, request)` answers like DynamoDB."""

    def __init__(self, persist_dir: Path | None = None, *, compact_every: int = 5000) -> None:
        self.store = Store(persist_dir, compact_every=compact_every)
        self.transfers = Transfers(self.handle, self.store)

    def handle(self, operation: str, request: Any) -> dict[str, Any]:
        handler = OPERATIONS.get(operation)
        if handler is not None:
            return _run(operation, handler, self.store, request)
        transfer = self.transfers.operations.get(operation)
        if transfer is None:
            raise DynamoError("UnknownOperationException", f"Unknown operation: {operation}")
        return _run(operation, transfer, self.store, request, locked=False)

    def connect_object_storage(self, storage: ObjectStorage) -> None:
        """The buckets ImportTable reads and ExportTableToPointInTime writes."""
        self.transfers.storage = storage

    def check(self, operation: str, request: Any) -> None:
        """Every check `handle` makes before it changes anything (operations in `CHECKS`)."""
        checker = CHECKS.get(operation)
        if checker is None:
            raise DynamoError("UnknownOperationException", f"Cannot check operation: {operation}")
        _run(operation, checker, self.store, request)

    @property
    def tables(self) -> dict[str, Any]:
        return self.store.tables

    def add_stream_listener(self, callback: StreamListener) -> None:
        self.store.add_stream_listener(callback)

    def add_change_listener(self, callback: ChangeListener) -> None:
        """`callback()` after any change to a table or an item, on the changing thread."""
        self.store.add_change_listener(callback)

    def sweep_ttl(self, now: float | None = None) -> int:
        return self.store.sweep_ttl(now)

    def reset(self) -> None:
        self.store.reset()

    def close(self) -> None:
        self.transfers.close()
        self.store.close()


def _run(
    operation: str, run: Callable[[Store, Any], Any], store: Store, request: Any,
    *, locked: bool = True,
) -> Any:
    """Check the request's shape, run `run` under the store's lock (unless it takes the
    lock itself: `locked=False`); errors worded for `operation` as DynamoDB words them."""
    try:
        if not isinstance(request, dict):
            raise DynamoError("SerializationException", "Start of list found where not expected")
        check_request(operation, request)
        if not locked:
            return run(store, request)
        with store.lock:
            return run(store, request)
    except DynamoError as error:
        reported = as_reported(operation, error)
        if reported is error:
            raise
        raise reported from None
