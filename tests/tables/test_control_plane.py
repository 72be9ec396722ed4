"""Resource policies, tags, point-in-time recovery, limits, TTL settings and unserved operations."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pyarc.tables.engine import Engine
from tests.tables.conftest import CREDENTIALS

POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                   "Action": "dynamodb:GetItem", "Resource": "*"}],
})
OTHER = POLICY.replace("GetItem", "PutItem")


def arn_of(ddb: Any, table: str) -> str:
    return ddb.describe_table(TableName=table)["Table"]["TableArn"]


def not_found(arn: str) -> tuple[str, str]:
    return (
        "PolicyNotFoundException",
        f"Resource-based policy not found for the provided ResourceArn: {arn}",
    )


def test_put_get_delete_resource_policy(ddb: Any, things: str, err: Any) -> None:
    arn = arn_of(ddb, things)
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=arn)
    assert err(excinfo) == not_found(arn)
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=POLICY)["RevisionId"]
    assert first.isdigit()
    assert ddb.get_resource_policy(ResourceArn=arn) | {"ResponseMetadata": None} == {
        "Policy": POLICY, "RevisionId": first, "ResponseMetadata": None,
    }
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=POLICY)["RevisionId"] == first
    second = ddb.put_resource_policy(ResourceArn=arn, Policy=OTHER, ExpectedRevisionId=first)
    assert int(second["RevisionId"]) > int(first)
    assert ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"] == second["RevisionId"]
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=arn)
    assert err(excinfo) == not_found(arn)
    ddb.delete_resource_policy(ResourceArn=arn)  # idempotent without ExpectedRevisionId


def test_expected_revision_id(ddb: Any, things: str, err: Any) -> None:
    arn = arn_of(ddb, things)
    with pytest.raises(ClientError) as excinfo:  # no policy to match
        ddb.put_resource_policy(ResourceArn=arn, Policy=POLICY, ExpectedRevisionId="123")
    assert err(excinfo) == not_found(arn)
    revision = ddb.put_resource_policy(
        ResourceArn=arn, Policy=POLICY, ExpectedRevisionId="NO_POLICY"
    )["RevisionId"]
    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=arn, Policy=OTHER, ExpectedRevisionId="123")
    assert err(excinfo) == (
        "PolicyNotFoundException",
        "Resource-based policy not found for the provided ResourceArn: Requested update for "
        f"policy with revision id 123, but the policy associated to target table things has "
        f"revision id {revision}.",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId="123")
    assert err(excinfo)[0] == "PolicyNotFoundException"
    assert ddb.get_resource_policy(ResourceArn=arn)["Policy"] == POLICY  # still there
    ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=revision)
    with pytest.raises(ClientError) as excinfo:
        ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=revision)
    assert err(excinfo) == not_found(arn)


def test_stream_policy_is_its_own(ddb: Any, make_table: Any, err: Any) -> None:
    make_table("streamed", StreamSpecification={"StreamEnabled": True,
                                                "StreamViewType": "NEW_IMAGE"})
    table = ddb.describe_table(TableName="streamed")["Table"]
    stream_arn = table["LatestStreamArn"]
    ddb.put_resource_policy(ResourceArn=stream_arn, Policy=OTHER)
    assert ddb.get_resource_policy(ResourceArn=stream_arn)["Policy"] == OTHER
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn=table["TableArn"])
    assert err(excinfo) == not_found(table["TableArn"])


def test_policy_on_unknown_or_malformed_resource(ddb: Any, things: str, err: Any) -> None:
    arn = arn_of(ddb, things).replace("things", "nothing")
    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=arn, Policy=POLICY)
    assert err(excinfo) == (
        "ResourceNotFoundException", f"Requested resource not found: ResourcArn: {arn} not found"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.get_resource_policy(ResourceArn="things")
    assert err(excinfo) == (
        "ValidationException", "Invalid TableArn: Invalid ResourceArn provided as input things"
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.put_resource_policy(ResourceArn=arn_of(ddb, things), Policy="{not json")
    assert err(excinfo) == (
        "ValidationException", "Invalid policy document: the policy is not valid JSON"
    )


def test_policies_tags_and_pitr_survive_a_restart(tmp_path: Any) -> None:
    engine = Engine(tmp_path)
    engine.handle("CreateTable", {
        "TableName": "kept", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    })
    arn = engine.handle("DescribeTable", {"TableName": "kept"})["Table"]["TableArn"]
    revision = engine.handle("PutResourcePolicy", {"ResourceArn": arn, "Policy": POLICY})
    engine.handle("TagResource", {"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "a"}]})
    engine.handle("UpdateContinuousBackups", {
        "TableName": "kept",
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    })
    engine.close()
    again = Engine(tmp_path)
    assert again.handle("GetResourcePolicy", {"ResourceArn": arn})["RevisionId"] == revision["RevisionId"]
    assert again.handle("ListTagsOfResource", {"ResourceArn": arn})["Tags"] == [
        {"Key": "team", "Value": "a"}
    ]
    recovery = again.handle("DescribeContinuousBackups", {"TableName": "kept"})
    assert recovery["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"][
        "PointInTimeRecoveryStatus"] == "ENABLED"
    again.close()


def test_tags(ddb: Any, things: str, err: Any) -> None:
    arn = arn_of(ddb, things)
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "2"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}
    ]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["b", "never"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "2"}]
    with pytest.raises(ClientError) as excinfo:
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k" * 129, "Value": "v"}])
    assert err(excinfo) == (
        "ValidationException",
        f"1 validation error detected: Value '{'k' * 129}' at 'tags.1.member.key' failed to "
        "satisfy constraint: Member must have length less than or equal to 128",
    )
    gone = arn.replace("things", "gone")
    with pytest.raises(ClientError) as excinfo:
        ddb.list_tags_of_resource(ResourceArn=gone)
    assert err(excinfo) == (
        "ResourceNotFoundException", f"Requested resource not found: ResourcArn: {gone} not found"
    )


def test_continuous_backups(ddb: Any, things: str, err: Any) -> None:
    described = ddb.describe_continuous_backups(TableName=things)["ContinuousBackupsDescription"]
    assert described == {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"},
    }
    answer = ddb.update_continuous_backups(
        TableName=things,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7},
    )["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert answer["PointInTimeRecoveryStatus"] == "ENABLED"
    assert answer["RecoveryPeriodInDays"] == 7
    assert answer["EarliestRestorableDateTime"] <= answer["LatestRestorableDateTime"]
    ddb.update_continuous_backups(
        TableName=things, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    described = ddb.describe_continuous_backups(TableName=things)["ContinuousBackupsDescription"]
    assert described["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == 35
    with pytest.raises(ClientError) as excinfo:
        ddb.update_continuous_backups(
            TableName=things,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True,
                                              "RecoveryPeriodInDays": 36},
        )
    assert err(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value '36' at "
        "'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: "
        "Member must have value less than or equal to 35",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_continuous_backups(TableName="missing")
    assert err(excinfo) == ("TableNotFoundException", "Table not found: missing")


def test_describe_limits(ddb: Any) -> None:
    limits = ddb.describe_limits()
    assert {k: limits[k] for k in limits if k != "ResponseMetadata"} == {
        "AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000,
    }


def test_update_time_to_live_validation(
    ddb: Any, things: str, err: Any, tables_server: Any
) -> None:
    unchecked = boto3.client(  # as SDKs without client-side checks send it
        "dynamodb", endpoint_url=tables_server.url,
        config=Config(parameter_validation=False, retries={"max_attempts": 1}), **CREDENTIALS,
    )

    def ttl(enabled: bool, name: str) -> Any:
        return unchecked.update_time_to_live(
            TableName=things, TimeToLiveSpecification={"Enabled": enabled, "AttributeName": name}
        )

    with pytest.raises(ClientError) as excinfo:
        ttl(True, "")
    assert err(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' "
        "failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
    with pytest.raises(ClientError) as excinfo:
        ttl(False, "expires")
    assert err(excinfo) == ("ValidationException", "TimeToLive is already disabled")
    assert ttl(True, "expires")["TimeToLiveSpecification"] == {
        "Enabled": True, "AttributeName": "expires"
    }
    with pytest.raises(ClientError) as excinfo:
        ttl(True, "expires")
    assert err(excinfo) == ("ValidationException", "TimeToLive is already enabled")
    with pytest.raises(ClientError) as excinfo:
        ttl(False, "other")
    assert err(excinfo) == (
        "ValidationException",
        "TimeToLive is active on a different AttributeName: current AttributeName is expires",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.update_time_to_live(
            TableName="missing", TimeToLiveSpecification={"Enabled": True, "AttributeName": "x"}
        )
    assert err(excinfo) == (
        "ResourceNotFoundException", "Requested resource not found: Table: missing not found"
    )


@pytest.mark.parametrize(
    ("call", "operation"),
    [
        (lambda c: c.list_backups(), "ListBackups"),
        (lambda c: c.create_backup(TableName="things", BackupName="nightly"), "CreateBackup"),
        (lambda c: c.describe_global_table(GlobalTableName="global"), "DescribeGlobalTable"),
        (lambda c: c.list_contributor_insights(), "ListContributorInsights"),
        (lambda c: c.describe_kinesis_streaming_destination(TableName="things"),
         "DescribeKinesisStreamingDestination"),
    ],
)
def test_operations_not_served_answer_unknown_operation(
    ddb: Any, things: str, err: Any, call: Any, operation: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(ddb)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err(excinfo) == ("UnknownOperationException", f"Unknown operation: {operation}")


def test_import_and_export_without_a_local_s3_say_what_they_need(
    ddb: Any, things: str, err: Any
) -> None:
    """`pyarc tables serve` alone has no buckets: the two calls that need some say so, and
    the listings (nothing to list) answer."""
    keys = {"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}
    calls = [
        ("ImportTable", lambda: ddb.import_table(
            S3BucketSource={"S3Bucket": "b"}, InputFormat="CSV",
            TableCreationParameters={"TableName": "imported", **keys})),
        ("ExportTableToPointInTime", lambda: ddb.export_table_to_point_in_time(
            TableArn=arn_of(ddb, things), S3Bucket="b")),
    ]
    for operation, call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert err(excinfo) == ("ValidationException", (
            f"{operation} reads and writes S3 buckets, and this tables endpoint has no local "
            "S3: run the app with `pyarc sandbox`, whose AWS endpoint serves both."))
    assert ddb.list_exports()["ExportSummaries"] == []
    assert ddb.list_imports()["ImportSummaryList"] == []
    assert "imported" not in ddb.list_tables()["TableNames"]


def test_import_and_export_members_outside_their_enum_are_refused(
    ddb: Any, things: str, err: Any
) -> None:
    keys = {"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}
    with pytest.raises(ClientError) as excinfo:
        ddb.import_table(S3BucketSource={"S3Bucket": "b"}, InputFormat="XML",
                         TableCreationParameters={"TableName": "imported", **keys})
    assert err(excinfo) == ("ValidationException", (
        "1 validation error detected: Value 'XML' at 'inputFormat' failed to satisfy "
        "constraint: Member must satisfy enum value set: [DYNAMODB_JSON, ION, CSV]"))
    with pytest.raises(ClientError) as excinfo:
        ddb.import_table(S3BucketSource={"S3Bucket": "b"}, InputFormat="CSV",
                         InputFormatOptions={"Csv": {"Delimiter": "x"}},
                         TableCreationParameters={"TableName": "imported", **keys})
    assert err(excinfo)[1].startswith(
        "1 validation error detected: Value 'x' at 'inputFormatOptions.csv.delimiter'")
    with pytest.raises(ClientError) as excinfo:
        ddb.export_table_to_point_in_time(TableArn=arn_of(ddb, things), S3Bucket="b",
                                          ExportType="DELTA")
    assert err(excinfo) == ("ValidationException", (
        "1 validation error detected: Value 'DELTA' at 'exportType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [FULL_EXPORT, INCREMENTAL_EXPORT]"))
