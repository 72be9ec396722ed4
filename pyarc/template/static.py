"""`@static` -> an S3 bucket with website configuration and the public-read policy it needs.

Files are served three ways, all reading the same objects anonymously: the website
endpoint (`BucketURL`), the HTTP API's `/_static/{proxy+}` proxy, and `@cdn`. S3 Block
Public Access stays on for ACLs and is relaxed only for bucket policies, so the single
`s3:GetObject` policy below is the one thing that makes objects public.
"""

from __future__ import annotations

from pyarc.template import names
from pyarc.template.context import Draft
from pyarc.template.intrinsics import get_att, sub

BUCKET_POLICY = "StaticBucketPolicy"


def add_static(draft: Draft) -> None:
    static = draft.inventory.static
    if static is None:
        return
    bucket = draft.static_bucket_name()
    if isinstance(bucket, str):  # an existing bucket named in @static for this env
        bucket_arn = sub(f"arn:${{AWS::Partition}}:s3:::{bucket}")
    else:
        draft.add(
            names.STATIC_BUCKET,
            {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "IgnorePublicAcls": True,
                        "BlockPublicPolicy": False,
                        "RestrictPublicBuckets": False,
                    },
                    "WebsiteConfiguration": {
                        "IndexDocument": "index.html",
                        "ErrorDocument": "index.html" if static.spa else "404.html",
                    },
                },
            },
            owner="@static",
        )
        draft.add(
            BUCKET_POLICY,
            {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": bucket,
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "PublicReadGetObject",
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "s3:GetObject",
                                "Resource": sub(f"${{{names.STATIC_BUCKET}.Arn}}/*"),
                            }
                        ],
                    },
                },
            },
            owner="@static",
        )
        bucket_arn = get_att(names.STATIC_BUCKET, "Arn")
        draft.output(
            "BucketURL", get_att(names.STATIC_BUCKET, "WebsiteURL"), "Static bucket website URL"
        )
    draft.grant(
        "ArcStaticBucketPolicy",
        "StaticBucket",
        ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
        [bucket_arn, {"Fn::Join": ["", [bucket_arn, "/*"]]}],
    )
