"""A function's worker imports what its Lambda package would hold, and nothing else of the
sandbox's environment; its requirements.txt is installed by the sandbox into a shared cache."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pyarc.testing import Sandbox

MANIFEST = """\
@app
isolation

@http
get /starlette
get /click
get /table
get /provided
get /broken
"""

HANDLERS = {
    "src/http/get-starlette/lambda.py": """
        import starlette  # the sandbox's own dependency: not on Lambda

        def handler(event, context):
            return "imported"
    """,
    "src/http/get-click/lambda.py": """
        def handler(event, context):
            import click  # imported at invocation time
            return "imported"
    """,
    "src/http/get-table/lambda.py": """
        from tabulate import tabulate

        def handler(event, context):
            return {"statusCode": 200, "body": tabulate([["a", 1]], tablefmt="plain")}
    """,
    "src/http/get-table/requirements.txt": "tabulate\n",
    "src/http/get-provided/lambda.py": """
        import sys

        import boto3
        import botocore
        import pyarc.functions
        from shared.greeting import HELLO

        def handler(event, context):
            import pyarc
            return {"statusCode": 200, "body": " ".join([
                HELLO, str(sorted(name for name in ("sandbox", "cli", "inventory")
                                  if hasattr(pyarc, name))),
                str(any("site-packages" in entry for entry in sys.path if "pyarc-" not in entry)),
            ])}
    """,
    "src/http/get-broken/lambda.py": """
        def handler(event, context):
            return "never"
    """,
    "src/http/get-broken/requirements.txt": "this is === not a requirement\n",
    "src/shared/greeting.py": 'HELLO = "hello"\n',
}


def write_app(root: Path, manifest: str, handlers: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.arc").write_text(manifest)
    for name, text in handlers.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One dependency cache for the module: tabulate is fetched from PyPI once."""
    path = tmp_path_factory.mktemp("pyarc-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYARC_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Iterator[Sandbox]:
    app = write_app(tmp_path_factory.mktemp("isolation"), MANIFEST, HANDLERS)
    with Sandbox(app, watch=False, quiet=False) as sb:  # progress lines are not errors
        yield sb


def get(sb: Sandbox, path: str) -> httpx.Response:
    return httpx.get(sb.url + path, timeout=120)


def console(sb: Sandbox) -> str:
    assert sb.server is not None
    return "\n".join(sb.server.log.recent_lines()[1])


def test_a_package_of_the_sandbox_does_not_import_and_the_hint_names_the_file(sandbox):
    response = get(sandbox, "/starlette")
    assert response.status_code == 500
    output = "\n".join(sandbox.output("http:get-starlette"))
    assert "Runtime.ImportModuleError: Unable to import module 'lambda': No module named " \
           "'starlette'" in output
    assert "add `starlette` to src/http/get-starlette/requirements.txt" in output.replace(
        str(sandbox.path) + "/", ""
    )


def test_an_import_at_invocation_time_fails_the_same_way(sandbox):
    assert get(sandbox, "/click").status_code == 500
    output = "\n".join(sandbox.output("http:get-click"))
    assert "ModuleNotFoundError: No module named 'click'" in output
    assert "requirements.txt" in output


def test_a_declared_requirement_is_installed_by_the_sandbox(sandbox, cache_dir):
    response = get(sandbox, "/table")  # waits for the background install
    assert response.status_code == 200, "\n".join(sandbox.output())
    assert response.text.split() == ["a", "1"]
    installed = [p for p in (cache_dir / "deps").iterdir() if not p.name.startswith(".")]
    assert len(installed) == 1 and any(installed[0].glob("tabulate*"))
    assert "requirements.txt into the dependency cache" in console(sandbox)


def test_boto3_the_helper_and_shared_code_are_there_and_nothing_else(sandbox):
    response = get(sandbox, "/provided")
    assert response.status_code == 200, "\n".join(sandbox.output())
    hello, pyarc_parts, site_packages = response.text.split(" ", 2)
    assert hello == "hello"
    assert pyarc_parts == "[]"  # only pyarc.functions, as deploy packages it
    assert site_packages == "False"


def test_a_failed_install_is_one_error_naming_the_file_and_others_keep_serving(sandbox):
    response = get(sandbox, "/broken")
    assert response.status_code == 500
    text = console(sandbox)
    failures = [line for line in text.splitlines() if "Installing the dependencies" in line]
    assert len(failures) == 1
    assert "src/http/get-broken/requirements.txt failed" in failures[0]
    assert "Invalid requirement" in failures[0]  # pip's own message
    assert get(sandbox, "/provided").status_code == 200


def test_the_cache_is_shared_between_apps_and_used_offline(
    tmp_path: Path, cache_dir: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
):
    assert get(sandbox, "/table").status_code == 200  # installed once, by the first app
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # a pip run now would fail: nothing to install from
    handlers = {k: v for k, v in HANDLERS.items() if "get-table" in k}
    other = write_app(tmp_path / "other", MANIFEST.replace("isolation", "other"), handlers)
    with Sandbox(other, watch=False, quiet=False) as sb:
        response = get(sb, "/table")
        assert response.status_code == 200, console(sb)
        assert "installing" not in console(sb)


def test_a_changed_requirements_file_is_installed_again_in_the_background(
    tmp_path: Path, cache_dir: Path
):
    handlers = {k: v for k, v in HANDLERS.items() if "get-broken" in k}
    app = write_app(tmp_path / "fixing", MANIFEST, handlers)
    with Sandbox(app, watch=False, quiet=False) as sb:
        assert get(sb, "/broken").status_code == 500
        requirements = app / "src/http/get-broken/requirements.txt"
        requirements.write_text("tabulate\n")  # the fix: already in the module's cache
        assert sb.server is not None and sb.server.watcher is None
        from pyarc.sandbox.watcher import Watcher

        sb.call(lambda: _handle(Watcher(sb.server), {requirements}))
        response = get(sb, "/broken")
        assert response.status_code == 200 and response.json() == "never"


async def _handle(watcher, changed: set[Path]) -> None:
    watcher.handle(changed)


def test_hydrate_installs_alone_and_names_a_failure(tmp_path: Path, cache_dir: Path):
    from click.testing import CliRunner

    from pyarc.cli import cli

    good = {k: v for k, v in HANDLERS.items() if "get-table" in k}
    app = write_app(tmp_path / "good", MANIFEST, good)
    result = CliRunner().invoke(cli, ["hydrate", "--cwd", str(app)])
    assert result.exit_code == 0, result.output
    assert "Dependencies ready: 1 requirements file(s)." in result.output
    bad = write_app(tmp_path / "bad", MANIFEST, HANDLERS)
    result = CliRunner().invoke(cli, ["hydrate", "--cwd", str(bad)])
    assert result.exit_code == 1  # main() prints the PyarcError as one sentence
    assert "get-broken/requirements.txt failed: ERROR: Invalid requirement" in str(
        result.exception
    )
