"""`pyarc destroy`: delete an app's stack, and the deployment-bucket objects its deploys made.

Guard rails: the caller must name the app (`--app NAME`, checked against the manifest), and
when a table holds items or a bucket holds objects other than the app's own `public/` files
(same key and MD5 ETag as deploy would upload them), nothing is deleted without `force`
(data loss is the user's explicit choice). With `force`, the static bucket is emptied
first, because CloudFormation cannot delete a bucket that still has objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.exceptions
from rich.console import Console

from pyarc.deploy.bucket import default_bucket_name, delete_prefix
from pyarc.deploy.changeset import StackApplier
from pyarc.deploy.credentials import account_id, aws_session
from pyarc.deploy.static import collect
from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory


@dataclass
class DestroyResult:
    stack_name: str
    deleted_stack: bool
    emptied_buckets: list[str] = field(default_factory=list)
    deleted_artifacts: int = 0


def stack_resources(cfn: Any, stack_name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        found += [r for r in page["StackResourceSummaries"] if r.get("LogicalResourceId")]
    return found


SHOWN_KEYS = 3  # how many of a bucket's foreign keys the refusal lists


def foreign_keys(s3: Any, bucket: str, own_files: dict[str, str]) -> list[str]:
    """Keys in `bucket` that are not one of the app's own static files (key -> MD5)."""
    found: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            if own_files.get(obj["Key"]) != obj.get("ETag", "").strip('"'):
                found.append(obj["Key"])
    return found


def _bucket_holding(bucket: str, keys: list[str]) -> str:
    """`bucket b with 2 objects that are not the app's public/ files, e.g. a.txt, b.txt`."""
    shown = ", ".join(keys[:SHOWN_KEYS])
    objects = "object that is" if len(keys) == 1 else "objects that are"
    return f"bucket {bucket} with {len(keys)} {objects} not the app's public/ files, e.g. {shown}"


def resources_with_data(
    session: boto3.Session,
    resources: list[dict[str, Any]],
    own_files: dict[str, str] | None = None,
) -> list[str]:
    """Human names of the tables and buckets of the stack that hold data: a table with items,
    a bucket with objects other than `own_files` (the app's static files, key -> MD5)."""
    dynamodb = session.client("dynamodb")
    s3 = session.client("s3")
    holding: list[str] = []
    for resource in resources:
        physical = resource.get("PhysicalResourceId")
        if not physical:
            continue
        kind = resource["ResourceType"]
        try:
            if (
                kind == "AWS::DynamoDB::Table"
                and dynamodb.scan(TableName=physical, Limit=1, Select="COUNT")["Count"]
            ):
                holding.append(f"table {physical}")
            elif kind == "AWS::S3::Bucket":
                keys = foreign_keys(s3, physical, own_files or {})
                if keys:
                    holding.append(_bucket_holding(physical, keys))
        except botocore.exceptions.ClientError:
            continue  # already gone: nothing to protect
    return holding


def empty_bucket(s3: Any, bucket: str) -> None:
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket):
        objects = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})


def left_behind(inventory: Inventory, env: str) -> list[str]:
    """What the stack's deletion keeps (DeletionPolicy Retain in the template)."""
    kept = []
    if env == "production" or inventory.aws.retain_tables:
        kept += [f"table {t.name}" for t in inventory.tables]
    if inventory.ws:
        kept.append("the account's API Gateway CloudWatch role (ApiGatewayCloudWatchRole)")
    return kept


def destroy(
    inventory: Inventory,
    env: str,
    app_confirmation: str,
    force: bool = False,
    name_suffix: str | None = None,
    console: Console | None = None,
    session: boto3.Session | None = None,
    poll_seconds: float = 2.0,
    production: bool = False,
) -> DestroyResult:
    from pyarc import template

    console = console or Console()
    if app_confirmation != inventory.app:
        raise PyarcError(
            f"--app {app_confirmation!r} does not match the app name {inventory.app!r} in "
            f"{inventory.manifest.name}; pass --app {inventory.app} to confirm."
        )
    kept = left_behind(inventory, env)
    if env == "production" and not (production and force):
        raise PyarcError(
            f"Destroying production needs --production --force; it would leave behind "
            f"{', '.join(kept) or 'nothing'} (retained by the template, delete by hand)."
        )
    session = session or aws_session(inventory.aws)
    account = account_id(session)
    stack_name = template.stack_name(inventory, env, name_suffix)
    cfn = session.client("cloudformation")
    s3 = session.client("s3")
    applier = StackApplier(cfn, console, poll_seconds=poll_seconds)
    result = DestroyResult(stack_name, deleted_stack=False)
    if applier.stack_status(stack_name) is not None:
        resources = stack_resources(cfn, stack_name)
        own_files = {item.key: item.md5 for item in collect(inventory)}
        holding = resources_with_data(session, resources, own_files)
        if holding and not force:
            raise PyarcError(
                f"{stack_name} still holds data ({', '.join(holding)}); back it up if you need "
                "it, then run the command again with --force."
            )
        for resource in resources:
            if resource["ResourceType"] == "AWS::S3::Bucket" and resource.get("PhysicalResourceId"):
                try:
                    empty_bucket(s3, resource["PhysicalResourceId"])
                    result.emptied_buckets.append(resource["PhysicalResourceId"])
                except botocore.exceptions.ClientError:
                    pass  # already gone
        applier.delete(stack_name)
        result.deleted_stack = True
    else:
        console.print(f"There is no stack {stack_name}; removing its deployment files only")
    bucket = inventory.aws.bucket or default_bucket_name(account, session.region_name)
    try:
        result.deleted_artifacts = delete_prefix(s3, bucket, stack_name)
    except s3.exceptions.NoSuchBucket:
        result.deleted_artifacts = 0
    console.print(
        f"Destroyed {stack_name}: removed {result.deleted_artifacts} deployment file(s) "
        f"from {bucket}"
    )
    if kept:
        console.print(f"Left behind (retained): {', '.join(kept)}")
    return result
