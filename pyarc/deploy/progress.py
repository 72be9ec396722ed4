"""Show a stack operation as it happens: one line per resource event, under a spinner."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.status import Status

STATUS_STYLES = {
    "COMPLETE": "green",
    "IN_PROGRESS": "yellow",
    "FAILED": "bold red",
    "ROLLBACK": "red",
}


def style_for(status: str) -> str:
    if "ROLLBACK" in status and not status.endswith("FAILED"):
        return STATUS_STYLES["ROLLBACK"]
    for suffix, style in STATUS_STYLES.items():
        if status.endswith(suffix):
            return style
    return "white"


class StackProgress(AbstractContextManager["StackProgress"]):
    """Prints stack events once each (by EventId), newest last, while a spinner runs."""

    def __init__(self, console: Console, title: str) -> None:
        self.console = console
        self.title = title
        self.seen: set[str] = set()
        self._status: Status | None = None

    def __enter__(self) -> StackProgress:
        self._status = self.console.status(self.title, spinner="dots")
        self._status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(None, None, None)

    def show(self, events: list[dict[str, Any]]) -> None:
        """Print the events not shown yet (DescribeStackEvents lists newest first)."""
        for event in sorted(events, key=lambda e: e["Timestamp"]):
            if event["EventId"] in self.seen:
                continue
            self.seen.add(event["EventId"])
            self.console.print(format_event(event), highlight=False, soft_wrap=True)

    def update(self, text: str) -> None:
        if self._status is not None:
            self._status.update(f"{self.title} ({text})")


def format_event(event: dict[str, Any]) -> str:
    stamp = event["Timestamp"]
    clock = stamp.strftime("%H:%M:%S") if isinstance(stamp, datetime) else str(stamp)
    status = event.get("ResourceStatus", "")
    line = (
        f"[dim]{clock}[/] [{style_for(status)}]{status:<20}[/] "
        f"{event.get('ResourceType', ''):<36} {event.get('LogicalResourceId', '')}"
    )
    reason = event.get("ResourceStatusReason")
    if reason and status.endswith("FAILED"):
        line += f" [red]{_escape(reason)}[/]"
    return line


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
