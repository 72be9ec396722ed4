"""`pyarc hydrate [--cwd DIR]`: install every function's dependencies, as the sandbox does."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from pyarc.commands.options import cwd_option, load_app, strict_option
from pyarc.errors import PyarcError


@click.command(
    name="hydrate",
    short_help="Install the functions' requirements.txt (and package.json) dependencies.",
)
@cwd_option
@strict_option
def command(cwd: Path, strict: bool | None) -> None:
    """Install each function's requirements.txt (and the app root's) into the dependency cache
    the sandbox uses ($PYARC_CACHE_DIR, else ~/.cache/pyarc), as the sandbox does at start;
    files already installed are not fetched again. Node.js functions' package.json folders
    (the function's, src/shared's, src/views', the app root's) get `npm ci` (with a lockfile)
    or `npm install`, as Architect's hydrate does."""
    from pyarc.inventory.lambda_package import PACKAGE_FILE, node_package_folders, requirement_files
    from pyarc.sandbox.workers import Dependencies

    inventory = load_app(cwd, strict=strict)
    files = {path for fn in inventory.functions for path in requirement_files(inventory, fn)}
    packages = {
        folder / PACKAGE_FILE
        for fn in inventory.functions
        for folder in node_package_folders(inventory, fn)
    }
    if not files and not packages:
        click.echo("Nothing to install: no function has a requirements.txt or a package.json.")
        return
    failures = asyncio.run(
        Dependencies(say=click.echo, fail=lambda _: None, force_npm=True).install_all(inventory)
    )
    if failures:
        raise PyarcError("\n".join(failure.sentence() for failure in failures))
    found = [f"{len(files)} requirements file(s)"] if files else []
    found += [f"{len(packages)} package.json file(s)"] if packages else []
    click.echo(f"Dependencies ready: {' and '.join(found)}.")
