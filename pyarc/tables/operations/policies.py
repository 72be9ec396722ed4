"""Resource-based policies on tables and streams: Put/Get/DeleteResourcePolicy.

The policy document is stored (with the table, journalled) and returned with its revision id;
it is not enforced locally: the sandbox does not authorise requests (docs/tables.md).
Revision ids are increasing millisecond timestamps, as DynamoDB's are; putting the same
document again keeps its revision id (PutResourcePolicy is idempotent).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.operations.control import resource_of
from pyarc.tables.store.table import Table

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store

NO_POLICY = "NO_POLICY"  # ExpectedRevisionId meaning "only if there is no policy yet"
MAX_POLICY_BYTES = 20 * 1024


def _slot(is_stream: bool) -> str:
    return "stream_policy" if is_stream else "policy"


def _not_found(arn: str) -> DynamoError:
    return DynamoError(
        "PolicyNotFoundException", f"Resource-based policy not found for the provided ResourceArn: {arn}"
    )


def _check_expected(table: Table, arn: str, current: dict[str, str] | None, expected: str | None) -> None:
    if expected is None:
        return
    if current is None:
        if expected == NO_POLICY:
            return
        raise _not_found(arn)
    if expected != current["RevisionId"]:
        raise DynamoError(
            "PolicyNotFoundException",
            f"Resource-based policy not found for the provided ResourceArn: Requested update for "
            f"policy with revision id {expected}, but the policy associated to target table "
            f"{table.name} has revision id {current['RevisionId']}.",
        )


def _current(table: Table, is_stream: bool, arn: str) -> dict[str, str] | None:
    """The policy on this resource; a stream's policy goes with that stream (its ARN)."""
    current = table.settings.get(_slot(is_stream))
    return current if current is not None and current.get("Arn", arn) == arn else None


def _next_revision(table: Table) -> str:
    latest = max(
        (int(table.settings[s]["RevisionId"]) for s in ("policy", "stream_policy") if s in table.settings),
        default=0,
    )
    return str(max(int(time.time() * 1000), latest + 1))


def put_resource_policy(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    arn = request["ResourceArn"]
    table, is_stream = resource_of(store, arn)
    document = request["Policy"]
    if len(document.encode("utf-8")) > MAX_POLICY_BYTES:
        raise validation("Policy document exceeds the maximum allowed size of 20 KB")
    try:
        parsed = json.loads(document)
    except ValueError:
        raise validation("Invalid policy document: the policy is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise validation("Invalid policy document: the policy is not valid JSON")
    current = _current(table, is_stream, arn)
    _check_expected(table, arn, current, request.get("ExpectedRevisionId"))
    if current is not None and current["Policy"] == document:
        return {"RevisionId": current["RevisionId"]}
    revision = _next_revision(table)
    table.settings[_slot(is_stream)] = {"Policy": document, "RevisionId": revision, "Arn": arn}
    store.write_journal([{"o": "define", "d": table.definition()}])
    return {"RevisionId": revision}


def get_resource_policy(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    arn = request["ResourceArn"]
    table, is_stream = resource_of(store, arn)
    current = _current(table, is_stream, arn)
    if current is None:
        raise _not_found(arn)
    return {"Policy": current["Policy"], "RevisionId": current["RevisionId"]}


def delete_resource_policy(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    arn = request["ResourceArn"]
    table, is_stream = resource_of(store, arn)
    current = _current(table, is_stream, arn)
    expected = request.get("ExpectedRevisionId")
    if expected == NO_POLICY:
        expected = "" if current is not None else None  # nothing to delete under NO_POLICY
    _check_expected(table, arn, current, expected)
    if current is None:
        return {}  # idempotent: deleting no policy is not an error
    table.settings.pop(_slot(is_stream))
    store.write_journal([{"o": "define", "d": table.definition()}])
    return {"RevisionId": current["RevisionId"]}
