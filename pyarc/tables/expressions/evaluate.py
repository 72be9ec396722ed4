"""Evaluating parsed expressions against items: conditions, projections and updates."""

from __future__ import annotations

import copy
from typing import Any

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.expressions.nodes import (
    And,
    Arithmetic,
    Between,
    Compare,
    Function,
    In,
    Not,
    Or,
    Path,
    Update,
    Value,
)
from pyarc.tables.values import (
    AttributeValue,
    Item,
    comparable,
    format_number,
    parse_number,
    set_members,
    type_of,
    value_size,
    values_equal,
)

_ORDERED = ("S", "N", "B")
_SETS = ("SS", "NS", "BS")


def resolve(item: Item, path: Path) -> AttributeValue | None:
    """The value at a document path, or None when any step is missing or of the wrong type."""
    current: Any = item.get(path.elements[0])  # type: ignore[call-overload]
    for element in path.elements[1:]:
        if current is None:
            return None
        if isinstance(element, int):
            items = current.get("L")
            if items is None or element >= len(items):
                return None
            current = items[element]
        else:
            members = current.get("M")
            if members is None:
                return None
            current = members.get(element)
    return current


def operand_value(item: Item, operand: Any) -> AttributeValue | None:
    if isinstance(operand, Path):
        return resolve(item, operand)
    if isinstance(operand, Value):
        return operand.value
    if isinstance(operand, Function) and operand.name == "size":
        target = operand_value(item, operand.args[0])
        if target is None:
            return None
        kind = type_of(target)
        if kind in ("S", "B"):
            return {"N": str(value_size(target))}
        if kind in _SETS or kind == "L":
            return {"N": str(len(target[kind]))}
        if kind == "M":
            return {"N": str(len(target["M"]))}
        return None
    raise TypeError(operand)


def _compare(op: str, left: AttributeValue | None, right: AttributeValue | None) -> bool:
    if op == "<>":
        if left is None or right is None:
            return left is not right
        return not values_equal(left, right)
    if left is None or right is None:
        return False
    if op == "=":
        return values_equal(left, right)
    kind = type_of(left)
    if kind != type_of(right) or kind not in _ORDERED:
        return False
    a, b = comparable(left), comparable(right)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _contains(haystack: AttributeValue | None, needle: AttributeValue | None) -> bool:
    if haystack is None or needle is None:
        return False
    kind = type_of(haystack)
    if kind == "S":
        return type_of(needle) == "S" and needle["S"] in haystack["S"]
    if kind == "B":
        return type_of(needle) == "B" and comparable(needle) in comparable(haystack)
    if kind in _SETS:
        member_type = kind[0]
        if type_of(needle) != member_type:
            return False
        return comparable(needle) in set_members(haystack)
    if kind == "L":
        return any(values_equal(x, needle) for x in haystack["L"])
    return False


