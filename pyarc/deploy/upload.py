"""Put content-addressed objects in the deployment bucket, skipping keys that already exist."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pyarc.deploy.archive import sha256_hex
from pyarc.deploy.bucket import object_exists
from pyarc.deploy.package import Artifact


@dataclass
class UploadReport:
    uploaded: list[str] = field(default_factory=list)  # keys written this time
    skipped: list[str] = field(default_factory=list)  # keys already present


def upload_artifacts(
    s3: Any, bucket: str, prefix: str, artifacts: dict[str, Artifact], report: UploadReport
) -> dict[str, dict[str, str]]:
    """Upload each artifact unless its hash is already there; return code URIs per function."""
    code_uris: dict[str, dict[str, str]] = {}
    for function_key, artifact in sorted(artifacts.items()):
        key = artifact.s3_key(prefix)
        if object_exists(s3, bucket, key):
            report.skipped.append(key)
        else:
            s3.upload_file(str(artifact.path), bucket, key)
            report.uploaded.append(key)
        code_uris[function_key] = {"Bucket": bucket, "Key": key}
    return code_uris


def upload_template(
    s3: Any, bucket: str, prefix: str, template: dict[str, Any], report: UploadReport
) -> str:
    """Store the (expanded) template by content hash; return its S3 URL for TemplateURL."""
    body = json.dumps(template, sort_keys=True, indent=1).encode()
    key = f"{prefix}/templates/{sha256_hex(body)}.json"
    if object_exists(s3, bucket, key):
        report.skipped.append(key)
    else:
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
        report.uploaded.append(key)
    return template_url(s3, bucket, key)


def template_url(s3: Any, bucket: str, key: str) -> str:
    """The virtual-hosted S3 URL CloudFormation reads TemplateURL from (with our credentials)."""
    region = s3.meta.region_name or "us-east-1"
    host = "s3.amazonaws.com" if region == "us-east-1" else f"s3.{region}.amazonaws.com"
    return f"https://{bucket}.{host}/{key}"
