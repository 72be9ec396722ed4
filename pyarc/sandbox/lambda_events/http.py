"""Build the Lambda event API Gateway sends for an HTTP request (payload 2.0 and 1.0)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from pyarc.inventory.model import api_gateway_path
from pyarc.sandbox.config import ACCOUNT_ID, API_ID, HTTP_STAGE
from pyarc.sandbox.ids import aws_id, clf_time, now_ms
from pyarc.sandbox.router import RouteMatch

# Bodies of these types arrive as text; all others base64. Form posts
# (application/x-www-form-urlencoded, multipart/form-data) are NOT text to an HTTP API:
# it base64-encodes them, so handlers must decode them (Slack commands are the usual
# surprise).
_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/graphql",
    "+json",
    "+xml",
)


@dataclass
class HttpRequestInfo:
    """What the sandbox read from the wire, independent of the ASGI framework."""

    method: str
    raw_path: str  # as sent (percent-encoded); payload 2.0 decodes it
    raw_query: str
    headers: list[tuple[str, str]]  # in order, names as sent (ASGI gives them lower-cased)
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"
    request_id: str = ""
    epoch_ms: int = 0

    def __post_init__(self) -> None:
        self.request_id = self.request_id or aws_id()
        self.epoch_ms = self.epoch_ms or now_ms()

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


def is_text(content_type: str | None) -> bool:
    if not content_type:
        return True  # API Gateway passes bodies without a content type as text
    lowered = content_type.lower()
    return any(marker in lowered for marker in _TEXT_TYPES)


def encode_body(info: HttpRequestInfo) -> tuple[str | None, bool]:
    """The body as text, or base64 for binary content; (None, False) when empty."""
    if not info.body:
        return None, False
    if is_text(info.header("content-type")):
        try:
            return info.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(info.body).decode("ascii"), True


def _forwarded(info: HttpRequestInfo, server_port: int) -> dict[str, str]:
    """Headers an HTTP API adds when the client did not send them."""
    return {
        "content-length": str(len(info.body)),  # also "0" on a GET
        "x-forwarded-for": info.source_ip,
        "x-forwarded-port": str(server_port),
        "x-forwarded-proto": "http",
    }


def _domain(info: HttpRequestInfo, server_port: int) -> str:
    return info.header("host") or f"localhost:{server_port}"


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    return parse_qsl(raw_query, keep_blank_values=True) if raw_query else []


def build_v2(info: HttpRequestInfo, match: RouteMatch | None, server_port: int) -> dict[str, Any]:
    """API Gateway HTTP API payload format 2.0; absent keys are left out as AWS does."""
    route_key = match.route_key if match else "$default"
    # one pass over the headers: folded (cookies apart), and the first host and user agent
    headers: dict[str, str] = {}
    cookies: list[str] = []
    host = user_agent = None
    for key, value in info.headers:
        key = key.lower()
        if key == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
            continue
        if key == "host":
            host = value if host is None else host
        elif key == "user-agent":
            user_agent = value if user_agent is None else user_agent
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    for key, value in _forwarded(info, server_port).items():
        headers.setdefault(key, value)
    domain = host or f"localhost:{server_port}"
    # an HTTP API hands over the path percent-decoded, in `rawPath` as in `http.path`
    # (`rawQueryString` keeps its encoding); payload 1.0's `path` stays as sent
    path = unquote(info.raw_path)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": info.raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    pairs = _query_pairs(info.raw_query)
    if pairs:
        query: dict[str, str] = {}
        for key, value in pairs:
            query[key] = f"{query[key]},{value}" if key in query else value
        event["queryStringParameters"] = query
    event["requestContext"] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": domain,
        "domainPrefix": domain.split(".")[0].split(":")[0],
        "http": {
            "method": info.method.upper(),
            "path": path,
            "protocol": info.protocol,
            "sourceIp": info.source_ip,
            "userAgent": user_agent or "",
        },
        "requestId": info.request_id,
        "routeKey": route_key,
        "stage": HTTP_STAGE,
        "time": clf_time(info.epoch_ms),
        "timeEpoch": info.epoch_ms,
    }
    body, is_base64 = encode_body(info)
    if body is not None:
        event["body"] = body
    if match and match.path_parameters:
        event["pathParameters"] = dict(match.path_parameters)
    event["isBase64Encoded"] = is_base64
    return event


def build_v1(info: HttpRequestInfo, match: RouteMatch | None, server_port: int) -> dict[str, Any]:
    """Payload format 1.0 (`@aws apigateway httpv1|rest`); absent values are null as AWS sends."""
    resource = api_gateway_path(match.route.path) if match else "$default"
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for key, value in info.headers:
        headers[key] = value
        multi_headers.setdefault(key, []).append(value)
    for key, value in _forwarded(info, server_port).items():
        if key not in headers:
            headers[key] = value
            multi_headers[key] = [value]
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for key, value in _query_pairs(info.raw_query):
        query[key] = value
        multi_query.setdefault(key, []).append(value)
    domain = _domain(info, server_port)
    body, is_base64 = encode_body(info)
    return {
        "version": "1.0",
        "resource": resource,
        "path": info.raw_path,
        "httpMethod": info.method.upper(),
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": domain,
            "domainPrefix": domain.split(".")[0].split(":")[0],
            "extendedRequestId": info.request_id,
            "httpMethod": info.method.upper(),
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": info.source_ip,
                "user": None,
                "userAgent": info.header("user-agent") or "",
                "userArn": None,
            },
            "path": info.raw_path,
            "protocol": info.protocol,
            "requestId": info.request_id,
            "requestTime": clf_time(info.epoch_ms),
            "requestTimeEpoch": info.epoch_ms,
            "resourceId": match.route_key if match else "$default",
            "resourcePath": resource,
            "stage": HTTP_STAGE,
        },
        "pathParameters": dict(match.path_parameters) if match and match.path_parameters else None,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": is_base64,
    }
