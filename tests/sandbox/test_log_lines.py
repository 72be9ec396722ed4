"""The console's invocation line is written from a template rendered once per route,
status and start: it must be, byte for byte, what rich's console.print writes for it."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from rich.console import Console
from rich.markup import escape

from pyarc.sandbox import logs
from pyarc.sandbox.logs import SandboxLog

MOMENT = datetime(2026, 12, 3, 9, 5, 7, 123456)

CONSOLES: dict[str, dict[str, Any]] = {
    "redirected": {"soft_wrap": True},  # `pyarc sandbox > file`: no colours
    "terminal 16": {"soft_wrap": True, "force_terminal": True, "color_system": "standard"},
    "terminal 256": {"soft_wrap": True, "force_terminal": True, "color_system": "256"},
    "terminal truecolor": {
        "soft_wrap": True, "force_terminal": True, "color_system": "truecolor",
    },  # fmt: skip
    "NO_COLOR": {"soft_wrap": True, "force_terminal": True, "no_color": True},
    "narrow": {"soft_wrap": True, "force_terminal": True, "width": 12},
    "wrapping (not the sandbox's)": {"force_terminal": True, "width": 30},
    "recording": {"soft_wrap": True, "force_terminal": True, "record": True},
    "highlighting": {"soft_wrap": True, "force_terminal": True, "highlight": True},
}
LINES = [
    ("GET /ping", 200, 0.25, False),
    ("GET /ping", 200, 0.25, False),  # the template again
    ("GET /ping", 200, 12.04, True),
    ("GET /things/{id}", 404, 3.5, False),
    ("ANY /api/{proxy+}", 500, 1234.56, False),
    ("ws $connect", 200, 0.91, True),
    ("ws $default", "timeout", 3000.0, False),
    ("ws rotate", "Sandbox.Timedout", 0.05, False),
    ("events [ping] :smile: \\x", 200, 1.0, False),  # markup, an emoji code, a backslash
    ("GET /" + "long-segment/" * 12, 201, 99.99, False),
]


class Frozen(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Frozen:  # type: ignore[override]
        return cls.fromtimestamp(MOMENT.timestamp())


def old_line(route: str, status: int | str, duration_ms: float, cold: bool) -> str:
    """The markup the log printed with console.print before templates."""
    colour = "green" if isinstance(status, int) and status < 400 else "red"
    start = "cold" if cold else "warm"
    text = f"[bold]{escape(route)}[/] [{colour}]{status}[/] {duration_ms:.1f} ms [dim]{start}[/]"
    return f"[dim]{MOMENT.strftime('%H:%M:%S.%f')[:-3]}[/] {text}"


@pytest.mark.parametrize("name", list(CONSOLES))
def test_an_invocation_line_is_what_console_print_writes(name: str, monkeypatch) -> None:
    monkeypatch.setattr(logs, "datetime", Frozen)
    settings = {"highlight": False, **CONSOLES[name]}  # the sandbox's console: no highlighter
    ours, theirs = io.StringIO(), io.StringIO()
    log = SandboxLog(console=Console(file=ours, **settings))
    reference = Console(file=theirs, **settings)
    for line in LINES:
        log.invocation(*line)
        reference.print(old_line(*line))
        assert ours.getvalue() == theirs.getvalue(), line
    assert bool(log._rendered) == log._plain_console()  # the templates were used
    printed, recent = log.recent_lines()
    assert printed == len(LINES)
    assert recent == [reference_plain(old_line(*line)) for line in LINES]


def reference_plain(markup: str) -> str:
    from rich.text import Text

    return Text.from_markup(markup).plain


def test_lines_of_other_kinds_keep_their_order_with_invocation_lines(monkeypatch) -> None:
    monkeypatch.setattr(logs, "datetime", Frozen)
    out = io.StringIO()
    log = SandboxLog(console=Console(file=out, soft_wrap=True, highlight=False))
    log.info("one")
    log.invocation("GET /", 200, 1.0, False)
    log.warning("two")
    log.invocation("GET /", 200, 2.0, False)
    assert [line.split(" ", 1)[1] for line in out.getvalue().splitlines()] == [
        "one",
        "GET / 200 1.0 ms warm",
        "warning: two",
        "GET / 200 2.0 ms warm",
    ]


def test_templates_are_kept_up_to_a_bound(monkeypatch) -> None:
    monkeypatch.setattr(logs, "_RENDERED_MAX", 4)
    log = SandboxLog(console=Console(file=io.StringIO(), soft_wrap=True, highlight=False))
    for n in range(10):
        log.invocation(f"GET /{n}", 200, 1.0, False)
    assert 0 < len(log._rendered) <= 4
    assert "GET /9 200 1.0 ms warm" in log.console.file.getvalue()  # type: ignore[attr-defined]
