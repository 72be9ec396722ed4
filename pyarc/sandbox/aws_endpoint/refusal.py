"""The answer for a service nobody serves: the service's own error shape, one sentence.

The shape follows the protocol the client speaks, so boto3 shows the message as a
`ClientError`: JSON protocols (`X-Amz-Target`, a JSON body) get `{"__type", "message"}` and
the `x-amzn-ErrorType` header, Smithy RPCv2 CBOR clients (`smithy-protocol: rpc-v2-cbor`,
CloudWatch) the same map in CBOR, the query protocol (form body) `<ErrorResponse>`, EC2
`<Response><Errors>`; otherwise botocore's model of the service tells REST-JSON from
REST-XML (S3, Route 53, CloudFront get `<Error>`). Status 501, AWS's own for
`NotImplemented`: botocore retries only 500/502/503/504 and throttling codes, so the caller
fails at once instead of hanging in retries.
"""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

from starlette.types import ASGIApp, Receive, Scope, Send

from pyarc.sandbox.aws_endpoint.models import model_protocol
from pyarc.wire import json_error, query_error

CODE = "NotImplemented"
STATUS = 501


def refusal_message(service: str, hint: str) -> str:
    return f"pyarc's sandbox does not serve the AWS service '{service}'; {hint}"


def client_protocol(service: str, scope: Scope) -> str:
    """The wire protocol of the request: its headers say so, else the service's model."""
    content_type = b""
    for name, value in scope.get("headers", ()):
        if name == b"smithy-protocol" and value == b"rpc-v2-cbor":
            return "smithy-rpc-v2-cbor"
        if name == b"x-amz-target":
            return "json"
        if name == b"content-type":
            content_type = value
    if b"json" in content_type:
        return "json"
    if b"x-www-form-urlencoded" in content_type:
        return "ec2" if service == "ec2" else "query"
    protocol = model_protocol(service)
    return protocol if protocol in ("rest-json", "rest-xml") else "rest-json"


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    size = len(data)
    if size < 24:
        return bytes([0x60 | size]) + data
    if size < 0x100:
        return bytes([0x78, size]) + data
    if size < 0x10000:
        return bytes([0x79]) + size.to_bytes(2, "big") + data
    return bytes([0x7A]) + size.to_bytes(4, "big") + data


def cbor_text_map(fields: dict[str, str]) -> bytes:
    """RFC 8949 encoding of a small map of text to text: all an error body needs."""
    if len(fields) >= 24:
        raise ValueError("a CBOR error body holds fewer than 24 fields")
    return bytes([0xA0 | len(fields)]) + b"".join(
        _cbor_text(key) + _cbor_text(value) for key, value in fields.items()
    )


def error_reply(
    protocol: str, message: str, code: str = CODE
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Headers and body of the AWS error `code` in `protocol`, as botocore's parsers read it."""
    request_id = str(uuid.uuid4())
    headers = [(b"x-amzn-requestid", request_id.encode())]
    if protocol in ("json", "rest-json"):
        body = json_error(code, message)
        content_type = b"application/x-amz-json-1.0" if protocol == "json" else b"application/json"
        headers += [(b"content-type", content_type), (b"x-amzn-errortype", code.encode())]
    elif protocol == "smithy-rpc-v2-cbor":
        body = cbor_text_map({"__type": code, "message": message})
        headers += [(b"content-type", b"application/cbor"), (b"smithy-protocol", b"rpc-v2-cbor")]
    else:
        error = f"<Code>{code}</Code><Message>{escape(message)}</Message>"
        if protocol == "query":  # the one shape of a query error: pyarc.wire.refusals
            text = query_error(None, code, message, request_id).decode()
        elif protocol == "ec2":
            text = (
                f"<Response><Errors><Error>{error}</Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>"
            )
        else:  # rest-xml
            text = f"<Error>{error}<RequestId>{request_id}</RequestId></Error>"
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n{text}'.encode()
        headers.append(
            (b"content-type", b"text/xml" if protocol != "rest-xml" else b"application/xml")
        )
    headers.append((b"content-length", str(len(body)).encode()))
    return headers, body


async def send_error(send: Send, service: str, scope: Scope, message: str) -> None:
    """Answer the request in `scope` with `message` as a 501 in its client's protocol."""
    headers, body = error_reply(client_protocol(service, scope), message)
    await send({"type": "http.response.start", "status": STATUS, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def drain(receive: Receive) -> None:
    """Read the request body to its end, so the client is not left writing."""
    more = True
    while more:
        more = (await receive()).get("more_body", False)


def refusal_app(service: str, hint: str) -> ASGIApp:
    """An ASGI app answering every request with the refusal for `service`."""
    message = refusal_message(service, hint)

    async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await drain(receive)
        await send_error(send, service, scope, message)

    return refuse
