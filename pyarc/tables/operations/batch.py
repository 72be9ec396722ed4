"""BatchGetItem, BatchWriteItem, TransactGetItems and TransactWriteItems."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.expressions.evaluate import matches
from pyarc.tables.operations.common import (
    apply_projection,
    condition_of,
    context_for,
    projection_of,
    table_of,
)
from pyarc.tables.operations.items import prepare_delete, prepare_put, prepare_update, updated_item
from pyarc.tables.store.store import Change
from pyarc.tables.values import Item, check_item_size

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store
    from pyarc.tables.store.table import Table


def _identity(table: Table, key: Item) -> str:
    return json.dumps([table.name, [key[n] for n in table.keys.names]], sort_keys=True)


def batch_get_item(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    wanted = request["RequestItems"]
    total = sum(len(spec.get("Keys") or []) for spec in wanted.values())
    if total > 100:
        raise validation("Too many items requested for the BatchGetItem call")
    plans = []
    for name, spec in wanted.items():
        table = table_of(store, name)
        context = context_for(spec)
        projection = projection_of(spec, context)
        context.check_unused()
        keys = [table.key_from_request(k) for k in spec.get("Keys") or []]
        seen = {_identity(table, k) for k in keys}
        if len(seen) != len(keys):
            raise validation("Provided list of item keys contains duplicates")
        plans.append((name, table, keys, projection))
    responses: dict[str, list[Item]] = {}
    for name, table, keys, projection in plans:
        found = responses.setdefault(name, [])  # keyed as asked: by name or by ARN
        for key in keys:
            item = table.get(key)
            if item is not None:
                found.append(apply_projection(item, projection))
    return {"Responses": responses, "UnprocessedKeys": {}}


def batch_write_item(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    wanted = request["RequestItems"]
    total = sum(len(requests) for requests in wanted.values())
    if total > 25:
        raise validation(
            f"1 validation error detected: Value '{{{', '.join(wanted)}}}' at 'requestItems' "
            "failed to satisfy constraint: Map value must satisfy constraint: [Member must have "
            "length less than or equal to 25, Member must have length greater than or equal to 1]"
        )
    changes: list[Change] = []
    seen: set[str] = set()
    for name, requests in wanted.items():
        table = table_of(store, name)
        for entry in requests:
            if "PutRequest" in entry:
                item = entry["PutRequest"]["Item"]
                table.check_item_keys(item)
                check_item_size(item)
                key = table.key_of(item)
                new: Item | None = item
            elif "DeleteRequest" in entry:
                key = table.key_from_request(entry["DeleteRequest"]["Key"])
                new = None
            else:
                raise validation(
                    "1 validation error detected: Value null at 'requestItems' failed to satisfy "
                    "constraint: Member must not be null"
                )
            identity = _identity(table, key)
            if identity in seen:
                raise validation("Provided list of item keys contains duplicates")
            seen.add(identity)
            changes.append(Change(table, key, None, new))
    for change in changes:
        change.old = change.table.get(change.key)
    changes = [c for c in changes if not (c.new is None and c.old is None)]
    store.commit(changes)
    return {"UnprocessedItems": {}}


def transact_get_items(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    entries = request["TransactItems"]
    if len(entries) > 100:
        raise validation(
            "1 validation error detected at 'transactItems' failed to satisfy constraint: "
            "Member must have length less than or equal to 100"
        )
    plans = []
    for entry in entries:
        get = entry["Get"]  # required by the request's shape
        table = table_of(store, get["TableName"])
        key = table.key_from_request(get["Key"])
        context = context_for(get)
        projection = projection_of(get, context)
        context.check_unused()
        plans.append((table, key, projection))
    responses = []
    for table, key, projection in plans:
        item = table.get(key)
        responses.append({} if item is None else {"Item": apply_projection(item, projection)})
    return {"Responses": responses}


KINDS = ("ConditionCheck", "Put", "Update", "Delete")


def transact_write_items(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    entries = request["TransactItems"]
    if not entries or len(entries) > 100:
        raise validation(
            "1 validation error detected at 'transactItems' failed to satisfy constraint: "
            "Member must have length less than or equal to 100"
            if entries
            else "1 validation error detected at 'transactItems' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    plans = []
    seen: set[str] = set()
    for entry in entries:
        kinds = [k for k in KINDS if k in entry]
        if len(kinds) != 1:
            raise validation("TransactItems can only contain one of Check, Put, Update or Delete")
        kind = kinds[0]
        spec = entry[kind]
        table = table_of(store, spec["TableName"])
        update = None
        if kind == "Put":
            item, condition = prepare_put(table, spec)
            key = table.key_of(item)
        elif kind == "Update":
            key, update, condition = prepare_update(table, spec)
            item = None
        elif kind == "Delete":
            key, condition = prepare_delete(table, spec)
            item = None
        else:
            key = table.key_from_request(spec["Key"])
            context = context_for(spec)
            condition = condition_of(spec, context)  # required by the request's shape
            context.check_unused()
            item = None
        identity = _identity(table, key)
        if identity in seen:
            raise validation("Transaction request cannot include multiple operations on one item")
        seen.add(identity)
        plans.append((kind, spec, table, key, item, update, condition))

    reasons: list[dict[str, Any]] = []
    changes: list[Change] = []
    failed = False
    for kind, spec, table, key, item, update, condition in plans:
        old = table.get(key)
        if condition is not None and not matches(old, condition):
            reason: dict[str, Any] = {
                "Code": "ConditionalCheckFailed",
                "Message": "The conditional request failed",
            }
            if spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
                reason["Item"] = old
            reasons.append(reason)
            failed = True
            continue
        try:
            if kind == "Put":
                changes.append(Change(table, key, old, item))
            elif kind == "Update":
                changes.append(Change(table, key, old, updated_item(table, key, old, update)))
            elif kind == "Delete" and old is not None:
                changes.append(Change(table, key, old, None))
        except DynamoError as exc:
            reasons.append({"Code": "ValidationError", "Message": exc.message})
            failed = True
            continue
        reasons.append({"Code": "None"})
    if failed:
        codes = ", ".join(r["Code"] for r in reasons)
        raise DynamoError(
            "TransactionCanceledException",
            f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
            {"CancellationReasons": reasons},
        )
    store.commit(changes)
    return {}
