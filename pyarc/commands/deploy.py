"""`pyarc deploy [staging|production]`: ship the app to AWS (or `--dry-run`: write sam.yaml)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from pyarc.commands.options import cwd_option, load_app, strict_option
from pyarc.errors import PyarcError


def parse_tags(values: tuple[str, ...]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for value in values:
        key, sep, tag = value.partition("=")
        if not sep or not key:
            raise PyarcError(f"The tag {value!r} is not key=value; write it like --tags team=web.")
        tags[key] = tag
    return tags


@click.command(name="deploy")
@click.argument(
    "env", required=False, default="staging", type=click.Choice(["staging", "production"])
)
@click.option("--dry-run", is_flag=True, help="Write sam.yaml (or sam.json) and stop; no AWS.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Template format for --dry-run.",
)
@click.option(
    "--explain-iam",
    is_flag=True,
    help="With --dry-run: print each function's rights and the code or setting behind each.",
)
@click.option("--name", "name_suffix", default=None, help="Suffix for the stack name.")
@click.option("--tags", multiple=True, metavar="KEY=VALUE", help="Stack tags (repeatable).")
@click.option("--no-static", "no_static", is_flag=True, help="Skip uploading static assets.")
@click.option(
    "--static-only",
    "--static",
    "static_only",
    is_flag=True,
    help="Only upload static assets to the existing stack's bucket.",
)
@click.option("--prune", is_flag=True, help="Delete static objects no longer in the folder.")
@cwd_option
@strict_option
def command(
    env: str,
    dry_run: bool,
    fmt: str,
    explain_iam: bool,
    name_suffix: str | None,
    tags: tuple[str, ...],
    no_static: bool,
    static_only: bool,
    prune: bool,
    cwd: Path,
    strict: bool | None,
) -> None:
    """Deploy the app to AWS with CloudFormation (staging by default)."""
    if no_static and static_only:
        raise PyarcError("--no-static and --static-only contradict each other; pick one.")
    if explain_iam and not dry_run:
        raise PyarcError("--explain-iam goes with --dry-run: pyarc deploy --dry-run --explain-iam")
    stack_tags = parse_tags(tags)  # before --dry-run too: a bad tag is wrong either way
    inventory = load_app(cwd, env, strict)
    console = Console()
    if dry_run:
        from pyarc.template import dry_run as write_template

        result = write_template(inventory, env, fmt, name_suffix)  # type: ignore[arg-type]
        console.print(result.summary(), highlight=False, markup=False, soft_wrap=True)
        if explain_iam:
            from pyarc.template import explain_iam as explain

            console.print(explain(inventory, env), highlight=False, markup=False, end="", soft_wrap=True)
        return
    from pyarc.deploy.deployer import DeployOptions, deploy

    deploy(
        inventory,
        DeployOptions(
            env=env,
            name_suffix=name_suffix,
            tags=stack_tags,
            static=not no_static,
            static_only=static_only,
            prune=prune,
        ),
        console,
    )
