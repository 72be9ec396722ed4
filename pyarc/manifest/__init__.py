"""Manifest text -> plain data (Architect's `.arc` grammar, JSON/YAML forms, discovery).

Public API:
- `parse(text, file="app.arc") -> dict[str, list]`
- `read(cwd) -> (path, dict[str, list])`
Errors are `pyarc.errors.ManifestError(message, file, line, column)`.
"""

from __future__ import annotations

from pyarc.manifest.discovery import MANIFEST_FILES, load_document, read, read_document
from pyarc.manifest.grammar import Document, parse, parse_document

__all__ = [
    "MANIFEST_FILES",
    "Document",
    "load_document",
    "parse",
    "parse_document",
    "read",
    "read_document",
]
