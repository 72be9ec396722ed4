"""Fixtures for deploy tests: moto's server as the stand-in AWS, and small apps on disk."""

from __future__ import annotations

import base64
import hashlib
import textwrap
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from pyarc.inventory.model import (
    Aws,
    Function,
    FunctionConfig,
    HttpRoute,
    Inventory,
    Static,
    Table,
)
from pyarc.testing import free_port, wait_for_port

REGION = "us-west-2"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto server for the session (reset before each test that uses `moto_server`)."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def moto_server(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, clean_environment: None) -> str:
    """Point boto3 at a freshly reset moto with dummy credentials; return the endpoint."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)  # what plain boto3 clients in tests read
    return moto_endpoint


HANDLER = textwrap.dedent(
    """
    import json

    def handler(event, context):
        return {"statusCode": 200, "body": json.dumps({"version": VERSION})}
    """
)


def _write_handler(directory: Path, version: str = "1") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "lambda.py").write_text(f"VERSION = {version!r}\n" + HANDLER)


def _make_app(root: Path, name: str = "cage-socket") -> Inventory:
    """An app with two HTTP routes, a table and a static folder, built as dataclasses.

    `app.arc` says the same, so `pyarc.inventory.load(root)` gives an equivalent Inventory.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.arc").write_text(
        f"@app\n{name}\n@aws\nregion {REGION}\n@http\nget /\npost /things\n"
        "@tables\nnotes\n  id *String\n"
    )
    routes = []
    for method, path, dirname in (("get", "/", "get-index"), ("post", "/things", "post-things")):
        src = root / "src" / "http" / dirname
        _write_handler(src, version=dirname)
        fn = Function("http", dirname, src, FunctionConfig())
        routes.append(HttpRoute(method, path, fn))  # type: ignore[arg-type]
    shared = root / "src" / "shared"
    shared.mkdir(parents=True)
    (shared / "__init__.py").write_text("")
    (shared / "greeting.py").write_text("GREETING = 'hello'\n")
    public = root / "public"
    (public / "css").mkdir(parents=True)
    (public / "index.html").write_text("<!doctype html><title>hi</title>\n")
    (public / "css" / "app.css").write_text("body { color: teal }\n")
    return Inventory(
        app=name,
        cwd=root,
        manifest=root / "app.arc",
        aws=Aws(region=REGION),
        http=routes,
        tables=[Table("notes", "id", "String")],
        static=Static(),
        shared=[shared],
    )


def _build_wheel(out_dir: Path, name: str, version: str = "1.0", tag: str = "py3-none-any") -> Path:
    """Write a wheel `name` (a package with VALUE = version) tagged `tag` into `out_dir`.

    A wheel is a zip with a dist-info directory; writing one keeps the tests offline and
    independent of build tools.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f"VALUE = {version!r}\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        f"Tag: {tag}\n",
    }
    record = [
        f"{path},sha256={_record_hash(text.encode())},{len(text.encode())}"
        for path, text in files.items()
    ]
    files[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"
    wheel = out_dir / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
    return wheel


def _record_hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@pytest.fixture
def make_app():
    """`make_app(root, name="cage-socket") -> Inventory`."""
    return _make_app


@pytest.fixture
def write_handler():
    """`write_handler(directory, version="1")`: a lambda.py returning its version."""
    return _write_handler


@pytest.fixture
def build_wheel():
    """`build_wheel(out_dir, name, version="1.0", tag="py3-none-any") -> Path` (offline)."""
    return _build_wheel


@pytest.fixture
def isolated_aws(clean_environment: None) -> None:
    """No AWS credentials, profiles, region or endpoint from the machine running the tests."""
