"""`pyarc invoke PRAGMA NAME [--payload JSON|@file]`: run one function with an AWS-shaped event."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
import httpx
from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax

from pyarc.errors import PyarcError
from pyarc.manifest.discovery import find_manifest
from pyarc.sandbox.local_api import ask_identity, require_same_app

PRAGMAS = ("http", "ws", "events", "queues", "scheduled", "tables-streams")


def _payload(text: str | None) -> object:
    if text is None:
        return None
    source = "--payload"
    if text.startswith("@"):
        path = Path(text[1:])
        if not path.is_file():
            raise PyarcError(f"--payload {text}: the file {path} does not exist.")
        source, text = str(path), path.read_text()
    try:
        return json.loads(text)
    except ValueError as exc:
        raise PyarcError(f"{source} is not valid JSON ({exc}); pass JSON or @file.json.") from None


@click.command("invoke")
@click.argument("pragma", type=click.Choice(PRAGMAS))
@click.argument("name")
@click.option("--payload", help="The payload as JSON, or @file.json.")
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("ARC_EVENTS_PORT", "4444")),
    show_default="4444 or ARC_EVENTS_PORT",
    help="The running sandbox's events port.",
)
@click.option("--cwd", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="The app directory, for a one-off sandbox.")
def command(pragma: str, name: str, payload: str | None, port: int, cwd: Path) -> None:
    """Invoke one function with the event its trigger would send.

    Uses the sandbox running on this machine, or starts a one-off sandbox for the app in
    --cwd when none answers. Examples: `pyarc invoke scheduled nightly`,
    `pyarc invoke events order-placed --payload '{"id": 1}'`, `pyarc invoke http "get /"`.
    """
    body = {"pragma": pragma, "name": name, "payload": _payload(payload)}
    console = Console(highlight=False, soft_wrap=True)
    identity = ask_identity("127.0.0.1", port)
    if identity is not None:
        if find_manifest(cwd.resolve()) is not None:
            require_same_app(identity, cwd, port, "--port (the sandbox's --events-port)")
        console.print(f"[dim]Using the sandbox of {escape(identity.describe())} on port {port}[/]")
    try:
        response = httpx.post(f"http://127.0.0.1:{port}/_arc/invoke", json=body, timeout=None)
    except httpx.ConnectError:
        result = _one_off(cwd, body, console)
    else:
        if response.status_code != 200:
            raise PyarcError(response.json().get("error", response.text))
        result = response.json()
    _print(result, console)
    sys.exit(0 if result.get("ok") else 1)


def _one_off(cwd: Path, body: dict, console: Console) -> dict:
    from pyarc.sandbox.bus.bus import UnknownTarget
    from pyarc.testing import Sandbox

    console.print(f"[dim]No sandbox answers; starting a one-off sandbox for {cwd.resolve()}[/]")
    from pyarc.commands.options import load_app

    with Sandbox(cwd, inventory=load_app(cwd.resolve()), quiet=False, watch=False) as sandbox:
        try:
            return sandbox.invoke(body["pragma"], body["name"], body["payload"])
        except UnknownTarget as exc:
            raise PyarcError(str(exc)) from None


def _print(result: dict, console: Console) -> None:
    duration = result.get("durationMs")
    timing = f" in {duration:.1f} ms" if isinstance(duration, int | float) else ""
    if result.get("ok"):
        console.print(f"[green]ok[/]{timing}")
        shown = result.get("payload")
    else:
        console.print(f"[bold red]failed[/]{timing}")
        shown = result.get("error") or result.get("payload")
    text = json.dumps(shown, indent=2, default=str)
    if not console.is_terminal:  # piped (`| jq`, a file): the JSON as is, never wrapped
        print(text, flush=True)
        return
    console.print(Syntax(text, "json", theme="ansi_dark", word_wrap=True))
