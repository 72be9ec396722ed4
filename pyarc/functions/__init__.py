"""Runtime helpers for pyarc handlers: the same calls in `pyarc sandbox` and on AWS Lambda.

    from pyarc.functions import ws, tables, events, queues, http, services, static

Depends only on boto3, the standard library and `cryptography` (sessions), never on the
rest of pyarc: `pyarc deploy` packages this directory with every function. Everything is
discovered from the environment (`ARC_WSS_URL`, `ARC_STACK_NAME`/`ARC_APP_NAME`+`ARC_ENV`,
`AWS_ENDPOINT_URL_*`); boto3 clients are created lazily and cached per process.
"""

from pyarc.functions import events, http, queues, tables, ws
from pyarc.functions.discovery import services
from pyarc.functions.errors import (
    BodyError,
    ConfigurationError,
    FunctionsError,
    GoneError,
    ServiceNotFoundError,
    SessionError,
)
from pyarc.functions.fingerprint import static


def reset() -> None:
    """Forget cached boto3 clients and discovered services (for tests that change the env)."""
    from pyarc.functions import clients, discovery

    clients.reset()
    discovery.reset()


__all__ = [
    "BodyError",
    "ConfigurationError",
    "FunctionsError",
    "GoneError",
    "ServiceNotFoundError",
    "SessionError",
    "events",
    "http",
    "queues",
    "reset",
    "services",
    "static",
    "tables",
    "ws",
]
