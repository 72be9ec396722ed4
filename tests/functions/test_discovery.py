"""services() and tables.* against moto's SSM and DynamoDB."""

from __future__ import annotations

import boto3
import pytest

import pyarc.functions
from pyarc.functions import ConfigurationError, ServiceNotFoundError, services, tables

pytestmark = pytest.mark.usefixtures("moto_in_process")

STACK = "CageSocketStaging"


def _put(name: str, value: str) -> None:
    boto3.client("ssm", region_name="us-east-1").put_parameter(
        Name=name, Value=value, Type="String", Overwrite=True
    )


def test_services_shape_from_ssm_under_the_stack_path():
    _put(f"/{STACK}/tables/data", "cage-socket-staging-data")
    _put(f"/{STACK}/events/ping", "arn:aws:sns:us-east-1:123456789012:ping")
    _put(f"/{STACK}/queues/jobs", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo")
    _put(f"/{STACK}/static/bucket", "cage-socket-static")
    _put(f"/{STACK}/static/fingerprint", "true")
    _put(f"/{STACK}/plugins/thing/deep", "nested")
    _put("/OtherStack/tables/data", "not-ours")
    assert services() == {
        "tables": {"data": "cage-socket-staging-data"},
        "events": {"ping": "arn:aws:sns:us-east-1:123456789012:ping"},
        "queues": {"jobs": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo"},
        "static": {"bucket": "cage-socket-static", "fingerprint": "true"},
        "plugins": {"thing": {"deep": "nested"}},
    }


def test_services_reads_every_page():
    # GetParametersByPath answers at most 10 per page
    for i in range(27):
        _put(f"/{STACK}/tables/t{i:02d}", f"cage-socket-staging-t{i:02d}")
    assert services()["tables"] == {f"t{i:02d}": f"cage-socket-staging-t{i:02d}" for i in range(27)}


def test_arc_stack_name_wins_over_app_and_env(monkeypatch):
    monkeypatch.setenv("ARC_STACK_NAME", "CageSocketProduction")
    _put("/CageSocketProduction/tables/data", "prod-data")
    _put(f"/{STACK}/tables/data", "staging-data")
    assert tables.name("data") == "prod-data"


def test_fallback_stack_name_is_pascal_case_app_and_env(monkeypatch):
    monkeypatch.setenv("ARC_ENV", "testing")
    _put("/CageSocketTesting/tables/data", "cage-socket-staging-data")
    assert tables.name("data") == "cage-socket-staging-data"


def test_services_are_cached_per_process_until_reset():
    _put(f"/{STACK}/tables/data", "first")
    assert tables.name("data") == "first"
    _put(f"/{STACK}/tables/data", "second")
    assert tables.name("data") == "first"
    pyarc.functions.reset()
    assert tables.name("data") == "second"


def test_unknown_logical_name_lists_the_known_ones():
    _put(f"/{STACK}/tables/data", "x")
    _put(f"/{STACK}/tables/users", "y")
    with pytest.raises(ServiceNotFoundError) as caught:
        tables.name("dta")
    message = str(caught.value)
    assert "'dta'" in message and "data, users" in message and f"/{STACK}" in message
    assert isinstance(caught.value, LookupError)


def test_unknown_kind_says_none_are_known():
    with pytest.raises(ServiceNotFoundError, match="known events: none"):
        pyarc.functions.events.topic_arn("ping")


def test_no_app_name_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("ARC_APP_NAME")
    with pytest.raises(ConfigurationError, match="ARC_APP_NAME"):
        services()


def test_table_resource_and_client_reach_the_physical_table():
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    ddb.create_table(
        TableName="cage-socket-staging-data",
        KeySchema=[
            {"AttributeName": "scopeID", "KeyType": "HASH"},
            {"AttributeName": "dataID", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "scopeID", "AttributeType": "S"},
            {"AttributeName": "dataID", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    _put(f"/{STACK}/tables/data", "cage-socket-staging-data")
    table = tables.table("data")
    assert table.name == "cage-socket-staging-data"
    table.put_item(Item={"scopeID": "connection", "dataID": "abc", "direction": "left"})
    answer = tables.client().get_item(
        TableName=tables.name("data"), Key={"scopeID": {"S": "connection"}, "dataID": {"S": "abc"}}
    )
    assert answer["Item"]["direction"] == {"S": "left"}
    assert tables.client() is tables.client()  # cached per process
