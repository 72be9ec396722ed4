"""`@http` -> one `AWS::Serverless::HttpApi`, an HttpApi event per route, the static proxy."""

from __future__ import annotations

import re

from pyarc.errors import PyarcError
from pyarc.inventory.model import HttpRoute
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import execute_api_host, ref, sub
from pyarc.template.stages import add_access_log_group, throttling

STATIC_ROUTE_KEY = "GET /_static/{proxy+}"
STATIC_PATH = "/_static/{proxy+}"


def route_shape(route_key: str, placeholder: str = "{}") -> str:
    """API Gateway ignores parameter names when matching: `/a/{id}` and `/a/{x}` clash."""
    return re.sub(r"\{[^}+]+\}", placeholder, route_key)


def payload_version(draft: Draft) -> str:
    """HTTP API payload 2.0, or 1.0 when `@aws apigateway httpv1|rest`."""
    return "1.0" if draft.inventory.aws.apigateway in ("httpv1", "rest") else "2.0"


def add_http(draft: Draft) -> None:
    inventory = draft.inventory
    if not inventory.http:
        return
    draft.add(
        names.HTTP_API,
        {
            "Type": "AWS::Serverless::HttpApi",
            "Properties": {
                "StageName": "$default",
                "AccessLogSettings": add_access_log_group(draft, names.HTTP_API, "@http"),
                "DefaultRouteSettings": throttling(draft),
                "DefinitionBody": {
                    "openapi": "3.0.1",
                    "info": {"title": ref("AWS::StackName"), "version": "1.0"},
                    "paths": {},
                },
            },
        },
        owner="@http",
    )
    seen: dict[str, HttpRoute] = {}
    for route in inventory.http:
        key = route.route_key
        shape = route_shape(key)
        if shape in seen:
            raise PyarcError(
                f"@http routes {seen[shape].method} {seen[shape].path} and {route.method} "
                f"{route.path} both become API Gateway route {route_shape(key, '{param}')}; "
                "remove or rename one."
            )
        if key == STATIC_ROUTE_KEY and draft.static is not None:
            raise PyarcError(
                f"@http route {route.method} {route.path} takes {STATIC_ROUTE_KEY}, which serves "
                "@static files; move the route elsewhere."
            )
        seen[shape] = route
        method, path = key.split(" ", 1)
        draft.add_function_event(
            route.function,
            names.pascal(route.function.name) + "HTTPEvent",
            {
                "Type": "HttpApi",
                "Properties": {
                    "ApiId": ref(names.HTTP_API),
                    "Method": method,
                    "Path": path,
                    "PayloadFormatVersion": payload_version(draft),
                },
            },
        )
    proxy_url = (inventory.proxy or {}).get(draft.env)
    if draft.static_via_api:
        add_static_proxy(draft)
        if not proxy_url:
            add_static_fallback(draft, seen)
    if proxy_url:
        if route_shape("ANY /{proxy+}") in seen:
            raise PyarcError(
                f"@proxy {draft.env} and @http route any /* both claim every unmatched request; "
                "remove one of them."
            )
        add_fallback_proxy(draft, proxy_url)
    draft.output(
        "API",
        sub(f"https://{execute_api_host(names.HTTP_API)}"),
        "HTTP API URL",
    )
    draft.output("ApiId", ref(names.HTTP_API), "HTTP API id")


def http_proxy_path(uri: Json | str, method: str) -> Json:
    """An OpenAPI path item for an HTTP_PROXY integration with a greedy `{proxy+}` param.

    It lives in the HttpApi's `DefinitionBody` (which SAM merges the function routes into)
    rather than in separate `AWS::ApiGatewayV2::Route` resources: CloudFormation re-imports
    the body on every update, which would silently drop routes declared outside it.
    """
    operation = "x-amazon-apigateway-any-method" if method == "ANY" else method.lower()
    return {
        operation: {
            "parameters": [{"name": "proxy+", "in": "path", "required": True}],
            "x-amazon-apigateway-integration": {
                "type": "http_proxy",
                "httpMethod": method,
                "uri": uri,
                "payloadFormatVersion": "1.0",
                "connectionType": "INTERNET",
                "timeoutInMillis": 30000,
            },
        }
    }


def definition_paths(draft: Draft) -> Json:
    return draft.resources[names.HTTP_API]["Properties"]["DefinitionBody"]["paths"]


def static_object_uri(draft: Draft, key: str) -> Json:
    """The S3 REST URL of `key` (under `@static prefix`) in the static bucket."""
    static = draft.static
    prefix = (static.prefix or "").strip("/") if static else ""
    full_key = f"{prefix}/{key}" if prefix else key
    bucket = draft.static_bucket_name()
    host = bucket if isinstance(bucket, str) else f"${{{names.STATIC_BUCKET}}}"
    return sub(f"https://{host}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}/{full_key}")


def add_static_proxy(draft: Draft) -> None:
    """`GET /_static/{proxy+}` -> the static bucket's S3 endpoint, as Architect deploys it."""
    definition_paths(draft)[STATIC_PATH] = http_proxy_path(static_object_uri(draft, "{proxy}"), "GET")


def add_static_fallback(draft: Draft, seen: dict[str, HttpRoute]) -> None:
    """What the sandbox does with a GET no route matches: serve it from the static folder
    (`/` -> `index.html`). Only where no route (and no `@proxy`) claims the path."""
    paths = definition_paths(draft)
    if not {route_shape("GET /"), route_shape("ANY /")} & set(seen):
        root = http_proxy_path(static_object_uri(draft, "index.html"), "GET")
        root["get"].pop("parameters")
        paths["/"] = root
    if not {route_shape("GET /{proxy+}"), route_shape("ANY /{proxy+}")} & set(seen):
        paths["/{proxy+}"] = http_proxy_path(static_object_uri(draft, "{proxy}"), "GET")


def add_fallback_proxy(draft: Draft, url: str) -> None:
    """`@proxy`: requests no route matches go to the URL given for this environment."""
    uri = url.rstrip("/") + "/{proxy}"
    definition_paths(draft)["/{proxy+}"] = http_proxy_path(uri, "ANY")
