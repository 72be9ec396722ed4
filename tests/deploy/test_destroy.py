"""`destroy()` against moto: confirmation, data guard, stack and deployment files removed."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from rich.console import Console

from pyarc.deploy.build import BuildOptions
from pyarc.deploy.deployer import DeployOptions, deploy
from pyarc.deploy.destroy import destroy
from pyarc.errors import PyarcError

STACK = "CageSocketStaging"


def deployed(tmp_path: Path, make_app):  # noqa: ANN201
    inventory = make_app(tmp_path / "app")
    options = DeployOptions(
        build=BuildOptions(runtime_requirements=[]), poll_seconds=0.01, static=False
    )
    result = deploy(inventory, options, Console(quiet=True))
    return inventory, result


def stack_exists() -> bool:
    stacks = boto3.client("cloudformation").list_stacks()["StackSummaries"]
    return any(s["StackName"] == STACK and s["StackStatus"] != "DELETE_COMPLETE" for s in stacks)


def test_destroy_removes_the_stack_and_what_deploy_uploaded(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory, result = deployed(tmp_path, make_app)
    s3 = boto3.client("s3")
    bucket = result.deployment_bucket
    s3.put_object(Bucket=bucket, Key="SomeOtherAppStaging/functions/x.zip", Body=b"not ours")
    assert stack_exists()
    outcome = destroy(
        inventory, "staging", "cage-socket", console=Console(quiet=True), poll_seconds=0.01
    )
    assert outcome.deleted_stack
    assert not stack_exists()
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert left == ["SomeOtherAppStaging/functions/x.zip"]
    assert outcome.deleted_artifacts == len(result.uploads.uploaded)


def test_destroy_needs_the_app_name(moto_server: str, tmp_path: Path, make_app) -> None:
    inventory, _ = deployed(tmp_path, make_app)
    with pytest.raises(PyarcError, match="pass --app cage-socket"):
        destroy(inventory, "staging", "cage", console=Console(quiet=True))
    assert stack_exists()


def test_destroy_refuses_when_a_table_holds_data_unless_forced(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory, _ = deployed(tmp_path, make_app)
    table = boto3.client("ssm").get_parameter(Name=f"/{STACK}/tables/notes")["Parameter"]["Value"]
    boto3.client("dynamodb").put_item(TableName=table, Item={"id": {"S": "1"}})
    with pytest.raises(PyarcError, match=rf"table {table}.*--force"):
        destroy(inventory, "staging", "cage-socket", console=Console(quiet=True))
    assert stack_exists()
    destroy(
        inventory,
        "staging",
        "cage-socket",
        force=True,
        console=Console(quiet=True),
        poll_seconds=0.01,
    )
    assert not stack_exists()


def test_destroy_refuses_when_the_static_bucket_holds_files_unless_forced(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory, _ = deployed(tmp_path, make_app)
    bucket = boto3.client("ssm").get_parameter(Name=f"/{STACK}/static/bucket")["Parameter"]["Value"]
    boto3.client("s3").put_object(Bucket=bucket, Key="index.html", Body=b"<p>hi</p>")
    with pytest.raises(PyarcError, match=rf"bucket {bucket}"):
        destroy(inventory, "staging", "cage-socket", console=Console(quiet=True))
    outcome = destroy(
        inventory,
        "staging",
        "cage-socket",
        force=True,
        console=Console(quiet=True),
        poll_seconds=0.01,
    )
    assert bucket in outcome.emptied_buckets
    assert not stack_exists()


def test_the_apps_own_public_files_are_not_data(moto_server: str, tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    options = DeployOptions(build=BuildOptions(runtime_requirements=[]), poll_seconds=0.01)
    result = deploy(inventory, options, Console(quiet=True))
    assert sorted(result.static.uploaded) == ["css/app.css", "index.html"]
    outcome = destroy(
        inventory, "staging", "cage-socket", console=Console(quiet=True), poll_seconds=0.01
    )
    assert outcome.deleted_stack and not stack_exists()


def test_changed_or_extra_objects_are_data_and_a_few_are_named(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory = make_app(tmp_path / "app")
    options = DeployOptions(build=BuildOptions(runtime_requirements=[]), poll_seconds=0.01)
    deploy(inventory, options, Console(quiet=True))
    bucket = boto3.client("ssm").get_parameter(Name=f"/{STACK}/static/bucket")["Parameter"]["Value"]
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key="css/app.css", Body=b"body { color: red }")  # edited
    for name in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=f"uploads/{name}.png", Body=b"user data")
    with pytest.raises(PyarcError) as refused:
        destroy(inventory, "staging", "cage-socket", console=Console(quiet=True))
    assert str(refused.value) == (
        f"{STACK} still holds data (bucket {bucket} with 4 objects that are not the app's "
        "public/ files, e.g. css/app.css, uploads/a.png, uploads/b.png); back it up if you need "
        "it, then run the command again with --force."
    )
    assert stack_exists()


def test_production_needs_production_and_force_and_says_what_stays(
    moto_server: str, tmp_path: Path, make_app
) -> None:
    inventory = make_app(tmp_path / "app")
    for flags in ({}, {"force": True}, {"production": True}):
        with pytest.raises(PyarcError, match="needs --production --force") as refused:
            destroy(inventory, "production", "cage-socket", console=Console(quiet=True), **flags)
    table = inventory.tables[0].name
    assert f"leave behind table {table}" in str(refused.value)
    # with both flags it goes ahead (there is no production stack: deployment files only)
    outcome = destroy(
        inventory, "production", "cage-socket", force=True, production=True,
        console=Console(quiet=True), poll_seconds=0.01,
    )  # fmt: skip
    assert not outcome.deleted_stack
