"""The answer for a service nobody serves: the service's own error shape, one sentence.

The shape follows the request's protocol so boto3 shows the message as a `ClientError`:
JSON protocols (`X-Amz-Target` or a JSON body) get `{"__type", "message"}` and the
`x-amzn-ErrorType` header; the query protocol (form body) gets `<ErrorResponse>`; the
REST-XML services (S3, Route 53, CloudFront) get `<Error>`. Status 501: botocore does not
retry it, so the caller fails at once instead of hanging in retries.
"""

from __future__ import annotations

import json
import uuid
from xml.sax.saxutils import escape

from starlette.types import ASGIApp, Receive, Scope, Send

CODE = "NotImplemented"
STATUS = 501


def refusal_message(service: str, hint: str) -> str:
    return f"pyarc's sandbox does not serve the AWS service '{service}'; {hint}"


def _protocol(scope: Scope) -> str:
    content_type = b""
    for name, value in scope.get("headers", ()):
        if name == b"x-amz-target":
            return "json"
        if name == b"content-type":
            content_type = value
    if b"json" in content_type:
        return "json"
    if b"x-www-form-urlencoded" in content_type:
        return "query"
    return "rest-xml"


def refusal_app(service: str, hint: str) -> ASGIApp:
    """An ASGI app answering every request with the refusal for `service`."""
    message = refusal_message(service, hint)

    async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:  # read the body so the client is not left writing
            more = (await receive()).get("more_body", False)
        request_id = str(uuid.uuid4())
        protocol = _protocol(scope)
        headers = [(b"x-amzn-requestid", request_id.encode())]
        if protocol == "json":
            body = json.dumps({"__type": CODE, "message": message}).encode()
            headers += [(b"content-type", b"application/x-amz-json-1.0"),
                        (b"x-amzn-errortype", CODE.encode())]
        elif protocol == "query":
            body = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{CODE}</Code>"
                f"<Message>{escape(message)}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode()
            headers.append((b"content-type", b"text/xml"))
        else:
            body = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{CODE}</Code>'
                f"<Message>{escape(message)}</Message><RequestId>{request_id}</RequestId></Error>"
            ).encode()
            headers.append((b"content-type", b"application/xml"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": STATUS, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return refuse
