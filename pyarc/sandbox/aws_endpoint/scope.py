"""The AWS service a request is for, from its SigV4 credential scope.

A signed request names its service in `Credential=<key>/<date>/<region>/<service>/aws4_request`,
in the `Authorization` header or, for a presigned URL, the `X-Amz-Credential` query
parameter. This is the signing name (`dynamodb`, `s3`, `execute-api`, `email` for SES,
`states` for Step Functions, ...), which is what the dispatcher routes on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

CREDENTIAL = b"Credential="
QUERY_CREDENTIAL = b"X-Amz-Credential="
SIGV2_QUERY = b"AWSAccessKeyId="  # S3's legacy presigned URLs (SigV2) carry no scope


def _service_of(credential: str) -> str | None:
    parts = credential.split("/")
    if len(parts) >= 5 and parts[-1] == "aws4_request":
        return parts[-2] or None
    return None


def signing_service(scope: dict[str, Any]) -> str | None:
    """The service named by the request's SigV4 scope, `s3` for a SigV2 presigned URL,
    else None (an unsigned request)."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            start = value.find(CREDENTIAL)
            if start < 0:
                # SigV2 `AWS key:signature` is only still spoken by S3 clients
                return "s3" if value.startswith(b"AWS ") else None
            start += len(CREDENTIAL)
            end = value.find(b",", start)
            credential = value[start : end if end >= 0 else len(value)].strip()
            return _service_of(credential.decode("latin-1"))
    query: bytes = scope.get("query_string", b"")
    start = query.find(QUERY_CREDENTIAL)
    if start >= 0:
        start += len(QUERY_CREDENTIAL)
        end = query.find(b"&", start)
        credential = query[start : end if end >= 0 else len(query)].decode("latin-1")
        return _service_of(unquote(credential))
    if SIGV2_QUERY in query:
        return "s3"
    return None
