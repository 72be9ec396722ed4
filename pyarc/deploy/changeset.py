"""Apply a template to a stack through a change set, and wait for it with visible progress.

Create or update is decided by whether the stack exists. A change set with no changes is not
an error (nothing to do). A failed operation raises a PyarcError carrying the stack's own
failure reasons (the `ResourceStatusReason` of each failed resource).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions
from rich.console import Console

from pyarc.deploy.progress import StackProgress
from pyarc.errors import PyarcError

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
SUCCESS = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"}
FAILURE = {
    "CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED", "UPDATE_FAILED", "DELETE_FAILED", "IMPORT_ROLLBACK_COMPLETE",
}  # fmt: skip
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


@dataclass
class ApplyResult:
    stack_name: str
    changed: bool  # False when the change set was empty
    status: str
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class StackApplier:
    cfn: Any  # boto3 CloudFormation client
    console: Console
    poll_seconds: float = 2.0
    timeout_seconds: float = 3600.0
    sleep: Callable[[float], None] = time.sleep

    def apply(self, stack_name: str, template_url: str, tags: dict[str, str]) -> ApplyResult:
        existing = self.stack_status(stack_name)
        if existing == "ROLLBACK_COMPLETE":
            # a first create that failed: AWS only allows deleting it, so do that, then create
            self.console.print(
                f"Removing {stack_name}, left in ROLLBACK_COMPLETE by a failed first deploy"
            )
            self.delete(stack_name)
            existing = None
        change_type = "CREATE" if existing in (None, "REVIEW_IN_PROGRESS") else "UPDATE"
        name = "pyarc-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self.cfn.create_change_set(
            StackName=stack_name,
            ChangeSetName=name,
            ChangeSetType=change_type,
            TemplateURL=template_url,
            Capabilities=CAPABILITIES,
            Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())],
        )
        change_set = self._wait_for_change_set(stack_name, name)
        if change_set["Status"] == "FAILED":
            reason = change_set.get("StatusReason", "")
            if any(marker in reason for marker in NO_CHANGES):
                self.cfn.delete_change_set(StackName=stack_name, ChangeSetName=name)
                self.console.print(f"[green]{stack_name}[/]: no infrastructure changes")
                return ApplyResult(stack_name, False, existing or "", self.outputs(stack_name))
            raise PyarcError(f"CloudFormation rejected the change set for {stack_name}: {reason}")
        started = datetime.now(UTC)
        self.cfn.execute_change_set(StackName=stack_name, ChangeSetName=name)
        verb = "Creating" if change_type == "CREATE" else "Updating"
        status = self._wait_for_stack(stack_name, f"{verb} {stack_name}", started)
        if status not in SUCCESS:
            raise PyarcError(self.failure_message(stack_name, status, started))
        return ApplyResult(stack_name, True, status, self.outputs(stack_name))

    def delete(self, stack_name: str) -> None:
        started = datetime.now(UTC)
        self.cfn.delete_stack(StackName=stack_name)
        status = self._wait_for_stack(stack_name, f"Deleting {stack_name}", started)
        if status not in ("DELETE_COMPLETE", None):
            raise PyarcError(self.failure_message(stack_name, status or "", started))

    def stack_status(self, stack_name: str) -> str | None:
        """The stack's status, or None when there is no such (live) stack."""
        try:
            stacks = self.cfn.describe_stacks(StackName=stack_name)["Stacks"]
        except botocore.exceptions.ClientError as exc:
            if "does not exist" in exc.response["Error"].get("Message", ""):
                return None
            raise
        status = stacks[0]["StackStatus"] if stacks else None
        return None if status == "DELETE_COMPLETE" else status

    def outputs(self, stack_name: str) -> dict[str, str]:
        try:
            stack = self.cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
        except (botocore.exceptions.ClientError, IndexError):
            return {}
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def failure_message(self, stack_name: str, status: str, since: datetime) -> str:
        reasons = []
        for event in self._events(stack_name, since):
            reason = event.get("ResourceStatusReason")
            if event.get("ResourceStatus", "").endswith("FAILED") and reason:
                reasons.append(f"{event['LogicalResourceId']}: {reason}")
        detail = "; ".join(dict.fromkeys(reasons)) or "no reason was given"
        return f"Deploying {stack_name} failed with {status} ({detail})."

    def _wait_for_change_set(self, stack_name: str, name: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout_seconds
        while True:
            change_set = self.cfn.describe_change_set(StackName=stack_name, ChangeSetName=name)
            if change_set["Status"] in ("CREATE_COMPLETE", "FAILED"):
                return change_set
            if time.monotonic() > deadline:
                raise PyarcError(f"The change set for {stack_name} was not ready in time.")
            self.sleep(self.poll_seconds)

    def _wait_for_stack(self, stack_name: str, title: str, since: datetime) -> str | None:
        deadline = time.monotonic() + self.timeout_seconds
        with StackProgress(self.console, title) as progress:
            while True:
                status = (
                    self.stack_status(stack_name)
                    if not title.startswith("Deleting")
                    else self._status_including_deleted(stack_name)
                )
                progress.show(self._events(stack_name, since))
                if status is None or not status.endswith("IN_PROGRESS"):
                    return status
                progress.update(status)
                if time.monotonic() > deadline:
                    raise PyarcError(
                        f"{stack_name} was still {status} after "
                        f"{self.timeout_seconds:.0f} s; check the AWS console."
                    )
                self.sleep(self.poll_seconds)

    def _status_including_deleted(self, stack_name: str) -> str | None:
        status = self.stack_status(stack_name)
        return "DELETE_COMPLETE" if status is None else status

    def _events(self, stack_name: str, since: datetime) -> list[dict[str, Any]]:
        try:
            events = self.cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
        except botocore.exceptions.ClientError:
            return []
        return [e for e in events if _aware(e["Timestamp"]) >= since.replace(microsecond=0)]


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
