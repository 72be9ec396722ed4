"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, run as the engine's own calls.

Each statement is planned into the DynamoDB request that means the same thing, which is
checked against botocore's model and run by that operation (`_run`), so keys, conditions,
limits and errors live in one place:

- SELECT whose WHERE pins the partition key of the table (or of `"table"."index"`) -> Query
  (one sort-key condition joins the key condition, the rest becomes the FilterExpression);
  any other SELECT -> Scan with the whole WHERE as FilterExpression.
- INSERT -> PutItem with `attribute_not_exists(<hash key>)`; a clash is DuplicateItemException.
- UPDATE -> UpdateItem on the full key from WHERE, `attribute_exists(<hash key>)` plus the rest
  of the WHERE as the condition (an UPDATE never creates an item).
- DELETE -> DeleteItem on the full key; the rest of the WHERE is the condition.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError, not_found, validation
from pyarc.tables.partiql import nodes as n
from pyarc.tables.partiql.expressions import Placeholders, both, conjuncts
from pyarc.tables.partiql.parser import parse
from pyarc.tables.shapes import check_request

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store

FULL_KEY = "Where clause does not contain a mandatory equality on all key attributes"
DUPLICATE = "Duplicate primary key exists in table"
BAD_TOKEN = "Given NextToken is not valid"
MIXED = "Mixing read and write statements in a request is not supported"
RANGE_OPERATORS = {"=", "<", "<=", ">", ">="}
FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
ERROR_CODES = {  # exception type -> BatchStatementError Code
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ResourceNotFoundException": "ResourceNotFound",
    "ValidationException": "ValidationError",
    "TransactionConflictException": "TransactionConflict",
}


def _run(store: Store, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """Run a planned request as the engine runs one (shape check, then the operation);
    the caller already holds the store's lock."""
    from pyarc.tables.operations import OPERATIONS  # operations import this package

    check_request(operation, request)
    return OPERATIONS[operation](store, request)


@dataclass
class Keys:
    """A key schema: one HASH and RANGE for tables, up to four of each for a GSI."""

    hashes: tuple[str, ...]
    ranges: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return self.hashes + self.ranges


def _schema(raw: list[dict[str, str]]) -> Keys:
    return Keys(
        tuple(k["AttributeName"] for k in raw if k["KeyType"] == "HASH"),
        tuple(k["AttributeName"] for k in raw if k["KeyType"] == "RANGE"),
    )


def _describe(store: Store, table: str) -> dict[str, Any]:
    try:
        return _run(store, "DescribeTable", {"TableName": table})["Table"]
    except DynamoError as error:
        if error.type == "ResourceNotFoundException":
            raise not_found() from None
        raise


def _keys(store: Store, table: str, index: str | None = None) -> Keys:
    description = _describe(store, table)
    if index is None:
        return _schema(description["KeySchema"])
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for spec in description.get(kind, []):
            if spec["IndexName"] == index:
                return _schema(spec["KeySchema"])
    raise validation(f"The table does not have the specified index: {index}")


def _equality(condition: Any, attribute: str) -> dict[str, Any] | None:
    """The value in `attribute = <literal>` (either way round), else None."""
    if not isinstance(condition, n.Compare) or condition.operator != "=":
        return None
    for path, value in ((condition.left, condition.right), (condition.right, condition.left)):
        if isinstance(path, n.PathRef) and path.attribute == attribute and isinstance(value, n.Literal):
            return value.value
    return None


def _full_key(keys: Keys, where: Any) -> tuple[dict[str, Any], list[Any]]:
    """(key, the other conditions) from a WHERE that has `=` on every key attribute."""
    rest = conjuncts(where)
    key: dict[str, Any] = {}
    for attribute in keys.names:
        for condition in rest:
            value = _equality(condition, attribute)
            if value is not None:
                key[attribute] = value
                rest.remove(condition)
                break
        else:
            raise validation(FULL_KEY)
    return key, rest


def _range_condition(condition: Any, attribute: str, marks: Placeholders) -> str | None:
    """`condition` as a KeyConditionExpression part on the sort key, if it can be one."""
    def is_key(operand: Any) -> bool:
        return isinstance(operand, n.PathRef) and operand.attribute == attribute

    if isinstance(condition, n.Compare) and condition.operator in RANGE_OPERATORS:
        if is_key(condition.left) and isinstance(condition.right, n.Literal):
            return marks.condition(condition)
        if is_key(condition.right) and isinstance(condition.left, n.Literal):
            flipped = n.Compare(FLIPPED[condition.operator], condition.right, condition.left)
            return marks.condition(flipped)
    if (
        isinstance(condition, n.Between)
        and is_key(condition.operand)
        and isinstance(condition.low, n.Literal)
        and isinstance(condition.high, n.Literal)
    ):
        return marks.condition(condition)
    if (
        isinstance(condition, n.Call)
        and condition.function == "begins_with"
        and len(condition.args) == 2
        and is_key(condition.args[0])
        and isinstance(condition.args[1], n.Literal)
    ):
        return marks.condition(condition)
    return None


def _token(request: dict[str, Any]) -> dict[str, Any] | None:
    token = request.get("NextToken")
    if token is None:
        return None
    try:
        start = json.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError):
        raise validation(BAD_TOKEN) from None
    if not isinstance(start, dict):
        raise validation(BAD_TOKEN)
    return start


