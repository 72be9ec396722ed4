"""S3's naming rules for general purpose buckets and object keys, and its limits on tags."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyarc.s3.errors import S3Error, invalid_bucket_name, key_too_long

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
MAX_KEY_BYTES = 1024


def valid_bucket_name(name: str) -> bool:
    return bool(
        _BUCKET.match(name)
        and ".." not in name
        and not _IP.match(name)
        and not name.startswith(_RESERVED_PREFIXES)
        and not name.endswith(_RESERVED_SUFFIXES)
    )


def check_bucket_name(name: str) -> None:
    if not valid_bucket_name(name):
        raise invalid_bucket_name(name)


def check_key(key: str) -> None:
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_BYTES:
        raise key_too_long(size)


def bucket_name_for(text: str) -> str:
    """A valid bucket name made from `text` (an app name): lower case, hyphens for the rest."""
    name = re.sub(r"[^a-z0-9.-]+", "-", text.lower()).strip("-.")
    name = re.sub(r"\.{2,}", ".", name)[:63].strip("-.")
    return name if len(name) >= 3 else f"{name}-bucket".strip("-")


MAX_TAGS = 10


def check_tags(tags: Mapping[str, str]) -> Mapping[str, str]:
    """S3's limits on an object's tags: 10 tags, keys up to 128 characters, values 256."""
    if len(tags) > MAX_TAGS:
        raise S3Error("BadRequest", "Object tags cannot be greater than 10", 400)
    for key, value in tags.items():
        if not key or len(key) > 128:
            raise S3Error("InvalidTag", "The TagKey you have provided is invalid", 400,
                          TagKey=key)
        if len(value) > 256:
            raise S3Error("InvalidTag", "The TagValue you have provided is invalid", 400,
                          TagKey=key, TagValue=value)
    return tags
