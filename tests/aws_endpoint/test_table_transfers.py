"""ImportTable from, and ExportTableToPointInTime to, the sandbox's S3, with plain boto3."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from typing import Any

import pytest
import zstandard
from botocore.exceptions import ClientError

from pyarc.testing import wait_until
from tests.aws_endpoint.conftest import create_bucket

KEYS = {
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                             {"AttributeName": "sk", "AttributeType": "N"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                  {"AttributeName": "sk", "KeyType": "RANGE"}],
    "BillingMode": "PAY_PER_REQUEST",
}
ITEMS = [
    {"pk": {"S": "album"}, "sk": {"N": "1"}, "title": {"S": "Blue"}, "tags": {"SS": ["a", "b"]},
     "cover": {"B": base64.b64encode(b"\x00\x01").decode()}, "live": {"BOOL": False},
     "tracks": {"L": [{"N": "3.5"}, {"NULL": True}, {"M": {"x": {"S": "y"}}}]}},
    {"pk": {"S": "album"}, "sk": {"N": "2"}, "title": {"S": "Red"}, "counts": {"NS": ["1", "2"]}},
    {"pk": {"S": "single"}, "sk": {"N": "10"}},
]
# the same items as boto3 gives and takes them (binary values as bytes, not base64 text)
BOTO_ITEMS = [{**i, "cover": {"B": b"\x00\x01"}} if "cover" in i else i for i in ITEMS]


@pytest.fixture(scope="module")
def ddb(aws):
    return aws("dynamodb")


@pytest.fixture(scope="module")
def bucket(s3, sandbox) -> str:
    return create_bucket(s3, sandbox, "transfers")


def _json_lines(items: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps({"Item": item}).encode() + b"\n" for item in items)


def _import(ddb, bucket: str, prefix: str, table: str, **request: Any) -> dict[str, Any]:
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": prefix},
        TableCreationParameters={"TableName": table, **KEYS}, **request,
    )["ImportTableDescription"]
    assert started["ImportStatus"] == "IN_PROGRESS"
    return _finished(lambda: ddb.describe_import(ImportArn=started["ImportArn"])[
        "ImportTableDescription"], "ImportStatus")


def _finished(describe, status: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def done() -> bool:
        seen.update(describe())
        return seen[status] != "IN_PROGRESS"

    wait_until(done, timeout=20, what=status)
    return seen


def _all(ddb, table: str) -> list[dict[str, Any]]:
    return sorted(ddb.scan(TableName=table)["Items"], key=lambda i: (i["pk"]["S"], int(i["sk"]["N"])))


def test_a_gzipped_dynamodb_json_file_imports_into_a_new_table(ddb, s3, bucket) -> None:
    s3.put_object(Bucket=bucket, Key="albums/part-1.json.gz", Body=gzip.compress(_json_lines(ITEMS[:2])))
    s3.put_object(Bucket=bucket, Key="albums/part-2.json.gz", Body=gzip.compress(_json_lines(ITEMS[2:])))
    s3.put_object(Bucket=bucket, Key="elsewhere.json.gz", Body=b"not under the prefix")
    done = _import(ddb, bucket, "albums/", "imported-albums",
                   InputFormat="DYNAMODB_JSON", InputCompressionType="GZIP")
    assert done["ImportStatus"] == "COMPLETED", done
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (3, 3, 0)
    assert done["ProcessedSizeBytes"] == len(_json_lines(ITEMS[:2])) + len(_json_lines(ITEMS[2:]))
    assert done["TableArn"].endswith(":table/imported-albums") and "FailureCode" not in done
    assert done["ImportArn"].startswith(done["TableArn"] + "/import/")
    albums = ddb.query(TableName="imported-albums", KeyConditionExpression="pk = :p",
                       ExpressionAttributeValues={":p": {"S": "album"}})["Items"]
    assert [a["title"]["S"] for a in albums] == ["Blue", "Red"]
    assert _all(ddb, "imported-albums") == BOTO_ITEMS
    listed = ddb.list_imports(TableArn=done["TableArn"])["ImportSummaryList"]
    assert [(s["ImportArn"], s["ImportStatus"], s["InputFormat"]) for s in listed] == [
        (done["ImportArn"], "COMPLETED", "DYNAMODB_JSON")]


def test_bad_lines_are_counted_and_the_rest_imported(ddb, s3, bucket) -> None:
    lines = (_json_lines([ITEMS[0]]) + b"{not json\n"
             + _json_lines([{"pk": {"S": "x"}}])           # no sort key
             + _json_lines([{"pk": {"N": "1"}, "sk": {"N": "1"}}])  # key of the wrong type
             + b'{"Thing": {}}\n' + _json_lines([ITEMS[1]]))
    s3.put_object(Bucket=bucket, Key="bad/lines.json", Body=lines)
    done = _import(ddb, bucket, "bad/", "imported-bad", InputFormat="DYNAMODB_JSON")
    assert (done["ImportStatus"], done["FailureCode"]) == ("FAILED", "ItemValidationError")
    assert done["FailureMessage"] == (
        "Some of the items failed validation checks and were not imported. Please check "
        "CloudWatch error logs for more details.")
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (6, 2, 4)
    assert done["ProcessedSizeBytes"] == len(lines)
    assert [i["sk"]["N"] for i in _all(ddb, "imported-bad")] == ["1", "2"]


def test_csv_imports_keys_with_their_types_and_the_rest_as_strings(ddb, s3, bucket) -> None:
    s3.put_object(Bucket=bucket, Key="csv/with-header.csv",
                  Body=b"pk,sk,title,year\nalbum,1,\"Blue, again\",1971\nalbum,2,Red,\n")
    done = _import(ddb, bucket, "csv/with-header", "imported-csv", InputFormat="CSV")
    assert (done["ImportStatus"], done["ImportedItemCount"]) == ("COMPLETED", 2), done
    assert _all(ddb, "imported-csv") == [
        {"pk": {"S": "album"}, "sk": {"N": "1"}, "title": {"S": "Blue, again"}, "year": {"S": "1971"}},
        {"pk": {"S": "album"}, "sk": {"N": "2"}, "title": {"S": "Red"}},
    ]
    s3.put_object(Bucket=bucket, Key="csv-headless/rows.csv", Body=b"one;1;x\ntwo;2\n")
    done = _import(ddb, bucket, "csv-headless/", "imported-csv-headless", InputFormat="CSV",
                   InputFormatOptions={"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk", "note"]}})
    assert (done["ImportStatus"], done["ImportedItemCount"], done["ErrorCount"]) == ("FAILED", 1, 1)
    assert done["InputFormatOptions"] == {"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk", "note"]}}
    assert _all(ddb, "imported-csv-headless") == [
        {"pk": {"S": "one"}, "sk": {"N": "1"}, "note": {"S": "x"}}]


def test_ion_zstd_imports_with_dynamodb_types(ddb, s3, bucket) -> None:
    text = (b'$ion_1_0 {Item:{pk:"album",sk:1.,title:"Blue",tags:$dynamodb_SS::["a","b"],'
            b'cover:{{AAE=}},live:false,tracks:[3.5,null,{x:"y"}]}}\n'
            b'$ion_1_0 {Item:{pk:"album",sk:2d0,title:"Red",counts:$dynamodb_NS::[1,2]}}\n'
            b'$ion_1_0 {Item:{pk:"single",sk:10}}\n'
            b'$ion_1_0 {Item:{pk:"when",sk:3,at:2020-01-01T00:00Z}}\n')
    s3.put_object(Bucket=bucket, Key="ion/items.ion.zst", Body=zstandard.ZstdCompressor().compress(text))
    done = _import(ddb, bucket, "ion/", "imported-ion", InputFormat="ION", InputCompressionType="ZSTD")
    assert (done["ImportedItemCount"], done["ErrorCount"]) == (3, 1), done  # timestamps: no type
    assert _all(ddb, "imported-ion") == BOTO_ITEMS


def test_an_import_from_a_missing_bucket_fails_and_leaves_no_table(ddb) -> None:
    done = _import(ddb, "no-such-bucket", "", "imported-nowhere", InputFormat="DYNAMODB_JSON")
    assert (done["ImportStatus"], done["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
    assert done["FailureMessage"].startswith("The specified bucket does not exist")
    assert "imported-nowhere" not in ddb.list_tables()["TableNames"]


def test_importing_into_an_existing_table_is_refused(ddb, bucket) -> None:
    ddb.create_table(TableName="already-here", **KEYS)
    with pytest.raises(ClientError) as caught:
        ddb.import_table(S3BucketSource={"S3Bucket": bucket}, InputFormat="CSV",
                         TableCreationParameters={"TableName": "already-here", **KEYS})
    assert caught.value.response["Error"] == {
        "Code": "ResourceInUseException", "Message": "Table already exists: already-here"}


def _export(ddb, **request: Any) -> dict[str, Any]:
    started = ddb.export_table_to_point_in_time(**request)["ExportDescription"]
    assert started["ExportStatus"] == "IN_PROGRESS"
    return _finished(lambda: ddb.describe_export(ExportArn=started["ExportArn"])[
        "ExportDescription"], "ExportStatus")


def _read(s3, bucket: str, key: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_an_export_writes_the_table_as_dynamodb_does(ddb, s3, bucket) -> None:
    ddb.create_table(TableName="to-export", **KEYS)
    for item in BOTO_ITEMS:
        ddb.put_item(TableName="to-export", Item=item)
    arn = ddb.describe_table(TableName="to-export")["Table"]["TableArn"]
    ddb.update_continuous_backups(TableName="to-export", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    done = _export(ddb, TableArn=arn, S3Bucket=bucket, S3Prefix="backups")
    assert (done["ExportStatus"], done["ItemCount"], done["ExportFormat"]) == (
        "COMPLETED", 3, "DYNAMODB_JSON")
    export_id = done["ExportArn"].rsplit("/", 1)[1]
    root = f"backups/AWSDynamoDB/{export_id}"
    assert done["ExportArn"] == f"{arn}/export/{export_id}"
    assert done["ExportManifest"] == f"{root}/manifest-summary.json"
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=root)["Contents"]}
    summary_bytes = _read(s3, bucket, f"{root}/manifest-summary.json")
    summary = json.loads(summary_bytes)
    assert {k: summary[k] for k in ("version", "exportArn", "tableArn", "s3Bucket", "s3Prefix",
                                    "itemCount", "outputFormat", "manifestFilesS3Key")} == {
        "version": "2020-06-30", "exportArn": done["ExportArn"], "tableArn": arn,
        "s3Bucket": bucket, "s3Prefix": "backups", "itemCount": 3,
        "outputFormat": "DYNAMODB_JSON", "manifestFilesS3Key": f"{root}/manifest-files.json"}
    assert _read(s3, bucket, f"{root}/manifest-summary.checksum").decode() == hashlib.md5(
        summary_bytes).hexdigest()
    files = [json.loads(line) for line in _read(s3, bucket, summary["manifestFilesS3Key"]).splitlines()]
    assert [f["itemCount"] for f in files] == [3]
    data = _read(s3, bucket, files[0]["dataFileS3Key"])
    assert files[0]["md5Checksum"] == base64.b64encode(hashlib.md5(data).digest()).decode()
    assert files[0]["dataFileS3Key"].startswith(f"{root}/data/") and files[0]["dataFileS3Key"].endswith(".json.gz")
    assert keys == {f"{root}/{name}" for name in ("_started", "manifest-summary.json",
                                                  "manifest-summary.checksum", "manifest-files.json",
                                                  "manifest-files.checksum")} | {files[0]["dataFileS3Key"]}
    exported = [json.loads(line)["Item"] for line in gzip.decompress(data).splitlines()]
    assert sorted(exported, key=lambda i: (i["pk"]["S"], int(i["sk"]["N"]))) == ITEMS
    listed = ddb.list_exports(TableArn=arn)["ExportSummaries"]
    assert listed == [{"ExportArn": done["ExportArn"], "ExportStatus": "COMPLETED",
                       "ExportType": "FULL_EXPORT"}]


def test_an_export_imports_back(ddb, s3, bucket) -> None:
    """An export's data folder is an import source (DYNAMODB_JSON, GZIP), and ION too."""
    arn = ddb.describe_table(TableName="to-export")["Table"]["TableArn"]
    for output, table in (("DYNAMODB_JSON", "round-trip-json"), ("ION", "round-trip-ion")):
        done = _export(ddb, TableArn=arn, S3Bucket=bucket, S3Prefix=f"again-{output}/",
                       ExportFormat=output)
        assert done["ExportStatus"] == "COMPLETED", done
        data_prefix = done["ExportManifest"].rsplit("/", 1)[0] + "/data/"
        assert data_prefix.startswith(f"again-{output}/AWSDynamoDB/")
        imported = _import(ddb, bucket, data_prefix, table, InputFormat=output,
                           InputCompressionType="GZIP")
        assert (imported["ImportStatus"], imported["ImportedItemCount"]) == ("COMPLETED", 3), imported
        assert _all(ddb, table) == _all(ddb, "to-export")


