"""A parsed manifest together with where each thing was written, for precise errors."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from pyarc.errors import ManifestError
from pyarc.inventory.model import Location
from pyarc.manifest import Document


@dataclass
class Source:
    """One manifest-shaped file (app manifest, config.arc or prefs.arc) being read."""

    doc: Document
    cwd: Path  # the app directory
    warnings: list[str] = field(default_factory=list)
    # dir -> case-folded names in it (None: unreadable), listed once per load; see
    # functions.find_config_file
    dir_listings: dict[str, frozenset[str] | None] = field(default_factory=dict, repr=False)

    @property
    def file(self) -> str:
        return self.doc.file

    @functools.cached_property
    def display_file(self) -> str:
        """The file name relative to the app dir when possible (what users see in errors)."""
        try:
            return str(Path(self.doc.file).resolve().relative_to(self.cwd.resolve()))
        except ValueError:
            return self.doc.file

    def items(self, pragma: str) -> list[Any]:
        return self.doc.data.get(pragma, [])

    def has(self, pragma: str) -> bool:
        return pragma in self.doc.data

    def location(self, pragma: str, index: int | None = None, key: str | None = None) -> Location:
        line, column = self.doc.position(pragma, index, key)
        return Location(self.display_file, line, column or 1)

    def fail(
        self, message: str, pragma: str, index: int | None = None, key: str | None = None
    ) -> NoReturn:
        line, column = self.doc.position(pragma, index, key)
        raise ManifestError(message, self.display_file, line, column)

    def warn(self, message: str, pragma: str, index: int | None = None) -> None:
        where = self.location(pragma, index)
        prefix = f"{where}" if where.line else where.file
        self.warnings.append(f"{prefix}: {message}")

    def warn_unknown(
        self, what: str, key: str, known: Iterable[str], pragma: str, index: int | None = None
    ) -> None:
        """`@aws timout is not a setting pyarc knows, so it is ignored; did you mean timeout?`"""
        hint = did_you_mean(key, known)
        self.warn(f"{what} is not a setting pyarc knows, so it is ignored{hint}", pragma, index)


def did_you_mean(word: str, known: Iterable[str], prefix: str = "") -> str:
    """`; did you mean timeout?` for the closest known name, or "" when none is close."""
    from difflib import get_close_matches

    by_folded = {name.lower(): name for name in known}
    close = get_close_matches(word.lower(), list(by_folded), n=1, cutoff=0.6)
    return f"; did you mean {prefix}{by_folded[close[0]]}?" if close else ""


def describe(item: Any) -> str:
    """An item as the user wrote it, for messages: `get /things`, `data`."""
    if isinstance(item, list):
        return " ".join(describe(v) for v in item)
    if isinstance(item, dict):
        return ", ".join(str(k) for k in item)
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)
