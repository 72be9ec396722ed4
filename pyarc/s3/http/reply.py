"""What an operation answers (`Reply`), and the headers S3 puts on an object's answer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import parse_qsl

from pyarc.s3.objects import ObjectFields, ObjectInfo

STORED_HEADERS = ("cache-control", "content-disposition", "content-encoding",
                  "content-language", "expires")
META = "x-amz-meta-"
# S3 encrypts every new object (SSE-S3) since January 2023 and says so on each answer
ENCRYPTED = ("x-amz-server-side-encryption", "AES256")
XML = "application/xml"


@dataclass
class Reply:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterator[bytes] = b""
    length: int | None = None  # Content-Length when the body is an iterator (or for HEAD)


def xml_reply(body: bytes, status: int = 200) -> Reply:
    return Reply(status, [("content-type", XML)], body)


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def parse_http_date(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def object_headers(info: ObjectInfo) -> list[tuple[str, str]]:
    headers = [
        ("etag", info.etag),
        ("last-modified", http_date(info.last_modified)),
        ("content-type", info.content_type),
        ("accept-ranges", "bytes"),
        ENCRYPTED,
        *info.headers.items(),
        *((META + name, value) for name, value in info.metadata.items()),
    ]
    if info.tags:
        headers.append(("x-amz-tagging-count", str(len(info.tags))))
    return headers


def fields_from(headers: dict[str, str]) -> ObjectFields:
    """PutObject's (and Create/Copy's REPLACE) description of an object, from its headers."""
    stored = {name: headers[name] for name in STORED_HEADERS if name in headers}
    if "content-encoding" in stored:  # aws-chunked frames the request; it is not the object's
        kept = [e.strip() for e in stored["content-encoding"].split(",")]
        kept = [e for e in kept if e and e != "aws-chunked"]
        if kept:
            stored["content-encoding"] = ",".join(kept)
        else:
            del stored["content-encoding"]
    metadata = {name[len(META):]: value for name, value in headers.items() if name.startswith(META)}
    tags = dict(parse_qsl(headers.get("x-amz-tagging", ""), keep_blank_values=True))
    return ObjectFields(headers.get("content-type"), metadata, stored, tags=tags)
