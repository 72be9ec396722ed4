"""Data that survives, and API stages that log and throttle (issue 16 items 2 and 4)."""

from __future__ import annotations

import json

import pytest

from pyarc.template import build


def test_production_tables_are_retained_with_point_in_time_recovery(app):
    app.table("notes", "id")
    production = build(app.inventory, "production")["Resources"]["NotesTable"]
    assert production["DeletionPolicy"] == "Retain"
    assert production["UpdateReplacePolicy"] == "Retain"
    assert production["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True
    }
    staging = build(app.inventory, "staging")["Resources"]["NotesTable"]
    assert staging["DeletionPolicy"] == "Delete"
    assert staging["UpdateReplacePolicy"] == "Delete"
    assert "PointInTimeRecoverySpecification" not in staging["Properties"]


def test_staging_tables_are_retained_when_configured(app):
    app.aws(retain_tables=True).table("notes", "id")
    staging = build(app.inventory, "staging")["Resources"]["NotesTable"]
    assert staging["DeletionPolicy"] == "Retain"
    assert staging["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]


@pytest.mark.parametrize("throttle", [{}, {"throttle_rate": 20, "throttle_burst": 40}])
def test_both_stages_log_to_a_kept_log_group_and_throttle(app, throttle):
    app.aws(**throttle).http("get", "/", "get-index").ws("connect")
    resources = build(app.inventory)["Resources"]
    http = resources["HTTP"]["Properties"]
    ws = resources["WebsocketStage"]["Properties"]
    expected = {
        "ThrottlingRateLimit": throttle.get("throttle_rate", 500),
        "ThrottlingBurstLimit": throttle.get("throttle_burst", 1000),
    }
    assert http["DefaultRouteSettings"] == expected
    assert ws["DefaultRouteSettings"] == expected
    for settings, group, fields in (
        (http["AccessLogSettings"], "HTTPAccessLogs", {"method", "path", "status"}),
        (ws["AccessLogSettings"], "WSAccessLogs", {"connectionId", "eventType", "status"}),
    ):
        assert settings["DestinationArn"] == {"Fn::GetAtt": [group, "Arn"]}
        assert fields <= set(json.loads(settings["Format"]))
        assert resources[group]["Properties"]["RetentionInDays"] == 30
    # WebSocket logging goes through the account's API Gateway role, which outlives the stack
    account = resources["ApiGatewayAccount"]
    assert account["DeletionPolicy"] == "Retain"
    assert "ApiGatewayAccount" in resources["WebsocketStage"]["DependsOn"]


def test_no_cors_unless_declared(app):
    app.http("get", "/", "get-index")
    http = build(app.inventory)["Resources"]["HTTP"]["Properties"]
    assert "CorsConfiguration" not in http
    assert "x-amazon-apigateway-cors" not in http["DefinitionBody"]


def test_queues_and_topics_are_encrypted_at_rest(app):
    app.event("ping").queue("work")
    resources = build(app.inventory)["Resources"]
    assert resources["PingEventTopic"]["Properties"]["KmsMasterKeyId"] == "alias/aws/sns"
    assert resources["WorkQueue"]["Properties"]["SqsManagedSseEnabled"] is True
