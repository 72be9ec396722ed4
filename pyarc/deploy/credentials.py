"""An AWS session for a deploy: region and profile from `@aws`, overridden by the environment.

As boto3 does it, `AWS_PROFILE` beats `@aws profile` and `AWS_REGION` (then
`AWS_DEFAULT_REGION`) beats `@aws region`. `AWS_ENDPOINT_URL` (and the per-service
`AWS_ENDPOINT_URL_<SERVICE>`) is honoured by boto3 itself, which is how tests aim at moto.
"""

from __future__ import annotations

import os

import boto3
import botocore.exceptions

from pyarc.errors import PyarcError
from pyarc.inventory.model import Aws

NO_CREDENTIALS = (
    "No AWS credentials were found; set AWS_PROFILE (or `profile` under @aws in the manifest), "
    "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run the command again."
)


def resolve_region(aws: Aws) -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or aws.region


def resolve_profile(aws: Aws) -> str | None:
    return os.environ.get("AWS_PROFILE") or aws.profile


def aws_session(aws: Aws) -> boto3.Session:
    """A boto3 session that has credentials, or a PyarcError saying how to provide them."""
    profile = resolve_profile(aws)
    try:
        session = boto3.Session(profile_name=profile, region_name=resolve_region(aws))
    except botocore.exceptions.ProfileNotFound as exc:
        raise PyarcError(
            f"The AWS profile {profile!r} is not in ~/.aws/config or ~/.aws/credentials; "
            "add it there or set AWS_PROFILE to a profile that exists."
        ) from exc
    try:
        credentials = session.get_credentials()
    except botocore.exceptions.BotoCoreError as exc:
        raise PyarcError(f"Reading AWS credentials failed ({exc}); fix the profile.") from exc
    if credentials is None:
        raise PyarcError(NO_CREDENTIALS)
    return session


def account_id(session: boto3.Session) -> str:
    try:
        return session.client("sts").get_caller_identity()["Account"]
    except botocore.exceptions.NoCredentialsError as exc:
        raise PyarcError(NO_CREDENTIALS) from exc
    except (
        botocore.exceptions.EndpointConnectionError,
        botocore.exceptions.ConnectTimeoutError,
    ) as exc:
        url = exc.kwargs.get("endpoint_url", "AWS STS")
        raise PyarcError(
            f"Could not reach {url} to check the AWS credentials; check your network "
            "connection (or AWS_ENDPOINT_URL) and run the command again."
        ) from exc
    except botocore.exceptions.ClientError as exc:
        raise PyarcError(
            f"AWS rejected the credentials ({exc.response['Error'].get('Message', exc)}); "
            "check AWS_PROFILE or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."
        ) from exc
