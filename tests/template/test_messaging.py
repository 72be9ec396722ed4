"""@events -> SNS, @queues -> SQS, @scheduled -> EventBridge Scheduler."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pyarc.errors import PyarcError
from pyarc.sandbox.lambda_events.scheduler import scheduler_event
from pyarc.template import build


def test_event_topic_and_subscription(app):
    app.aws(roles="shared").event("ping")
    resources = build(app.inventory)["Resources"]
    assert resources["PingEventTopic"]["Type"] == "AWS::SNS::Topic"
    assert resources["PingEventLambda"]["Properties"]["Events"] == {
        "PingEvent": {"Type": "SNS", "Properties": {"Topic": {"Ref": "PingEventTopic"}}}
    }
    policies = {p["PolicyName"]: p for p in resources["Role"]["Properties"]["Policies"]}
    [statement] = policies["ArcSimpleNotificationServicePolicy"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["sns:Publish"]
    assert statement["Resource"] == [{"Ref": "PingEventTopic"}]


def test_queue_is_fifo_by_default(app):
    app.queue("work", timeout=30)
    resources = build(app.inventory)["Resources"]
    assert resources["WorkQueue"].pop("Metadata")["checkov"]["skip"][0]["id"] == "CKV_AWS_27"
    assert resources["WorkQueue"] == {
        "Type": "AWS::SQS::Queue",
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "VisibilityTimeout": 30,
            "MessageRetentionPeriod": 345600,
            "SqsManagedSseEnabled": True,
            "FifoQueue": True,
            "ContentBasedDeduplication": True,
        },
    }
    assert resources["WorkQueueLambda"]["Properties"]["Events"] == {
        "WorkQueueEvent": {
            "Type": "SQS",
            "Properties": {"Queue": {"Fn::GetAtt": ["WorkQueue", "Arn"]}, "BatchSize": 1},
        }
    }


def test_standard_queue_with_batching(app):
    app.queue(
        "bulk", timeout=10, fifo=False, batch_size=100, batch_window=20, visibility_timeout=60
    )
    resources = build(app.inventory)["Resources"]
    assert resources["BulkQueue"]["Properties"]["VisibilityTimeout"] == 60
    assert "FifoQueue" not in resources["BulkQueue"]["Properties"]
    event = resources["BulkQueueLambda"]["Properties"]["Events"]["BulkQueueEvent"]["Properties"]
    assert event["BatchSize"] == 100
    assert event["MaximumBatchingWindowInSeconds"] == 20


def test_shared_queue_grants_cover_consuming_and_sending(app):
    app.aws(roles="shared").queue("work")
    policies = build(app.inventory)["Resources"]["Role"]["Properties"]["Policies"]
    [sqs] = [p for p in policies if p["PolicyName"] == "ArcSimpleQueueServicePolicy"]
    [statement] = sqs["PolicyDocument"]["Statement"]
    for action in ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"):
        assert action in statement["Action"]
    assert statement["Resource"] == [{"Fn::GetAtt": ["WorkQueue", "Arn"]}]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"visibility_timeout": 3, "timeout": 10}, "at least the function timeout"),
        ({"batch_size": 11}, "a FIFO queue takes 1 to 10"),
        ({"batch_window": 5}, "FIFO queues do not support one"),
        ({"fifo": False, "batch_size": 50}, "need a batch window of at least 1 second"),
        ({"fifo": False, "batch_window": 301}, "use 0 to 300"),
    ],
)
def test_queue_settings_aws_would_reject_are_refused(app, options, message):
    app.queue("work", **options)
    with pytest.raises(PyarcError, match=message):
        build(app.inventory)


def test_schedules_with_rate_cron_and_timezone(app):
    app.scheduled("daily", "rate(1 day)")
    app.scheduled("noon", "cron(0 12 * * ? *)", timezone="Europe/Paris")
    resources = build(app.inventory)["Resources"]
    daily = resources["DailySchedule"]
    assert daily["Type"] == "AWS::Scheduler::Schedule"
    assert daily["Properties"]["ScheduleExpression"] == "rate(1 day)"
    assert daily["Properties"]["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = dict(daily["Properties"]["Target"])
    scheduled_input = target.pop("Input")["Fn::Sub"]
    assert target == {
        "Arn": {"Fn::GetAtt": ["DailyScheduledLambda", "Arn"]},
        "RoleArn": {"Fn::GetAtt": ["SchedulerRole", "Arn"]},
    }
    # AWS sends the function the same event shape as the sandbox's scheduler does
    filled = json.loads(
        scheduled_input.replace("${AWS::AccountId}", "123456789012")
        .replace("${AWS::Region}", "us-west-2")
        .replace("<aws.scheduler.scheduled-time>", "2026-11-25T03:00:00Z")
    )
    local = scheduler_event(
        schedule_arn="arn:aws:scheduler:us-west-2:123456789012:schedule/default/x",
        fired=datetime(2026, 11, 25, 3, tzinfo=UTC),
        execution_id="e",
    )
    assert sorted(filled) == sorted(local)
    assert {k: filled[k] for k in ("version", "detail-type", "source", "time", "detail")} == {
        k: local[k] for k in ("version", "detail-type", "source", "time", "detail")
    }
    assert "ScheduleExpressionTimezone" not in daily["Properties"]
    noon = resources["NoonSchedule"]["Properties"]
    assert noon["ScheduleExpression"] == "cron(0 12 * * ? *)"
    assert noon["ScheduleExpressionTimezone"] == "Europe/Paris"


def test_scheduler_role_may_invoke_only_the_scheduled_functions(app):
    app.scheduled("daily", "rate(1 day)").http("get", "/", "get-index")
    role = build(app.inventory)["Resources"]["SchedulerRole"]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    [policy] = role["Policies"]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["DailyScheduledLambda", "Arn"]},
        {"Fn::Sub": "${DailyScheduledLambda.Arn}:*"},
    ]


def test_a_bad_schedule_expression_is_refused(app):
    app.scheduled("daily", "every day")
    with pytest.raises(PyarcError, match=r"@scheduled daily: .*must be rate\(value unit\), cron"):
        build(app.inventory)
