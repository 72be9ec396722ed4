"""`S3App`: S3's REST-XML API over ASGI, in front of an `S3Store`.

    app = S3App(store, region=lambda: "us-west-2", origins=lambda: {"http://localhost:3333"})

Requests are addressed path style or virtual-host style (request.py). Signatures are not
checked (the sandbox has one dummy identity), but a presigned URL past its X-Amz-Expires is
refused as S3 refuses it. Errors are S3's `<Error>` documents (HEAD answers: status only).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from pyarc.s3.cors import CorsRule
from pyarc.s3.errors import S3Error, method_not_allowed, not_implemented
from pyarc.s3.http import bucket_ops, object_ops, upload_ops
from pyarc.s3.http.context import Context
from pyarc.s3.http.cors import Origins, preflight, response_headers, sandbox_rule
from pyarc.s3.http.reply import Reply
from pyarc.s3.http.request import S3Request, parse_request
from pyarc.s3.http.xml import error_body
from pyarc.s3.multipart import Multipart
from pyarc.s3.store import S3Store

log = logging.getLogger("pyarc.s3")

MAX_PRESIGN_SECONDS = 7 * 24 * 3600
UNSUPPORTED = frozenset({  # subresources the sandbox does not serve: NotImplemented, not a guess
    "acl", "tagging", "torrent", "retention", "legal-hold", "attributes", "restore", "select",
    "policy", "policyStatus", "lifecycle", "website", "encryption", "replication",
    "notification", "logging", "accelerate", "requestPayment", "ownershipControls",
    "publicAccessBlock", "object-lock", "analytics", "inventory", "metrics",
    "intelligent-tiering", "versions", "session", "metadataTable",
})


OBJECT_TAGGING = frozenset({"tagging"})  # served on objects (not on buckets)


def _presign_time(text: str) -> float | None:
    try:
        parsed = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return parsed.timestamp()


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _expired(expires_at: float, now: float, **fields: str) -> S3Error:
    return S3Error("AccessDenied", "Request has expired", 403,
                   **fields, Expires=_utc(expires_at), ServerTime=_utc(now))


def check_presigned(request: S3Request, now: float) -> None:
    """A presigned URL is good until X-Amz-Date + X-Amz-Expires (SigV4, at most a week), or
    until `Expires` (SigV2, the epoch second botocore signs by default for S3)."""
    if request.scope is None or not request.scope.presigned:
        legacy = request.query.get("Expires", "")
        if "AWSAccessKeyId" in request.query and legacy.isdigit() and now > int(legacy):
            raise _expired(int(legacy), now)
        return
    signed = _presign_time(request.query.get("X-Amz-Date", ""))
    expires = request.query.get("X-Amz-Expires", "")
    if signed is None or not expires.isdigit():
        raise S3Error("AuthorizationQueryParametersError",
                      "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                      "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                      "and X-Amz-Expires parameters.", 400)
    if int(expires) > MAX_PRESIGN_SECONDS:
        raise S3Error("AuthorizationQueryParametersError",
                      "X-Amz-Expires must be less than a week (in seconds) that is; 604800", 400)
    if now > signed + int(expires):
        raise _expired(signed + int(expires), now, **{"X-Amz-Expires": expires})


class S3App:
    def __init__(
        self,
        store: S3Store,
        *,
        region: Callable[[], str] = lambda: "us-east-1",
        origins: Origins = frozenset,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.store = store
        clock = now or store.now
        self.context = Context(store, Multipart(store), region, clock)
        self.origins = origins

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request_id = uuid.uuid4().hex[:16].upper()
        request = parse_request(scope)
        receive = _Tracked(receive)
        try:
            if request.method == "OPTIONS":
                reply = Reply(200, preflight(request.headers, self.cors_rules(request)))
            else:
                check_presigned(request, self.context.now())
                reply = await self.route(request, receive)
        except S3Error as error:
            reply = self.error_reply(error, request, request_id)
        except Exception:  # a bug must not take the endpoint down
            log.exception("s3: internal error answering %s %s", request.method, request.resource)
            error = S3Error("InternalError", "We encountered an internal error. Please try again.",
                            500)
            reply = self.error_reply(error, request, request_id)
        if not receive.done and _has_body(request):
            # the body was not read (an error came first; a client sending `Expect:
            # 100-continue` never sends it): the connection cannot carry another request
            reply.headers.append(("connection", "close"))
        await self.send(reply, request, request_id, send)

    def cors_rules(self, request: S3Request) -> list[CorsRule]:
        """The bucket's CORS rules; without any, one for the sandbox's own origins."""
        try:
            rules = self.store.bucket_cors(request.bucket) if request.bucket else None
        except S3Error:  # no such bucket: its error is still readable by the sandbox's pages
            rules = None
        return rules if rules is not None else [sandbox_rule(self.origins())]

    def error_reply(self, error: S3Error, request: S3Request, request_id: str) -> Reply:
        if request.method == "HEAD" or error.status == 304:
            return Reply(error.status, [], b"")  # S3 sends no body with these
        body = error_body(error, request_id, request.resource)
        return Reply(error.status, [("content-type", "application/xml")], body)

    async def route(self, request: S3Request, receive: Any) -> Reply:
        context, method, query = self.context, request.method, request.query
        if request.bad_uri:
            raise S3Error("InvalidURI", "Couldn't parse the specified URI.", 400)
        served = OBJECT_TAGGING if request.key is not None else frozenset()
        unsupported = sorted((UNSUPPORTED - served) & query.keys())
        if unsupported:
            raise not_implemented(f"the ?{unsupported[0]} subresource")
        if request.bucket is None:
            if method == "GET":
                return bucket_ops.list_buckets(context, request)
            raise method_not_allowed(method, "SERVICE")
        if request.key is None:
            return await self._bucket(request, receive)
        if "tagging" in query:
            if method == "GET":
                return object_ops.get_tagging(context, request)
            if method == "PUT":
                return await object_ops.put_tagging(context, request, receive)
            if method == "DELETE":
                return object_ops.delete_tagging(context, request)
        if method in ("GET", "HEAD"):
            if "uploadId" in query and method == "GET":
                return upload_ops.list_parts(context, request)
            return object_ops.get_object(context, request, head=method == "HEAD")
        if method == "PUT":
            copying = "x-amz-copy-source" in request.headers
            if "uploadId" in query:
                if copying:
                    return upload_ops.upload_part_copy(context, request)
                return await upload_ops.upload_part(context, request, receive)
            if copying:
                return object_ops.copy_object(context, request)
            return await object_ops.put_object(context, request, receive)
        if method == "DELETE":
            if "uploadId" in query:
                return upload_ops.abort_upload(context, request)
            return object_ops.delete_object(context, request)
        if method == "POST":
            if "uploads" in query:
                return upload_ops.create_upload(context, request)
            if "uploadId" in query:
                return await upload_ops.complete_upload(context, request, receive)
        raise method_not_allowed(method, "OBJECT")

    async def _bucket(self, request: S3Request, receive: Any) -> Reply:
        context, method, query = self.context, request.method, request.query
        if "cors" in query:
            if method == "GET":
                return bucket_ops.get_cors(context, request)
            if method == "PUT":
                return await bucket_ops.put_cors(context, request, receive)
            if method == "DELETE":
                return bucket_ops.delete_cors(context, request)
        if method == "GET":
            if "location" in query:
                return bucket_ops.bucket_location(context, request)
            if "versioning" in query:
                return bucket_ops.bucket_versioning(context, request)
            if "uploads" in query:
                return bucket_ops.list_uploads(context, request)
            return bucket_ops.list_objects(context, request)
        if method == "HEAD":
            return bucket_ops.head_bucket(context, request)
        if method == "PUT":
            return await bucket_ops.create_bucket(context, request, receive)
        if method == "DELETE":
            return bucket_ops.delete_bucket(context, request)
        if method == "POST" and "delete" in query:
            return await bucket_ops.delete_objects(context, request, receive)
        if method == "POST":
            raise not_implemented("browser-based POST uploads")
        raise method_not_allowed(method, "BUCKET")

    async def send(self, reply: Reply, request: S3Request, request_id: str, send: Any) -> None:
        headers = [
            *reply.headers,
            ("x-amz-request-id", request_id),
            ("x-amz-id-2", request_id),
        ]
        if request.method != "OPTIONS":  # a preflight's answer has them already
            headers += response_headers(request.headers, request.method, self.cors_rules(request))
        body = reply.body
        if isinstance(body, bytes):
            length = reply.length if reply.length is not None and not body else len(body)
        else:
            length = reply.length or 0
        if reply.status not in (204, 304):
            headers.append(("content-length", str(length)))
        raw = [(n.encode("latin-1"), v.encode("latin-1", "replace")) for n, v in headers]
        await send({"type": "http.response.start", "status": reply.status, "headers": raw})
        if request.method == "HEAD" or reply.status in (204, 304):
            if not isinstance(body, bytes):
                _close(body)
            await send({"type": "http.response.body", "body": b""})
            return
        if isinstance(body, bytes):
            await send({"type": "http.response.body", "body": body})
            return
        try:
            for chunk in body:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            _close(body)
        await send({"type": "http.response.body", "body": b""})


class _Tracked:
    """The ASGI `receive`, noting when the request's body has been read to its end."""

    def __init__(self, receive: Any) -> None:
        self.receive = receive
        self.done = False

    async def __call__(self) -> dict[str, Any]:
        message = await self.receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.done = True
        return message


def _has_body(request: S3Request) -> bool:
    length = request.headers.get("content-length", "0")
    return "transfer-encoding" in request.headers or (length.isdigit() and int(length) > 0)


def _close(body: Iterator[bytes]) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()
