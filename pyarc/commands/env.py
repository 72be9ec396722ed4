"""`pyarc env`: list, add or remove the app's environment variables per environment."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pyarc.commands.options import cwd_option, load_app, strict_option
from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory

ENV_CHOICE = click.Choice(["testing", "staging", "production"])


@click.command(name="env", short_help="Show or change environment variables per environment.")
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
@cwd_option
@strict_option
def command(
    to_add: tuple[str, str, str] | None,
    to_remove: tuple[str, str] | None,
    cwd: Path,
    strict: bool | None,
) -> None:
    """Show the variables of testing, staging and production, or change one."""
    from pyarc.deploy.env import add_variable, prefs_path, remove_variable

    if to_add and to_remove:
        raise PyarcError("--add and --remove cannot be used together; run them one at a time.")
    inventory = load_app(cwd, strict=strict)
    console = Console()
    if to_add:
        env, name, value = to_add
        where = add_variable(inventory, env, name, value)
        console.print(f"Set {name} for {env} in {where}", highlight=False)
        return
    if to_remove:
        env, name = to_remove
        if env == "testing" and name not in inventory.env_vars("testing"):
            raise PyarcError(
                f"{name} is not set for testing in {prefs_path(inventory)}; nothing to remove."
            )
        where = remove_variable(inventory, env, name)
        console.print(f"Removed {name} for {env} from {where}", highlight=False)
        return
    table = Table("env", "name", "value")
    for env, variables in _all_variables(inventory, console).items():
        for name, value in variables.items():
            table.add_row(env, name, value)
    if not table.rows:
        console.print(
            "No environment variables are set; add one with "
            "`pyarc env --add testing NAME VALUE` (or staging, production).",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
        return
    console.print(table)


def _all_variables(inventory: Inventory, console: Console) -> dict[str, dict[str, str]]:
    """Every environment's variables; only testing's when AWS cannot be asked (with a note)."""
    from pyarc.deploy.env import list_variables

    try:
        return list_variables(inventory)
    except PyarcError as exc:
        reason = str(exc)
    except Exception as exc:  # botocore: no network, endpoint refused, access denied...
        if not type(exc).__module__.startswith("botocore"):
            raise
        reason = str(exc)
    console.print(
        f"[yellow]note[/]: staging and production are not shown: {escape(reason)}",
        highlight=False,
        soft_wrap=True,
    )
    return {"testing": dict(sorted(inventory.env_vars("testing").items()))}
