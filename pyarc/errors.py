"""Errors a user can fix. The CLI prints these as one sentence, never a traceback."""

from __future__ import annotations


class PyarcError(Exception):
    """A mistake the user can fix; its message is one plain sentence."""


class ManifestError(PyarcError):
    """A manifest (or config.arc / prefs.arc) problem at a file, line and column."""

    def __init__(self, message: str, file: str = "", line: int = 0, column: int = 0) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        where = file
        if file and line:
            where = f"{file}:{line}:{column or 1}"
        super().__init__(f"{where}: {message}" if where else message)
