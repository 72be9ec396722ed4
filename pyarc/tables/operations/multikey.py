"""Query key conditions on a GSI whose key has several HASH and/or RANGE attributes.

Every HASH attribute takes `=`. RANGE attributes are given left to right with no gap: `=` on
a prefix, and at most one `<`, `<=`, `>`, `>=`, `BETWEEN` or `begins_with` on the last one
given. Items sit in the index ordered by the RANGE values in schema order, so a condition is
a range of inner keys: the equality prefix plus the last condition's bounds.
"""

from __future__ import annotations

from typing import Any

from pyarc.tables.errors import validation
from pyarc.tables.expressions.nodes import And, Between, Compare, Function, Path, Value
from pyarc.tables.operations.reads import _check_type, _range_bounds
from pyarc.tables.store.table import TOP, KeySchema, partition_position_of
from pyarc.tables.values import comparable

NOT_SUPPORTED = "Query key condition not supported"
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def _parts(tree: Any) -> list[Any]:
    return _parts(tree.left) + _parts(tree.right) if isinstance(tree, And) else [tree]


def _subject(part: Any) -> tuple[str, Any]:
    """(attribute name, condition with the attribute on the left) of one key condition."""
    if isinstance(part, Compare):
        if isinstance(part.left, Value) and isinstance(part.right, Path):
            part = Compare(FLIP.get(part.op, part.op), part.right, part.left)
        if part.op == "<>":
            raise validation("Invalid operator used in KeyConditionExpression: <>")
        if not isinstance(part.left, Path) or not isinstance(part.right, Value):
            raise validation(
                "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                "one condition"
            )
        return _name(part.left), part
    if isinstance(part, Between) and isinstance(part.operand, Path):
        if not isinstance(part.low, Value) or not isinstance(part.high, Value):
            raise validation(NOT_SUPPORTED)
        return _name(part.operand), part
    if isinstance(part, Function):
        if part.name != "begins_with":
            raise validation(f"Invalid operator used in KeyConditionExpression: {part.name}")
        path, prefix = part.args
        if not isinstance(path, Path) or not isinstance(prefix, Value):
            raise validation(NOT_SUPPORTED)
        return _name(path), part
    operator = type(part).__name__.upper()
    raise validation(f"Invalid operator used in KeyConditionExpression: {operator}")


def _name(path: Path) -> str:
    if len(path.elements) != 1:
        raise validation(NOT_SUPPORTED)
    return str(path.elements[0])


def _values(condition: Any) -> list[dict[str, Any]]:
    if isinstance(condition, Compare):
        return [condition.right.value]
    if isinstance(condition, Between):
        return [condition.low.value, condition.high.value]
    return [condition.args[1].value]


def multi_key_range(
    tree: Any, keys: KeySchema, types: dict[str, str]
) -> tuple[tuple[bytes, Any], tuple[Any, Any, bool, bool]]:
    """(partition position, (low, high, low inclusive, high inclusive)) for a key condition."""
    by_name: dict[str, Any] = {}
    for part in _parts(tree):
        name, condition = _subject(part)
        if name not in keys.names:
            raise validation(f"Query condition missed key schema element: {keys.hash}")
        if name in by_name:
            raise validation("KeyConditionExpressions must only contain one condition per key")
        for value in _values(condition):
            _check_type(name, value, types, keys)
        by_name[name] = condition
    hash_values = []
    for name in keys.hash_names:
        condition = by_name.get(name)
        if condition is None:
            raise validation(f"Query condition missed key schema element: {name}")
        if not isinstance(condition, Compare) or condition.op != "=":
            raise validation(NOT_SUPPORTED)
        hash_values.append(condition.right.value)
    given = [name for name in keys.range_names if name in by_name]
    expected = keys.range_names[: len(given)]
    if tuple(given) != expected:
        skipped = next(n for n in keys.range_names if n not in by_name)
        raise validation(f"Query condition missed key schema element: {skipped}")
    prefix: tuple[Any, ...] = ()
    last = None
    for position, name in enumerate(given):
        condition = by_name[name]
        if isinstance(condition, Compare) and condition.op == "=":
            if position == len(given) - 1:
                last = condition  # an `=` on the last one given is a bound like any other
            else:
                prefix += (comparable(condition.right.value),)
        elif position == len(given) - 1:
            last = condition
        else:
            raise validation(NOT_SUPPORTED)  # a comparison only on the last RANGE given
    return partition_position_of(hash_values), _bounds(prefix, last)


def _bounds(prefix: tuple[Any, ...], last: Any) -> tuple[Any, Any, bool, bool]:
    if last is None:
        if not prefix:
            return None, None, True, True
        return prefix, prefix + (TOP,), True, True
    low, high, low_inclusive, high_inclusive = _range_bounds(last)
    return (
        prefix + low if low is not None else (prefix or None),
        prefix + high if high is not None else (prefix + (TOP,) if prefix else None),
        low_inclusive if low is not None else True,
        high_inclusive if high is not None else True,
    )
