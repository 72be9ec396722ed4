"""`@static` -> a private, encrypted S3 bucket that accepts only TLS requests.

Who may read the objects:
- with `@cdn`: CloudFront only, through origin access control (the bucket policy names the
  distribution); nothing else, so `/_static/*` and the site are served by the CDN;
- `@static public true` without `@cdn`: anyone, over HTTPS (the S3 REST endpoint, also used
  by the HTTP API's `/_static/{proxy+}` proxy). The S3 website endpoint is not used: it speaks
  plain HTTP only, which the TLS-only policy refuses;
- otherwise: only the app's functions that use the bucket (see `pyarc deploy --explain-iam`).

An `@http` app without `@static` gets a bucket only when its folder (`public/`) exists.
"""

from __future__ import annotations

from typing import Any

from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import get_att, sub

BUCKET_POLICY = "StaticBucketPolicy"


def bucket_arns(draft: Draft) -> tuple[Json, Json]:
    """(the bucket's ARN, its objects' ARN), for the created or the existing bucket."""
    bucket = draft.static_bucket_name()
    if isinstance(bucket, str):  # an existing bucket named in @static for this env
        arn = f"arn:${{AWS::Partition}}:s3:::{bucket}"
        return sub(arn), sub(arn + "/*")
    return get_att(names.STATIC_BUCKET, "Arn"), sub(f"${{{names.STATIC_BUCKET}.Arn}}/*")


def add_static(draft: Draft) -> None:
    static = draft.static
    if static is None:
        return
    draft.grant(
        "ArcStaticBucketPolicy",
        "StaticBucket",
        ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
        list(bucket_arns(draft)),
    )
    if isinstance(draft.static_bucket_name(), str):
        return
    public = draft.static_public
    draft.add(
        names.STATIC_BUCKET,
        {
            "Type": "AWS::S3::Bucket",
            # the files are the app's folder, published again by every deploy
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": not public,
                    "RestrictPublicBuckets": not public,
                },
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
            },
        },
        owner="@static",
    )
    statements: list[Json] = [tls_only()]
    if public:
        statements.append(
            {
                "Sid": "PublicReadGetObject",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": sub(f"${{{names.STATIC_BUCKET}.Arn}}/*"),
            }
        )
        draft.output(
            "BucketURL",
            sub(f"https://${{{names.STATIC_BUCKET}.RegionalDomainName}}/"),
            "Static bucket URL (public, HTTPS)",
        )
    elif draft.cdn:
        statements.append(cloudfront_read())
    else:
        draft.notes.append(
            "The static bucket is private and no @cdn serves it: add @cdn (private bucket "
            "behind CloudFront) or `public true` under @static to serve its files."
        )
    draft.add(
        BUCKET_POLICY,
        {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": names.STATIC_BUCKET},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            },
        },
        owner="@static",
    )


def tls_only() -> Json:
    every: list[Any] = [
        get_att(names.STATIC_BUCKET, "Arn"),
        sub(f"${{{names.STATIC_BUCKET}.Arn}}/*"),
    ]
    return {
        "Sid": "TLSRequestsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": every,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def cloudfront_read() -> Json:
    """Origin access control: this stack's distribution, and no other, may read objects."""
    return {
        "Sid": "CloudFrontReadsObjects",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": sub(f"${{{names.STATIC_BUCKET}.Arn}}/*"),
        "Condition": {
            "StringEquals": {
                "AWS:SourceArn": sub(
                    f"arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/"
                    f"${{{names.CDN}}}"
                )
            }
        },
    }
