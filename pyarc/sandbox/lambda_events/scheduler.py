"""The event EventBridge Scheduler sends an `@scheduled` function (the target `Input`
`pyarc deploy` renders in `AWS::Scheduler::Schedule`)."""

from __future__ import annotations

from datetime import UTC, datetime

from pyarc.sandbox.config import ACCOUNT_ID


def scheduler_event(*, schedule_arn: str, fired: datetime, execution_id: str) -> dict:
    """What `pyarc deploy`'s `AWS::Scheduler::Schedule` sends: its target `Input` is this
    shape, filled by Scheduler's context attributes (`<aws.scheduler.execution-id>`,
    `<aws.scheduler.scheduled-time>`, `<aws.scheduler.schedule-arn>`)."""
    region = schedule_arn.split(":")[3]
    return {
        "version": "0",
        "id": execution_id,
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT_ID,
        "time": fired.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [schedule_arn],
        "detail": {},
    }
