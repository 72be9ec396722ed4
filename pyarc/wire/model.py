"""botocore's service model, compiled into small typed shapes the checker walks quickly."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from pyarc.wire.legacy import LEGACY_QUERY, QuerySpelling


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
    # the model's `min` / `max`: a number's value, a string's, list's or map's length
    minimum: float | None = None
    maximum: float | None = None
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
def error_statuses(service: str) -> dict[str, int]:
    """Error code -> HTTP status, as `service`'s model declares its errors (SNS's
    `NotFound` is 404); a code it does not declare is a 400."""
    statuses: dict[str, int] = {}
    for shape in service_model(service).error_shapes:
        error = shape.metadata.get("error") or {}
        statuses[error.get("code", shape.name)] = int(error.get("httpStatusCode", 400))
    return statuses


@functools.cache
def input_shape(
    service: str, operation: str, opaque: frozenset[str] = frozenset(), legacy_query: bool = False
) -> Shape | None:
    """The compiled input of `operation`, or None when botocore does not know it (then
    there is nothing to check). Shapes named in `opaque` are left to the caller;
    `legacy_query` spells it as the service's query protocol did (`pyarc.wire.legacy`)."""
    try:
        shape = service_model(service).operation_model(operation).input_shape
    except Exception:  # botocore's OperationNotFoundError and friends: an unknown operation
        return None
    if shape is None:
        return None
    spelling = LEGACY_QUERY.get(service, QuerySpelling()) if legacy_query else QuerySpelling()
    return _compile(shape, {}, opaque, spelling)


def _compile(shape: Any, memo: dict[str, Shape], opaque: frozenset[str], spelling: QuerySpelling) -> Shape:
    if shape.name in memo:  # recursive shapes (e.g. DynamoDB's AttributeValue) compile once
        return memo[shape.name]
    kind = "opaque" if shape.name in opaque else shape.type_name
    node = Shape(shape.name, kind, minimum=shape.metadata.get("min"), maximum=shape.metadata.get("max"))
    memo[shape.name] = node
    if kind == "structure":
        node.members = {k: _compile(v, memo, opaque, spelling) for k, v in shape.members.items()}
        node.required = tuple(shape.required_members)
        node.query_names = {
            _query_name(node, name, member, spelling): name for name, member in shape.members.items()
        }
    elif kind == "list":
        node.member = _compile(shape.member, memo, opaque, spelling)
        node.flattened = bool(shape.serialization.get("flattened"))
        node.item_name = spelling.items.get(shape.name) or shape.member.serialization.get("name", "member")
    elif kind == "map":
        node.value = _compile(shape.value, memo, opaque, spelling)
        node.flattened = bool(shape.serialization.get("flattened"))
        node.key_name, node.value_name = spelling.entries.get(shape.name) or (
            shape.key.serialization.get("name", "key"), shape.value.serialization.get("name", "value")
        )
    elif kind == "string":
        node.enum = tuple(getattr(shape, "enum", None) or ())
    return node


def _query_name(holder: Shape, name: str, member: Any, spelling: QuerySpelling) -> str:
    """A member's name in a form body. As botocore's QuerySerializer spells it, a flattened
    list whose items are named takes their name (`SendMessageBatchRequestEntry.1`, not
    `Entries.1`)."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        item = spelling.items.get(member.name) or member.member.serialization.get("name")
        if item:
            return str(item)
    return str(spelling.members.get((holder.name, name)) or member.serialization.get("name", name))
