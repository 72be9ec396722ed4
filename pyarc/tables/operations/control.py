"""The control plane a user meets beyond tables: tags, point-in-time recovery, account limits.

Tags are kept per table and journalled with its definition. Point-in-time recovery is a flag
with its recovery period, stored and described as DynamoDB describes it; nothing is backed up
locally (docs/tables.md, "Stored, not enforced").
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.store.table import Table

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store

RESOURCE_ARN = re.compile(
    r"arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table/(?P<table>[a-zA-Z0-9_.-]{3,255})"
    r"(?P<stream>/stream/[0-9T:.-]+)?"
)
# AWS's quotas, as DescribeLimits reports them for an account that never asked for more
LIMITS = {
    "AccountMaxReadCapacityUnits": 80000,
    "AccountMaxWriteCapacityUnits": 80000,
    "TableMaxReadCapacityUnits": 40000,
    "TableMaxWriteCapacityUnits": 40000,
}
DEFAULT_RECOVERY_DAYS = 35


def resource_of(store: Store, arn: str) -> tuple[Table, bool]:
    """(table, is_stream) for a table or stream ARN, with DynamoDB's errors."""
    match = RESOURCE_ARN.fullmatch(arn)
    if match is None:
        raise validation(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    table = store.tables.get(match["table"])
    is_stream = match["stream"] is not None
    if table is None or table.arn != arn.split("/stream/")[0] or (
        is_stream and table.stream_arn != arn
    ):
        raise DynamoError(
            "ResourceNotFoundException", f"Requested resource not found: ResourcArn: {arn} not found"
        )
    return table, is_stream


def check_length(value: str, at: str, low: int, high: int) -> None:
    """DynamoDB's validation error for a string member outside its model's length bounds."""
    if len(value) < low or len(value) > high:
        bound = f"greater than or equal to {low}" if len(value) < low else f"less than or equal to {high}"
        raise validation(
            f"1 validation error detected: Value '{value}' at '{at}' failed to satisfy "
            f"constraint: Member must have length {bound}"
        )


def _save(store: Store, table: Table) -> None:
    store.write_journal([{"o": "define", "d": table.definition()}])


def tag_resource(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table, _ = resource_of(store, request["ResourceArn"])
    have = {t["Key"]: t for t in table.tags}
    for position, tag in enumerate(request["Tags"], start=1):
        check_length(tag["Key"], f"tags.{position}.member.key", 1, 128)
        check_length(tag["Value"], f"tags.{position}.member.value", 0, 256)
        have[tag["Key"]] = {"Key": tag["Key"], "Value": tag["Value"]}
    table.tags = list(have.values())
    _save(store, table)
    return {}


def untag_resource(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table, _ = resource_of(store, request["ResourceArn"])
    for position, key in enumerate(request["TagKeys"], start=1):
        check_length(key, f"tagKeys.{position}.member", 1, 128)
    gone = set(request["TagKeys"])
    table.tags = [t for t in table.tags if t["Key"] not in gone]
    _save(store, table)
    return {}


def list_tags_of_resource(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table, _ = resource_of(store, request["ResourceArn"])
    return {"Tags": list(table.tags)}


def _backups_table(store: Store, name: str) -> Table:
    table = store.tables.get(name)
    if table is None:
        raise DynamoError("TableNotFoundException", f"Table not found: {name}")
    return table


def _backups(table: Table) -> dict[str, Any]:
    pitr = table.settings.get("pitr")
    recovery: dict[str, Any] = {"PointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"}
    if pitr:
        now = time.time()
        recovery["RecoveryPeriodInDays"] = pitr["days"]
        recovery["EarliestRestorableDateTime"] = max(pitr["since"], now - pitr["days"] * 86400)
        recovery["LatestRestorableDateTime"] = now
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",  # on-demand backups are always available
            "PointInTimeRecoveryDescription": recovery,
        }
    }


def describe_continuous_backups(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    return _backups(_backups_table(store, request["TableName"]))


def update_continuous_backups(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    table = _backups_table(store, request["TableName"])
    spec = request["PointInTimeRecoverySpecification"]
    days = spec.get("RecoveryPeriodInDays")
    if days is not None and not 1 <= days <= 35:
        bound = "greater than or equal to 1" if days < 1 else "less than or equal to 35"
        raise validation(
            f"1 validation error detected: Value '{days}' at "
            "'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )
    if spec["PointInTimeRecoveryEnabled"]:
        since = table.settings.get("pitr", {}).get("since", time.time())
        table.settings["pitr"] = {"days": days or DEFAULT_RECOVERY_DAYS, "since": since}
    else:
        if days is not None:
            raise validation(
                "Recovery period in days can only be specified when point in time recovery "
                "is enabled"
            )
        table.settings.pop("pitr", None)
    _save(store, table)
    return _backups(table)


def describe_limits(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    return dict(LIMITS)
