"""botocore's service model, compiled into small typed shapes the checker walks quickly."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False, slots=True)
class Shape:
    """One input shape: `kind` is botocore's type name (`structure`, `list`, `map`,
    `string`, `integer`, ...) or `opaque` for a shape the caller checks itself."""

    name: str
    kind: str
    members: dict[str, Shape] = field(default_factory=dict)  # structure
    required: tuple[str, ...] = ()  # structure
    member: Shape | None = None  # list
    value: Shape | None = None  # map
    enum: tuple[str, ...] = ()  # string
    # how the query protocol spells it (botocore's `locationName`, `flattened`)
    query_names: dict[str, str] = field(default_factory=dict)  # structure: query name -> member
    flattened: bool = False  # list, map: items without the `.member` / `.entry` step
    item_name: str = "member"  # list
    key_name: str = "key"  # map
    value_name: str = "value"  # map


@functools.cache
def service_model(service: str) -> Any:
    """botocore's model of `service` (`dynamodb`, `sns`, `sqs`, `ssm`), loaded once."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@functools.cache
def input_shape(service: str, operation: str, opaque: frozenset[str] = frozenset()) -> Shape | None:
    """The compiled input of `operation`, or None when botocore does not know it (then
    there is nothing to check). Shapes named in `opaque` are left to the caller."""
    try:
        shape = service_model(service).operation_model(operation).input_shape
    except Exception:  # botocore's OperationNotFoundError and friends: an unknown operation
        return None
    return _compile(shape, {}, opaque) if shape is not None else None


def _compile(shape: Any, memo: dict[str, Shape], opaque: frozenset[str]) -> Shape:
    if shape.name in memo:  # recursive shapes (e.g. DynamoDB's AttributeValue) compile once
        return memo[shape.name]
    kind = "opaque" if shape.name in opaque else shape.type_name
    node = Shape(shape.name, kind)
    memo[shape.name] = node
    if kind == "structure":
        node.members = {k: _compile(v, memo, opaque) for k, v in shape.members.items()}
        node.required = tuple(shape.required_members)
        node.query_names = {
            member.serialization.get("name", name): name for name, member in shape.members.items()
        }
    elif kind == "list":
        node.member = _compile(shape.member, memo, opaque)
        node.flattened = bool(shape.serialization.get("flattened"))
        node.item_name = shape.member.serialization.get("name", "member")
    elif kind == "map":
        node.value = _compile(shape.value, memo, opaque)
        node.flattened = bool(shape.serialization.get("flattened"))
        node.key_name = shape.key.serialization.get("name", "key")
        node.value_name = shape.value.serialization.get("name", "value")
    elif kind == "string":
        node.enum = tuple(getattr(shape, "enum", None) or ())
    return node
