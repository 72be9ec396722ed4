"""Static assets: fingerprints, headers, skipping unchanged files, --prune, --static-only."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import boto3
from rich.console import Console

from pyarc.deploy.build import BuildOptions
from pyarc.deploy.deployer import DeployOptions, deploy
from pyarc.deploy.static import IMMUTABLE, NO_CACHE, REVALIDATE, collect, content_type

STACK = "CageSocketStaging"


def options(**changes) -> DeployOptions:
    base = DeployOptions(build=BuildOptions(runtime_requirements=[]), poll_seconds=0.01)
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def static_bucket() -> str:
    return boto3.client("ssm").get_parameter(Name=f"/{STACK}/static/bucket")["Parameter"]["Value"]


def keys(bucket: str) -> list[str]:
    return sorted(o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket)["Contents"])


def test_content_types_and_cache_headers(tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    assert content_type("a/b.js") == "text/javascript; charset=utf-8"
    assert content_type("logo.png") == "image/png"
    assert content_type("blob.unknownext") == "application/octet-stream"
    headers = {f.key: f.cache_control for f in collect(inventory)}
    assert headers == {"css/app.css": REVALIDATE, "index.html": NO_CACHE}
    inventory.static.fingerprint = "external"
    assert {f.key: f.cache_control for f in collect(inventory)}["css/app.css"] == IMMUTABLE


def test_fingerprinted_assets_are_immutable_and_mapped_in_static_json(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory = make_app(tmp_path / "app")
    inventory.static.fingerprint = True
    result = deploy(inventory, options(), Console(quiet=True))
    css = (tmp_path / "app" / "public" / "css" / "app.css").read_bytes()
    fingerprinted = f"css/app-{hashlib.sha256(css).hexdigest()[:10]}.css"
    bucket = static_bucket()
    assert keys(bucket) == [fingerprinted, "index.html"]
    head = boto3.client("s3").head_object(Bucket=bucket, Key=fingerprinted)
    assert head["CacheControl"] == IMMUTABLE
    mapping = json.loads((tmp_path / "app" / "public" / "static.json").read_text())
    assert mapping == {"css/app.css": fingerprinted, "index.html": "index.html"}
    # every function carries the map at its root, where pyarc.functions.static() reads it
    artifact_key = next(k for k in result.uploads.uploaded if "/functions/" in k)
    body = boto3.client("s3").get_object(Bucket=result.deployment_bucket, Key=artifact_key)
    zip_path = tmp_path / "fn.zip"
    zip_path.write_bytes(body["Body"].read())
    with zipfile.ZipFile(zip_path) as zf:
        assert json.loads(zf.read("static.json")) == mapping


def test_prune_deletes_what_the_folder_no_longer_has(moto_server: str, tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    deploy(inventory, options(), Console(quiet=True))
    bucket = static_bucket()
    (tmp_path / "app" / "public" / "css" / "app.css").unlink()
    (tmp_path / "app" / "public" / "new.txt").write_text("new\n")

    kept = deploy(inventory, options(static_only=True), Console(quiet=True)).static
    assert kept is not None and kept.uploaded == ["new.txt"] and kept.deleted == []
    assert keys(bucket) == ["css/app.css", "index.html", "new.txt"]

    pruned = deploy(inventory, options(static_only=True, prune=True), Console(quiet=True)).static
    assert pruned is not None and pruned.deleted == ["css/app.css"] and pruned.uploaded == []
    assert keys(bucket) == ["index.html", "new.txt"]


def test_static_only_touches_no_stack_and_no_deployment_bucket(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory = make_app(tmp_path / "app")
    deploy(inventory, options(static=False), Console(quiet=True))
    bucket = static_bucket()
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=bucket)
    events_before = boto3.client("cloudformation").describe_stack_events(StackName=STACK)
    result = deploy(inventory, options(static_only=True), Console(quiet=True))
    assert result.uploads.uploaded == [] and result.stack is None
    assert keys(bucket) == ["css/app.css", "index.html"]
    events_after = boto3.client("cloudformation").describe_stack_events(StackName=STACK)
    assert len(events_after["StackEvents"]) == len(events_before["StackEvents"])
