"""Query and Scan: key conditions, ranges in sort-key order, filters, pages and segments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import invalid_params, validation
from pyarc.tables.expressions.evaluate import matches, project
from pyarc.tables.expressions.nodes import And, Between, Compare, Function, Path, Value, paths_in
from pyarc.tables.expressions.parser import parse_condition
from pyarc.tables.operations.common import (
    consumed,
    context_for,
    projection_of,
    read_units,
    table_of,
)
from pyarc.tables.operations.legacy import with_key_condition_expression
from pyarc.tables.store.table import (
    TOP,
    Index,
    KeySchema,
    Table,
    check_key_size,
    partition_position,
)
from pyarc.tables.values import Item, comparable, item_size, type_of

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store

PAGE_BYTES = 1024 * 1024
SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")


# -- shared ------------------------------------------------------------------------------


def _index(table: Table, request: dict[str, Any]) -> Index | None:
    name = request.get("IndexName")
    if name is None:
        return None
    index = table.indexes.get(name)
    if index is None:
        raise validation(f"The table does not have the specified index: {name}")
    if index.kind == "GSI" and request.get("ConsistentRead"):
        raise validation("Consistent reads are not supported on global secondary indexes")
    return index


def _limit(request: dict[str, Any]) -> int | None:
    limit = request.get("Limit")
    if limit is None:
        return None
    if not isinstance(limit, int) or limit < 1:
        raise validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    return limit


def _select(request: dict[str, Any], index: Index | None, query: bool) -> str:
    """The Select in force, refusing the combinations DynamoDB refuses, in its words (a
    Query counts them as validation errors, a Scan does not)."""
    select = request.get("Select")
    given = (
        "ProjectionExpression"
        if request.get("ProjectionExpression") is not None
        else "AttributesToGet"
        if request.get("AttributesToGet") is not None
        else None
    )
    if select is None:
        if given:
            return "SPECIFIC_ATTRIBUTES"
        return "ALL_PROJECTED_ATTRIBUTES" if index else "ALL_ATTRIBUTES"
    if select not in SELECTS:
        raise validation(
            f"1 validation error detected: Value '{select}' at 'select' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
            "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
        )
    counted = "1 validation error detected: " if query else ""
    if given and select != "SPECIFIC_ATTRIBUTES":
        wanted = "only the Count" if select == "COUNT" else select
        raise validation(f"{counted}Cannot specify the {given} when choosing to get {wanted}")
    if select == "SPECIFIC_ATTRIBUTES" and not given:
        raise validation(
            f"{counted}Must specify the AttributesToGet or ProjectionExpression when choosing "
            "to get SPECIFIC_ATTRIBUTES"
        )
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise validation(
            f"{counted}ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    if (
        select == "ALL_ATTRIBUTES"
        and index
        and index.kind == "GSI"  # an LSI fetches the other attributes from the table
        and index.projection.get("ProjectionType") != "ALL"
    ):
        raise invalid_params(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{index.name} because its projection type is not ALL"
        )
    return select


def _start(table: Table, index: Index | None, request: dict[str, Any]) -> tuple | None:
    """(partition position, inner key) of ExclusiveStartKey, or None."""
    start = request.get("ExclusiveStartKey")
    if start is None:
        return None
    wanted = set(table.keys.names) | (set(index.keys.names) if index else set())
    invalid = validation(
        "The provided starting key is invalid: The provided key element does not match the schema"
    )
    if not isinstance(start, dict) or set(start) != wanted:
        raise invalid
    for name in wanted:
        value = start[name]
        if not isinstance(value, dict) or type_of(value) != table.attribute_types.get(name):
            raise invalid
    if index is None:
        return table.locate(start)
    return table.index_locate(index, start)


def _last_key(table: Table, index: Index | None, item: Item) -> Item:
    key = table.key_of(item)
    if index is not None:
        for name in index.keys.names:
            key[name] = item[name]
    return key


def _page(
    table: Table,
    index: Index | None,
    candidates: Iterator[Item],
    request: dict[str, Any],
    filter_tree: Any,
    projection: list[Path] | None,
    select: str,
) -> dict[str, Any]:
    limit = _limit(request)
    index_names = index.projected_names(table.keys) if index else None
    # an LSI reads attributes it does not project from the table (filters too); a GSI cannot
    fetch = index is not None and index.kind == "LSI"
    items: list[Item] = []
    scanned = 0
    size = 0
    last: Item | None = None
    for item in candidates:
        scanned += 1
        size += item_size(item)
        visible = (
            item if index_names is None else {k: v for k, v in item.items() if k in index_names}
        )
        readable = item if fetch else visible
        if filter_tree is None or matches(readable, filter_tree):
            if select == "ALL_ATTRIBUTES":
                items.append(readable)
            elif projection is not None:
                items.append(project(readable, projection))
            else:
                items.append(visible)
        if (limit is not None and scanned >= limit) or size >= PAGE_BYTES:
            last = item
            break
    response: dict[str, Any] = {"Count": len(items), "ScannedCount": scanned}
    if select != "COUNT":
        response["Items"] = items
    if last is not None:
        response["LastEvaluatedKey"] = _last_key(table, index, last)
    response.update(
        consumed(request, table.name, read_units(size, bool(request.get("ConsistentRead"))))
    )
    return response


def _filter(request: dict[str, Any], context: Any) -> Any:
    source = request.get("FilterExpression")
    return None if source is None else parse_condition(source, "FilterExpression", context)


# -- Query -------------------------------------------------------------------------------


def _key_part(
    tree: Any, keys: KeySchema, types: dict[str, str], named: set[Any]
) -> tuple[str, Any]:
    """Classify one key condition: ("hash", value) or ("range", condition)."""
    if isinstance(tree, Compare):
        left, right = tree.left, tree.right
        if isinstance(left, Value) and isinstance(right, Path):
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(tree.op, tree.op)
            left, right, tree = right, left, Compare(flipped, right, left)
        if tree.op == "<>":
            raise validation("Invalid operator used in KeyConditionExpression: <>")
        if not isinstance(left, Path) or not isinstance(right, Value):
            raise validation(
                "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                "one condition"
            )
        name = _key_name(left, keys, named)
        _check_type(name, right.value, types, keys)
        if name == keys.hash:
            if tree.op != "=":
                raise validation("Query key condition not supported")
            return "hash", right.value
        return "range", tree
    if isinstance(tree, Between):
        if not isinstance(tree.operand, Path):
            raise validation("Query key condition not supported")
        name = _key_name(tree.operand, keys, named)
        if name != keys.range:
            raise validation("Query key condition not supported")
        for bound in (tree.low, tree.high):
            if not isinstance(bound, Value):
                raise validation("Query key condition not supported")
            _check_type(name, bound.value, types, keys)
        if comparable(tree.low.value) > comparable(tree.high.value):
            low, high = tree.low.value, tree.high.value
            raise validation(
                "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
                "greater than or equal to lower bound; lower bound operand: AttributeValue: "
                f"{{{type_of(low)}:{low[type_of(low)]}}}, upper bound operand: AttributeValue: "
                f"{{{type_of(high)}:{high[type_of(high)]}}}"
            )
        return "range", tree
    if isinstance(tree, Function):
        if tree.name != "begins_with":
            raise validation(f"Invalid operator used in KeyConditionExpression: {tree.name}")
        path, prefix = tree.args
        if not isinstance(path, Path) or not isinstance(prefix, Value):
            raise validation("Query key condition not supported")
        name = _key_name(path, keys, named)
        if name != keys.range:
            raise validation("Query key condition not supported")
        kind = types.get(name)
        if kind == "N":
            raise validation(
                "Invalid KeyConditionExpression: Incorrect operand type for operator or "
                "function; operator or function: begins_with, operand type: N"
            )
        _check_type(name, prefix.value, types, keys)
        return "range", tree
    operator = type(tree).__name__.upper()
    raise validation(f"Invalid operator used in KeyConditionExpression: {operator}")


def _key_name(path: Path, keys: KeySchema, named: set[Any]) -> str:
    """The key attribute a condition names; else the key element DynamoDB says is missed
    (the partition key unless the condition names it, then the sort key)."""
    name = path.elements[0]
    if len(path.elements) != 1 or name not in keys.names:
        missing = keys.range if keys.hash in named and keys.range else keys.hash
        raise validation(f"Query condition missed key schema element: {missing}")
    return str(name)


def _check_type(name: str, value: dict[str, Any], types: dict[str, str], keys: KeySchema) -> None:
    if type_of(value) != types[name]:
        raise invalid_params("Condition parameter type does not match schema type")
    check_key_size(value, is_hash=name in keys.hash_names)


def _split_key_condition(tree: Any, keys: KeySchema, types: dict[str, str]) -> tuple[Any, Any]:
    parts = [tree]
    if isinstance(tree, And):
        parts = [tree.left, tree.right]
        if any(isinstance(p, And) for p in parts):
            raise validation("Conditions can be of length 1 or 2 only")
    named = {p.elements[0] for p in paths_in(tree)}
    classified = [_key_part(p, keys, types, named) for p in parts]
    hashes = [v for k, v in classified if k == "hash"]
    ranges = [v for k, v in classified if k == "range"]
    if len(hashes) != 1:
        raise validation(f"Query condition missed key schema element: {keys.hash}")
    if len(ranges) > 1:
        raise validation("Conditions can be of length 1 or 2 only")
    return hashes[0], (ranges[0] if ranges else None)


def _prefix_upper(prefix: Any) -> Any:
    """The smallest value greater than every value starting with `prefix`, or None."""
    if isinstance(prefix, str):
        chars = list(prefix)
        while chars:
            if ord(chars[-1]) < 0x10FFFF:
                chars[-1] = chr(ord(chars[-1]) + 1)
                return "".join(chars)
            chars.pop()
        return None
    data = bytearray(prefix)
    while data:
        if data[-1] < 0xFF:
            data[-1] += 1
            return bytes(data)
        data.pop()
    return None


def _range_bounds(condition: Any) -> tuple[Any, Any, bool, bool]:
    """(minimum, maximum, min inclusive, max inclusive) on inner keys for a range condition."""
    if condition is None:
        return None, None, True, True
    if isinstance(condition, Between):
        return (
            (comparable(condition.low.value),),
            (comparable(condition.high.value), TOP),
            True,
            True,
        )
    if isinstance(condition, Function):
        prefix = comparable(condition.args[1].value)
        upper = _prefix_upper(prefix)
        return (prefix,), (None if upper is None else (upper,)), True, False
    value = comparable(condition.right.value)
    return {
        "=": ((value,), (value, TOP), True, True),
        "<": (None, (value,), True, False),
        "<=": (None, (value, TOP), True, True),
        ">": ((value, TOP), None, False, True),
        ">=": ((value,), None, True, True),
    }[condition.op]


def query(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("KeyConditions") is not None:  # the legacy form, read as an expression
        request = with_key_condition_expression(request)
    table = table_of(store, request["TableName"])
    index = _index(table, request)
    keys = index.keys if index else table.keys
    context = context_for(request)
    source = request.get("KeyConditionExpression")
    if source is None:
        raise validation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in "
            "the request."
        )
    key_tree = parse_condition(source, "KeyConditionExpression", context)
    filter_tree = _filter(request, context)
    projection = projection_of(request, context)
    context.check_unused()
    if keys.multi:  # a GSI with several HASH/RANGE attributes
        from pyarc.tables.operations.multikey import multi_key_range  # it imports this module

        position, bounds = multi_key_range(key_tree, keys, table.attribute_types)
    else:
        hash_value, range_condition = _split_key_condition(key_tree, keys, table.attribute_types)
        position, bounds = partition_position(hash_value), _range_bounds(range_condition)
    if filter_tree is not None:
        for path in paths_in(filter_tree):
            if path.elements[0] in keys.names:
                raise validation(
                    "Filter Expression can only contain non-primary key attributes: Primary key "
                    f"attribute: {path.elements[0]}"
                )
    select = _select(request, index, query=True)
    forward = request.get("ScanIndexForward", True) is not False
    start = _start(table, index, request)
    storage = index.storage if index else table.storage
    partition = storage.partitions.get(position)

    def candidates() -> Iterator[Item]:
        if partition is None:
            return
        low, high, low_inclusive, high_inclusive = bounds
        if start is not None and start[0] == position:
            inner = start[1]
            if forward and (low is None or inner >= low):
                low, low_inclusive = inner, False
            if not forward and (high is None or inner <= high):
                high, high_inclusive = inner, False
        elif start is not None:
            return
        for inner in partition.irange(
            low, high, (low_inclusive, high_inclusive), reverse=not forward
        ):
            yield partition[inner]

    return _page(table, index, candidates(), request, filter_tree, projection, select)


# -- Scan --------------------------------------------------------------------------------


def _segment(request: dict[str, Any]) -> tuple[int, int] | None:
    segment, total = request.get("Segment"), request.get("TotalSegments")
    if segment is None and total is None:
        return None
    if total is None:
        raise validation(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
        )
    if segment is None:
        raise validation(
            "The Segment parameter is required but was not present in the request when parameter "
            "TotalSegments is present"
        )
    if not 1 <= total <= 1000000:
        raise validation(
            f"1 validation error detected: Value '{total}' at 'totalSegments' failed to satisfy "
            "constraint: Member must have value "
            + ("greater than or equal to 1" if total < 1 else "less than or equal to 1000000")
        )
    if segment < 0:
        raise validation(
            f"1 validation error detected: Value '{segment}' at 'segment' failed to satisfy "
            "constraint: Member must have value greater than or equal to 0"
        )
    if segment >= total:
        raise validation(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    return segment, total


def scan(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"])
    index = _index(table, request)
    context = context_for(request)
    filter_tree = _filter(request, context)
    projection = projection_of(request, context)
    context.check_unused()
    select = _select(request, index, query=False)
    segments = _segment(request)
    start = _start(table, index, request)
    storage = index.storage if index else table.storage

    def candidates() -> Iterator[Item]:
        first, end = b"", None
        if segments is not None:
            segment, total = segments
            first = (-(-(segment << 128) // total)).to_bytes(16, "big")
            if segment + 1 < total:
                end = (-(-((segment + 1) << 128) // total)).to_bytes(16, "big")
        begin = start
        if begin is None or begin[0][0] < first:
            begin = None
            for position in storage.partitions.irange(minimum=(first,)):
                if end is not None and position[0] >= end:
                    return
                yield from storage.partitions[position].values()
            return
        for position, _, item in storage.scan(begin):
            if end is not None and position[0] >= end:
                return
            yield item

    return _page(table, index, candidates(), request, filter_tree, projection, select)
