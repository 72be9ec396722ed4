"""CORS for the sandbox's buckets: the sandbox's own origins are allowed (as though each
bucket had a CORS rule for them), so a page it serves can use presigned URLs; other
origins get S3's refusal."""

from __future__ import annotations

from collections.abc import Callable, Collection

from pyarc.s3.errors import S3Error

ALLOWED_METHODS = "GET, PUT, POST, DELETE, HEAD"
EXPOSED = "ETag, Content-Length, Content-Range, Content-Type, Last-Modified, x-amz-request-id, x-amz-version-id"
MAX_AGE = "3000"

Origins = Callable[[], Collection[str]]


def not_allowed() -> S3Error:
    return S3Error(
        "AccessForbidden",
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution "
        "of Origin, request method / Access-Control-Request-Method or "
        "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        403,
        Method="OPTIONS",
        ResourceType="OBJECT",
    )


def preflight(headers: dict[str, str], origins: Origins) -> list[tuple[str, str]]:
    """The answer's headers for an OPTIONS preflight, or S3Error."""
    origin = headers.get("origin")
    method = headers.get("access-control-request-method")
    if not origin or not method:
        raise S3Error(
            "BadRequest", "Insufficient information. Origin request header needed.", 400
        )
    if origin not in origins() or method.upper() not in ALLOWED_METHODS:
        raise not_allowed()
    answer = [
        ("access-control-allow-origin", origin),
        ("access-control-allow-methods", ALLOWED_METHODS),
        ("access-control-expose-headers", EXPOSED),
        ("access-control-max-age", MAX_AGE),
        ("vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
    ]
    asked = headers.get("access-control-request-headers")
    if asked:
        answer.append(("access-control-allow-headers", asked))
    return answer


def response_headers(headers: dict[str, str], origins: Origins) -> list[tuple[str, str]]:
    """What an actual (not preflight) response adds for an allowed Origin."""
    origin = headers.get("origin")
    if not origin or origin not in origins():
        return []
    return [
        ("access-control-allow-origin", origin),
        ("access-control-allow-methods", ALLOWED_METHODS),
        ("access-control-expose-headers", EXPOSED),
        ("vary", "Origin"),
    ]