def _key_condition(keys: Keys, rest: list[Any], marks: Placeholders) -> tuple[str | None, list[Any]]:
    """(KeyConditionExpression, the other conditions): `=` on every HASH attribute, then RANGE
    attributes left to right, `=` on a prefix and at most one comparison on the last."""
    rest = list(rest)
    parts: list[str] = []
    for attribute in keys.hashes:
        found = next((c for c in rest if _equality(c, attribute) is not None), None)
        if found is None:
            return None, rest
        parts.append(f"{marks.name(attribute)} = {marks.value(_equality(found, attribute))}")
        rest.remove(found)
    for attribute in keys.ranges:
        found = next((c for c in rest if _equality(c, attribute) is not None), None)
        if found is not None:
            parts.append(f"{marks.name(attribute)} = {marks.value(_equality(found, attribute))}")
            rest.remove(found)
            continue
        for condition in rest:
            part = _range_condition(condition, attribute, marks)
            if part is not None:
                parts.append(part)
                rest.remove(condition)
                break
        break
    return " AND ".join(parts), rest


def _mentions(conditions: list[Any], attributes: tuple[str, ...]) -> bool:
    """Whether any condition reads one of `attributes` (a Query filter may not)."""
    def walk(node: Any) -> bool:
        if isinstance(node, n.PathRef):
            return node.elements[0] in attributes
        if isinstance(node, n.Literal):
            return False
        children = [getattr(node, name) for name in getattr(node, "__dataclass_fields__", {})]
        return any(
            walk(item) for child in children
            for item in (child if isinstance(child, tuple) else (child,))
        )

    return any(walk(c) for c in conditions)


