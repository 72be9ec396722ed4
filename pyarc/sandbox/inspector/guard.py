"""Who may use the inspector: it is a local page that can change data.

- every request must name the sandbox's own host (`Host: localhost:3333`), so a site whose
  DNS name points at 127.0.0.1 (DNS rebinding) cannot read it through a browser;
- a request that changes state must come from the page itself: an `Origin` of this same
  host and port (browsers send it with every POST/PUT/DELETE), and the per-run token the
  page carries (a header other sites cannot set without a CORS preflight we never grant).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.datastructures import Headers

TOKEN_HEADER = "x-pyarc-inspector"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD"})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _host_name(host_header: str) -> str:
    """`localhost:3333` -> `localhost`; `[::1]:3333` -> `::1`."""
    parsed = urlsplit(f"//{host_header}")
    return (parsed.hostname or "").lower()


class Guard:
    def __init__(self, bound_host: str, token: str | None = None) -> None:
        self.bound_host = bound_host.lower()
        self.token = token or new_token()

    def host_allowed(self, host_header: str) -> bool:
        """The Host names this machine's loopback, or the address the sandbox is bound to
        (bound to every address, `--host 0.0.0.0`, any name reaches it by choice)."""
        if self.bound_host in WILDCARDS:
            return True
        name = _host_name(host_header)
        return name in LOOPBACK_NAMES or name == self.bound_host.strip("[]")

    def refusal(self, method: str, headers: Headers) -> str | None:
        """Why this request may not proceed, or None. One sentence for the 403 body."""
        host = headers.get("host", "")
        if not self.host_allowed(host):
            return (
                f"The inspector answers only requests for the sandbox's own host, not {host!r}; "
                "open it at http://localhost:<port>/_pyarc/."
            )
        if method.upper() in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is None or urlsplit(origin).netloc.lower() != host.lower():
            return (
                f"The inspector refuses a change from origin {origin or '(none)'}; "
                "changes must come from the inspector page itself."
            )
        if not secrets.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
            return (
                "The inspector refuses a change without this run's token; reload the "
                "inspector page (the sandbox restarted)."
            )
        return None
