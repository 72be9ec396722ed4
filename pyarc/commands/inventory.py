"""`pyarc inventory [--json] [--cwd DIR]`: the app as pyarc reads it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pyarc.commands.options import cwd_option, load_app, print_warning, strict_option
from pyarc.inventory import to_json
from pyarc.inventory.view import render


@click.command(
    name="inventory", short_help="Show the routes, tables and settings the manifest declares."
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON schema instead.")
@cwd_option
@click.option(
    "--env",
    type=click.Choice(["testing", "staging", "production"]),
    default="testing",
    show_default=True,
    help="Environment whose variables are shown.",
)
@strict_option
def command(as_json: bool, cwd: Path, env: str, strict: bool | None) -> None:
    """Show the app's routes, tables, events, queues, schedules and settings."""
    # --json carries the warnings in its `warnings` field; stderr stays clean for pipes
    inventory = load_app(cwd, env, strict, warn=(lambda _: None) if as_json else print_warning)
    if as_json:
        click.echo(json.dumps(to_json(inventory), indent=2))
        return
    render(inventory, env)
