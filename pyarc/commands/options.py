"""Options several commands share, and the one way a command reads the app's manifest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pyarc.inventory.model import Inventory

cwd_option = click.option(
    "--cwd",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The app directory (where app.arc lives).",
)

strict_option = click.option(
    "--strict",
    is_flag=True,
    default=None,
    help="Treat manifest warnings (unknown pragmas or settings) as errors; or PYARC_STRICT=1.",
)


def print_warning(message: str) -> None:
    """One manifest warning on stderr, as every command shows it."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, soft_wrap=True).print(
        f"[yellow]warning[/]: {escape(message)}", highlight=False
    )


def load_app(
    cwd: Path,
    env: str = "testing",
    strict: bool | None = None,
    warn: Callable[[str], None] = print_warning,
) -> Inventory:
    """The app's Inventory, its manifest warnings shown (or refused under --strict)."""
    from pyarc.inventory import load
    from pyarc.inventory.strict import report

    inventory = load(cwd, env)
    report(inventory, warn, strict)
    return inventory
