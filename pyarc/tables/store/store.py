"""The state behind every table: schemas and items, persisted, with change listeners.

Public API (the operations call exactly this):

    store = Store(persist_dir: Path | None = None, compact_every=5000)
    store.lock                                   # held by the engine around each operation
    store.tables: dict[str, Table]               # by table name
    store.commit(changes, identity=None)         # apply item changes, journal, emit records
    store.write_journal(entries)                 # schema changes (create/define/drop)
    store.add_stream_listener(callback)          # callback(table_name, records)
    store.sweep_ttl(now=None) -> int             # delete expired items, return count
    store.reset(); store.close()

Stream listeners are called with (table name, list of DynamoDB Streams records) after each
committed write, for tables whose StreamSpecification is enabled; TTL deletions carry AWS's
Service `userIdentity`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyarc.tables.store.persistence import Journal
from pyarc.tables.store.streams import TTL_IDENTITY, SequenceNumbers, stream_record
from pyarc.tables.store.table import Table
from pyarc.tables.values import Item, parse_number, values_equal

StreamListener = Callable[[str, list[dict[str, Any]]], None]
# Told that some table or item changed (on the thread that changed it), e.g. for a page to
# refresh; called under the store's lock, so it must only note the fact and return.
ChangeListener = Callable[[], None]
FIVE_YEARS = 5 * 365 * 24 * 3600  # DynamoDB ignores TTL values more than 5 years past


@dataclass
class Change:
    table: Table
    key: Item
    old: Item | None
    new: Item | None  # None: the item is deleted


class Store:
    """Tables and their items; every change goes through `commit` or `write_journal`."""

    def __init__(self, persist_dir: Path | None = None, *, compact_every: int = 5000) -> None:
        self.lock = threading.RLock()
        self.tables: dict[str, Table] = {}
        self._listeners: list[StreamListener] = []
        self._change_listeners: list[ChangeListener] = []
        self._sequence = SequenceNumbers()
        self.journal = Journal(Path(persist_dir), compact_every) if persist_dir else None
        if self.journal is not None:
            self._restore()

    def add_stream_listener(self, callback: StreamListener) -> None:
        self._listeners.append(callback)

    def add_change_listener(self, callback: ChangeListener) -> None:
        self._change_listeners.append(callback)

    def reset(self) -> None:
        with self.lock:
            self.tables.clear()
            if self.journal is not None:
                self.journal.compact([])
            self._changed()

    def close(self) -> None:
        with self.lock:
            if self.journal is not None:
                self.journal.close()

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
        """Persist `entries` (every change to a table or an item passes here)."""
        if entries:
            self._changed()
        if self.journal is None or not entries:
            return
        self.journal.append(entries)
        if self.journal.wants_compaction:
            self.journal.compact(self._snapshot())

    def _changed(self) -> None:
        for listener in self._change_listeners:
            listener()

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
