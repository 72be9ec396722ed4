"""`pyarc destroy [staging|production] --app NAME [--force]`: delete the app's stack."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from pyarc.commands.options import cwd_option, load_app, strict_option


@click.command(name="destroy", short_help="Delete the app's stack and its deployment files.")
@click.argument(
    "env", required=False, default="staging", type=click.Choice(["staging", "production"])
)
@click.option(
    "--app",
    "app_name",
    required=True,
    help="The app's name, as in the manifest: confirms what is destroyed.",
)
@click.option("--force", is_flag=True, help="Destroy even when tables or buckets hold data.")
@click.option(
    "--production", "confirm_production", is_flag=True,
    help="With --force: confirms destroying production (its tables are kept).",
)  # fmt: skip
@click.option("--name", "name_suffix", default=None, help="Stack name suffix used at deploy.")
@cwd_option
@strict_option
def command(
    env: str,
    app_name: str,
    force: bool,
    confirm_production: bool,
    name_suffix: str | None,
    cwd: Path,
    strict: bool | None,
) -> None:
    """Delete the app's CloudFormation stack and the deployment files it left behind."""
    from pyarc.deploy.destroy import destroy
    destroy(
        load_app(cwd, env, strict),
        env,
        app_name,
        force=force,
        name_suffix=name_suffix,
        console=Console(),
        production=confirm_production,
    )
