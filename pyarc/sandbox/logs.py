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
# An invocation line as the console renders it, with these in place of its time and duration
# (private-use characters: no markup, emoji code or route holds them). Rendered once per
# route, status and warm/cold, then filled in: rich's markup and rendering cost ~15 times
# the rest of a warm request's own work in the sandbox.
_TIME, _DURATION = "\ue000", "\ue001"
_RENDERED_MAX = 1024  # templates kept (a route per status and start)


class SandboxLog:
    def __init__(self, quiet: bool = False, console: Console | None = None) -> None:
        self.quiet = quiet
        self.console = console or Console(file=sys.stdout, highlight=False, soft_wrap=True)
        self._lock = threading.Lock()
        self._recent: deque[str] = deque(maxlen=RECENT_LINES)  # markup, as printed
        self._printed = 0  # lines printed since start, so a follower asks only for new ones
        self._rendered: dict[tuple[str, str, str, str], tuple[str, str, str] | None] = {}

    def _print(self, text: str) -> None:
        stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]  # local time, as the user reads it
        text = f"[dim]{stamp}[/] {text}"
        with self._lock:
            self.console.print(text)
            self._recent.append(text)
            self._printed += 1

    def _plain_console(self) -> bool:
        """True when console.print would write its rendering at once, in one piece, with
        no wrapping and no highlighting (which styles numbers in the text itself): the
        sandbox's own console (soft wrap, no highlighter, not recording, no Jupyter)."""
        console = self.console
        return (
            console.soft_wrap
            and getattr(console, "_highlight", True) is False
            and not console.record
            and not console.quiet
            and not console.is_jupyter
            and not console.legacy_windows
        )

    def _template(self, key: tuple[str, str, str, str], markup: str) -> tuple[str, str, str] | None:
        """`markup` (holding _TIME and _DURATION once each) as the console renders it, cut
        at the two; None when it cannot be filled in (then the line is printed as always)."""
        if key in self._rendered:
            return self._rendered[key]
        parts: tuple[str, str, str] | None = None
        if _TIME not in "".join(key) and _DURATION not in "".join(key):
            with self.console.capture() as capture:
                self.console.print(markup)
            before, _, rest = capture.get().partition(_TIME)
            between, _, after = rest.partition(_DURATION)
            if _TIME not in rest and _DURATION not in after and after:
                parts = (before, between, after)
        if len(self._rendered) >= _RENDERED_MAX:
            self._rendered.clear()
        self._rendered[key] = parts
        return parts

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
        head, tail = f"[bold]{escape(route)}[/] [{colour}]{status}[/] ", f" ms [dim]{start}[/]"
        duration = f"{duration_ms:.1f}"
        with self._lock:
            template = None
            if self._plain_console():
                key = (route, str(status), colour, start)
                template = self._template(key, f"[dim]{_TIME}[/] {head}{_DURATION}{tail}")
        if template is None:
            self._print(f"{head}{duration}{tail}")
            return
        # the bytes console.print would write for the line (tests/sandbox/test_log_lines.py)
        stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]
        before, between, after = template
        with self._lock:
            try:
                file = self.console.file
                file.write(f"{before}{stamp}{between}{duration}{after}")
                file.flush()
            except BrokenPipeError:  # as console.print handles it
                self.console.on_broken_pipe()
            self._recent.append(f"[dim]{stamp}[/] {head}{duration}{tail}")
            self._printed += 1

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