def plan_select(store: Store, statement: n.Select, request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The Query or Scan request that answers a SELECT."""
    keys = _keys(store, statement.table, statement.index)
    marks = Placeholders()
    call: dict[str, Any] = {"TableName": statement.table}
    if statement.index is not None:
        call["IndexName"] = statement.index
    key_condition, rest = _key_condition(keys, conjuncts(statement.where), marks)
    operation = "Query" if key_condition else "Scan"
    if key_condition and not _mentions(rest, keys.names):
        call["KeyConditionExpression"] = key_condition
        rest_source = both([marks.condition(c) for c in rest])
    else:  # no partition key, or key attributes a Query cannot filter on: Scan the WHERE
        operation, marks = "Scan", Placeholders()
        rest_source = marks.condition(statement.where) if statement.where is not None else None
    if rest_source:
        call["FilterExpression"] = rest_source
    if statement.paths is not None:
        call["ProjectionExpression"] = ", ".join(marks.path(p) for p in statement.paths)
    for field in ("Limit", "ConsistentRead", "ReturnConsumedCapacity"):
        if request.get(field) is not None:
            call[field] = request[field]
    start = _token(request)
    if start is not None:
        call["ExclusiveStartKey"] = start
    return operation, marks.into(call)


def _select(store: Store, statement: n.Select, request: dict[str, Any]) -> dict[str, Any]:
    operation, call = plan_select(store, statement, request)
    answer = _run(store, operation, call)
    response: dict[str, Any] = {"Items": answer.get("Items", [])}
    if "LastEvaluatedKey" in answer:
        last = answer["LastEvaluatedKey"]
        response["NextToken"] = base64.b64encode(json.dumps(last).encode()).decode()
        response["LastEvaluatedKey"] = last
    if "ConsumedCapacity" in answer:
        response["ConsumedCapacity"] = answer["ConsumedCapacity"]
    return response


def plan_write(store: Store, statement: n.Statement, request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(PutItem | UpdateItem | DeleteItem, its request) for a write statement."""
    if isinstance(statement, n.Select):
        raise validation(MIXED)
    keys = _keys(store, statement.table)
    marks = Placeholders()
    call: dict[str, Any] = {"TableName": statement.table}
    if request.get("ReturnValuesOnConditionCheckFailure") is not None:
        call["ReturnValuesOnConditionCheckFailure"] = request["ReturnValuesOnConditionCheckFailure"]
    if isinstance(statement, n.Insert):
        call["Item"] = statement.item
        call["ConditionExpression"] = f"attribute_not_exists({marks.name(keys.hashes[0])})"
        return "PutItem", marks.into(call)
    key, rest = _full_key(keys, statement.where)
    call["Key"] = key
    conditions = [marks.condition(c) for c in rest]
    if isinstance(statement, n.Update):
        clauses = []
        if statement.sets:
            actions = [f"{marks.path(a.path)} = {marks.operand(a.value)}" for a in statement.sets]
            clauses.append("SET " + ", ".join(actions))
        if statement.removes:
            clauses.append("REMOVE " + ", ".join(marks.path(p) for p in statement.removes))
        call["UpdateExpression"] = " ".join(clauses)
        conditions.insert(0, f"attribute_exists({marks.name(keys.hashes[0])})")
        operation = "UpdateItem"
    else:
        operation = "DeleteItem"
    condition = both(conditions)
    if condition:
        call["ConditionExpression"] = condition
    if statement.returning != "NONE":
        call["ReturnValues"] = statement.returning
    return operation, marks.into(call)


def _write(store: Store, statement: n.Statement, request: dict[str, Any]) -> dict[str, Any]:
    operation, call = plan_write(store, statement, request)
    try:
        answer = _run(store, operation, call)
    except DynamoError as error:
        if operation == "PutItem" and error.type == "ConditionalCheckFailedException":
            raise DynamoError("DuplicateItemException", DUPLICATE) from None
        raise
    return {"Items": [answer["Attributes"]] if "Attributes" in answer else []}


def execute_statement(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    statement = parse(request["Statement"], request.get("Parameters"))
    if isinstance(statement, n.Select):
        return _select(store, statement, request)
    if request.get("NextToken") is not None:
        raise validation(BAD_TOKEN)
    return _write(store, statement, request)


def _batch_error(error: DynamoError) -> dict[str, Any]:
    entry: dict[str, Any] = {"Code": ERROR_CODES.get(error.type, "InternalServerError"),
                             "Message": error.message}
    if "Item" in error.extra:
        entry["Item"] = error.extra["Item"]
    return entry


def _count(entries: list[Any], field: str, most: int) -> None:
    """The model's bounds on a statement list, worded as TransactWriteItems words them."""
    if not 1 <= len(entries) <= most:
        bound = "greater than or equal to 1" if not entries else f"less than or equal to {most}"
        raise validation(
            f"1 validation error detected at '{field}' failed to satisfy constraint: "
            f"Member must have length {bound}"
        )


def batch_execute_statement(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    entries = request["Statements"]
    _count(entries, "statements", 25)
    parsed: list[tuple[dict[str, Any], n.Statement | DynamoError]] = []
    for entry in entries:
        try:
            parsed.append((entry, parse(entry["Statement"], entry.get("Parameters"))))
        except DynamoError as error:
            parsed.append((entry, error))
    reads = {isinstance(s, n.Select) for _, s in parsed if not isinstance(s, DynamoError)}
    if len(reads) > 1:
        raise validation(MIXED)
    responses = []
    for entry, statement in parsed:
        table = getattr(statement, "table", None)
        response: dict[str, Any] = {"TableName": table} if table else {}
        try:
            if isinstance(statement, DynamoError):
                raise statement
            if isinstance(statement, n.Select):
                item = _get(store, statement, entry)
                if item is not None:
                    response["Item"] = item
            else:
                _write(store, statement, entry)
        except DynamoError as error:
            response["Error"] = _batch_error(error)
        responses.append(response)
    return {"Responses": responses}


def plan_get(store: Store, statement: n.Select, entry: dict[str, Any]) -> dict[str, Any]:
    """The GetItem-shaped request for a SELECT that names a full table key."""
    if statement.index is not None:
        raise validation(FULL_KEY)
    key, rest = _full_key(_keys(store, statement.table), statement.where)
    if rest:
        raise validation(FULL_KEY)
    marks = Placeholders()
    call: dict[str, Any] = {"TableName": statement.table, "Key": key}
    if statement.paths is not None:
        call["ProjectionExpression"] = ", ".join(marks.path(p) for p in statement.paths)
    if entry.get("ConsistentRead") is not None:
        call["ConsistentRead"] = entry["ConsistentRead"]
    return marks.into(call)


def _get(store: Store, statement: n.Select, entry: dict[str, Any]) -> dict[str, Any] | None:
    return _run(store, "GetItem", plan_get(store, statement, entry)).get("Item")


def execute_transaction(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    _count(request["TransactStatements"], "transactStatements", 100)
    statements = [parse(e["Statement"], e.get("Parameters")) for e in request["TransactStatements"]]
    kinds = {isinstance(s, n.Select) for s in statements}
    if len(kinds) > 1:
        raise validation(MIXED)
    if kinds == {True}:
        gets = [{"Get": plan_get(store, s, {}) } for s in statements]  # type: ignore[arg-type]
        answer = _run(store, "TransactGetItems", {"TransactItems": gets})
        return {"Responses": answer["Responses"]}
    items = []
    entries = request["TransactStatements"]
    for statement, entry in zip(statements, entries, strict=True):
        operation, call = plan_write(store, statement, entry)
        kind = {"PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete"}[operation]
        call.pop("ReturnValues", None)
        items.append({kind: call})
    try:
        _run(store, "TransactWriteItems", {"TransactItems": items})
    except DynamoError as error:
        reasons = error.extra.get("CancellationReasons")
        if error.type != "TransactionCanceledException" or not reasons:
            raise
        for statement, reason in zip(statements, reasons, strict=True):
            if isinstance(statement, n.Insert) and reason.get("Code") == "ConditionalCheckFailed":
                reason["Code"], reason["Message"] = "DuplicateItem", DUPLICATE
                reason.pop("Item", None)
        codes = ", ".join(r["Code"] for r in reasons)
        raise DynamoError(
            error.type,
            f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
            {"CancellationReasons": reasons},
        ) from None
    return {}
