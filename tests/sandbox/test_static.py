"""Static files: types, ETag/304, fingerprints, GET / fallback, no way out of the folder."""

from __future__ import annotations

import httpx
import pytest

from pyarc.testing import Sandbox


def test_serves_with_type_and_etag(sandbox: Sandbox) -> None:
    first = httpx.get(sandbox.url + "/_static/style.css")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/css")
    assert first.text == "body { color: red }"
    again = httpx.get(
        sandbox.url + "/_static/style.css", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


def test_fingerprinted_name_resolves_through_static_json(tmp_path) -> None:
    app = tmp_path / "fp"
    (app / "public").mkdir(parents=True)
    (app / "app.arc").write_text("@app\nfp\n\n@static\nfingerprint true\n")
    (app / "public/app.js").write_text("export const x = 1")
    (app / "public/static.json").write_text('{"app.js": "app-abc123.js"}')
    with Sandbox(app, watch=False) as sb:
        fingerprinted = httpx.get(sb.url + "/_static/app-abc123.js")
        plain = httpx.get(sb.url + "/_static/app.js")
    assert fingerprinted.status_code == 200 and fingerprinted.text == "export const x = 1"
    assert plain.status_code == 200


def test_root_falls_back_to_index_html_without_a_root_route(tmp_path) -> None:
    app = tmp_path / "site"
    (app / "public").mkdir(parents=True)
    (app / "app.arc").write_text("@app\nsite\n\n@static\n")
    (app / "public/index.html").write_text("<h1>hello</h1>")
    with Sandbox(app, watch=False) as sb:
        response = httpx.get(sb.url + "/")
    assert response.status_code == 200 and response.text == "<h1>hello</h1>"
    assert response.headers["content-type"].startswith("text/html")


def test_missing_static_file_is_404(sandbox: Sandbox) -> None:
    assert httpx.get(sandbox.url + "/_static/nope.css").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/_static/../app.arc",
        "/_static/%2e%2e/app.arc",
        "/_static/%2e%2e%2fapp.arc",
        "/_static/..%2F.env",
        "/_static/.%2e/.%2e/.%2e/etc/passwd",
        "/_static//etc/passwd",
        "/_static/%2fetc%2fpasswd",
        "/_static/..\\app.arc",
        "/../app.arc",
        "/%2e%2e/app.arc",
        "/_static/link.arc",
    ],
)
def test_no_path_escapes_the_static_folder(sandbox: Sandbox, gateway_app_dir, raw_http, path: str) -> None:
    link = gateway_app_dir / "public" / "link.arc"
    if not link.is_symlink():
        link.symlink_to(gateway_app_dir / "app.arc")
    status, body = raw_http(sandbox.port, f"GET {path} HTTP/1.1")
    assert status in (400, 404)
    assert b"gateway-test" not in body and b"root:" not in body and b"EVENT_LOG" not in body
    assert httpx.get(sandbox.url + "/_static/style.css").status_code == 200  # still serving
