"""Request shapes: check a DynamoDB JSON request's types against DynamoDB's own API model.

DynamoDB's front end rejects a field of the wrong JSON type (a list where a map belongs, a
number where a string belongs) with a 400 `SerializationException` before any operation
runs. `check_request(operation, request)` does the same from botocore's model of the
DynamoDB API, so the engine only ever sees fields of the types it expects (and every
required member, else DynamoDB's "Value null at '...'" ValidationException); the message
keeps DynamoDB's wording and adds where the value was, e.g.
`Start of list found where not expected (at 'RequestItems', which must be a map)`.

Every `AttributeValue` is checked here, once, by `pyarc.tables.values.validate_value`, with
DynamoDB's messages, after a check that it nests no deeper than DynamoDB allows (32 levels),
and replaced in the request by its normalised form; the operations do not check it again.
"""

from __future__ import annotations

import functools
from typing import Any

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.values import AttributeValue, validate_value

Node = dict[str, Any]
_SKIPPED = {"AttributeValue"}
MAX_NESTING = 32  # levels of M/L, as DynamoDB allows


@functools.cache
def _model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("dynamodb")


@functools.cache
def _input_node(operation: str) -> Node | None:
    try:
        shape = _model().operation_model(operation).input_shape
    except Exception:  # an operation botocore does not know: nothing to check
        return None
    return _compile(shape, {}) if shape is not None else None


def _compile(shape: Any, memo: dict[str, Node]) -> Node:
    if shape.name in memo:
        return memo[shape.name]
    node: Node = {"type": shape.type_name, "name": shape.name}
    memo[shape.name] = node
    if shape.name in _SKIPPED:
        node["type"] = "any"
    elif shape.type_name == "structure":
        node["members"] = {k: _compile(v, memo) for k, v in shape.members.items()}
        node["required"] = list(shape.required_members)
    elif shape.type_name == "list":
        node["member"] = _compile(shape.member, memo)
    elif shape.type_name == "map":
        node["value"] = _compile(shape.value, memo)
    return node


_EXPECTED = {
    "structure": "an object", "map": "a map", "list": "a list", "string": "a string",
    "blob": "a base64 string", "boolean": "true or false", "integer": "an integer",
    "long": "an integer", "double": "a number", "float": "a number", "timestamp": "a number",
    "any": "an attribute value",
}


def _found(value: object) -> str:
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


def _fits(kind: str, value: object) -> bool:
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


def _wire(path: str, name: str) -> str:
    """DynamoDB's own way of naming a field in a validation message: `keySchema.1.member.x`."""
    return f"{path}.{name[:1].lower()}{name[1:]}" if path else name[:1].lower() + name[1:]


def _check(
    node: Node, value: object, path: str, wire: str = "", holder: str = "", key: object = None
) -> object:
    """Check `value` against `node`; returns it, with attribute values normalised."""
    kind = node["type"]
    if kind == "any" and value is not None:
        return attribute_value(value, holder, key)
    if value is None or not _fits(kind, value):
        raise DynamoError(
            "SerializationException",
            f"{_found(value)} (at '{path}', which must be {_EXPECTED.get(kind, kind)})",
        )
    if kind == "structure":
        members = node["members"]
        for name in [k for k, v in value.items() if v is None]:  # type: ignore[union-attr]
            del value[name]  # type: ignore[union-attr]  # null: absent, as DynamoDB reads it
        for name in node["required"]:
            if name not in value:  # type: ignore[operator]
                raise validation(
                    f"1 validation error detected: Value null at '{_wire(wire, name)}' failed "
                    "to satisfy constraint: Member must not be null"
                )
        for name, item in value.items():  # type: ignore[union-attr]
            if name in members:
                checked = _check(
                    members[name], item, f"{path}.{name}" if path else name, _wire(wire, name),
                    node["name"], name,
                )  # fmt: skip
                if checked is not item:
                    value[name] = checked  # type: ignore[index]
    elif kind == "list":
        for position, item in enumerate(value):  # type: ignore[arg-type]
            checked = _check(
                node["member"], item, f"{path}[{position}]", f"{wire}.{position + 1}.member",
                node["name"], position,
            )  # fmt: skip
            if checked is not item:
                value[position] = checked  # type: ignore[index]
    elif kind == "map":
        for name, item in value.items():  # type: ignore[union-attr]
            checked = _check(
                node["value"], item, f"{path}.{name}", f"{wire}.{name}.member", node["name"], name
            )
            if checked is not item:
                value[name] = checked  # type: ignore[index]
    return value


def attribute_value(value: object, holder: str, key: object) -> AttributeValue:
    """The one check of an attribute value, normalised; `holder` is the shape holding it
    under `key` (DynamoDB names a bad ExpressionAttributeValues entry by its key)."""
    if _too_deep(value):
        raise validation("Nesting Levels have exceeded supported limits")
    try:
        return validate_value(value)
    except DynamoError as error:
        if error.type == "ValidationException" and holder == "ExpressionAttributeValueMap":
            error.value_key = str(key)
        raise


def _too_deep(value: object) -> bool:
    """More than MAX_NESTING levels of M/L (each level is two JSON levels), without recursion."""
    level: list[object] = [value]
    for _ in range(2 * MAX_NESTING + 2):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else
                          item if isinstance(item, list) else ())
        ]
        if not level:
            return False
    return True


def check_request(operation: str, request: dict[str, Any]) -> None:
    """Raise `SerializationException` naming the first field of the wrong JSON type, or
    DynamoDB's ValidationException for a missing member or a bad attribute value. Attribute
    values are normalised in place (numbers in canonical form): this is their only check."""
    node = _input_node(operation)
    if node is not None:
        _check(node, request, "")
