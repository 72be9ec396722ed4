"""`pyarc env`: list, add or remove the app's environment variables per environment."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pyarc.errors import PyarcError

ENV_CHOICE = click.Choice(["testing", "staging", "production"])


@click.command(name="env")
@click.option(
    "--add",
    "to_add",
    nargs=3,
    metavar="ENV NAME VALUE",
    default=None,
    help="Set NAME=VALUE for ENV (testing: prefs.arc; staging/production: SSM).",
)
@click.option(
    "--remove", "to_remove", nargs=2, metavar="ENV NAME", default=None, help="Remove NAME from ENV."
)
@click.option(
    "--cwd",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The app directory (where app.arc lives).",
)
def command(
    to_add: tuple[str, str, str] | None, to_remove: tuple[str, str] | None, cwd: Path
) -> None:
    """Show the variables of testing, staging and production, or change one."""
    from pyarc.deploy.env import add_variable, list_variables, remove_variable
    from pyarc.inventory import load

    if to_add and to_remove:
        raise PyarcError("--add and --remove cannot be used together; run them one at a time.")
    inventory = load(cwd)
    console = Console()
    if to_add:
        env, name, value = to_add
        where = add_variable(inventory, env, name, value)
        console.print(f"Set {name} for {env} in {where}", highlight=False)
        return
    if to_remove:
        env, name = to_remove
        where = remove_variable(inventory, env, name)
        console.print(f"Removed {name} for {env} from {where}", highlight=False)
        return
    table = Table("env", "name", "value")
    for env, variables in list_variables(inventory).items():
        for name, value in variables.items():
            table.add_row(env, name, value)
    console.print(table)
