"""The human view of an Inventory (rich tables), used by `pyarc inventory`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

from pyarc.inventory.model import (
    DEFAULT_NODE_HANDLER,
    HANDLER_FILES,
    Function,
    FunctionConfig,
    Inventory,
)


def _src(fn: Function, cwd: Path) -> str:
    try:
        shown = fn.src.relative_to(cwd).as_posix()
    except ValueError:
        shown = fn.src.as_posix()
    return shown if fn.src.is_dir() else f"{shown} (missing)"


def _settings(fn: Function) -> str:
    c = fn.config
    return f"{c.runtime} {c.memory}MB {c.timeout}s {c.architecture}"


def _notes(fn: Function, defaults: tuple[str, str]) -> str:
    """Only what differs from the app's defaults (settings, handler): a custom handler or
    settings."""
    settings, handler = defaults
    notes = []
    if fn.handler != handler:
        notes.append(fn.handler)
    if _settings(fn) != settings:
        notes.append(_settings(fn))
    return " ".join(notes)


def _default_handler(config: FunctionConfig) -> str:
    """The handler a function of the app's default runtime gets (Function.handler's rule)."""
    if config.handler:
        return config.handler
    if config.is_node:
        return DEFAULT_NODE_HANDLER
    return f"{Path(HANDLER_FILES[0]).stem}.handler"


def _functions_table(
    title: str, rows: list[tuple[str, Function]], cwd: Path, defaults: tuple[str, str]
) -> RichTable:
    table = RichTable(title=title, title_justify="left", show_edge=False)
    notes = [_notes(fn, defaults) for _, fn in rows]
    table.add_column("name", no_wrap=True)
    table.add_column("source dir", no_wrap=True)
    if any(notes):
        table.add_column("notes", overflow="fold")
    for (name, fn), note in zip(rows, notes, strict=True):
        table.add_row(name, _src(fn, cwd), *([note] if any(notes) else []))
    return table


PIPED_WIDTH = 100_000  # wider than any table's natural width; tables never expand to it


def render(inv: Inventory, env: str = "testing", console: Console | None = None) -> None:
    out = console or Console(highlight=False, soft_wrap=True)
    if console is None and not out.is_terminal:  # piped: as wide as its lines (rich: 80
        out.width = PIPED_WIDTH  # columns, squeezing tables until their cells were cut with …)
    cwd = inv.cwd
    d = inv.aws.defaults
    defaults = (f"{d.runtime} {d.memory}MB {d.timeout}s {d.architecture}", _default_handler(d))
    out.print(
        f"[bold]{inv.app}[/] ({inv.manifest.name}, region {inv.aws.region}, "
        f"API {inv.aws.apigateway}; functions: {defaults[0]}, handler {defaults[1]})"
    )
    if inv.http:
        table = RichTable(title="@http", title_justify="left", show_edge=False)
        notes = [_notes(r.function, defaults) for r in inv.http]
        table.add_column("route", no_wrap=True)
        table.add_column("route key", no_wrap=True)
        table.add_column("source dir", no_wrap=True)
        if any(notes):
            table.add_column("notes", overflow="fold")
        for r, note in zip(inv.http, notes, strict=True):
            cells = [f"{r.method} {r.path}", r.route_key, _src(r.function, cwd)]
            table.add_row(*cells, *([note] if any(notes) else []))
        out.print(table)
    if inv.ws:
        ws_rows = [(r.route_key, r.function) for r in inv.ws]
        out.print(_functions_table("@ws", ws_rows, cwd, defaults))
    if inv.tables:
        table = RichTable(title="@tables", title_justify="left", show_edge=False)
        for column in ("table", "partition key", "sort key", "ttl", "options", "indexes"):
            table.add_column(column)
        for t in inv.tables:
            options = [
                name
                for name, on in (
                    ("stream", t.stream),
                    ("pitr", t.pitr),
                    ("encrypt", bool(t.encrypt)),
                )
                if on
            ]
            indexes = "; ".join(
                f"{i.name} ({', '.join(n for n, _ in i.partition_keys + i.sort_keys)})"
                for i in t.indexes
            )
            table.add_row(
                t.name,
                f"{t.partition_key} ({t.partition_key_type})",
                f"{t.sort_key} ({t.sort_key_type})" if t.sort_key else "-",
                t.ttl or "-",
                ", ".join(options) or "-",
                indexes or "-",
            )
        out.print(table)
    groups = (
        ("@tables-streams", [(f"{s.name} <- {s.table}", s.function) for s in inv.streams]),
        ("@events", [(e.name, e.function) for e in inv.events]),
        (
            "@queues",
            [
                (f"{q.name} ({'fifo' if q.fifo else 'standard'}, batch {q.batch_size})", q.function)
                for q in inv.queues
            ],
        ),
        (
            "@scheduled",
            [
                (f"{s.name} {s.expression}" + (f" {s.timezone}" if s.timezone else ""), s.function)
                for s in inv.scheduled
            ],
        ),
    )
    for title, rows in groups:
        if rows:
            out.print(_functions_table(title, rows, cwd, defaults))
    if inv.static is not None:
        s = inv.static
        out.print(
            f"[bold]@static[/] folder {s.folder}, fingerprint {str(s.fingerprint).lower()}, "
            f"spa {str(s.spa).lower()}"
            + (f", prefix {s.prefix}" if s.prefix else "")
        )
    variables = inv.env_vars(env)
    if variables:
        out.print(f"[bold]@env {env}[/] " + ", ".join(sorted(variables)))
