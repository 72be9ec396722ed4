"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import invalid_params, validation
from pyarc.tables.expressions.evaluate import apply_update, project
from pyarc.tables.expressions.nodes import Path, Update
from pyarc.tables.expressions.parser import parse_update
from pyarc.tables.operations.common import (
    apply_projection,
    check_condition,
    condition_of,
    consumed,
    context_for,
    projection_of,
    read_units,
    table_of,
    write_units,
)
from pyarc.tables.store.store import Change
from pyarc.tables.store.table import Table
from pyarc.tables.values import Item, check_item_size, item_size

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store

UPDATE_RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def _return_values(request: dict[str, Any], allowed: tuple[str, ...]) -> str:
    value = request.get("ReturnValues") or "NONE"
    if value not in UPDATE_RETURN_VALUES:
        raise validation(
            f"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, "
            "NONE, UPDATED_NEW]"
        )
    if value not in allowed:
        raise validation("ReturnValues can only be ALL_OLD or NONE")
    on_failure = request.get("ReturnValuesOnConditionCheckFailure") or "NONE"
    if on_failure not in ("NONE", "ALL_OLD"):
        raise validation(
            f"1 validation error detected: Value '{on_failure}' at "
            "'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must "
            "satisfy enum value set: [ALL_OLD, NONE]"
        )
    return value


def prepare_put(table: Table, request: dict[str, Any]) -> tuple[Item, Any]:
    """Validate a PutItem-shaped request; return the item and its parsed condition."""
    item = request["Item"]
    table.check_item_keys(item)
    check_item_size(item)
    context = context_for(request)
    condition = condition_of(request, context)
    context.check_unused()
    return item, condition


def _checked_put(store: Store, request: dict[str, Any]) -> tuple[Table, str, Item, Any]:
    table = table_of(store, request["TableName"])
    returns = _return_values(request, ("NONE", "ALL_OLD"))
    item, condition = prepare_put(table, request)
    return table, returns, item, condition


def check_put(store: Store, request: dict[str, Any]) -> None:
    """Every check PutItem makes before it writes (the sandbox checks seed items so)."""
    _checked_put(store, request)


def put_item(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table, returns, item, condition = _checked_put(store, request)
    old = table.get(item)
    check_condition(old, condition, request)
    store.commit([Change(table, table.key_of(item), old, item)])
    response: dict[str, Any] = {}
    if returns == "ALL_OLD" and old is not None:
        response["Attributes"] = old
    response.update(consumed(request, table.name, write_units(old, item)))
    return response


def get_item(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"])
    key = table.key_from_request(request["Key"])
    context = context_for(request)
    projection = projection_of(request, context)
    context.check_unused()
    item = table.get(key)
    response: dict[str, Any] = {}
    if item is not None:
        response["Item"] = apply_projection(item, projection)
    size = item_size(item) if item else 0
    response.update(
        consumed(request, table.name, read_units(size, bool(request.get("ConsistentRead"))))
    )
    return response


def prepare_update(table: Table, request: dict[str, Any]) -> tuple[Item, Update | None, Any]:
    key = table.key_from_request(request["Key"])
    context = context_for(request)
    source = request.get("UpdateExpression")
    update = parse_update(source, context) if source is not None else None
    condition = condition_of(request, context)
    context.check_unused()
    if update is not None:
        for action in update.actions:
            if action.path.elements[0] in table.keys.names:
                raise invalid_params(
                    f"Cannot update attribute {action.path.elements[0]}. "
                    "This attribute is part of the key"
                )
    return key, update, condition


def updated_item(table: Table, key: Item, old: Item | None, update: Update | None) -> Item:
    base = dict(old) if old is not None else dict(key)
    new = apply_update(base, update, existed=old is not None) if update is not None else base
    table.check_item_keys(new)
    check_item_size(new, "Item size to update has exceeded the maximum allowed size")
    return new


def update_item(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"])
    returns = _return_values(request, UPDATE_RETURN_VALUES)
    key, update, condition = prepare_update(table, request)
    old = table.get(key)
    check_condition(old, condition, request)
    new = updated_item(table, key, old, update)
    store.commit([Change(table, key, old, new)])
    response: dict[str, Any] = {}
    paths = [Path(a.path.elements[:1]) for a in update.actions] if update else []
    if returns == "ALL_OLD" and old is not None:
        response["Attributes"] = old
    elif returns == "ALL_NEW":
        response["Attributes"] = new
    elif returns == "UPDATED_OLD" and old is not None:
        precise = [a.path for a in update.actions] if update else []
        attributes = project(old, precise or paths)
        if attributes:
            response["Attributes"] = attributes
    elif returns == "UPDATED_NEW":
        precise = [a.path for a in update.actions] if update else []
        attributes = project(new, precise or paths)
        if attributes:
            response["Attributes"] = attributes
    response.update(consumed(request, table.name, write_units(old, new)))
    return response


def prepare_delete(table: Table, request: dict[str, Any]) -> tuple[Item, Any]:
    key = table.key_from_request(request["Key"])
    context = context_for(request)
    condition = condition_of(request, context)
    context.check_unused()
    return key, condition


def delete_item(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = table_of(store, request["TableName"])
    returns = _return_values(request, ("NONE", "ALL_OLD"))
    key, condition = prepare_delete(table, request)
    old = table.get(key)
    check_condition(old, condition, request)
    if old is not None:
        store.commit([Change(table, key, old, None)])
    response: dict[str, Any] = {}
    if returns == "ALL_OLD" and old is not None:
        response["Attributes"] = old
    response.update(consumed(request, table.name, write_units(old)))
    return response
