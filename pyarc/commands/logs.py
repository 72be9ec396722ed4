"""`pyarc logs PRAGMA NAME [--production] [--follow] [--since 10m]`: a deployed function's
CloudWatch Logs; `pyarc logs --local`: the running sandbox's recent console lines."""

from __future__ import annotations

import time
from pathlib import Path

import click

from pyarc.commands.options import cwd_option, load_app, strict_option
from pyarc.errors import PyarcError
from pyarc.inventory.lookup import PRAGMAS

LOCAL_POLL_S = 0.5


@click.command(name="logs", short_help="Show a deployed function's logs, or the sandbox's.")
@click.argument("pragma", required=False, type=click.Choice(PRAGMAS))
@click.argument("name", required=False)
@click.option("--production", is_flag=True, help="The production stack (default: staging).")
@click.option("--name", "name_suffix", default=None, help="Stack name suffix used at deploy.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until Ctrl-C.")
@click.option("--since", default="10m", show_default=True, help="How far back: 30s, 10m, 2h, 1d.")
@click.option("--local", is_flag=True, help="The running sandbox's recent log instead.")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="--local: the sandbox's port (default: as `pyarc sandbox` picks it).")
@click.option("--lines", "-n", type=click.IntRange(0), default=100, show_default=True,
              help="--local: how many recent lines.")
@cwd_option
@strict_option
def command(
    pragma: str | None,
    name: str | None,
    production: bool,
    name_suffix: str | None,
    follow: bool,
    since: str,
    local: bool,
    port: int | None,
    lines: int,
    cwd: Path,
    strict: bool | None,
) -> None:
    """Print a function's logs: `pyarc logs http "get /"`, `pyarc logs events order-placed
    --production --follow`, or `pyarc logs --local` for the sandbox running this app."""
    if pragma is not None and name is None:
        raise PyarcError(f"Name the @{pragma} function too, e.g. pyarc logs http \"get /\".")
    if local:
        _local(cwd, pragma, name, port, lines, follow)
        return
    if pragma is None or name is None:
        raise PyarcError(
            "Name the function, e.g. pyarc logs http \"get /\", or pass --local for the "
            "sandbox's log."
        )
    _deployed(cwd, strict, pragma, name, production, name_suffix, follow, since)


def _deployed(
    cwd: Path,
    strict: bool | None,
    pragma: str,
    name: str,
    production: bool,
    name_suffix: str | None,
    follow: bool,
    since: str,
) -> None:
    from pyarc.deploy.credentials import aws_session
    from pyarc.deploy.logs import follow_logs, format_line, log_group_name, parse_since, read_logs
    from pyarc.inventory.lookup import find_function
    from pyarc.template import stack_name

    start_ms = int((time.time() - parse_since(since).total_seconds()) * 1000)
    env = "production" if production else "staging"
    inventory = load_app(cwd, env, strict)
    fn = find_function(inventory, pragma, name)
    session = aws_session(inventory.aws)
    stack = stack_name(inventory, env, name_suffix)
    group = log_group_name(session.client("cloudformation"), stack, fn)
    logs = session.client("logs")
    click.echo(f"{group} (since {since} ago)", err=True)
    found = follow_logs(logs, group, start_ms) if follow else read_logs(logs, group, start_ms)
    try:
        for line in found:
            click.echo(format_line(line))
    except KeyboardInterrupt:
        pass


def _local(
    cwd: Path, pragma: str | None, name: str | None, port: int | None, lines: int, follow: bool
) -> None:
    import httpx

    from pyarc.commands.sandbox import HTTP_PORT_VARIABLES, choose_port
    from pyarc.manifest.discovery import find_manifest
    from pyarc.sandbox.config import DEFAULT_HTTP_PORT
    from pyarc.sandbox.local_api import LOGS_PATH, ask_identity, require_same_app

    inventory = load_app(cwd.resolve()) if find_manifest(cwd.resolve()) is not None else None
    prefs_ports = inventory.prefs.sandbox.ports if inventory is not None else {}
    port = choose_port(port, HTTP_PORT_VARIABLES, prefs_ports, "http", DEFAULT_HTTP_PORT)
    identity = ask_identity("127.0.0.1", port)
    if identity is None:
        raise PyarcError(
            f"No sandbox answers on port {port}; start one with pyarc sandbox, or pass the "
            "port it runs on with --port."
        )
    if inventory is not None:
        require_same_app(identity, cwd, port, "--port")
    key = None
    if pragma is not None and name is not None and inventory is not None:
        from pyarc.inventory.lookup import find_function

        key = find_function(inventory, pragma, name).key
    query: dict[str, int] = {"lines": lines}
    try:
        while True:
            answer = httpx.get(f"http://127.0.0.1:{port}{LOGS_PATH}", params=query, timeout=10)
            data = answer.json()
            if "after" not in query:  # after the first read: a follower misses nothing after it
                header = f"Recent log of the sandbox of {identity.describe()} on port {port}"
                click.echo(header, err=True)
            for line in data.get("lines", []):
                if key is None or key in line:
                    click.echo(line)
            if not follow:
                return
            query = {"after": int(data.get("next", 0))}
            time.sleep(LOCAL_POLL_S)  # a poll interval, not a wait for something
    except KeyboardInterrupt:
        pass
    except httpx.HTTPError:
        raise PyarcError(f"The sandbox on port {port} stopped answering.") from None
