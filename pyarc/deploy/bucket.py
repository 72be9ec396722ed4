"""The deployment bucket: where function zips and templates go, found or created per account.

Named `<bucket under @aws>` when the manifest names one, else
`pyarc-deploy-<account>-<region>` (bucket names are global, so the account id keeps it ours).
Objects are keyed `<StackName>/functions/<sha256>.zip` and `<StackName>/templates/<sha256>.json`
so `destroy` removes exactly what one stack's deploys put there.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.exceptions

from pyarc.errors import PyarcError


def default_bucket_name(account: str, region: str) -> str:
    return f"pyarc-deploy-{account}-{region}".lower()


def bucket_exists(s3: Any, name: str) -> bool:
    try:
        s3.head_bucket(Bucket=name)
        return True
    except botocore.exceptions.ClientError as exc:
        code = exc.response["Error"].get("Code", "")
        if code in ("404", "NoSuchBucket", "NotFound"):
            return False
        if code in ("403", "AccessDenied"):
            raise PyarcError(
                f"The deployment bucket {name} belongs to another account or denies access; "
                "name a bucket you own with `bucket` under @aws."
            ) from exc
        raise


def ensure_bucket(session: boto3.Session, name: str) -> bool:
    """Create the private deployment bucket `name` unless it exists; True when created."""
    s3 = session.client("s3")
    if bucket_exists(s3, name):
        return False
    params: dict = {"Bucket": name}
    if session.region_name and session.region_name != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": session.region_name}
    s3.create_bucket(**params)
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    return True


def object_exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except botocore.exceptions.ClientError as exc:
        if exc.response["Error"].get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def delete_prefix(s3: Any, bucket: str, prefix: str) -> int:
    """Delete every object under `prefix/`; return how many."""
    deleted = 0
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix.rstrip("/") + "/"):
        keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    return deleted
