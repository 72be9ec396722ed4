"""Crash-safe persistence: an append-only journal plus snapshots written by atomic rename.

Every committed write appends one JSON line (a list of entries, so a batch or a
transaction is all-or-nothing) and fsyncs it. On load, the snapshot is read and the
journal replayed on top; a torn last line (a crash mid-write) is dropped and cut off, so
at most that last write is lost. Compaction writes a new snapshot to a temporary file,
fsyncs it, renames it over the old one and only then empties the journal. Journal entries
set state (create/define/drop a table, put/delete an item), so replaying a journal that a
crash left behind after a compaction gives the same state again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SNAPSHOT = "tables.snapshot.json"
JOURNAL = "tables.journal"

TableState = dict[str, Any]  # {"definition": {...}, "items": {key json: item}}


def key_json(definition: dict[str, Any], item: dict[str, Any]) -> str:
    names = [n for n in definition["keys"] if n]
    return json.dumps([item[n] for n in names], sort_keys=True)


def apply_entry(state: dict[str, TableState], entry: dict[str, Any]) -> None:
    op = entry["o"]
    if op == "create":
        state[entry["d"]["name"]] = {"definition": entry["d"], "items": {}}
    elif op == "define":
        current = state.setdefault(entry["d"]["name"], {"definition": entry["d"], "items": {}})
        current["definition"] = entry["d"]
    elif op == "drop":
        state.pop(entry["t"], None)
    elif op in ("put", "del"):
        table = state.get(entry["t"])
        if table is None:
            return
        if op == "put":
            table["items"][key_json(table["definition"], entry["i"])] = entry["i"]
        else:
            table["items"].pop(key_json(table["definition"], entry["k"]), None)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Journal:
    """The files under one persistence directory."""

    def __init__(self, directory: Path, compact_every: int = 5000, fsync: bool = True) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.compact_every = compact_every
        self.fsync = fsync
        self.pending = 0  # lines appended since the last compaction
        self._file: Any = None

    @property
    def snapshot_path(self) -> Path:
        return self.directory / SNAPSHOT

    @property
    def journal_path(self) -> Path:
        return self.directory / JOURNAL

    def load(self) -> dict[str, TableState]:
        """The state on disk: the snapshot with the journal's complete lines replayed."""
        state: dict[str, TableState] = {}
        if self.snapshot_path.exists():
            data = json.loads(self.snapshot_path.read_text("utf-8"))
            for table in data.get("tables", []):
                definition = table["definition"]
                state[definition["name"]] = {
                    "definition": definition,
                    "items": {key_json(definition, i): i for i in table["items"]},
                }
        good_end = 0
        if self.journal_path.exists():
            with self.journal_path.open("rb") as handle:
                for line in handle:
                    if not line.endswith(b"\n"):
                        break  # torn write: the process died mid-line
                    try:
                        entries = json.loads(line)
                    except ValueError:
                        break
                    for entry in entries:
                        apply_entry(state, entry)
                    good_end += len(line)
                    self.pending += 1
            if good_end != self.journal_path.stat().st_size:
                with self.journal_path.open("r+b") as handle:
                    handle.truncate(good_end)
                    handle.flush()
                    os.fsync(handle.fileno())
        return state

    def append(self, entries: list[dict[str, Any]]) -> None:
        if self._file is None:
            self._file = self.journal_path.open("ab")
        line = json.dumps(entries, separators=(",", ":")).encode("utf-8") + b"\n"
        self._file.write(line)
        self._file.flush()
        if self.fsync:
            os.fsync(self._file.fileno())
        self.pending += 1

    @property
    def wants_compaction(self) -> bool:
        return self.pending >= self.compact_every

    def compact(self, tables: list[dict[str, Any]]) -> None:
        """Replace the snapshot with `tables` ([{"definition", "items": [...]}]) and empty the journal."""
        temporary = self.snapshot_path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"version": 1, "tables": tables}, handle, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.snapshot_path)
        _fsync_dir(self.directory)
        if self._file is not None:
            self._file.close()
        self._file = self.journal_path.open("wb")  # truncates; safe: replay is idempotent
        self._file.flush()
        os.fsync(self._file.fileno())
        self.pending = 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
