"""`pyarc hydrate [--cwd DIR]`: install every function's requirements, as the sandbox does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from pyarc.commands.options import cwd_option, load_app, strict_option
from pyarc.errors import PyarcError


@click.command(
    name="hydrate", short_help="Install the functions' requirements.txt into the local cache."
)
@cwd_option
@strict_option
def command(cwd: Path, strict: bool | None) -> None:
    """Install each function's requirements.txt (and the app root's) into the dependency cache
    the sandbox uses ($PYARC_CACHE_DIR, else ~/.cache/pyarc), as the sandbox does at start;
    files already installed are not fetched again."""
    from pyarc.inventory.lambda_package import requirement_files
    from pyarc.sandbox.workers import Dependencies

    inventory = load_app(cwd, strict=strict)
    files = {path for fn in inventory.functions for path in requirement_files(inventory, fn)}
    if not files:
        click.echo("Nothing to install: no function has a requirements.txt.")
        return
    failures = asyncio.run(
        Dependencies(say=click.echo, fail=lambda _: None).install_all(inventory)
    )
    if failures:
        raise PyarcError("\n".join(failure.sentence() for failure in failures))
    click.echo(f"Dependencies ready: {len(files)} requirements file(s).")
