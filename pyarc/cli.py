"""The `pyarc` command. Thin: each command lives in `pyarc/commands/<name>.py`."""

from __future__ import annotations

import importlib
import os
import sys

import click

from pyarc import __version__
from pyarc.errors import ManifestError, PyarcError

# command name -> module in pyarc.commands exposing a click command named `command`
COMMANDS = {
    "inventory": "inventory",
    "sandbox": "sandbox",
    "tables": "tables",
    "deploy": "deploy",
    "destroy": "destroy",
    "env": "env",
    "invoke": "invoke",
    "init": "init",
    "logs": "logs",
    "hydrate": "hydrate",
}


class LazyGroup(click.Group):
    """Imports a command's module only when it runs, so `pyarc --help` stays instant."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        return importlib.import_module(f"pyarc.commands.{module_name}").command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pyarc")
def cli() -> None:
    """pyarc: Architect for Python. One manifest; a local sandbox and an AWS deploy."""


def user_message(exc: PyarcError) -> str:
    """The sentence to print for `exc`: a manifest path is shown relative to where you are."""
    if isinstance(exc, ManifestError) and exc.file and os.path.isabs(exc.file):
        try:
            relative = os.path.relpath(exc.file)
        except ValueError:  # another drive on Windows
            relative = exc.file
        if not relative.startswith(".."):
            shown = ManifestError(exc.message, relative, exc.line, exc.column)
            return str(shown)
    return str(exc)


def connection_message(exc: Exception) -> str | None:
    """One sentence for botocore failing to reach an endpoint (no network, wrong URL), else None."""
    botocore_exceptions = sys.modules.get("botocore.exceptions")
    if botocore_exceptions is None:
        return None
    if isinstance(
        exc, botocore_exceptions.EndpointConnectionError | botocore_exceptions.ConnectTimeoutError
    ):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "the AWS endpoint")
        return (
            f"Could not reach {url}; check your network connection (or AWS_ENDPOINT_URL, if you "
            "point pyarc at a local stand-in) and run the command again."
        )
    return None


def _print_error(message: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, soft_wrap=True).print(
        f"[bold red]error[/]: {escape(message)}", highlight=False
    )


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except PyarcError as exc:
        _print_error(user_message(exc))
        sys.exit(2)
    except Exception as exc:
        message = connection_message(exc)
        if message is None:
            raise
        _print_error(message)
        sys.exit(2)