def test_export_refusals(ddb, bucket) -> None:
    ddb.create_table(TableName="no-pitr", **KEYS)
    arn = ddb.describe_table(TableName="no-pitr")["Table"]["TableArn"]

    def refusal(**request: Any) -> dict[str, str]:
        with pytest.raises(ClientError) as caught:
            ddb.export_table_to_point_in_time(**request)
        return caught.value.response["Error"]

    assert refusal(TableArn=arn, S3Bucket=bucket) == {
        "Code": "PointInTimeRecoveryUnavailableException",
        "Message": "Point in time recovery is not enabled for table 'no-pitr'"}
    missing = arn.replace("no-pitr", "no-such-table")
    assert refusal(TableArn=missing, S3Bucket=bucket) == {
        "Code": "TableNotFoundException", "Message": f"Table not found: {missing}"}
    ddb.update_continuous_backups(TableName="no-pitr", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    assert refusal(TableArn=arn, S3Bucket=bucket, ExportTime=1)["Code"] == "InvalidExportTimeException"
    done = _export(ddb, TableArn=arn, S3Bucket="no-such-bucket")
    assert (done["ExportStatus"], done["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
    with pytest.raises(ClientError) as caught:
        ddb.describe_export(ExportArn=arn + "/export/01234567890123-abcdef01")
    assert caught.value.response["Error"]["Code"] == "ExportNotFoundException"


def test_a_client_token_makes_an_export_idempotent(ddb, bucket) -> None:
    arn = ddb.describe_table(TableName="to-export")["Table"]["TableArn"]
    first = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, ClientToken="t-1")
    again = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, ClientToken="t-1")
    assert first["ExportDescription"]["ExportArn"] == again["ExportDescription"]["ExportArn"]
    with pytest.raises(ClientError) as caught:
        ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, S3Prefix="other",
                                          ClientToken="t-1")
    assert caught.value.response["Error"]["Code"] == "ExportConflictException"


def test_list_exports_pages(ddb) -> None:
    every = ddb.list_exports()["ExportSummaries"]
    assert len(every) >= 4
    first = ddb.list_exports(MaxResults=2)
    second = ddb.list_exports(MaxResults=2, NextToken=first["NextToken"])
    assert first["ExportSummaries"] + second["ExportSummaries"] == every[:4]
    imports, token = [], None
    while True:
        page = ddb.list_imports(PageSize=1, **({"NextToken": token} if token else {}))
        assert len(page["ImportSummaryList"]) == 1
        imports += page["ImportSummaryList"]
        token = page.get("NextToken")
        if token is None:
            break
    assert imports == ddb.list_imports()["ImportSummaryList"] and len(imports) >= 5
