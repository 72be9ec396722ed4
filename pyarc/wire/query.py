"""The query protocol's form body (SNS: `Action=Publish&MessageAttributes.entry.1.Name=...`)
read into the structure botocore's model describes, so `check` validates it as it does a
JSON body.

The spelling is botocore's `QuerySerializer`'s, read backwards: a structure member is
`Prefix.Name` (its `locationName` if it has one), a list item `Prefix.member.N` (`Prefix.N`
when flattened), an empty list `Prefix=`, a map entry `Prefix.entry.N.key` / `.value`
(the names the map's key and value shapes give, e.g. SNS's `Name` / `Value`). Scalars
arrive as text and become the model's type (`5` -> 5 for an integer, `true` -> True); a
text that cannot be read as its type stays text, so `check` names it as the wrong type.
Parameters the model does not name are ignored, as AWS ignores them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from pyarc.wire.model import Shape

# A parameter that is both a value and a prefix (`A=1&A.B=2`) keeps its value under ""
Tree = dict[str, "Tree | str"]
_INTEGER = re.compile(r"[+-]?[0-9]+")


def form_tree(form: Mapping[str, str]) -> Tree:
    """`{"A.member.1.B": "x"}` -> `{"A": {"member": {"1": {"B": "x"}}}}`."""
    root: Tree = {}
    for key, value in form.items():
        node = root
        *parents, last = key.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {} if child is None else {"": child}
            node = child
        existing = node.get(last)
        if isinstance(existing, dict):
            existing[""] = value
        else:
            node[last] = value
    return root


def decode(shape: Shape, form: Mapping[str, str]) -> dict[str, object]:
    """The request `form` spells for the operation whose input is `shape`."""
    decoded = _decode(shape, form_tree(form))
    assert isinstance(decoded, dict)
    return decoded


def _decode(shape: Shape, node: Tree | str) -> object:
    kind = shape.kind
    if kind == "structure":
        if not isinstance(node, dict):
            return node
        return {
            member: _decode(shape.members[member], node[name])
            for name, member in shape.query_names.items()
            if name in node
        }
    if kind == "list":
        if node == "":
            return []
        items = node if shape.flattened or not isinstance(node, dict) else node.get(shape.item_name)
        if not isinstance(items, dict):
            return node  # not a list: `check` names it
        assert shape.member is not None
        return [_decode(shape.member, items[index]) for index in _indexes(items)]
    if kind == "map":
        if node == "":
            return {}
        entries = node if shape.flattened or not isinstance(node, dict) else node.get("entry")
        if not isinstance(entries, dict):
            return node
        assert shape.value is not None
        found: dict[str, object] = {}
        for index in _indexes(entries):
            entry = entries[index]
            key = entry.get(shape.key_name) if isinstance(entry, dict) else None
            if isinstance(key, str):
                value = entry.get(shape.value_name)  # type: ignore[union-attr]
                found[key] = None if value is None else _decode(shape.value, value)
        return found
    if isinstance(node, dict):
        return node  # parameters under a scalar's name: `check` names it
    return _scalar(kind, node)


def _indexes(items: Tree) -> list[str]:
    """The item numbers present, in order (`member.1`, `member.2`, ...)."""
    return sorted((k for k in items if k.isdigit() and k[0] != "0"), key=int)


def _scalar(kind: str, text: str) -> object:
    if kind in ("integer", "long"):
        return int(text) if _INTEGER.fullmatch(text) else text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "timestamp":  # ISO 8601, as botocore sends it, or epoch seconds
        try:
            return float(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return text
    return text
