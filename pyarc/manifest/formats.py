"""JSON / YAML manifests -> the same plain data the `.arc` form gives.

Follows @architect/parser's `compat/json.js`: `app` may be a bare string; Lambda pragmas
(`http`, `events`, ...) may be objects (`{"get": "/"}`) or arrays of items
(`[{"get": "/"}, "name", {"name": {"src": "x"}}]`); settings pragmas (`aws`, `static`, ...)
written as objects become `[key, value]` pairs, with list values becoming vectors.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from pyarc.errors import ManifestError
from pyarc.manifest.grammar import Document

# Pragmas whose items are Lambdas or named resources (object -> items, array -> items).
ITEM_PRAGMAS = frozenset(
    {
        "app",
        "events",
        "http",
        "indexes",
        "queues",
        "scheduled",
        "streams",
        "ws",
        "tables",
        "tables-indexes",
        "tables-streams",
    }
)


def parse_json(text: str, file: str) -> dict[str, Any]:
    """Decode JSON text to a dict, with the decoder's line and column on failure."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"invalid JSON: {exc.msg}", file, exc.lineno, exc.colno) from None
    return _require_object(value, file)


def parse_yaml(text: str, file: str) -> dict[str, Any]:
    """Decode YAML text to a dict, with the parser's line and column on failure."""
    try:
        value = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ManifestError(f"invalid YAML: {exc.problem or exc}", file, line, column) from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"invalid YAML: {exc}", file) from None
    return _require_object(value, file)


def _require_object(value: Any, file: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ManifestError(
            "the manifest must be an object whose keys are pragma names (app, http, ...)", file
        )
    return value


def to_document(raw: dict[str, Any], file: str) -> Document:
    """Object of pragmas -> Document with the `.arc` form's plain data (no positions)."""
    doc = Document(file=file)
    for pragma, values in raw.items():
        name = str(pragma)
        items = _pragma_items(name, values, file)
        doc.data[name] = [_plain(item, file, name) for item in items]
        doc.pragma_positions[name] = (0, 0)
        doc.item_positions[name] = [(0, 0)] * len(items)
    if not doc.data:
        raise ManifestError("no pragma found; add at least an 'app' key with the app name", file)
    return doc


def _pragma_items(pragma: str, values: Any, file: str) -> list[Any]:
    if values is None:
        return []
    if pragma == "app" and not isinstance(values, list):
        return [values]
    if isinstance(values, list):
        if pragma in ITEM_PRAGMAS:
            return [_lambda_item(item, pragma, file) for item in values]
        return list(values)
    if isinstance(values, dict):
        if pragma in ITEM_PRAGMAS:
            return [_entry_item(key, value) for key, value in values.items()]
        return [{k: v} if isinstance(v, list) else [k, v] for k, v in values.items()]
    if isinstance(values, str | int | float | bool):
        return [values]
    raise ManifestError(f"'{pragma}' must be a list or an object of items", file)


def _entry_item(key: str, value: Any) -> Any:
    """`{"get": "/"}` style entry -> `.arc` item."""
    if isinstance(value, dict) and not value:
        return key
    if isinstance(value, dict | list):
        return {key: value}
    return [key, value]


def _lambda_item(item: Any, pragma: str, file: str) -> Any:
    if isinstance(item, dict) and len(item) == 1:
        name, value = next(iter(item.items()))
        if isinstance(value, dict | list):
            return item
        return [name, value]
    if isinstance(item, str | int | float | bool | list):
        return item
    raise ManifestError(
        f"invalid '{pragma}' item {json.dumps(item, default=str)}: write a name, a "
        "[method, path] pair or {name: {settings}}",
        file,
    )


def _plain(value: Any, file: str, pragma: str) -> Any:
    """Keep only what the `.arc` form can express: scalars, lists and string-keyed dicts."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_plain(v, file, pragma) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v, file, pragma) for k, v in value.items()}
    if value is None:
        raise ManifestError(f"'{pragma}' has an empty value; give it a value or remove it", file)
    return str(value)
