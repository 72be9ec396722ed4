"""A Node.js function's npm dependencies (its package.json, installed as Architect's hydrate
does) and `@architect/shared` / `@architect/views`, from CommonJS and ES modules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from pyarc.cli import cli
from pyarc.testing import Sandbox

from .conftest import run, write_app

MANIFEST = """\
@app
node-deps

@aws
runtime nodejs20.x

@http
get /cjs
get /esm
get /broken

@events
tick
"""

FILES = {
    # a local package stands for a registry one (tests stay offline): npm installs it the same
    "lib/shout/package.json": '{"name": "shout", "version": "1.0.0", "main": "index.js"}\n',
    "lib/shout/index.js": "module.exports = text => text.toUpperCase() + '!'\n",
    "src/http/get-cjs/package.json": json.dumps(
        {"name": "get-cjs", "private": True, "dependencies": {"shout": "file:../../../lib/shout"}}
    ),
    "src/http/get-cjs/index.js": """
        const shout = require('shout')
        const { greet } = require('@architect/shared/greet')
        const page = require('@architect/views/page')
        exports.handler = async () => ({ statusCode: 200, body: page(shout(greet('cjs'))) })
    """,
    "src/http/get-esm/index.mjs": """
        import { greet } from '@architect/shared/greet.js'
        import page from '@architect/views/page.js'
        export const handler = async () => ({ statusCode: 200, body: page(greet('esm')) })
    """,
    "src/http/get-broken/package.json": '{"name": "get-broken", "dependencies": {"a": \n',
    "src/http/get-broken/index.js": "exports.handler = async () => ({ statusCode: 200 })\n",
    "src/events/tick/index.js": """
        exports.handler = async () => {
          try { require('@architect/views/page'); return 'views' } catch { return 'no views' }
        }
    """,
    "src/shared/greet.js": "exports.greet = name => `hello ${name}`\n",
    "src/views/page.js": "module.exports = body => `<p>${body}</p>`\n",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_app(tmp_path_factory.mktemp("node-deps"), MANIFEST, FILES)


@pytest.fixture(scope="module")
def sandbox(app: Path) -> Iterator[Sandbox]:
    with Sandbox(app, watch=False) as running:
        yield running


def test_the_package_json_is_installed_and_shared_code_resolves(sandbox: Sandbox, app: Path) -> None:
    response = httpx.get(f"{sandbox.url}/cjs", timeout=60)
    assert response.status_code == 200, sandbox.output()
    assert response.text == "<p>HELLO CJS!</p>"
    assert (app / "src/http/get-cjs/node_modules/shout").exists()  # installed in place, as npm does


def test_es_modules_import_architect_shared_and_views(sandbox: Sandbox) -> None:
    assert httpx.get(f"{sandbox.url}/esm", timeout=60).text == "<p>hello esm</p>"


def test_views_are_for_http_functions_only(sandbox: Sandbox) -> None:
    result = run(sandbox, "events:tick", {})
    assert result.payload == "no views"  # as Architect copies src/views into @http functions


def test_a_failed_install_fails_that_function_only(sandbox: Sandbox) -> None:
    result = run(sandbox, "http:get-broken", {})
    assert result.error is not None
    assert result.error.error_type == "Sandbox.DependencyInstallFailed"
    assert "src/http/get-broken/package.json" in result.error.error_message
    assert "npm's message" in result.error.error_message
    assert httpx.get(f"{sandbox.url}/esm", timeout=60).status_code == 200  # the rest serves


def test_hydrate_runs_npm_ci_with_a_lockfile(app: Path) -> None:
    function = app / "src/http/get-cjs"
    assert (function / "package-lock.json").is_file()  # written by the sandbox's npm install
    (function / "node_modules" / "shout").unlink()
    result = CliRunner().invoke(cli, ["hydrate", "--cwd", str(app)])
    assert "package.json with `npm ci`" in result.output
    assert (function / "node_modules" / "shout").exists()
    assert result.exit_code == 1  # get-broken's package.json still fails, and is named
    assert result.exception is not None
    failed = str(result.exception)
    assert "get-broken/package.json failed: npm error code EJSONPARSE" in failed
