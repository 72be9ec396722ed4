"""`pyarc deploy`: package, upload, apply the stack, publish static assets, report the URLs."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
from rich.console import Console
from rich.markup import escape

from pyarc.deploy.bucket import default_bucket_name, ensure_bucket
from pyarc.deploy.build import BuildOptions
from pyarc.deploy.changeset import ApplyResult, StackApplier
from pyarc.deploy.credentials import account_id, aws_session
from pyarc.deploy.package import package_functions
from pyarc.deploy.static import (
    MANIFEST_NAME,
    StaticReport,
    publish_static,
    write_fingerprint_manifest,
)
from pyarc.deploy.transform import expand_sam
from pyarc.deploy.upload import UploadReport, upload_artifacts, upload_template
from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory

ENVIRONMENTS = ("staging", "production")
URL_OUTPUTS = ("API", "WSS", "BucketURL", "CDN")


@dataclass
class DeployOptions:
    env: str = "staging"
    name_suffix: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    static: bool = True  # False: --no-static
    static_only: bool = False  # --static-only / --static
    prune: bool = False
    build: BuildOptions = field(default_factory=BuildOptions)
    poll_seconds: float = 2.0
    work_dir: Path | None = None  # where functions are built; a temporary dir by default


@dataclass
class DeployResult:
    stack_name: str
    deployment_bucket: str | None
    uploads: UploadReport
    stack: ApplyResult | None
    static: StaticReport | None
    outputs: dict[str, str] = field(default_factory=dict)


def deploy(
    inventory: Inventory,
    options: DeployOptions | None = None,
    console: Console | None = None,
    session: boto3.Session | None = None,
) -> DeployResult:
    """Deploy `inventory` to `options.env`; raise PyarcError with the reason when it fails."""
    from pyarc import template

    started = time.monotonic()
    options = options or DeployOptions()
    console = console or Console()
    if options.env not in ENVIRONMENTS:
        raise PyarcError(f"Unknown environment {options.env!r}; deploy to staging or production.")
    session = session or aws_session(inventory.aws)
    account = account_id(session)
    stack_name = template.stack_name(inventory, options.env, options.name_suffix)
    cfn = session.client("cloudformation")
    s3 = session.client("s3")
    ssm = session.client("ssm")
    applier = StackApplier(cfn, console, poll_seconds=options.poll_seconds)
    uploads = UploadReport()

    if options.static_only:
        static = _publish_static(s3, ssm, inventory, options, stack_name, console)
        return DeployResult(stack_name, None, uploads, None, static, applier.outputs(stack_name))

    write_fingerprint_manifest(inventory)
    bucket = inventory.aws.bucket or default_bucket_name(account, session.region_name)
    if ensure_bucket(session, bucket):
        console.print(f"Created the deployment bucket [bold]{bucket}[/]")
    work_dir = options.work_dir or Path(tempfile.mkdtemp(prefix="pyarc-build-"))
    with console.status(f"Packaging {len(inventory.functions)} function(s)"):
        _stage_static_manifest(inventory, options)
        artifacts = package_functions(inventory, work_dir, options.build)
    code_uris = upload_artifacts(s3, bucket, stack_name, artifacts, uploads)
    console.print(
        f"Functions: {len(artifacts)} packaged, {len(uploads.uploaded)} uploaded, "
        f"{len(uploads.skipped)} unchanged"
    )
    for key, artifact in artifacts.items():
        console.print(f"  {key:<40} {artifact.size / 1024:>9.1f} KB", highlight=False)
    for warning in (w for artifact in artifacts.values() for w in artifact.warnings):
        console.print(f"[yellow]warning[/]: {escape(warning)}", highlight=False, soft_wrap=True)
    inventory = with_ssm_variables(inventory, options.env, ssm)
    sam = template.build(
        inventory, options.env, name_suffix=options.name_suffix, code_uris=code_uris
    )
    cloudformation = expand_sam(sam, session)
    url = upload_template(s3, bucket, stack_name, cloudformation, uploads)
    applied = applier.apply(stack_name, url, options.tags)

    static = None
    if options.static and inventory.deployed_static is not None:
        static = _publish_static(s3, ssm, inventory, options, stack_name, console)
    outputs = applied.outputs
    took = time.monotonic() - started
    console.print(f"[green]Deployed[/] {stack_name} ({options.env}) in {took:.1f} s", highlight=False)
    print_urls(console, outputs)
    return DeployResult(stack_name, bucket, uploads, applied, static, outputs)


def with_ssm_variables(inventory: Inventory, env: str, ssm: Any) -> Inventory:
    """The inventory with `pyarc env` variables (SSM `/<app>/<env>/*`) over prefs.arc's."""
    from pyarc.deploy.env import read_ssm

    stored = read_ssm(ssm, inventory.app, env)
    if not stored:
        return inventory
    env_vars = {name: dict(values) for name, values in inventory.prefs.env.items()}
    env_vars[env] = {**env_vars.get(env, {}), **stored}
    return replace(inventory, prefs=replace(inventory.prefs, env=env_vars))


def _stage_static_manifest(inventory: Inventory, options: DeployOptions) -> None:
    """Give every function the fingerprint map (pyarc.functions.static reads it at its root)."""
    static = inventory.static
    if static is None or static.fingerprint is not True:
        return
    manifest = (inventory.cwd / static.folder / MANIFEST_NAME).resolve()
    if manifest.is_file():
        options.build.extra_files[MANIFEST_NAME] = str(manifest)


def static_bucket_name(ssm: Any, inventory: Inventory, env: str, stack_name: str) -> str:
    """`@static staging|production` when set, else the stack's `/<Stack>/static/bucket`."""
    configured = getattr(inventory.static, env, None) if inventory.static else None
    if configured:
        return configured
    name = f"/{stack_name}/static/bucket"
    try:
        return ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except botocore.exceptions.ClientError as exc:
        raise PyarcError(
            f"The stack {stack_name} has no static bucket yet (no SSM parameter {name}); run "
            f"`pyarc deploy {env}` once before publishing static assets alone."
        ) from exc


def _publish_static(
    s3: Any,
    ssm: Any,
    inventory: Inventory,
    options: DeployOptions,
    stack_name: str,
    console: Console,
) -> StaticReport | None:
    if inventory.deployed_static is None:
        console.print("No @static and no static folder: nothing to publish")
        return None
    write_fingerprint_manifest(inventory)
    bucket = static_bucket_name(ssm, inventory, options.env, stack_name)
    report = publish_static(s3, bucket, inventory, prune=options.prune)
    console.print(
        f"Static assets -> {bucket}: {len(report.uploaded)} uploaded, "
        f"{len(report.unchanged)} unchanged, {len(report.deleted)} deleted"
    )
    return report


def print_urls(console: Console, outputs: dict[str, str]) -> None:
    shown = [(key, outputs[key]) for key in URL_OUTPUTS if key in outputs]
    for key, value in shown:
        console.print(f"[bold]{key}[/]: {value}", highlight=False)
