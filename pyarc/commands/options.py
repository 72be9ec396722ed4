"""Options several commands share."""

from __future__ import annotations

from pathlib import Path

import click

cwd_option = click.option(
    "--cwd",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The app directory (where app.arc lives).",
)
