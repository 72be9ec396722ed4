"""A request's SigV4 credential scope: `<key>/<date>/<region>/<service>/aws4_request`.

It is in the `Authorization` header (`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...`)
or, for a presigned URL, the `X-Amz-Credential` query parameter. The service is the
signing name (`dynamodb`, `s3`, `execute-api`, `email` for SES, `states`, ...). The
sandbox does not check signatures: the scope says where a request goes, not who sent it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import unquote

CREDENTIAL = b"Credential="
QUERY_CREDENTIAL = b"X-Amz-Credential="
SIGV2_QUERY = b"AWSAccessKeyId="  # S3's legacy presigned URLs (SigV2) carry no scope


class CredentialScope(NamedTuple):
    access_key: str
    date: str
    region: str
    service: str
    presigned: bool


def _parse(credential: str, presigned: bool) -> CredentialScope | None:
    parts = credential.split("/")
    if len(parts) < 5 or parts[-1] != "aws4_request" or not parts[-2]:
        return None
    return CredentialScope("/".join(parts[:-4]), parts[-4], parts[-3], parts[-2], presigned)


def _query_value(query: bytes, name: bytes) -> bytes | None:
    start = query.find(name)
    if start < 0 or (start > 0 and query[start - 1 : start] != b"&"):
        return None
    start += len(name)
    end = query.find(b"&", start)
    return query[start : end if end >= 0 else len(query)]


def credential_scope(
    headers: Iterable[tuple[bytes, bytes]], query_string: bytes = b""
) -> CredentialScope | None:
    """The scope of a SigV4-signed or presigned request (ASGI headers and query), else None."""
    for name, value in headers:
        if name == b"authorization":
            start = value.find(CREDENTIAL)
            if start < 0:
                return None
            start += len(CREDENTIAL)
            end = value.find(b",", start)
            credential = value[start : end if end >= 0 else len(value)].strip()
            return _parse(credential.decode("latin-1"), presigned=False)
    found = _query_value(query_string, QUERY_CREDENTIAL)
    if found is not None:
        return _parse(unquote(found.decode("latin-1")), presigned=True)
    return None


def is_sigv2(headers: Iterable[tuple[bytes, bytes]], query_string: bytes = b"") -> bool:
    """SigV2 (`Authorization: AWS key:signature`, or `AWSAccessKeyId=` presigned): only S3
    clients still speak it."""
    for name, value in headers:
        if name == b"authorization":
            return value.startswith(b"AWS ")
    return _query_value(query_string, SIGV2_QUERY) is not None
