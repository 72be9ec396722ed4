"""`pyarc sandbox`: run the app locally (HTTP, WebSocket, static, tables) on one port."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import click

from pyarc.commands.options import cwd_option, load_app, strict_option
from pyarc.errors import PyarcError
from pyarc.sandbox.config import (
    DEFAULT_ARC_PORT,
    DEFAULT_EVENTS_PORT,
    DEFAULT_HTTP_PORT,
    DEFAULT_TABLES_PORT,
    SandboxConfig,
)

PORT = click.IntRange(0, 65535)


@click.command("sandbox")
@click.option(
    "--port", "-p", type=PORT, default=None, help="HTTP/WebSocket port (default 3333; 0: any free)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@cwd_option
@click.option("--cold", is_flag=True, help="A fresh process per invocation (no warm workers).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and warnings.")
@click.option("--tables-port", type=PORT, default=None, help="DynamoDB endpoint port (5555).")
@click.option("--events-port", type=PORT, default=None, help="Events/queues (SNS/SQS) port (4444).")
@click.option("--arc-port", type=PORT, default=None, help="_arc service (SSM) port (2222).")
@click.option("--persist", type=click.Path(file_okay=False), default=None, help="Keep tables here.")
@click.option("--seed", type=click.Path(dir_okay=False), default=None, help="Seed data JSON file.")
@click.option(
    "--idle-timeout",
    type=click.IntRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Retire a worker idle this long (default 60, or prefs.arc @sandbox idle-timeout).",
)
@click.option(
    "--max-workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Workers per function without a config.arc concurrency "
    "(default 8, or prefs.arc @sandbox max-workers).",
)
@click.option(
    "--no-inspector",
    is_flag=True,
    help="Do not serve the inspector, the live page of this sandbox at /_pyarc/.",
)
@click.option(
    "--print-env",
    is_flag=True,
    help="Print the variables that point AWS clients at this sandbox (`export` lines for a "
    "shell: eval \"$(pyarc sandbox --print-env)\") and exit.",
)
@strict_option
def command(
    port: int | None,
    host: str,
    cwd: Path,
    cold: bool,
    quiet: bool,
    tables_port: int | None,
    events_port: int | None,
    arc_port: int | None,
    persist: str | None,
    seed: str | None,
    idle_timeout: int | None,
    max_workers: int | None,
    strict: bool | None,
    no_inspector: bool,
    print_env: bool,
) -> None:
    """Run the app's sandbox until Ctrl-C.

    Each function runs in warm worker processes, as Lambda keeps execution environments:
    up to --max-workers per function (8), each retired after --idle-timeout seconds idle (60).
    """
    started = time.monotonic()
    app_dir = cwd.resolve()
    inventory = load_app(app_dir, strict=strict)
    prefs_ports = inventory.prefs.sandbox.ports

    def pick(flag: int | None, env_names: tuple[str, ...], pref: str, default: int) -> int:
        return choose_port(flag, env_names, prefs_ports, pref, default)

    config = SandboxConfig(
        host=host,
        port=pick(port, HTTP_PORT_VARIABLES, "http", DEFAULT_HTTP_PORT),
        tables_port=pick(tables_port, ("ARC_TABLES_PORT",), "tables", DEFAULT_TABLES_PORT),
        arc_port=pick(arc_port, ("ARC_INTERNAL_PORT",), "_arc", DEFAULT_ARC_PORT),
        events_port=pick(events_port, ("ARC_EVENTS_PORT",), "events", DEFAULT_EVENTS_PORT),
        cold=cold,
        quiet=quiet,
        persist=persist,
        seed=seed,
        idle_timeout=idle_timeout,
        max_workers=max_workers,
        inspector=not no_inspector,
    )
    if print_env:
        click.echo(_export_lines(inventory, config))
        return
    from pyarc.sandbox import stack

    stack.run(_serve(app_dir, inventory, config, started, strict))


HTTP_PORT_VARIABLES = ("ARC_HTTP_PORT", "PORT")


def choose_port(
    flag: int | None,
    env_names: tuple[str, ...],
    prefs_ports: dict[str, int],
    pref: str,
    default: int,
) -> int:
    """Flag, then environment, then prefs.arc `@sandbox ports`, then the default."""
    if flag is not None:
        return flag
    for name in env_names:
        if os.environ.get(name, "").isdigit():
            return _checked_port(int(os.environ[name]), f"the environment variable {name}")
    value = prefs_ports.get(pref, default)
    return _checked_port(value, f"prefs.arc @sandbox ports {pref}")


def _export_lines(inventory, config: SandboxConfig) -> str:
    """`export NAME=value` for what a test process or shell needs to reach the sandbox."""
    import shlex

    from pyarc.sandbox.environment import Ports, sandbox_env

    ports = Ports(
        http=config.port, tables=config.tables_port, arc=config.arc_port, events=config.events_port
    )
    env = sandbox_env(inventory, ports, config.host)
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in sorted(env.items()))


def _checked_port(value: object, source: str) -> int:
    """`value` as a port number, or a PyarcError naming where the bad value came from."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise PyarcError(f"{source} is {value!r}, not a port; use a number from 0 to 65535.")
    return value


async def _serve(
    app_dir: Path, inventory, config: SandboxConfig, started: float, strict: bool | None
) -> None:
    from pyarc.sandbox import stack
    from pyarc.sandbox.logs import SandboxLog
    from pyarc.sandbox.server import SandboxServer
    from pyarc.sandbox.workers.node.launch import local_node

    log = SandboxLog(quiet=config.quiet)
    # each reload shows the manifest's warnings again (or, under --strict, keeps the old routes)
    server = SandboxServer(
        inventory,
        config,
        log=log,
        loader=lambda: load_app(app_dir, strict=strict, warn=log.warning),
        prewarm=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    assert server.ports is not None
    if not config.quiet:
        from pyarc.sandbox.banner import banner_lines  # rich's markup: only to print it

        elapsed = (time.monotonic() - started) * 1000
        await asyncio.sleep(0)  # let the event bus's schedule tasks compute their first fire
        fires = server.event_bus.next_fire_times() if server.event_bus is not None else {}
        lines = banner_lines(
            inventory, server.ports, config.host, elapsed, fires, stack.describe(),
            worker_limits=server.worker_limits(),
            node=local_node() if any(fn.config.is_node for fn in inventory.functions) else None,
            aws=server.aws_served(),
            inspector=server.inspector is not None,
        )
        for line in lines:
            log.console.print(line, highlight=False)
    await stop.wait()
    open_sockets = len(server.state.registry) if server.state else 0
    log.info(f"Shutting down: closing {open_sockets} WebSocket connection(s) with 1001")
    await server.stop()
    log.info("Sandbox stopped.")
