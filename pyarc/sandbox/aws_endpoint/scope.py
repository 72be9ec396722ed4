"""The AWS service a request is for: the signing name in its SigV4 credential scope
(`pyarc/wire/sigv4.py` reads it), or `s3` for S3's legacy SigV2 requests."""

from __future__ import annotations

from typing import Any

from pyarc.wire.sigv4 import credential_scope, is_sigv2


def signing_service(scope: dict[str, Any]) -> str | None:
    """The service named by the request's SigV4 scope, `s3` for SigV2, else None (unsigned)."""
    headers = scope.get("headers", ())
    query = scope.get("query_string", b"")
    found = credential_scope(headers, query)
    if found is not None:
        return found.service
    return "s3" if is_sigv2(headers, query) else None
