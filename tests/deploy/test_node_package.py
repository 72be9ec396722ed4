"""Node.js functions in `pyarc deploy`: packaged with their production dependencies (npm, from
the registry), @shared/@views as @architect/shared|views, beside Python functions; the
template gives them their runtime and handler; a mixed app deploys against moto's server."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import boto3
import pytest

from pyarc.deploy.build import BuildOptions
from pyarc.deploy.package import Artifact, package_functions
from pyarc.errors import PyarcError
from pyarc.inventory import Inventory, load
from pyarc.template import build, explain_iam, names
from tests.node.conftest import write_app
from tests.template.conftest import build_and_validate

from .test_deploy import console, options

pytestmark = pytest.mark.timeout(300)
OFFLINE = BuildOptions(runtime_requirements=[])  # the Python helper needs nothing more

MANIFEST = """\
@app
mixed

@aws
region us-west-2

@http
get /
get /js
post /js

@events
ping

@tables
notes
  id *String
"""

FILES = {
    "src/http/get-index/lambda.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
    "src/http/get-js/config.arc": "@aws\nruntime nodejs22.x\n",
    "src/http/get-js/index.mjs": """\
        import arc from '@architect/functions'
        import ms from 'ms'
        export async function handler (req) {
          const data = await arc.tables()
          const note = await data.notes.get({ id: req.queryStringParameters.id })
          await arc.events.publish({ name: 'ping', payload: { note } })
          return { statusCode: 200, body: ms(60000) }
        }
        """,
    "src/http/get-js/package.json": json.dumps(
        {
            "name": "get-js",
            "private": True,
            "dependencies": {"ms": "2.1.3"},
            "devDependencies": {"is-number": "7.0.0"},
        }
    ),  # fmt: skip
    "src/http/post-js/config.arc": "@aws\nruntime nodejs24.x\nhandler app.main\n",
    "src/http/post-js/app.cjs": "exports.main = async () => ({ statusCode: 201 })\n",
    "src/events/ping/config.arc": "@aws\nruntime nodejs22.x\n",
    "src/events/ping/index.js": "exports.handler = async (event) => console.log(event)\n",
    "src/shared/greeting.js": "module.exports = 'hello'\n",
    "src/shared/package.json": json.dumps(
        {"name": "shared", "dependencies": {"ee-first": "1.1.1"}}
    ),
    "src/shared/greeting.py": "GREETING = 'hello'\n",
    "src/views/page.js": "module.exports = () => '<p>hi</p>'\n",
    "package.json": json.dumps(
        {
            "name": "mixed",
            "private": True,
            "dependencies": {"ms": "2.1.2", "escape-html": "1.0.3"},
            "devDependencies": {"is-number": "7.0.0"},
        }
    ),  # fmt: skip
}


def write_mixed_app(root: Path) -> Inventory:
    write_app(root, MANIFEST, FILES)
    # get-js installs from a lock file (npm ci); the root has none (npm install)
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=root / "src/http/get-js", check=True, capture_output=True,
    )  # fmt: skip
    return load(root)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inventory, dict[str, Artifact]]:
    root = tmp_path_factory.mktemp("mixed")
    inventory = write_mixed_app(root / "app")
    return inventory, package_functions(inventory, root / "work", OFFLINE)


def entries(artifact: Artifact) -> dict[str, bytes]:
    with zipfile.ZipFile(artifact.path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def version_of(files: dict[str, bytes], package: str) -> str:
    return json.loads(files[f"node_modules/{package}/package.json"])["version"]


def test_a_node_function_holds_its_production_dependencies_not_its_dev_ones(mixed) -> None:
    _, artifacts = mixed
    files = entries(artifacts["http:get-js"])
    assert {"index.mjs", "package.json", "package-lock.json", "config.arc"} <= set(files)
    assert version_of(files, "ms") == "2.1.3"  # its own version, not the root's 2.1.2
    assert version_of(files, "escape-html") == "1.0.3"  # the root's, as Node resolves it
    assert not any(name.startswith("node_modules/is-number/") for name in files)
    assert not any("/.bin/" in name or name.endswith(".package-lock.json") for name in files)
    assert not any(name.startswith("pyarc/") for name in files)  # the Python helper is not there


def test_shared_and_views_are_architect_packages_in_node_functions(mixed) -> None:
    _, artifacts = mixed
    http = entries(artifacts["http:get-js"])
    assert http["node_modules/@architect/shared/greeting.js"] == b"module.exports = 'hello'\n"
    assert "node_modules/@architect/views/page.js" in http
    # @shared's own dependencies sit beside it, where its code resolves them
    assert "node_modules/@architect/shared/node_modules/ee-first/index.js" in http
    assert not any(name.startswith("node_modules/ee-first/") for name in http)
    event = entries(artifacts["events:ping"])
    assert "node_modules/@architect/shared/greeting.js" in event
    assert not any(name.startswith("node_modules/@architect/views/") for name in event)
    assert version_of(event, "ms") == "2.1.2"  # no package.json of its own: the root's


def test_static_json_sits_where_arc_static_reads_it(mixed, tmp_path: Path) -> None:
    """@architect/functions' arc.static reads node_modules/@architect/shared/static.json."""
    inventory, _ = mixed
    manifest = tmp_path / "static.json"
    manifest.write_text('{"app.css": "app-0123456789.css"}')
    options = BuildOptions(runtime_requirements=[], extra_files={"static.json": str(manifest)})
    fn = inventory.function("events:ping")
    files = entries(package_functions(inventory, tmp_path / "work", options, [fn])[fn.key])
    assert files["node_modules/@architect/shared/static.json"] == manifest.read_bytes()


