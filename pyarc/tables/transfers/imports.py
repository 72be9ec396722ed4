"""One ImportTable job: read every object under the source prefix, put each line's item.

DynamoDB's rules ("Import format quotas and validation"): each line that cannot become an
item, or that PutItem refuses (a missing key, a key of the wrong type, too large), is one
error, logged and skipped; the import goes on, and ends FAILED with ItemValidationError if
any line failed (the items that passed stay in the table). A missing bucket fails the import
before any item is written, and the new table is deleted again. Items sharing a key
overwrite one another and are no error. ProcessedSizeBytes counts the uncompressed source.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError
from pyarc.tables.store.table import ACCOUNT, REGION
from pyarc.tables.transfers.formats import NotAnItem, decompress, read_lines
from pyarc.tables.transfers.storage import ObjectStorage, StorageError

if TYPE_CHECKING:
    from pyarc.tables.transfers.jobs import Description, Handle

log = logging.getLogger("pyarc.tables")

LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws-dynamodb/imports:*"
ITEM_VALIDATION = (
    "Some of the items failed validation checks and were not imported. Please check "
    "CloudWatch error logs for more details."
)
COUNTERS_EVERY = 1000  # lines between two updates of what DescribeImport shows


def started(request: dict[str, Any], table: dict[str, Any], arn: str, now: float) -> Description:
    """The ImportTableDescription ImportTable answers with."""
    source = {"S3BucketOwner": ACCOUNT, **request["S3BucketSource"]}
    description: Description = {
        "ImportArn": arn,
        "ImportStatus": "IN_PROGRESS",
        "TableArn": table["TableArn"],
        "TableId": table["TableId"],
        "S3BucketSource": source,
        "ErrorCount": 0,
        "CloudWatchLogGroupArn": LOG_GROUP,
        "InputFormat": request["InputFormat"],
        "InputCompressionType": request.get("InputCompressionType", "NONE"),
        "TableCreationParameters": request["TableCreationParameters"],
        "StartTime": now,
        "ProcessedSizeBytes": 0,
        "ProcessedItemCount": 0,
        "ImportedItemCount": 0,
    }
    for optional in ("ClientToken", "InputFormatOptions"):
        if optional in request:
            description[optional] = request[optional]
    return description


def summary(description: Description) -> dict[str, Any]:
    """An ImportSummary (ListImports)."""
    names = ("ImportArn", "ImportStatus", "TableArn", "S3BucketSource", "CloudWatchLogGroupArn",
             "InputFormat", "StartTime", "EndTime")
    return {name: description[name] for name in names if name in description}


class _Counts:
    def __init__(self) -> None:
        self.processed = self.imported = self.errors = self.size = 0

    def fields(self) -> dict[str, int]:
        return {"ProcessedItemCount": self.processed, "ImportedItemCount": self.imported,
                "ErrorCount": self.errors, "ProcessedSizeBytes": self.size}


def run(handle: Handle, storage: ObjectStorage, request: dict[str, Any],
        description: Description, lock: threading.Lock) -> None:
    """Do the import; the outcome lands in `description` (under `lock`)."""
    source = request["S3BucketSource"]
    bucket, prefix = source["S3Bucket"], source.get("S3KeyPrefix", "")
    name = request["TableCreationParameters"]["TableName"]
    counts = _Counts()
    outcome: dict[str, Any] = {"ImportStatus": "COMPLETED"}
    try:
        if not storage.bucket_exists(bucket):
            handle("DeleteTable", {"TableName": name})
            outcome = _s3_failure(StorageError("NoSuchBucket", "The specified bucket does not exist"))
        else:
            key_types = {d["AttributeName"]: d["AttributeType"]
                         for d in request["TableCreationParameters"]["AttributeDefinitions"]}
            for key in list(storage.list_keys(bucket, prefix)):
                _import_object(handle, storage, request, description, lock, counts,
                               (bucket, key), key_types)
            if counts.errors:
                outcome = {"ImportStatus": "FAILED", "FailureCode": "ItemValidationError",
                           "FailureMessage": ITEM_VALIDATION}
    except StorageError as error:
        outcome = _s3_failure(error)
    with lock:
        description.update(counts.fields(), **outcome, EndTime=time.time())


def _import_object(handle: Handle, storage: ObjectStorage, request: dict[str, Any],
                   description: Description, lock: threading.Lock, counts: _Counts,
                   where: tuple[str, str], key_types: dict[str, str]) -> None:
    bucket, key = where
    name = request["TableCreationParameters"]["TableName"]
    try:
        data = decompress(storage.get(*where), request.get("InputCompressionType", "NONE"))
        text = data.decode("utf-8")
    except (NotAnItem, UnicodeDecodeError) as error:
        counts.errors += 1  # the whole object is unreadable: DynamoDB skips the rest of it
        _log_error(description, where, 0, str(error))
        return
    counts.size += len(data)
    lines = read_lines(text, request["InputFormat"], request.get("InputFormatOptions") or {},
                       key_types)
    for index, line in enumerate(lines):
        counts.processed += 1
        if isinstance(line, str):
            counts.errors += 1
            _log_error(description, where, index, line)
        else:
            try:
                handle("PutItem", {"TableName": name, "Item": line})
                counts.imported += 1
            except DynamoError as error:
                counts.errors += 1
                _log_error(description, where, index, error.message)
        if counts.processed % COUNTERS_EVERY == 0:
            with lock:
                description.update(counts.fields())


def _s3_failure(error: StorageError) -> dict[str, Any]:
    return {"ImportStatus": "FAILED", "FailureCode": f"S3{error.code}",
            "FailureMessage": f"{error.message} (Service: Amazon S3; Status Code: 404; "
                              f"Error Code: {error.code}; Proxy: null)"}


def _log_error(description: Description, where: tuple[str, str], index: int, message: str) -> None:
    """What DynamoDB writes to CloudWatch Logs (/aws-dynamodb/imports) for a failed line."""
    record = {"itemS3Pointer": {"bucket": where[0], "key": where[1], "itemIndex": index},
              "importArn": description["ImportArn"], "errorMessages": [message]}
    log.warning("tables: import error %s", json.dumps(record))
