"""The sandbox console: one line per invocation, handler output, errors (rich)."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections import deque
from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.text import Text

RECENT_LINES = 1000  # kept for `pyarc logs --local` (served on /_pyarc/logs)


class SandboxLog:
    def __init__(self, quiet: bool = False, console: Console | None = None) -> None:
        self.quiet = quiet
        self.console = console or Console(file=sys.stdout, highlight=False, soft_wrap=True)
        self._lock = threading.Lock()
        self._recent: deque[str] = deque(maxlen=RECENT_LINES)  # markup, as printed
        self._printed = 0  # lines printed since start, so a follower asks only for new ones

    def _print(self, text: str) -> None:
        stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]  # local time, as the user reads it
        text = f"[dim]{stamp}[/] {text}"
        with self._lock:
            self.console.print(text)
            self._recent.append(text)
            self._printed += 1

    def recent_lines(self) -> tuple[int, list[str]]:
        """(lines printed since start, the last RECENT_LINES of them as plain text)."""
        with self._lock:
            printed, recent = self._printed, list(self._recent)
        return printed, [Text.from_markup(text).plain for text in recent]

    def info(self, message: str) -> None:
        if not self.quiet:
            self._print(escape(message))

    def warning(self, message: str) -> None:
        self._print(f"[yellow]warning[/]: {escape(message)}")

    def error(self, message: str) -> None:
        self._print(f"[bold red]error[/]: {escape(message)}")

    def invocation(self, route: str, status: int | str, duration_ms: float, cold: bool) -> None:
        """`GET /things/{id} 200 3.2 ms warm`."""
        if self.quiet:
            return
        colour = "green" if isinstance(status, int) and status < 400 else "red"
        start = "cold" if cold else "warm"
        self._print(
            f"[bold]{escape(route)}[/] [{colour}]{status}[/] {duration_ms:.1f} ms [dim]{start}[/]"
        )

    def handler_output(self, function_key: str, line: str) -> None:
        if not self.quiet:
            self._print(f"[cyan]{escape(function_key)}[/] {escape(line.rstrip())}")

    def handler_error(self, function_key: str, line: str) -> None:
        """A line of a handler failure (error, hint, traceback): printed even by --quiet."""
        self._print(f"[cyan]{escape(function_key)}[/] {escape(line.rstrip())}")

    def not_found(self, method: str, path: str, hint: str) -> None:
        """`GET /nope 404 add `get /nope` under @http in app.arc` (no handler ran)."""
        if self.quiet:
            return
        self._print(f"[bold]{escape(method)} {escape(path)}[/] [red]404[/] [dim]{escape(hint)}[/]")


class ServerLines(logging.Handler):
    """uvicorn's own lines (a malformed request it answered 400, a crash) printed as the
    sandbox's, with the time, instead of uvicorn's bare `WARNING:  ...`."""

    def __init__(self, log: SandboxLog) -> None:
        super().__init__(logging.WARNING)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        text = f"uvicorn: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        (self.log.error if record.levelno >= logging.ERROR else self.log.warning)(text)