def _begins_with(value: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    if value is None or prefix is None:
        return False
    kind = type_of(value)
    if kind != type_of(prefix) or kind not in ("S", "B"):
        return False
    return comparable(value).startswith(comparable(prefix))


def matches(item: Item | None, condition: Any) -> bool:
    """Whether `item` (None: no item) satisfies a parsed condition."""
    item = item or {}
    if isinstance(condition, And):
        return matches(item, condition.left) and matches(item, condition.right)
    if isinstance(condition, Or):
        return matches(item, condition.left) or matches(item, condition.right)
    if isinstance(condition, Not):
        return not matches(item, condition.operand)
    if isinstance(condition, Compare):
        return _compare(
            condition.op, operand_value(item, condition.left), operand_value(item, condition.right)
        )
    if isinstance(condition, Between):
        value = operand_value(item, condition.operand)
        low = operand_value(item, condition.low)
        high = operand_value(item, condition.high)
        if value is None or low is None or high is None:
            return False
        return _compare(">=", value, low) and _compare("<=", value, high)
    if isinstance(condition, In):
        value = operand_value(item, condition.operand)
        if value is None:
            return False
        return any(
            (option := operand_value(item, o)) is not None and values_equal(value, option)
            for o in condition.options
        )
    if isinstance(condition, Function):
        name, args = condition.name, condition.args
        if name == "attribute_exists":
            return resolve(item, args[0]) is not None
        if name == "attribute_not_exists":
            return resolve(item, args[0]) is None
        if name == "attribute_type":
            value = operand_value(item, args[0])
            wanted = operand_value(item, args[1])
            return value is not None and wanted is not None and type_of(value) == wanted.get("S")
        if name == "begins_with":
            return _begins_with(operand_value(item, args[0]), operand_value(item, args[1]))
        if name == "contains":
            return _contains(operand_value(item, args[0]), operand_value(item, args[1]))
    raise TypeError(condition)


# -- projection --------------------------------------------------------------------------


def project(item: Item, paths: list[Path]) -> Item:
    """The parts of `item` named by `paths`, nested as in the item (lists compacted)."""
    result: dict[str, Any] = {}
    for path in paths:
        value = resolve(item, path)
        if value is None:
            continue
        _project_into(result, item, path.elements, value)
    return strip_slots(result)


def _project_into(target: dict[str, Any], source: Item, elements: tuple, value: Any) -> None:
    # walk the path, creating containers of the same type as in the source
    first = elements[0]
    if len(elements) == 1:
        target[first] = copy.deepcopy(value)
        return
    src_child = source[first]
    holder = target.setdefault(first, {"M": {}} if "M" in src_child else {"L": []})
    _project_nested(holder, src_child, elements[1:], value)


def _project_nested(
    holder: dict[str, Any], source: dict[str, Any], elements: tuple, value: Any
) -> None:
    element = elements[0]
    if isinstance(element, int):
        src_child = source["L"][element]
        # list slots are kept in source order through a side map of index -> slot
        slots = holder.setdefault("_slots", {})
        if len(elements) == 1:
            slots[element] = copy.deepcopy(value)
        else:
            child = slots.setdefault(element, {"M": {}} if "M" in src_child else {"L": []})
            _project_nested(child, src_child, elements[1:], value)
        holder["L"] = [slots[i] for i in sorted(slots)]
        return
    src_child = source["M"][element]
    if len(elements) == 1:
        holder["M"][element] = copy.deepcopy(value)
        return
    child = holder["M"].setdefault(element, {"M": {}} if "M" in src_child else {"L": []})
    _project_nested(child, src_child, elements[1:], value)


def strip_slots(value: Any) -> Any:
    """Remove the bookkeeping `_slots` keys `project` leaves in nested lists."""
    if isinstance(value, dict):
        return {k: strip_slots(v) for k, v in value.items() if k != "_slots"}
    if isinstance(value, list):
        return [strip_slots(v) for v in value]
    return value


# -- updates -----------------------------------------------------------------------------


def _bad_operand() -> Exception:
    return validation("An operand in the update expression has an incorrect data type")


def _update_operand(item: Item, operand: Any) -> AttributeValue:
    if isinstance(operand, Path | Value):
        value = operand_value(item, operand)
        if value is None:
            raise validation(
                "The provided expression refers to an attribute that does not exist in the item"
            )
        return value
    if isinstance(operand, Arithmetic):
        left = _update_operand(item, operand.left)
        right = _update_operand(item, operand.right)
        if type_of(left) != "N" or type_of(right) != "N":
            raise _bad_operand()
        a, b = parse_number(left["N"]), parse_number(right["N"])
        result = a + b if operand.op == "+" else a - b
        return {"N": format_number(parse_number(format_number(result)))}
    if isinstance(operand, Function):
        if operand.name == "if_not_exists":
            existing = resolve(item, operand.args[0])
            return existing if existing is not None else _update_operand(item, operand.args[1])
        if operand.name == "list_append":
            left = _update_operand(item, operand.args[0])
            right = _update_operand(item, operand.args[1])
            if type_of(left) != "L" or type_of(right) != "L":
                raise _bad_operand()
            return {"L": left["L"] + right["L"]}
    raise TypeError(operand)


def _invalid_path() -> Exception:
    return validation("The document path provided in the update expression is invalid for update")


def _parent(item: Item, path: Path) -> tuple[Any, Any]:
    """The container holding the last element of `path` and that element."""
    if len(path.elements) == 1:
        return item, path.elements[0]
    parent = resolve(item, Path(path.elements[:-1]))
    last = path.elements[-1]
    if parent is None:
        raise _invalid_path()
    if isinstance(last, int):
        if "L" not in parent:
            raise _invalid_path()
        return parent["L"], last
    if "M" not in parent:
        raise _invalid_path()
    return parent["M"], last


def _set(item: Item, path: Path, value: AttributeValue) -> None:
    container, last = _parent(item, path)
    if isinstance(container, list):
        if last >= len(container):
            container.append(value)
        else:
            container[last] = value
    else:
        container[last] = value


def _remove(item: Item, path: Path, existed: bool = True) -> None:
    """REMOVE: a missing leaf is a no-op; a missing or mistyped parent is an error (as on
    AWS), except on an item that did not exist, where AWS ignores it."""
    try:
        container, last = _parent(item, path)
    except DynamoError:
        if existed:
            raise
        return
    if isinstance(container, list):
        if last < len(container):
            container[last] = _REMOVED
    else:
        container.pop(last, None)


class _Removed:
    """Placeholder for list elements removed by REMOVE (dropped once all actions ran)."""


_REMOVED: Any = _Removed()


def _drop_removed(value: Any) -> Any:
    if isinstance(value, dict):
        if "L" in value and isinstance(value["L"], list):
            value["L"] = [_drop_removed(v) for v in value["L"] if v is not _REMOVED]
            return value
        if "M" in value and isinstance(value["M"], dict):
            for v in value["M"].values():
                _drop_removed(v)
        return value
    return value


def _add(item: Item, path: Path, value: AttributeValue) -> None:
    existing = resolve(item, path)
    kind = type_of(value)
    if existing is None:
        _set(item, path, copy.deepcopy(value))
        return
    if type_of(existing) != kind:
        raise _bad_operand()
    if kind == "N":
        total = parse_number(existing["N"]) + parse_number(value["N"])
        _set(item, path, {"N": format_number(parse_number(format_number(total)))})
        return
    merged = list(existing[kind])
    have = set_members(existing)
    for member, key in zip(value[kind], _member_keys(kind, value[kind]), strict=True):
        if key not in have:
            merged.append(member)
            have = have | {key}
    _set(item, path, {kind: merged})


def _member_keys(kind: str, members: list[Any]) -> list[Any]:
    return [comparable({kind[0]: m}) for m in members]


def _delete(item: Item, path: Path, value: AttributeValue) -> None:
    existing = resolve(item, path)
    if existing is None:
        return
    kind = type_of(value)
    if type_of(existing) != kind:
        raise _bad_operand()
    gone = set(_member_keys(kind, value[kind]))
    kept = [
        m
        for m, k in zip(existing[kind], _member_keys(kind, existing[kind]), strict=True)
        if k not in gone
    ]
    if kept:
        _set(item, path, {kind: kept})
    else:
        _remove(item, path)


def _path_order(path: Path) -> tuple:
    return tuple((0, e, "") if isinstance(e, int) else (1, 0, e) for e in path.elements)


def apply_update(item: Item, update: Update, *, existed: bool = True) -> Item:
    """A new item: `update` applied to `item`; every operand reads the original item.

    List indexes refer to the list as it was: REMOVE marks elements (dropped at the end),
    so a SET past the end appends after them, and several appends to one list go in index
    order, as AWS documents. `existed` is False when the item is being created."""
    original = item
    result = copy.deepcopy(item)
    sets = [
        (a.path, _update_operand(original, a.operand)) for a in update.actions if a.kind == "SET"
    ]
    for action in update.actions:
        if action.kind == "REMOVE":
            _remove(result, action.path, existed)
    for path, value in sorted(sets, key=lambda pair: _path_order(pair[0])):
        _set(result, path, copy.deepcopy(value))
    for action in update.actions:
        if action.kind == "ADD":
            _add(result, action.path, action.operand.value)
        elif action.kind == "DELETE":
            _delete(result, action.path, action.operand.value)
    for value in result.values():
        _drop_removed(value)
    return result
