"""S3's XML: the documents it answers with, the few it reads, and its `<Error>` body."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from pyarc.s3.cors import CorsRule
from pyarc.s3.errors import S3Error, malformed_xml

if TYPE_CHECKING:  # ElementTree is imported by the first request body read (start-up)
    from xml.etree.ElementTree import Element

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
OWNER = f"<Owner><ID>{OWNER_ID}</ID><DisplayName>pyarc</DisplayName></Owner>"


def iso_time(seconds: float) -> str:
    """S3's XML timestamps: `2026-12-02T18:06:26.000Z`."""
    whole = int(seconds)
    millis = int(round((seconds - whole) * 1000)) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def element(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def elements(pairs: Iterable[tuple[str, object]]) -> str:
    return "".join(element(name, value) for name, value in pairs if value is not None)


def document(root: str, inner: str) -> bytes:
    return f'{DECLARATION}<{root} xmlns="{NAMESPACE}">{inner}</{root}>'.encode()


def error_body(error: S3Error, request_id: str, resource: str | None = None) -> bytes:
    fields = [("Code", error.code), ("Message", error.message), *error.fields.items()]
    if resource is not None and "Resource" not in error.fields:
        fields.append(("Resource", resource))
    fields += [("RequestId", request_id), ("HostId", request_id)]
    return f"{DECLARATION}<Error>{elements(fields)}</Error>".encode()


def parse(body: bytes) -> Element:
    """The root of an XML request body (namespace dropped from every tag), else MalformedXML."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise malformed_xml() from None
    for node in root.iter():
        node.tag = node.tag.rpartition("}")[2]
    return root


def text(node: Element, name: str) -> str | None:
    found = node.find(name)
    return found.text or "" if found is not None else None


def require(node: Element, name: str) -> str:
    found = text(node, name)
    if found is None:
        raise malformed_xml()
    return found


def complete_parts(body: bytes) -> list[tuple[int, str]]:
    """CompleteMultipartUpload's (PartNumber, ETag) list."""
    root = parse(body)
    if root.tag != "CompleteMultipartUpload":
        raise malformed_xml()
    parts = []
    for part in root.findall("Part"):
        number = require(part, "PartNumber")
        if not number.isdigit():
            raise malformed_xml()
        parts.append((int(number), require(part, "ETag")))
    return parts


def delete_keys(body: bytes) -> tuple[list[str], bool]:
    """DeleteObjects' keys and its Quiet flag."""
    root = parse(body)
    if root.tag != "Delete":
        raise malformed_xml()
    keys = [require(node, "Key") for node in root.findall("Object")]
    if not keys or len(keys) > 1000:
        raise malformed_xml()
    return keys, (text(root, "Quiet") or "").strip().lower() == "true"


def location_constraint(body: bytes) -> str | None:
    """CreateBucketConfiguration's LocationConstraint (None: no body, or none given)."""
    if not body.strip():
        return None
    root = parse(body)
    if root.tag != "CreateBucketConfiguration":
        raise malformed_xml()
    return text(root, "LocationConstraint") or None


def cors_rules(body: bytes) -> list[CorsRule]:
    """PutBucketCors's CORSConfiguration."""
    root = parse(body)
    if root.tag != "CORSConfiguration":
        raise malformed_xml()

    def all_of(rule: Element, name: str) -> tuple[str, ...]:
        return tuple((node.text or "").strip() for node in rule.findall(name))

    rules = []
    for rule in root.findall("CORSRule"):
        age = text(rule, "MaxAgeSeconds")
        if age is not None and not age.strip().isdigit():
            raise malformed_xml()
        rules.append(CorsRule(
            allowed_origins=all_of(rule, "AllowedOrigin"),
            allowed_methods=all_of(rule, "AllowedMethod"),
            allowed_headers=all_of(rule, "AllowedHeader"),
            expose_headers=all_of(rule, "ExposeHeader"),
            max_age_seconds=int(age) if age is not None else None,
            id=text(rule, "ID"),
        ))
    return rules


def cors_document(rules: list[CorsRule]) -> bytes:
    def rule_xml(rule: CorsRule) -> str:
        parts = [("ID", rule.id)] if rule.id else []
        parts += [("AllowedHeader", h) for h in rule.allowed_headers]
        parts += [("AllowedMethod", m) for m in rule.allowed_methods]
        parts += [("AllowedOrigin", o) for o in rule.allowed_origins]
        parts += [("ExposeHeader", h) for h in rule.expose_headers]
        if rule.max_age_seconds is not None:
            parts.append(("MaxAgeSeconds", rule.max_age_seconds))
        return f"<CORSRule>{elements(parts)}</CORSRule>"

    return document("CORSConfiguration", "".join(rule_xml(r) for r in rules))


def tag_set(body: bytes) -> dict[str, str]:
    """PutObjectTagging's Tagging document."""
    root = parse(body)
    found = root.find("TagSet")
    if root.tag != "Tagging" or found is None:
        raise malformed_xml()
    tags: dict[str, str] = {}
    for tag in found.findall("Tag"):
        key = require(tag, "Key")
        if key in tags:
            raise S3Error("InvalidTag", "Cannot provide multiple Tags with the same key", 400,
                          TagKey=key)
        tags[key] = require(tag, "Value")
    return tags


def tagging_document(tags: dict[str, str]) -> bytes:
    inner = "".join(f"<Tag>{elements([('Key', k), ('Value', v)])}</Tag>" for k, v in tags.items())
    return document("Tagging", f"<TagSet>{inner}</TagSet>")
