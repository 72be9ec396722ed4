"""static(path): fingerprinted names from static.json, plain names without it."""

from __future__ import annotations

import json
import os

from pyarc.functions import static


def test_plain_path_without_static_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert static("app.js") == "/_static/app.js"
    assert static("/css/site.css") == "/_static/css/site.css"


def test_fingerprinted_from_the_function_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "task"
    root.mkdir()
    (root / "static.json").write_text(json.dumps({"app.js": "app-7f3a1c.js"}))
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(root))
    assert static("app.js") == "/_static/app-7f3a1c.js"
    assert static("/app.js") == "/_static/app-7f3a1c.js"
    assert static("other.css") == "/_static/other.css"


def test_fingerprinted_from_the_sandbox_static_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    public = tmp_path / "public"
    public.mkdir()
    (public / "static.json").write_text(json.dumps({"img/cage.svg": "img/cage-12ab.svg"}))
    monkeypatch.setenv("ARC_SANDBOX", json.dumps({"staticPath": str(public)}))
    assert static("img/cage.svg") == "/_static/img/cage-12ab.svg"


def test_explicit_manifest_wins_and_changes_are_picked_up(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "static.json").write_text(json.dumps({"app.js": "app-cwd.js"}))
    explicit = tmp_path / "explicit.json"
    explicit.write_text(json.dumps({"app.js": "app-1.js"}))
    assert static("app.js") == "/_static/app-cwd.js"
    monkeypatch.setenv("ARC_STATIC_MANIFEST", str(explicit))
    assert static("app.js") == "/_static/app-1.js"
    explicit.write_text(json.dumps({"app.js": "app-2.js"}))
    stat = explicit.stat()
    os.utime(explicit, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert static("app.js") == "/_static/app-2.js"


def test_broken_static_json_falls_back_to_plain_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "static.json").write_text("{not json")
    assert static("app.js") == "/_static/app.js"
