"""The model-driven request check: types and required members, in AWS's wording.

AWS's JSON front ends refuse a member of the wrong JSON type before any operation runs,
with the JSON parser's wording plus where the value was, e.g.
`Start of list found where not expected (at 'RequestItems', which must be a map)`, and a
missing required member with `1 validation error detected: Value null at 'tableName'
failed to satisfy constraint: Member must not be null` (AWS names members lowerCamelCase,
list items `.N.member`). Each endpoint turns these into its own error shape
(`pyarc.wire.refusals`); `where` keeps the position so each can name it its own way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pyarc.wire.model import Shape

# (value, name of the shape holding it, its key or index there) -> the value to keep
OpaqueHook = Callable[[object, str, object], object]
# A position in a request: a structure member's name (str), a list index (int, from 0) or a
# map key (a 1-tuple, so a key is never camel-cased as a member name is)
Where = tuple[object, ...]


class WireError(Exception):
    """A request the service's model refuses; `message` is AWS's JSON-protocol wording."""

    def __init__(self, message: str, where: Where) -> None:
        super().__init__(message)
        self.message, self.where = message, where


class WrongType(WireError):
    """A member of the wrong type (AWS's `SerializationException` on JSON protocols)."""

    def __init__(self, where: Where, kind: str, value: object, shape: str = "") -> None:
        self.path, self.kind, self.value = json_path(where), kind, value
        self.expected = EXPECTED.get(kind, kind) if kind != "opaque" else _words(shape)
        super().__init__(f"{found(value)} (at '{self.path}', which must be {self.expected})", where)


class MissingMember(WireError):
    """A required member absent (AWS's `ValidationException`)."""

    def __init__(self, where: Where) -> None:
        self.member = member_path(where)
        super().__init__(
            f"1 validation error detected: Value null at '{self.member}' failed to satisfy "
            "constraint: Member must not be null", where,
        )  # fmt: skip


class OutOfRange(WireError):
    """A value or length outside the model's `min` / `max` (AWS's `ValidationException`)."""

    def __init__(self, where: Where, value: object, relation: str, bound: float) -> None:
        self.member = member_path(where)
        measure = "value" if isinstance(value, int | float) else "length"
        shown = f"[{', '.join(map(str, value))}]" if isinstance(value, list) else str(value)
        super().__init__(
            f"1 validation error detected: Value '{shown}' at '{self.member}' failed to satisfy "
            f"constraint: Member must have {measure} {relation} {bound:g}", where,
        )  # fmt: skip


EXPECTED = {
    "structure": "an object", "map": "a map", "list": "a list", "string": "a string",
    "blob": "a base64 string", "boolean": "true or false", "integer": "an integer",
    "long": "an integer", "double": "a number", "float": "a number", "timestamp": "a number",
    "opaque": "a value",
}


def _words(shape: str) -> str:
    """A shape's name as words, for an opaque shape: `AttributeValue` -> `an attribute value`."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", shape).lower() or "value"
    return ("an " if words[0] in "aeiou" else "a ") + words


def found(value: object) -> str:
    """The JSON parser's words for what it found where another type belongs."""
    if value is None:
        return "Unexpected null value in payload"
    if isinstance(value, dict):
        return "Start of structure or map found where not expected"
    if isinstance(value, list):
        return "Start of list found where not expected"
    if isinstance(value, bool):
        return "BOOLEAN_VALUE cannot be converted"
    if isinstance(value, int | float):
        return "NUMBER_VALUE cannot be converted"
    if isinstance(value, str):
        return "STRING_VALUE cannot be converted"
    return "Unexpected value type in payload"


def fits(kind: str, value: object) -> bool:
    if kind in ("structure", "map"):
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind in ("string", "blob"):
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("double", "float", "timestamp"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return True


def json_path(where: Where) -> str:
    """The position as the request spells it: `Entries[0].DelaySeconds`."""
    text = ""
    for step in where:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            name = step[0] if isinstance(step, tuple) else step
            text = f"{text}.{name}" if text else str(name)
    return text


def member_path(where: Where) -> str:
    """AWS's way of naming a member in a validation message: `keySchema.1.member.keyType`
    (members lowerCamelCase; list items `.N.member`, map values `.key.member`)."""
    parts: list[str] = []
    for step in where:
        if isinstance(step, int):
            parts += [str(step + 1), "member"]
        elif isinstance(step, tuple):
            parts += [str(step[0]), "member"]
        else:
            parts.append(step[:1].lower() + step[1:])  # type: ignore[index]
    return ".".join(parts)


def dotted_path(where: Where) -> str:
    """The query protocol's spelling, items counted from 1: `Entries.1.DelaySeconds`."""
    return ".".join(
        str(step + 1) if isinstance(step, int) else str(step[0] if isinstance(step, tuple) else step)
        for step in where
    )


def check(
    shape: Shape, request: object, opaque: OpaqueHook | None = None, ranges: bool = False
) -> None:
    """Raise WrongType or MissingMember for the first member the model refuses (and, with
    `ranges`, OutOfRange for one outside its `min` / `max`). A null member is removed (JSON
    protocols read it as absent); an `opaque` shape's value is passed to `opaque`, and
    replaced in place by what it returns."""
    _check(shape, request, (), "", None, opaque, ranges)


def _check(
    node: Shape, value: object, where: Where, holder: str, key: object, opaque: OpaqueHook | None,
    ranges: bool,
) -> object:  # fmt: skip
    kind = node.kind
    if kind == "opaque" and value is not None:
        return opaque(value, holder, key) if opaque is not None else value
    if value is None or not fits(kind, value):
        raise WrongType(where, kind, value, node.name)
    if ranges and (node.minimum is not None or node.maximum is not None):
        _in_range(node, value, where)
    if kind == "structure":
        members = node.members
        for name in [k for k, v in value.items() if v is None]:  # type: ignore[union-attr]
            del value[name]  # type: ignore[union-attr]
        for name in node.required:
            if name not in value:  # type: ignore[operator]
                raise MissingMember((*where, name))
        for name, item in value.items():  # type: ignore[union-attr]
            if name in members:
                checked = _check(members[name], item, (*where, name), node.name, name, opaque, ranges)
                if checked is not item:
                    value[name] = checked  # type: ignore[index]
    elif kind in ("list", "map"):
        inner = node.member if kind == "list" else node.value
        assert inner is not None
        entries = enumerate(value) if kind == "list" else value.items()  # type: ignore[union-attr,arg-type]
        for key, item in entries:  # replacing a value in place keeps the iteration valid
            step = key if kind == "list" else (key,)
            checked = _check(inner, item, (*where, step), node.name, key, opaque, ranges)
            if checked is not item:
                value[key] = checked  # type: ignore[index]
    return value


def _in_range(node: Shape, value: object, where: Where) -> None:
    size = value if isinstance(value, int | float) else len(value)  # type: ignore[arg-type]
    if node.minimum is not None and size < node.minimum:
        raise OutOfRange(where, value, "greater than or equal to", node.minimum)
    if node.maximum is not None and size > node.maximum:
        raise OutOfRange(where, value, "less than or equal to", node.maximum)