def test_python_functions_of_a_mixed_app_stay_python(mixed) -> None:
    _, artifacts = mixed
    files = entries(artifacts["http:get-index"])
    assert {"lambda.py", "shared/greeting.py", "pyarc/functions/__init__.py"} <= set(files)
    assert not any(name.startswith("node_modules/") for name in files)


def test_node_packages_are_reproducible(mixed, tmp_path: Path) -> None:
    inventory, artifacts = mixed
    again = package_functions(inventory, tmp_path / "again", OFFLINE)
    assert {k: a.sha256 for k, a in again.items()} == {k: a.sha256 for k, a in artifacts.items()}


def test_the_template_gives_node_functions_their_runtime_and_handler(
    mixed, monkeypatch: pytest.MonkeyPatch
) -> None:
    inventory, _ = mixed
    template, _ = build_and_validate(inventory, monkeypatch)  # cfn-lint and SAM clean
    props = {
        fn.key: template["Resources"][names.function_id(fn)]["Properties"]
        for fn in inventory.functions
    }
    assert (props["http:get-js"]["Runtime"], props["http:get-js"]["Handler"]) == (
        "nodejs22.x", "index.handler"
    )  # fmt: skip
    assert (props["http:post-js"]["Runtime"], props["http:post-js"]["Handler"]) == (
        "nodejs24.x", "app.main"
    )  # fmt: skip
    assert props["events:ping"]["Handler"] == "index.handler"
    assert (props["http:get-index"]["Runtime"], props["http:get-index"]["Handler"]) == (
        "python3.13", "lambda.handler"
    )  # fmt: skip


def test_a_node_functions_role_holds_what_its_javascript_uses(mixed) -> None:
    inventory, _ = mixed
    text = explain_iam(inventory)
    section = text.split("http:get-js")[1].split("\n\n")[0]
    assert "dynamodb:GetItem\n      on table notes: src/http/get-js/index.mjs:5" in section
    assert "sns:Publish\n      on event ping: src/http/get-js/index.mjs:6" in section
    assert "PutItem" not in section and "sqs:" not in section
    template = build(inventory)
    role = template["Resources"][names.role_id(inventory.function("http:post-js"))]
    granted = json.dumps(role["Properties"]["Policies"])
    assert "dynamodb:" not in granted and "sns:" not in granted  # app.cjs uses nothing


def test_a_package_the_code_loads_but_no_package_json_lists_is_a_warning(mixed) -> None:
    """index.mjs imports @architect/functions, which neither its package.json nor the
    root's lists: Lambda would fail with Runtime.ImportModuleError."""
    _, artifacts = mixed
    (warning,) = artifacts["http:get-js"].warnings
    assert warning.startswith(
        "http:get-js: src/http/get-js/index.mjs:1 loads '@architect/functions'"
    )
    assert "`npm install @architect/functions`" in warning
    assert all(
        not artifacts[key].warnings for key in ("http:post-js", "events:ping", "http:get-index")
    )


def test_builtins_the_aws_sdk_shared_code_and_relative_files_are_no_warning(
    tmp_path: Path,
) -> None:
    root = write_app(tmp_path / "app", "@app\nfine\n@aws\nruntime nodejs22.x\n@http\nget /\n", {
        "src/http/get-index/index.mjs": """\
            import fs from 'fs'
            import path from 'node:path'
            import { S3Client } from '@aws-sdk/client-s3'
            import { greet } from '@architect/shared/greet.mjs'
            import local from './local.mjs'
            export const handler = async () => ({ body: greet() + local + fs.sep + path.sep })
            """,
        "src/http/get-index/local.mjs": "export default 'x'\n",
        "src/shared/greet.mjs": "export const greet = () => require('left-pad')\n",
    })  # fmt: skip
    artifacts = package_functions(load(root), tmp_path / "work", OFFLINE)
    # only the shared code's own require of an unlisted package is reported
    (warning,) = artifacts["http:get-index"].warnings
    assert "src/shared/greet.mjs:1 loads 'left-pad'" in warning


