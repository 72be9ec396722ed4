"""One ExportTableToPointInTime job: the table's items written to S3 as DynamoDB does.

The layout (AWS's "DynamoDB table export output format"), under `<S3Prefix>/` if given:

    AWSDynamoDB/<ExportId>/_started                  empty, written first
    AWSDynamoDB/<ExportId>/data/<random>.json.gz     gzipped JSON lines {"Item": {...}}
                                                     (.ion.gz: `$ion_1_0 {Item:{...}}` lines)
    AWSDynamoDB/<ExportId>/manifest-files.json       one JSON line per data file
    AWSDynamoDB/<ExportId>/manifest-files.checksum   MD5 (hex) of manifest-files.json
    AWSDynamoDB/<ExportId>/manifest-summary.json     the export's summary, written last
    AWSDynamoDB/<ExportId>/manifest-summary.checksum

DynamoDB writes a file per partition; a local table is one partition, so one data file.
The items are those of the table when the job runs (pyarc keeps no history to go back to
ExportTime), copied under the store's lock so the export is one consistent moment.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import os
import threading
import time
from typing import TYPE_CHECKING, Any

import orjson

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.store.table import ACCOUNT, Table
from pyarc.tables.transfers.formats import DATA_SUFFIX, dynamodb_json_line, ion_line
from pyarc.tables.transfers.storage import ObjectStorage, StorageError
from pyarc.tables.values import item_size

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store
    from pyarc.tables.transfers.jobs import Description

MANIFEST_VERSION = "2020-06-30"


def check(table: Table, request: dict[str, Any]) -> None:
    """DynamoDB's refusals before an export starts (the store's lock held)."""
    pitr = table.settings.get("pitr")
    if not pitr:
        raise DynamoError(
            "PointInTimeRecoveryUnavailableException",
            f"Point in time recovery is not enabled for table '{table.name}'",
        )
    if request.get("ExportType", "FULL_EXPORT") == "INCREMENTAL_EXPORT":
        raise validation(
            "INCREMENTAL_EXPORT is not served by pyarc's local tables, which keep no change "
            "history: export with ExportType FULL_EXPORT."
        )
    export_time = request.get("ExportTime")
    if export_time is not None:
        now = time.time()
        earliest = max(pitr["since"], now - pitr["days"] * 86400)
        if not earliest - 1 <= float(export_time) <= now + 1:
            raise DynamoError(
                "InvalidExportTimeException",
                "The specified ExportTime is outside of the point in time recovery window.",
            )


def started(request: dict[str, Any], table: Table, arn: str, now: float) -> Description:
    """The ExportDescription ExportTableToPointInTime answers with."""
    description: Description = {
        "ExportArn": arn,
        "ExportStatus": "IN_PROGRESS",
        "StartTime": now,
        "TableArn": table.arn,
        "TableId": hashlib.md5(table.arn.encode()).hexdigest(),  # as DescribeTable's TableId
        "ExportTime": float(request.get("ExportTime", now)),
        "S3Bucket": request["S3Bucket"],
        "S3BucketOwner": request.get("S3BucketOwner", ACCOUNT),
        "S3SseAlgorithm": request.get("S3SseAlgorithm", "AES256"),
        "ExportFormat": request.get("ExportFormat", "DYNAMODB_JSON"),
        "ExportType": request.get("ExportType", "FULL_EXPORT"),
    }
    for optional in ("ClientToken", "S3Prefix", "S3SseKmsKeyId"):
        if optional in request:
            description[optional] = request[optional]
    return description


def summary(description: Description) -> dict[str, Any]:
    """An ExportSummary (ListExports)."""
    return {name: description[name] for name in ("ExportArn", "ExportStatus", "ExportType")}


def run(store: Store, storage: ObjectStorage, table_name: str, export_id: str,
        description: Description, lock: threading.Lock) -> None:
    """Do the export; the outcome lands in `description` (under `lock`)."""
    bucket = description["S3Bucket"]
    prefix = description.get("S3Prefix", "")
    root = f"{prefix.rstrip('/')}/AWSDynamoDB/{export_id}" if prefix else f"AWSDynamoDB/{export_id}"
    try:
        if not storage.bucket_exists(bucket):
            raise StorageError("NoSuchBucket", "The specified bucket does not exist")
        storage.put(bucket, f"{root}/_started", b"", "binary/octet-stream")
        outcome = _write(store, storage, table_name, root, description)
    except StorageError as error:
        outcome = {"ExportStatus": "FAILED", "FailureCode": f"S3{error.code}",
                   "FailureMessage": f"{error.message} (Service: Amazon S3; Status Code: 404; "
                                     f"Error Code: {error.code}; Proxy: null)"}
    with lock:
        description.update(outcome, EndTime=time.time())


def _write(store: Store, storage: ObjectStorage, table_name: str, root: str,
           description: Description) -> dict[str, Any]:
    output = description["ExportFormat"]
    line = dynamodb_json_line if output == "DYNAMODB_JSON" else ion_line
    with store.lock:
        table = store.tables.get(table_name)
        if table is None:
            return {"ExportStatus": "FAILED", "FailureCode": "TableNotFoundException",
                    "FailureMessage": f"Table not found: {description['TableArn']}"}
        items = list(table.items())
        lines = [line(item) for item in items]
        billed = sum(item_size(item) for item in items)
    body = gzip.compress(b"".join(lines))
    data_key = f"{root}/data/{_data_name()}{DATA_SUFFIX[output]}"
    etag = storage.put(bucket := description["S3Bucket"], data_key, body, "application/x-gzip")
    files = orjson.dumps({
        "itemCount": len(lines),
        "md5Checksum": base64.b64encode(hashlib.md5(body).digest()).decode("ascii"),
        "etag": etag,
        "dataFileS3Key": data_key,
    }) + b"\n"
    files_key = f"{root}/manifest-files.json"
    _put_with_checksum(storage, bucket, files_key, files)
    end = time.time()
    manifest = {
        "version": MANIFEST_VERSION,
        "exportArn": description["ExportArn"],
        "startTime": _iso(description["StartTime"]),
        "endTime": _iso(end),
        "tableArn": description["TableArn"],
        "tableId": description["TableId"],
        "exportTime": _iso(description["ExportTime"]),
        "s3Bucket": bucket,
        "s3Prefix": description.get("S3Prefix"),
        "s3SseAlgorithm": description["S3SseAlgorithm"],
        "s3SseKmsKeyId": description.get("S3SseKmsKeyId"),
        "manifestFilesS3Key": files_key,
        "billedSizeBytes": billed,
        "itemCount": len(lines),
        "outputFormat": output,
        "exportType": description["ExportType"],
    }
    summary_key = f"{root}/manifest-summary.json"
    _put_with_checksum(storage, bucket, summary_key, orjson.dumps(manifest))
    return {"ExportStatus": "COMPLETED", "ExportManifest": summary_key,
            "ItemCount": len(lines), "BilledSizeBytes": billed}


def _put_with_checksum(storage: ObjectStorage, bucket: str, key: str, body: bytes) -> None:
    storage.put(bucket, key, body, "application/json")
    checksum = hashlib.md5(body).hexdigest().encode("ascii")
    storage.put(bucket, key.removesuffix(".json") + ".checksum", checksum, "text/plain")


def _data_name() -> str:
    """A data file's name as DynamoDB makes them: 26 lower-case base32 characters."""
    return base64.b32encode(os.urandom(16)).decode("ascii").lower().rstrip("=")


def _iso(epoch: float) -> str:
    moment = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
