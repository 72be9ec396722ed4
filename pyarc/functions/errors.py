"""Exceptions raised by the runtime helpers.

`pyarc.functions` runs inside Lambda with boto3 and the standard library only, so it
cannot use `pyarc.errors`; these mirror it: each message is one plain sentence.
"""

from __future__ import annotations


class FunctionsError(Exception):
    """Base class for every error the runtime helpers raise on purpose."""


class ConfigurationError(FunctionsError):
    """The environment lacks something the helper needs (e.g. ARC_WSS_URL, ARC_APP_SECRET)."""


class ServiceNotFoundError(FunctionsError, LookupError):
    """A logical name (table, event, queue) that service discovery does not know."""

    def __init__(self, kind: str, name: str, known: list[str], path: str) -> None:
        self.kind = kind
        self.name = name
        self.known = known
        self.path = path
        listing = ", ".join(sorted(known)) if known else "none"
        super().__init__(
            f"no {kind} named {name!r} under SSM path {path}; known {kind}: {listing} "
            f"(declare it under @{kind} in the app manifest)"
        )


class GoneError(FunctionsError):
    """The WebSocket connection no longer exists (API Gateway's `GoneException`, HTTP 410)."""

    def __init__(self, connection_id: str) -> None:
        self.connection_id = connection_id
        super().__init__(f"WebSocket connection {connection_id!r} is gone")


class BodyError(FunctionsError, ValueError):
    """A request body that cannot be parsed as its content type says."""


class SessionError(FunctionsError):
    """A session that cannot be written (not JSON-serialisable, or too large for a cookie)."""