def test_an_npm_failure_is_one_sentence_naming_the_package_json(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "src/http/get-index").mkdir(parents=True)
    (root / "app.arc").write_text("@app\nbroken\n@aws\nruntime nodejs22.x\n@http\nget /\n")
    (root / "src/http/get-index/index.js").write_text("exports.handler = async () => ({})\n")
    package = root / "src/http/get-index/package.json"
    package.write_text(json.dumps({"dependencies": {"pyarc-no-such-package-zz9": "1.0.0"}}))
    with pytest.raises(PyarcError) as raised:
        package_functions(load(root), tmp_path / "work", OFFLINE)
    message = str(raised.value)
    assert str(package) in message and "linux arm64" in message and "404" in message
    assert "\n" not in message


def test_the_javascript_example_packages_architect_functions_and_its_shared_code(
    tmp_path: Path,
) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "cage_socket_js"
    inventory = load(example)
    fn = inventory.function("ws:default")
    files = entries(package_functions(inventory, tmp_path / "work", OFFLINE, [fn])[fn.key])
    assert "index.js" in files and "node_modules/@architect/shared/aviary.js" in files
    assert version_of(files, "@architect/functions").startswith("8.")  # from package-lock.json
    assert "node_modules/@aws-lite/dynamodb/package.json" in files  # and what it depends on


def test_the_javascript_examples_built_page_runs_under_node_as_on_lambda(tmp_path: Path) -> None:
    """Unzipped as /var/task and run by node with only the package's own node_modules:
    arc.http answers, and arc.static reads the fingerprints from @architect/shared."""
    example = Path(__file__).resolve().parents[2] / "examples" / "cage_socket_js"
    inventory = load(example)
    manifest = tmp_path / "static.json"
    manifest.write_text('{"client.js": "client-0123456789.js"}')
    options = BuildOptions(runtime_requirements=[], extra_files={"static.json": str(manifest)})
    fn = inventory.function("http:get-index")
    artifact = package_functions(inventory, tmp_path / "work", options, [fn])[fn.key]
    task = tmp_path / "task"
    with zipfile.ZipFile(artifact.path) as zf:
        zf.extractall(task)
    event = {
        "version": "2.0", "routeKey": "GET /", "rawPath": "/", "rawQueryString": "",
        "headers": {"host": "example"}, "isBase64Encoded": False,
        "requestContext": {"http": {"method": "GET", "path": "/"}},
    }  # fmt: skip
    script = (
        f"require('./index.js').handler({json.dumps(event)})"
        ".then(r => console.log(JSON.stringify(r)), e => { console.error(e); process.exit(1) })"
    )
    env = {"PATH": os.environ["PATH"], "ARC_ENV": "staging", "AWS_REGION": "us-east-1",
           "ARC_WSS_URL": "wss://example.test/staging", "ARC_SESSION_TABLE_NAME": "jwe"}  # fmt: skip
    done = subprocess.run(
        ["node", "-e", script], cwd=task, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout.strip().splitlines()[-1])
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"].startswith("text/html")
    assert 'src="/_static/client-0123456789.js"' in response["body"]
    assert 'data-wss-url="wss://example.test/staging"' in response["body"]


def test_a_mixed_app_deploys_against_moto(moto_server: str, tmp_path: Path) -> None:
    inventory = write_mixed_app(tmp_path / "app")
    from pyarc.deploy.deployer import deploy

    out = console()
    deploy(inventory, options(), out)
    printed = out.export_text()
    assert (
        "warning: http:get-js: src/http/get-js/index.mjs:1 loads '@architect/functions'" in printed
    )
    cfn = boto3.client("cloudformation")
    stack = "MixedStaging"
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    }
    lam = boto3.client("lambda")
    expected = {
        "http:get-js": ("nodejs22.x", "index.handler"),
        "http:post-js": ("nodejs24.x", "app.main"),
        "events:ping": ("nodejs22.x", "index.handler"),
        "http:get-index": ("python3.13", "lambda.handler"),
    }
    for key, (runtime, handler) in expected.items():
        physical = resources[names.function_id(inventory.function(key))]
        config = lam.get_function(FunctionName=physical)["Configuration"]
        assert (config["Runtime"], config["Handler"]) == (runtime, handler), key
