"""Bucket operations: List/Create/Delete/Head buckets, GetBucketLocation/Versioning,
ListObjects (V1 and V2), DeleteObjects, ListMultipartUploads."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote

from pyarc.s3.errors import S3Error, illegal_location, invalid_argument
from pyarc.s3.http import xml
from pyarc.s3.http.body import body_bytes
from pyarc.s3.http.context import Context
from pyarc.s3.http.reply import Reply, xml_reply
from pyarc.s3.http.request import S3Request
from pyarc.s3.objects import ListPage
from pyarc.s3.store import MAX_KEYS

US_EAST_1 = "us-east-1"


def region_of(context: Context, request: S3Request) -> str:
    return request.scope.region if request.scope else context.region()


def list_buckets(context: Context, request: S3Request) -> Reply:
    region = context.region()
    buckets = "".join(
        "<Bucket>"
        + xml.elements([("Name", b.name), ("CreationDate", xml.iso_time(b.created)),
                        ("BucketRegion", region)])
        + "</Bucket>"
        for b in context.store.list_buckets()
    )
    inner = f"{xml.OWNER}<Buckets>{buckets}</Buckets>"
    return xml_reply(xml.document("ListAllMyBucketsResult", inner))


async def create_bucket(context: Context, request: S3Request, receive) -> Reply:
    assert request.bucket is not None
    constraint = xml.location_constraint(await body_bytes(receive, request.headers))
    region = region_of(context, request)
    # S3: us-east-1 takes no constraint; every other region needs its own name
    if (constraint or US_EAST_1) != region:
        raise illegal_location(constraint)
    context.store.create_bucket(request.bucket)
    return Reply(200, [("location", f"/{request.bucket}")])


def delete_bucket(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None
    context.store.delete_bucket(request.bucket)
    return Reply(204)


def head_bucket(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None
    context.store.bucket(request.bucket)
    return Reply(200, [("x-amz-bucket-region", context.region())])


def bucket_location(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None
    context.store.bucket(request.bucket)
    region = context.region()
    inner = "" if region == US_EAST_1 else xml.escape(region)
    return xml_reply(xml.document("LocationConstraint", inner))


def bucket_versioning(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None
    context.store.bucket(request.bucket)  # never enabled: the result is empty
    return xml_reply(xml.document("VersioningConfiguration", ""))


def _max_keys(request: S3Request, name: str = "max-keys") -> int:
    given = request.query.get(name)
    if given is None:
        return MAX_KEYS
    try:
        number = int(given)
    except ValueError:
        raise invalid_argument(
            f"Provided {name} not an integer or within integer range", name, given
        ) from None
    if number < 0:
        raise invalid_argument(
            f"Argument {name} must be an integer between 0 and 2147483647", name, given
        )
    return min(number, MAX_KEYS)


def _token(last: str) -> str:
    return base64.urlsafe_b64encode(("1:" + last).encode()).decode()


def _after_token(token: str) -> str:
    try:
        decoded = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded.startswith("1:"):
        raise invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        )
    return decoded[2:]


def _shown(text: str, encode: bool) -> str:
    """A key or prefix as a listing shows it: percent-encoded for `encoding-type=url`."""
    return quote(text, safe="/") if encode else text


def _listing(page: ListPage, encode: bool, owner: bool) -> tuple[str, str]:
    def shown(text: str) -> str:
        return _shown(text, encode)

    contents = "".join(
        "<Contents>"
        + xml.elements([
            ("Key", shown(o.key)), ("LastModified", xml.iso_time(o.last_modified)),
            ("ETag", o.etag), ("Size", o.size), ("StorageClass", "STANDARD"),
        ])
        + (xml.OWNER if owner else "")
        + "</Contents>"
        for o in page.objects
    )
    prefixes = "".join(
        f"<CommonPrefixes>{xml.element('Prefix', shown(p))}</CommonPrefixes>"
        for p in page.common_prefixes
    )
    return contents, prefixes


def list_objects(context: Context, request: S3Request) -> Reply:
    """ListObjectsV2 (`list-type=2`) or the original ListObjects (markers)."""
    assert request.bucket is not None
    query = request.query
    prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
    encode = query.get("encoding-type") == "url"
    if "encoding-type" in query and not encode:
        raise invalid_argument("Invalid Encoding Method specified in Request", "encoding-type",
                               query["encoding-type"])
    max_keys = _max_keys(request)
    v2 = query.get("list-type") == "2"
    if v2:
        token = query.get("continuation-token")
        after = _after_token(token) if token is not None else query.get("start-after", "")
    else:
        after = query.get("marker", "")
    page = context.store.list_objects(
        request.bucket, prefix, delimiter, after=after, max_keys=max_keys
    )
    # V1 lists each object's owner; V2 only when asked (fetch-owner=true)
    owner = not v2 or query.get("fetch-owner") == "true"
    contents, prefixes = _listing(page, encode, owner)

    def shown(text: str) -> str:
        return _shown(text, encode)

    fields: list[tuple[str, object]] = [("Name", request.bucket), ("Prefix", shown(prefix))]
    if v2:
        fields += [
            ("Delimiter", shown(delimiter) if delimiter else None),
            ("MaxKeys", max_keys),
            ("EncodingType", "url" if encode else None),
            ("KeyCount", len(page.objects) + len(page.common_prefixes)),
            ("IsTruncated", str(page.truncated).lower()),
            ("ContinuationToken", query.get("continuation-token")),
            ("NextContinuationToken", _token(page.last) if page.truncated and page.last else None),
            ("StartAfter", shown(query["start-after"]) if "start-after" in query else None),
        ]
    else:
        next_marker = page.last if page.truncated and delimiter else None
        fields += [
            ("Marker", shown(after)),
            ("NextMarker", shown(next_marker) if next_marker else None),
            ("MaxKeys", max_keys),
            ("Delimiter", shown(delimiter) if delimiter else None),
            ("EncodingType", "url" if encode else None),
            ("IsTruncated", str(page.truncated).lower()),
        ]
    return xml_reply(xml.document("ListBucketResult", xml.elements(fields) + contents + prefixes))


async def delete_objects(context: Context, request: S3Request, receive) -> Reply:
    assert request.bucket is not None
    keys, quiet = xml.delete_keys(await body_bytes(receive, request.headers))
    context.store.bucket(request.bucket)
    deleted = []
    for key in keys:
        context.store.delete_object(request.bucket, key)
        deleted.append(f"<Deleted>{xml.element('Key', key)}</Deleted>")
    return xml_reply(xml.document("DeleteResult", "" if quiet else "".join(deleted)))


def list_uploads(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None
    context.store.bucket(request.bucket)
    uploads = "".join(
        "<Upload>"
        + xml.elements([("Key", u.key), ("UploadId", u.upload_id),
                        ("Initiated", xml.iso_time(u.initiated)), ("StorageClass", "STANDARD")])
        + "</Upload>"
        for u in context.multipart.in_progress(request.bucket)
    )
    fields = xml.elements([("Bucket", request.bucket), ("MaxUploads", 1000),
                           ("IsTruncated", "false")])
    return xml_reply(xml.document("ListMultipartUploadsResult", fields + uploads))


async def put_cors(context: Context, request: S3Request, receive) -> Reply:
    assert request.bucket is not None
    rules = xml.cors_rules(await body_bytes(receive, request.headers))
    context.store.put_bucket_cors(request.bucket, rules)
    return Reply(200)


def get_cors(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None
    rules = context.store.bucket_cors(request.bucket)
    if rules is None:
        raise S3Error("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404,
                      BucketName=request.bucket)
    return xml_reply(xml.cors_document(rules))


def delete_cors(context: Context, request: S3Request) -> Reply:
    assert request.bucket is not None
    context.store.delete_bucket_cors(request.bucket)
    return Reply(204)
