"""`@scheduled` -> an `AWS::Scheduler::Schedule` per entry, plus the role it invokes with."""

from __future__ import annotations

from pyarc.errors import PyarcError
from pyarc.inventory.model import Scheduled
from pyarc.inventory.schedules import Schedule, ScheduleError
from pyarc.template import names
from pyarc.template.context import Draft
from pyarc.template.intrinsics import assume_role, get_att, ref, sub

# What the function receives: the scheduled-event shape, filled in by Scheduler's context
# attributes. The sandbox sends the same shape (pyarc/sandbox/lambda_events/scheduler.py).
SCHEDULED_EVENT_INPUT = (
    '{"version": "0", "id": "<aws.scheduler.execution-id>", '
    '"detail-type": "Scheduled Event", "source": "aws.scheduler", '
    '"account": "${AWS::AccountId}", "time": "<aws.scheduler.scheduled-time>", '
    '"region": "${AWS::Region}", "resources": ["<aws.scheduler.schedule-arn>"], '
    '"detail": {}}'
)


def add_scheduled(draft: Draft) -> None:
    entries = draft.inventory.scheduled
    if not entries:
        return
    for entry in entries:
        schedule = parsed(entry)
        target = names.function_id(entry.function)
        properties = {
            "Description": f"{draft.inventory.app} {draft.env} @scheduled {entry.name}",
            "ScheduleExpression": schedule.expression,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": {
                "Arn": get_att(target, "Arn"),
                "RoleArn": get_att(names.SCHEDULER_ROLE, "Arn"),
                "Input": sub(SCHEDULED_EVENT_INPUT),
            },
        }
        if entry.timezone:
            properties["ScheduleExpressionTimezone"] = entry.timezone
        draft.add(
            names.schedule_id(entry.name),
            {"Type": "AWS::Scheduler::Schedule", "Properties": properties},
            owner=f"@scheduled {entry.name}",
        )
    targets = [get_att(names.function_id(e.function), "Arn") for e in entries]
    draft.add(
        names.SCHEDULER_ROLE,
        {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": assume_role(
                    "scheduler.amazonaws.com",
                    {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}},
                ),
                "Policies": [
                    {
                        "PolicyName": "InvokeScheduledFunctions",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "lambda:InvokeFunction",
                                    "Resource": targets
                                    + [
                                        sub(f"${{{names.function_id(e.function)}.Arn}}:*")
                                        for e in entries
                                    ],
                                }
                            ],
                        },
                    }
                ],
            },
        },
        owner="@scheduled",
    )


def parsed(entry: Scheduled) -> Schedule:
    """The inventory's parsed schedule (one parser); an Inventory built in code skips the
    loader, so an invalid expression still gets a PyarcError naming the entry."""
    try:
        return entry.schedule
    except ScheduleError as exc:
        where = f" ({entry.location})" if entry.location else ""
        raise PyarcError(f"@scheduled {entry.name}{where}: {exc}") from None
