"""The start-up banner: every route with its source dir and URL, and what is missing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.markup import escape

from pyarc.inventory.functions import handler_to_create
from pyarc.inventory.model import Function, Inventory
from pyarc.sandbox.environment import Ports, static_bucket
from pyarc.sandbox.workers.node.launch import MIN_NODE_MAJOR, LocalNode


@dataclass(frozen=True)
class AwsServed:
    """What the one AWS endpoint answers: pyarc's own services, and whether moto serves more."""

    by_pyarc: list[str]  # signing names, `AwsEndpoint.served()`
    by_moto: bool  # the `pyarc[aws]` extra is installed


def aws_endpoint_lines(port: int, served: AwsServed) -> list[str]:
    """The endpoint `AWS_ENDPOINT_URL` points at, and who answers which service there."""
    rows = [("pyarc", ", ".join(served.by_pyarc))]
    if served.by_moto:
        rows.append(("moto", "any other service moto has: secretsmanager, ses, kms, states, ..."))
    else:
        rows.append(
            ("refused", "any other service; pip install 'pyarc[aws]' to serve it from moto")
        )
    return [f"[bold]AWS endpoint[/] http://localhost:{port} (AWS_ENDPOINT_URL)", *_rows(rows)]


def _relative(fn: Function, inventory: Inventory) -> str:
    try:
        return os.path.relpath(fn.src, inventory.cwd)
    except ValueError:
        return str(fn.src)


def missing_handler_dirs(inventory: Inventory) -> list[tuple[str, str, str]]:
    """(handler dir relative to the app, the file to add in it, what that file must define)
    for each function with no handler file yet; the file follows the function's runtime."""
    return [
        (_relative(fn, inventory), *handler_to_create(fn))
        for fn in inventory.functions
        if fn.handler_file is None
    ]


def _rows(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of plain text cells as aligned, escaped banner lines indented two spaces."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(escape(cell.ljust(widths[i])) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]


def describe_fire_time(when: datetime | None, now: datetime | None = None) -> str:
    """`next 14:05:00 (in 3 min)` in local time, or `not scheduled` when it never fires."""
    if when is None:
        return "not scheduled"
    now = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone()
    seconds = max(0, int((when - now).total_seconds()))
    shown = local.strftime("%H:%M:%S" if seconds < 86400 else "%Y-%m-%d %H:%M")
    return f"next {shown} ({_in(seconds)})"


def _in(seconds: int) -> str:
    if seconds < 1:
        return "now"
    if seconds < 60:
        return f"in {seconds} s"
    if seconds < 3600:
        return f"in {seconds // 60} min"
    if seconds < 86400:
        hours, rest = divmod(seconds, 3600)
        return f"in {hours} h {rest // 60} min" if rest >= 60 else f"in {hours} h"
    return f"in {seconds // 86400} d {seconds % 86400 // 3600} h"


def banner_lines(
    inventory: Inventory,
    ports: Ports,
    host: str,
    elapsed_ms: float,
    next_fires: dict[str, datetime | None] | None = None,
    stack: str | None = None,
    worker_limits: tuple[float, int] | None = None,
    aws: AwsServed | None = None,
    node: LocalNode | None = None,
    inspector: bool = False,
) -> list[str]:
    """Rich-markup lines describing a running sandbox.

    `stack` names the uvicorn stack serving (`pyarc.sandbox.stack.describe()`).
    `next_fires` maps each `@scheduled` name to its next fire time (the event bus's
    `next_fire_times()`); a schedule missing from it is listed without a time.
    `worker_limits`: (idle seconds before a worker is retired, workers per function).
    `aws`: what the AWS endpoint (on the tables port) serves.
    `node`: the local Node.js (`local_node()`), shown when the app has Node.js functions.
    `inspector`: the inspector page is served (linked on the second line).
    """
    base = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{ports.http}"
    lines = [f"[bold]pyarc sandbox[/] [cyan]{escape(inventory.app)}[/] {base}  (bound to {host})"]
    if inspector:
        lines.append(f"[bold]inspector[/] {base}/_pyarc/ [dim](live invocations, tables, events)[/]")
    if inventory.http:
        lines.append("[bold]@http[/]")
        lines += _rows(
            [
                (route.route_key, _relative(route.function, inventory), f"{base}{route.path}")
                for route in inventory.http
            ]
        )
    if inventory.ws:
        lines.append(f"[bold]@ws[/] ws://localhost:{ports.http}")
        lines += _rows([(ws.route_key, _relative(ws.function, inventory)) for ws in inventory.ws])
    if inventory.static is not None:
        bucket = escape(static_bucket(inventory))
        lines.append(
            f"[bold]@static[/] {base}/_static/ -> {escape(inventory.static.folder)}/ "
            f"(S3 bucket {bucket})"
        )
    if ports.tables is not None:
        count = len(inventory.tables)
        tables = f"{count} table{'' if count == 1 else 's'}"
        lines.append(f"[bold]@tables[/] http://localhost:{ports.tables} ({tables})")
        if aws is not None:
            lines += aws_endpoint_lines(ports.tables, aws)
    if inventory.events:
        lines.append("[bold]@events[/]")
        lines += _rows([(e.name, _relative(e.function, inventory)) for e in inventory.events])
    if inventory.queues:
        lines.append("[bold]@queues[/]")
        lines += _rows([(q.name, _relative(q.function, inventory)) for q in inventory.queues])
    if inventory.scheduled:
        fires = next_fires or {}
        lines.append("[bold]@scheduled[/]")
        lines += _rows(
            [
                (
                    s.name,
                    s.expression + (f" {s.timezone}" if s.timezone else ""),
                    describe_fire_time(fires.get(s.name)) if s.name in fires else "",
                )
                for s in inventory.scheduled
            ]
        )
    for name, port in ports.as_arc_sandbox().items():
        if name not in ("http", "tables"):
            lines.append(f"[dim]{escape(name)} on port {port}[/]")
    if worker_limits is not None:
        idle, most = worker_limits
        lines.append(
            f"[dim]workers: up to {most} per function, retired after {idle:g} s idle "
            "(see --help)[/]"
        )
    lines += _node_lines(inventory, node)
    missing = missing_handler_dirs(inventory)
    if missing:
        lines.append("[yellow]missing handlers[/] (create each dir and its handler file):")
        lines += _rows([(f"mkdir -p {folder}", f"then add {file} {defining}")
                        for folder, file, defining in missing])
    served_by = f" (uvicorn: {escape(stack)})" if stack else ""
    lines.append(f"[green]Ready[/] in {elapsed_ms:.0f} ms{served_by}")
    return lines


def _node_lines(inventory: Inventory, node: LocalNode | None) -> list[str]:
    """`node v20.20.2 (/usr/bin/node) runs 3 Node.js functions`, or why none of them can run."""
    functions = [fn for fn in inventory.functions if fn.config.is_node]
    if not functions or node is None:
        return []
    count = f"{len(functions)} Node.js function{'s' if len(functions) != 1 else ''}"
    if node.problem:
        return [
            f"[yellow]warning:[/] {escape(node.problem)}: the {count} will fail until Node.js "
            f"{MIN_NODE_MAJOR} or later is installed"
        ]
    runtimes = sorted({fn.config.runtime for fn in functions})
    return [
        f"[dim]node {escape(node.version or '')} ({escape(node.path or '')}) runs the {count} "
        f"({', '.join(runtimes)})[/]"
    ]
