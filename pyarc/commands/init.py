"""`pyarc init [DIR] [--ws] [--tables] [--events]`: a new app that runs at once."""

from __future__ import annotations

from pathlib import Path

import click

from pyarc.commands.scaffold import app_files, app_name
from pyarc.errors import PyarcError
from pyarc.manifest.discovery import find_manifest


@click.command(name="init", short_help="Create a new app (manifest, handler, test).")
@click.argument(
    "folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--name", default=None, help="The @app name (default: from the folder name).")
@click.option("--ws", is_flag=True, help="Add @ws: connect/disconnect and an echoing default.")
@click.option("--tables", is_flag=True, help="Add @tables notes with GET/POST /notes.")
@click.option("--events", is_flag=True, help="Add @events hello, published by POST /hello.")
def command(folder: Path, name: str | None, ws: bool, tables: bool, events: bool) -> None:
    """Create a runnable app in FOLDER (default: here): app.arc with `@http get /`, its
    handler, a .gitignore and a test using pyarc.testing. Existing files are never
    overwritten."""
    root = folder.resolve()
    if name is not None and app_name(name) != name:
        raise PyarcError(
            f"--name {name!r} is not a valid app name; use lowercase letters, numbers, '-' "
            f"and '_', starting with a letter (e.g. {app_name(name)})."
        )
    if root.exists() and not root.is_dir():
        raise PyarcError(f"{folder} is a file; give pyarc init a folder (new or empty).")
    existing = find_manifest(root) if root.is_dir() else None
    if existing is not None:
        raise PyarcError(
            f"{existing} already declares an app; pyarc init makes new apps only, so use an "
            "empty folder (pyarc init NEW_FOLDER)."
        )
    files = app_files(name or app_name(root.name), ws=ws, tables=tables, events=events)
    taken = sorted(path for path in files if (root / path).exists())
    if taken:
        raise PyarcError(
            f"{root / taken[0]} already exists; pyarc init never overwrites files, so move it "
            "away or use an empty folder."
        )
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shown = folder if str(folder) != "." else Path(".")
    click.echo(f"Created the app {files['app.arc'].split()[1]!r} in {shown}:")
    for path in sorted(files):
        click.echo(f"  {path}")
    go = "" if shown == Path(".") else f"cd {shown} && "
    click.echo(f"Next: {go}pyarc sandbox   (and `python -m pytest` to run tests/test_app.py)")
    if not pytest_installed():
        click.echo("pytest is not installed in this Python: `python -m pip install pytest` first.")


def pytest_installed() -> bool:
    """Whether this interpreter (the one `python -m pytest` in this venv runs) has pytest."""
    import importlib.util

    return importlib.util.find_spec("pytest") is not None
