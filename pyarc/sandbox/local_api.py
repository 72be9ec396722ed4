"""What a sandbox says about itself on every port it serves, under `/_pyarc/`:

- `GET /_pyarc/app`: which app this is (`{"app", "path", "pid", "ports"}`), so `pyarc invoke`,
  `pyarc tables` and a second sandbox can tell whose sandbox holds a port;
- `GET /_pyarc/logs?lines=N&after=K`: the console's recent lines (`pyarc logs --local`):
  `{"app", "next", "lines"}`, the last N lines, only those after line number K; pass
  `after=<next>` to get only new lines.

Clients use `ask_identity()`; `same_app()` is the one rule for "is this the same app".
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from pyarc.errors import PyarcError
from pyarc.sandbox.environment import local_host

IDENTITY_PATH = "/_pyarc/app"
LOGS_PATH = "/_pyarc/logs"
RECENT_LINES = 1000  # what the sandbox keeps for `pyarc logs --local`


@dataclass(frozen=True)
class AppIdentity:
    """The app a running sandbox serves, as its `/_pyarc/app` answers."""

    app: str
    path: str  # the app directory, absolute
    pid: int = 0
    ports: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """`the app 'cage' (/home/me/cage)`."""
        return f"the app {self.app!r} ({self.path})"

    @classmethod
    def from_json(cls, data: Any) -> AppIdentity | None:
        if not isinstance(data, dict):
            return None
        app, path = data.get("app"), data.get("path")
        if not isinstance(app, str) or not isinstance(path, str):
            return None
        ports = data.get("ports") if isinstance(data.get("ports"), dict) else {}
        pid = data.get("pid") if isinstance(data.get("pid"), int) else 0
        return cls(app, path, pid, {str(k): v for k, v in ports.items() if isinstance(v, int)})


def same_app(identity: AppIdentity, app_dir: Path) -> bool:
    """True when the sandbox serves the app in `app_dir` (same directory, so same name)."""
    try:
        return Path(identity.path).resolve() == app_dir.resolve()
    except OSError:
        return False


def ask_identity(host: str, port: int, timeout: float = 2.0) -> AppIdentity | None:
    """Who serves `host:port`: the sandbox's identity, or None (nothing, or not a sandbox)."""
    import httpx

    host = local_host(host)
    url_host = f"[{host}]" if ":" in host else host
    try:
        response = httpx.get(f"http://{url_host}:{port}{IDENTITY_PATH}", timeout=timeout)
        return AppIdentity.from_json(response.json()) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


def require_same_app(identity: AppIdentity, app_dir: Path, port: int, flag: str) -> None:
    """A PyarcError when the sandbox on `port` serves another app than the one in `app_dir`."""
    if not same_app(identity, app_dir):
        raise PyarcError(
            f"The sandbox on port {port} runs {identity.describe()}, not the app in "
            f"{app_dir.resolve()}; start this app's sandbox on another port and pass it with "
            f"{flag}, or run the command from {identity.path}."
        )


class LocalApi:
    """ASGI wrapper answering `/_pyarc/app` and `/_pyarc/logs`; everything else goes to `app`."""

    def __init__(
        self,
        app: ASGIApp,
        identity: Callable[[], AppIdentity],
        recent_lines: Callable[[], tuple[int, list[str]]],
    ) -> None:
        self.app = app
        self.identity = identity
        self.recent_lines = recent_lines

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/_pyarc/") or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if path == IDENTITY_PATH:
            await _json(send, 200, asdict(self.identity()))
        elif path == LOGS_PATH:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            printed, lines = self.recent_lines()
            after = query.get("after", [""])[0]
            if after.isdigit():  # lines[i] is line number printed - len(lines) + i
                lines = lines[max(0, int(after) - (printed - len(lines))) :]
            wanted = query.get("lines", [""])[0]
            if wanted.isdigit():
                lines = lines[-int(wanted) :] if int(wanted) else []
            body = {"app": self.identity().app, "next": printed, "lines": lines}
            await _json(send, 200, body)
        else:
            await self.app(scope, receive, send)


async def _json(send: Send, status: int, body: Any) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def identity_of(name: str, path: Path, ports: dict[str, int]) -> AppIdentity:
    return AppIdentity(name, str(path), os.getpid(), ports)
