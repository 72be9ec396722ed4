"""The start-up banner: every route with its source dir and URL, and what is missing."""

from __future__ import annotations

import os

from rich.markup import escape

from pyarc.inventory.model import Function, Inventory
from pyarc.sandbox.environment import Ports


def _relative(fn: Function, inventory: Inventory) -> str:
    try:
        return os.path.relpath(fn.src, inventory.cwd)
    except ValueError:
        return str(fn.src)


def banner_lines(inventory: Inventory, ports: Ports, host: str, elapsed_ms: float) -> list[str]:
    """Rich-markup lines describing a running sandbox."""
    base = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{ports.http}"
    lines = [f"[bold]pyarc sandbox[/] [cyan]{escape(inventory.app)}[/] {base}  (bound to {host})"]
    missing: list[Function] = []
    if inventory.http:
        lines.append("[bold]@http[/]")
        width = max(len(r.route_key) for r in inventory.http)
        src_width = max(len(_relative(r.function, inventory)) for r in inventory.http)
        for route in inventory.http:
            source = _relative(route.function, inventory).ljust(src_width)
            lines.append(
                f"  {escape(route.route_key.ljust(width))}  {escape(source)}  "
                f"{base}{escape(route.path)}"
            )
    if inventory.ws:
        lines.append(f"[bold]@ws[/] ws://localhost:{ports.http}")
        for ws in inventory.ws:
            lines.append(
                f"  {escape(ws.route_key):<12}  {escape(_relative(ws.function, inventory))}"
            )
    if inventory.static is not None:
        lines.append(f"[bold]@static[/] {base}/_static/ -> {escape(inventory.static.folder)}/")
    if ports.tables is not None:
        lines.append(f"[bold]@tables[/] http://localhost:{ports.tables} ({len(inventory.tables)})")
    for name, port in ports.as_arc_sandbox().items():
        if name not in ("http", "tables"):
            lines.append(f"[dim]{escape(name)} on port {port}[/]")
    missing = [fn for fn in inventory.functions if fn.handler_file is None]
    for fn in missing:
        relative = _relative(fn, inventory)
        lines.append(
            f"[yellow]missing handler[/] {escape(fn.key)}: create it with "
            f"`mkdir -p {escape(relative)}` and a {escape(relative)}/lambda.py defining "
            "`handler(event, context)`"
        )
    lines.append(f"[green]Ready[/] in {elapsed_ms:.0f} ms")
    return lines
