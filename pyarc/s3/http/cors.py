"""CORS answers: a bucket's own rules (PutBucketCors) decide, as in S3. A bucket without
rules answers as though it had one for the sandbox's own origins (any method, any header),
so a page the sandbox serves can use presigned URLs; other origins get S3's refusal."""

from __future__ import annotations

from collections.abc import Callable, Collection

from pyarc.s3.cors import METHODS, CorsRule, matching_rule
from pyarc.s3.errors import S3Error

SANDBOX_EXPOSED = ("ETag", "Content-Length", "Content-Range", "Content-Type", "Last-Modified",
                   "x-amz-request-id", "x-amz-version-id")
SANDBOX_MAX_AGE = 3000

Origins = Callable[[], Collection[str]]


def sandbox_rule(origins: Collection[str]) -> CorsRule:
    return CorsRule(tuple(sorted(origins)), METHODS, ("*",), SANDBOX_EXPOSED, SANDBOX_MAX_AGE)


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


def _allow(rule: CorsRule, origin: str) -> list[tuple[str, str]]:
    allowed = "*" if rule.allowed_origins == ("*",) else origin
    answer = [
        ("access-control-allow-origin", allowed),
        ("access-control-allow-methods", ", ".join(rule.allowed_methods)),
        ("vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
    ]
    if rule.expose_headers:
        answer.append(("access-control-expose-headers", ", ".join(rule.expose_headers)))
    if rule.max_age_seconds is not None:
        answer.append(("access-control-max-age", str(rule.max_age_seconds)))
    if allowed != "*":
        answer.append(("access-control-allow-credentials", "true"))
    return answer


def preflight(headers: dict[str, str], rules: list[CorsRule]) -> list[tuple[str, str]]:
    """The answer's headers for an OPTIONS preflight, or S3Error."""
    origin = headers.get("origin")
    method = headers.get("access-control-request-method")
    if not origin or not method:
        raise S3Error(
            "BadRequest", "Insufficient information. Origin request header needed.", 400
        )
    asked = headers.get("access-control-request-headers", "")
    rule = matching_rule(rules, origin, method, asked.split(","))
    if rule is None:
        raise not_allowed()
    answer = _allow(rule, origin)
    if asked:
        answer.append(("access-control-allow-headers", asked))
    return answer


def response_headers(
    headers: dict[str, str], method: str, rules: list[CorsRule]
) -> list[tuple[str, str]]:
    """What an actual (not preflight) response adds for an Origin a rule allows."""
    origin = headers.get("origin")
    if not origin:
        return []
    rule = matching_rule(rules, origin, method)
    return _allow(rule, origin) if rule is not None else []
