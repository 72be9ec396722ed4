"""`AwsEndpoint`: one ASGI app in front of every service the sandbox answers.

    endpoint = AwsEndpoint({"dynamodb": tables, "s3": s3, ...}, fallback=installed_fallback())

Each request goes to the app of the service in its SigV4 scope (scope.py). An unsigned
request (a health check, a browser's CORS preflight, an anonymous object GET) goes to
`unsigned_service(scope)`: DynamoDB for `POST /` (the tables port's old behaviour), S3 for
anything else. A service outside the table goes to the fallback, then to a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send

from pyarc.s3.http.request import bucket_from_host
from pyarc.sandbox.aws_endpoint.fallback import ENABLE_HINT, Fallback
from pyarc.sandbox.aws_endpoint.refusal import refusal_app
from pyarc.sandbox.aws_endpoint.scope import signing_service


def unsigned_service(scope: Scope) -> str:
    """The service for a request without a SigV4 scope: S3 for a path, a preflight or a
    bucket's host name, else DynamoDB (`POST /` and the health check `GET /`)."""
    if scope.get("path", "/") != "/" or scope.get("method") == "OPTIONS":
        return "s3"
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return "s3" if bucket_from_host(value.decode("latin-1")) else "dynamodb"
    return "dynamodb"


class AwsEndpoint:
    """Routes each request by its signing service; `services` maps signing names to apps."""

    def __init__(self, services: Mapping[str, ASGIApp], fallback: Fallback | None = None) -> None:
        self.services: dict[str, ASGIApp] = dict(services)
        self.fallback = fallback
        self._others: dict[str, ASGIApp] = {}  # fallback or refusal, decided once per service

    def served(self) -> list[str]:
        """The signing names pyarc serves itself (the banner lists them)."""
        return sorted(self.services)

    def app_for(self, service: str) -> ASGIApp:
        found = self.services.get(service) or self._others.get(service)
        if found is None:
            found = self.fallback(service) if self.fallback is not None else None
            if found is None:
                found = refusal_app(service, ENABLE_HINT)
            self._others[service] = found
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        service = signing_service(scope) or unsigned_service(scope)
        await self.app_for(service)(scope, receive, send)
