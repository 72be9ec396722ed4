"""Apply a template to a stack through a change set, and wait for it with visible progress.

Create or update is decided by whether the stack exists. A change set with no changes is not
an error (nothing to do). A failed operation raises a PyarcError carrying the stack's own
failure reasons (the `ResourceStatusReason` of each failed resource, root cause first).

States CloudFormation refuses to update are handled before the change set: a stack busy with
another operation is waited for; `ROLLBACK_COMPLETE` (a failed first create) is deleted and
created again; `ROLLBACK_FAILED`, `DELETE_FAILED` and `UPDATE_ROLLBACK_FAILED` stop the
deploy with the command that repairs them.

Each operation is started with a `ClientRequestToken`, which CloudFormation copies onto every
event the operation causes: progress and failure reasons follow that token rather than the
local clock (which may run ahead of AWS's), and the events are paged through, because a
rolled-back create of a large stack pushes its root cause far beyond the newest 100 events.
"""

from __future__ import annotations

import time
import uuid
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
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
# Reasons CloudFormation gives to resources stopped because another one failed: not a cause.
CONSEQUENCES = ("Resource creation cancelled", "Resource update cancelled")
MAX_REASONS = 5


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
        existing = self.settled_status(stack_name)
        self.check_updatable(stack_name, existing)
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
        token = new_token()
        self.cfn.execute_change_set(
            StackName=stack_name, ChangeSetName=name, ClientRequestToken=token
        )
        verb = "Creating" if change_type == "CREATE" else "Updating"
        status = self._wait_for_stack(stack_name, f"{verb} {stack_name}", started, token)
        if status not in SUCCESS:
            raise PyarcError(self.failure_message(stack_name, status, started, token))
        return ApplyResult(stack_name, True, status, self.outputs(stack_name))

    def delete(self, stack_name: str) -> None:
        started = datetime.now(UTC)
        token = new_token()
        self.cfn.delete_stack(StackName=stack_name, ClientRequestToken=token)
        status = self._wait_for_stack(stack_name, f"Deleting {stack_name}", started, token)
        if status not in ("DELETE_COMPLETE", None):
            raise PyarcError(self.failure_message(stack_name, status or "", started, token))

    def settled_status(self, stack_name: str) -> str | None:
        """The stack's status once no other operation is running on it (waited for, shown)."""
        status = self.stack_status(stack_name)
        while status is not None and busy(status):
            self.console.print(f"{stack_name} is {status}; waiting for that to finish first")
            status = self._wait_for_stack(
                stack_name, f"Waiting for {stack_name}", datetime.now(UTC), None
            )
            status = None if status == "DELETE_COMPLETE" else status
        return status

    def check_updatable(self, stack_name: str, status: str | None) -> None:
        """Refuse the states CloudFormation refuses, saying what repairs each one."""
        if status in ("ROLLBACK_FAILED", "DELETE_FAILED"):
            raise PyarcError(
                f"{stack_name} is {status}: CloudFormation could not remove what a failed "
                "deploy created, and allows no update now. Delete the stack (pyarc destroy, or "
                f"`aws cloudformation delete-stack --stack-name {stack_name}`, retaining the "
                "resources it names), then deploy again."
            )
        if status == "UPDATE_ROLLBACK_FAILED":
            raise PyarcError(
                f"{stack_name} is UPDATE_ROLLBACK_FAILED: a failed update could not be rolled "
                "back, and CloudFormation allows no update now. Run `aws cloudformation "
                f"continue-update-rollback --stack-name {stack_name}` (with "
                "--resources-to-skip for resources that keep failing), then deploy again."
            )

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

    def failure_message(
        self, stack_name: str, status: str, since: datetime, token: str | None = None
    ) -> str:
        """The failed resources' reasons, oldest (the root cause) first."""
        causes: list[str] = []
        consequences: list[str] = []
        events = sorted(self._events(stack_name, since, token), key=lambda e: e["Timestamp"])
        for event in events:
            reason = event.get("ResourceStatusReason")
            if not event.get("ResourceStatus", "").endswith("FAILED") or not reason:
                continue
            line = f"{event['LogicalResourceId']}: {reason}"
            (consequences if reason.startswith(CONSEQUENCES) else causes).append(line)
        reasons = list(dict.fromkeys(causes or consequences))
        if len(reasons) > MAX_REASONS:
            reasons = [*reasons[:MAX_REASONS], f"and {len(reasons) - MAX_REASONS} more"]
        detail = "; ".join(reasons) or "no reason was given"
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

    def _wait_for_stack(
        self, stack_name: str, title: str, since: datetime, token: str | None
    ) -> str | None:
        deadline = time.monotonic() + self.timeout_seconds
        with StackProgress(self.console, title) as progress:
            while True:
                status = self._status_including_deleted(stack_name)
                progress.show(self._events(stack_name, since, token, seen=progress.seen))
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

    def _events(
        self,
        stack_name: str,
        since: datetime,
        token: str | None,
        seen: set[str] | None = None,
    ) -> list[dict[str, Any]]:
        """The operation's events, newest first, paging back until an older one (or one in
        `seen`, after which everything was fetched before) ends it.

        An event carrying a ClientRequestToken belongs to the operation exactly when the token
        is `token`; events without one (moto) are the operation's from `since` on.
        """
        found: list[dict[str, Any]] = []
        cutoff = since.replace(microsecond=0)
        try:
            pages = self.cfn.get_paginator("describe_stack_events").paginate(StackName=stack_name)
            for page in pages:
                for event in page["StackEvents"]:
                    if seen is not None and event["EventId"] in seen:
                        return found
                    event_token = event.get("ClientRequestToken")
                    if event_token and token:
                        if event_token != token:
                            return found
                    elif _aware(event["Timestamp"]) < cutoff:
                        return found
                    found.append(event)
        except botocore.exceptions.ClientError:
            pass  # the stack is gone (a finished delete): what was found is all there is
        return found


def busy(status: str) -> bool:
    """Another operation runs on the stack (REVIEW_IN_PROGRESS is a stack awaiting a create)."""
    return status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS"


def new_token() -> str:
    return f"pyarc-{uuid.uuid4()}"


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
