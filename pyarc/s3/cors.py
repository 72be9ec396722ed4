"""A bucket's CORS configuration (PutBucketCors) and how S3 matches a request to a rule:
the first rule whose AllowedOrigin (one `*` wildcard allowed), AllowedMethod and every
requested header (AllowedHeader, `*` wildcards, any case) fit is the one that answers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from pyarc.s3.errors import S3Error, malformed_xml

METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
MAX_RULES = 100


@dataclass(frozen=True)
class CorsRule:
    allowed_origins: tuple[str, ...]
    allowed_methods: tuple[str, ...]
    allowed_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age_seconds: int | None = None
    id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CorsRule:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def _fits(pattern: str, value: str, any_case: bool) -> bool:
    flags = re.IGNORECASE if any_case else 0
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), value, flags) is not None


def matching_rule(
    rules: Iterable[CorsRule], origin: str, method: str, headers: Iterable[str] = ()
) -> CorsRule | None:
    asked = [h.strip() for h in headers if h.strip()]
    for rule in rules:
        if not any(_fits(o, origin, any_case=False) for o in rule.allowed_origins):
            continue
        if method.upper() not in rule.allowed_methods:
            continue
        if all(any(_fits(a, h, any_case=True) for a in rule.allowed_headers) for h in asked):
            return rule
    return None


def checked_rules(rules: list[CorsRule]) -> list[CorsRule]:
    """PutBucketCors's checks: 1 to 100 rules, each with origins and S3's five methods."""
    if not rules or len(rules) > MAX_RULES:
        raise malformed_xml()
    for rule in rules:
        if not rule.allowed_origins or not rule.allowed_methods:
            raise malformed_xml()
        for method in rule.allowed_methods:
            if method not in METHODS:
                raise S3Error("InvalidRequest", "Found unsupported HTTP method in CORS config. "
                              f"Unsupported method is {method}", 400)
        for origin in rule.allowed_origins:
            if origin.count("*") > 1:
                raise S3Error("InvalidRequest", f'AllowedOrigin "{origin}" can not have more '
                              'than one wildcard.', 400)
    return rules
