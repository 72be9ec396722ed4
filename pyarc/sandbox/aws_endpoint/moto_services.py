"""AWS services pyarc does not emulate itself, served by moto's in-process backends.

moto is the optional extra `pyarc[aws]`: the default install never imports it, and
`MotoServices.if_installed()` is None without it (the dispatcher then refuses, naming the
extra). With it, the dispatcher asks `MotoServices` once per signing name for an ASGI app:
moto's backend for that service when moto has one (Secrets Manager, SES, KMS, Step
Functions, ...), else a refusal saying nobody emulates it.

Each request reaches moto the way `mock_aws` does inside boto3: as a botocore request
handed to moto's `BotocoreStubber`, which finds the backend by AWS's own host for the
service, so no Flask server or WSGI bridge is involved. moto's handlers are synchronous,
so they run on a worker thread, off the event loop.

moto keeps its state per process: `reset()` (at sandbox stop) empties the backends this run
used. Requests carry pyarc's account id (`config.ACCOUNT_ID`) unless `MOTO_ACCOUNT_ID` says
otherwise (moto reads that first).
"""

from __future__ import annotations

import importlib.util
import re
from functools import cached_property
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from pyarc.sandbox.aws_endpoint.models import endpoint_prefix
from pyarc.sandbox.aws_endpoint.refusal import refusal_app, refusal_message, send_error
from pyarc.sandbox.config import ACCOUNT_ID
from pyarc.wire.sigv4 import credential_scope

NOBODY_HINT = (
    "neither pyarc nor moto emulates it: call it from a deployed stack, or give this client "
    "its own endpoint_url to reach real AWS."
)
REINSTALL = "pip install --force-reinstall 'pyarc[aws]'"
DEFAULT_REGION = "us-east-1"
# moto's framing headers: the ASGI server frames our answer itself
_FRAMING = {"content-length", "transfer-encoding", "connection", "status"}

MotoAnswer = tuple[int, Any, Any]  # (status, headers, body) as moto's handlers return them


def moto_installed() -> bool:
    """Whether moto can be imported, without importing it (that costs ~0.15 s)."""
    try:
        return importlib.util.find_spec("moto") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["moto"] is None (hidden)
        return False


def _region(scope: Scope) -> str:
    found = credential_scope(scope.get("headers", ()), scope.get("query_string", b""))
    return found.region if found is not None else DEFAULT_REGION


def _reply_headers(headers: Any) -> list[tuple[bytes, bytes]]:
    return [
        (str(key).lower().encode("latin-1"), str(value).encode("latin-1"))
        for key, value in dict(headers).items()
        if str(key).lower() not in _FRAMING
    ]


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    return b"".join(part.encode() if isinstance(part, str) else part for part in body)


class MotoServices:
    """moto's backends behind the sandbox's AWS endpoint, for one sandbox run (a Fallback)."""

    def __init__(self, account_id: str = ACCOUNT_ID) -> None:
        self.account_id = account_id
        self._used: set[str] = set()  # moto backend names this run touched, for reset()

    @classmethod
    def if_installed(cls, account_id: str = ACCOUNT_ID) -> MotoServices | None:
        """A MotoServices when the `aws` extra (moto) is installed, else None."""
        return cls(account_id) if moto_installed() else None

    @cached_property
    def _patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        import moto.backend_index  # on first use: a sandbox that never asks pays nothing

        return list(moto.backend_index.backend_url_patterns)

    @cached_property
    def _stubber(self) -> Any:
        from moto.core.botocore_stubber import BotocoreStubber

        return BotocoreStubber()

    def backend_names(self, service: str) -> list[str]:
        """moto's backends answering AWS's host for the SigV4 `service`, e.g. `["ses", "sesv2"]`."""
        url = f"https://{endpoint_prefix(service)}.{DEFAULT_REGION}.amazonaws.com/"
        return [name for name, pattern in self._patterns if pattern.match(url)]

    def __call__(self, service: str) -> ASGIApp:
        try:
            names = self.backend_names(service)
        except ImportError as error:  # installed, yet broken: say so rather than fail with a 500
            hint = f"moto is installed but does not import ({error}); {REINSTALL}"
            return refusal_app(service, hint)
        if not names:
            return refusal_app(service, NOBODY_HINT)
        return self._app(service, names)

    def _app(self, service: str, names: list[str]) -> ASGIApp:
        from botocore.awsrequest import AWSPreparedRequest, HTTPHeaders

        prefix = endpoint_prefix(service)

        async def serve(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                return
            host = f"{prefix}.{_region(scope)}.amazonaws.com"
            path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
            query = scope.get("query_string", b"").decode("latin-1")
            headers = HTTPHeaders()
            for name, value in scope["headers"]:
                if name != b"host":  # moto finds the backend by AWS's host for the service
                    headers[name.decode("latin-1")] = value.decode("latin-1")
            headers["host"] = host
            headers["x-moto-account-id"] = self.account_id
            url = f"https://{host}{path}" + (f"?{query}" if query else "")
            request = AWSPreparedRequest(
                scope["method"], url, headers, await Request(scope, receive).body(), False
            )
            self._used.update(names)
            answer = await anyio.to_thread.run_sync(self._dispatch, request)
            if isinstance(answer, str):
                hint = f"moto serves it but not this call ({answer})."
                await send_error(send, service, scope, refusal_message(service, hint))
                return
            status, reply_headers, reply = answer
            body = _as_bytes(reply)
            start_headers = _reply_headers(reply_headers)
            start_headers.append((b"content-length", str(len(body)).encode()))
            await send(
                {"type": "http.response.start", "status": int(status), "headers": start_headers}
            )
            await send({"type": "http.response.body", "body": body})

        return serve

    def _dispatch(self, request: Any) -> MotoAnswer | str:
        """moto's answer to `request`, or why it has none (on a worker thread)."""
        try:
            answer = self._stubber.process_request(request)
        except NotImplementedError as error:  # moto knows the service, not this operation
            return str(error) or "not implemented in moto"
        except ImportError as error:  # a backend whose own dependencies `pyarc[aws]` lacks
            return f"its moto backend needs {error.name or error}: pip install 'moto[all]'"
        except Exception as error:  # a 500 would be retried by every SDK: answer once
            return f"moto failed: {type(error).__name__}: {error}"
        return answer if answer is not None else "no such operation in moto"

    def reset(self) -> None:
        """Empty every moto backend this run used (moto's state lives as long as the process)."""
        if not self._used:
            return
        import moto.backends

        for name in sorted(self._used):
            moto.backends.get_backend(name).reset()  # type: ignore[call-overload]
        self._used.clear()
