"""The tables engine: in-process state and DynamoDB semantics, apart from any wire protocol.

Public API (others call exactly this):

    engine = Engine(persist_dir: Path | None = None)
    engine.handle(operation: str, request: dict) -> dict   # DynamoDB JSON bodies in and out;
                                                           # raises pyarc.tables.errors.DynamoError
    engine.reset()                                         # drop every table (fast, for tests)
    engine.add_stream_listener(callback)                   # callback(table_name, records)
    engine.sweep_ttl(now: float | None = None) -> int      # delete expired items, return count

Thread-safe: one lock serialises operations (each is short). Stream listeners are called
with (table name, list of DynamoDB Streams records) after each committed write, for tables
whose StreamSpecification is enabled; TTL deletions carry AWS's Service `userIdentity`.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyarc.tables.errors import DynamoError, not_found, validation
from pyarc.tables.persistence import Journal
from pyarc.tables.streams import TTL_IDENTITY, SequenceNumbers, stream_record
from pyarc.tables.table import Table
from pyarc.tables.values import Item, parse_number, values_equal

StreamListener = Callable[[str, list[dict[str, Any]]], None]
TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]+")
FIVE_YEARS = 5 * 365 * 24 * 3600


@dataclass
class Change:
    table: Table
    key: Item
    old: Item | None
    new: Item | None  # None: the item is deleted


class Engine:
    """DynamoDB state and semantics; `handle(op, request)` answers like DynamoDB."""

    def __init__(self, persist_dir: Path | None = None, *, compact_every: int = 5000) -> None:
        self.lock = threading.RLock()
        self.tables: dict[str, Table] = {}
        self._listeners: list[StreamListener] = []
        self._sequence = SequenceNumbers()
        self.journal = Journal(Path(persist_dir), compact_every) if persist_dir else None
        if self.journal is not None:
            self._restore()

    # -- entry point ---------------------------------------------------------------------
    def handle(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        from pyarc.tables.operations import OPERATIONS

        handler = OPERATIONS.get(operation)
        if handler is None:
            raise DynamoError("UnknownOperationException", f"Unknown operation: {operation}")
        if not isinstance(request, dict):
            raise DynamoError("SerializationException", "Start of list found where not expected")
        with self.lock:
            return handler(self, request)

    def add_stream_listener(self, callback: StreamListener) -> None:
        self._listeners.append(callback)

    def reset(self) -> None:
        with self.lock:
            self.tables.clear()
            if self.journal is not None:
                self.journal.compact([])

    def close(self) -> None:
        with self.lock:
            if self.journal is not None:
                self.journal.close()

    # -- helpers for operations ----------------------------------------------------------
    def table(self, name: Any, *, described: bool = False) -> Table:
        check_table_name(name)
        table = self.tables.get(name)
        if table is None:
            if described:
                raise not_found(f"Requested resource not found: Table: {name} not found")
            raise not_found()
        return table

    def commit(self, changes: list[Change], identity: dict[str, str] | None = None) -> None:
        """Apply validated changes, journal them as one line, then emit stream records."""
        entries: list[dict[str, Any]] = []
        for change in changes:
            if change.new is None:
                change.table.remove(change.key)
                entries.append({"o": "del", "t": change.table.name, "k": change.key})
            else:
                change.table.store(change.new)
                entries.append({"o": "put", "t": change.table.name, "i": change.new})
        self.write_journal(entries)
        if self._listeners:
            self._emit(changes, identity)

    def write_journal(self, entries: list[dict[str, Any]]) -> None:
        if self.journal is None or not entries:
            return
        self.journal.append(entries)
        if self.journal.wants_compaction:
            self.journal.compact(self._snapshot())

    def _emit(self, changes: list[Change], identity: dict[str, str] | None) -> None:
        by_table: dict[str, list[dict[str, Any]]] = {}
        for change in changes:
            table = change.table
            if not table.stream or not table.stream.get("StreamEnabled"):
                continue
            if (
                change.old is not None
                and change.new is not None
                and _same_item(change.old, change.new)
            ):
                continue  # DynamoDB writes no record when nothing changed
            record = stream_record(
                table, change.key, change.old, change.new, self._sequence.next(), identity
            )
            by_table.setdefault(table.name, []).append(record)
        for name, records in by_table.items():
            for listener in self._listeners:
                listener(name, records)

    # -- TTL -----------------------------------------------------------------------------
    def sweep_ttl(self, now: float | None = None) -> int:
        """Delete items whose TTL attribute is in the past; REMOVE records name the service."""
        now = time.time() if now is None else now
        with self.lock:
            changes: list[Change] = []
            for table in self.tables.values():
                attribute = table.ttl_attribute
                if not attribute:
                    continue
                for item in table.items():
                    value = item.get(attribute)
                    if value is None or "N" not in value:
                        continue
                    expires = float(parse_number(value["N"]))
                    if expires <= now and now - expires <= FIVE_YEARS:
                        changes.append(Change(table, table.key_of(item), item, None))
            if changes:
                self.commit(changes, TTL_IDENTITY)
            return len(changes)

    # -- persistence ---------------------------------------------------------------------
    def _snapshot(self) -> list[dict[str, Any]]:
        return [
            {"definition": t.definition(), "items": list(t.items())} for t in self.tables.values()
        ]

    def _restore(self) -> None:
        assert self.journal is not None
        for name, state in self.journal.load().items():
            table = Table.from_definition(state["definition"])
            for item in state["items"].values():
                table.store(item)
            self.tables[name] = table


def _same_item(a: Item, b: Item) -> bool:
    return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)


def check_table_name(name: Any, field: str = "tableName") -> None:
    if name is None:
        raise validation(
            f"1 validation error detected: Value null at '{field}' failed to satisfy constraint: "
            "Member must not be null"
        )
    if not isinstance(name, str):
        raise DynamoError("SerializationException", "Unexpected value type in payload")
    if len(name) < 3 or len(name) > 255:
        bound = "greater than or equal to 3" if len(name) < 3 else "less than or equal to 255"
        raise validation(
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy "
            f"constraint: Member must have length {bound}"
        )
    if not TABLE_NAME.fullmatch(name):
        raise validation(
            f"1 validation error detected: Value '{name}' at '{field}' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        )
