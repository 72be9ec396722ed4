"""Lazy boto3 clients and resources, created once per process (reused while Lambda is warm).

Endpoints come from boto3's own configuration (`AWS_ENDPOINT_URL_<SERVICE>`, which the
sandbox sets), so nothing here knows whether it runs locally or on AWS.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from pyarc.functions.environment import region

if TYPE_CHECKING:
    import boto3

_lock = threading.Lock()
_session: boto3.session.Session | None = None  # boto3 is imported on first use (cold start)
_clients: dict[tuple[str, str | None], Any] = {}
_resources: dict[str, Any] = {}

# Enough pooled connections for `ws.broadcast`'s thread pool to run without queueing.
POOL_SIZE = 32


def _get_session() -> boto3.session.Session:
    global _session
    if _session is None:
        import boto3

        _session = boto3.session.Session(region_name=region())
    return _session


def client(service: str, endpoint_url: str | None = None) -> Any:
    """A cached boto3 client for `service` (and an explicit endpoint, when one is given)."""
    key = (service, endpoint_url)
    found = _clients.get(key)
    if found is not None:
        return found
    with _lock:
        found = _clients.get(key)
        if found is None:
            from botocore.config import Config

            config = Config(max_pool_connections=POOL_SIZE)
            found = _get_session().client(service, endpoint_url=endpoint_url, config=config)
            _clients[key] = found
    return found


def resource(service: str) -> Any:
    """A cached boto3 resource (e.g. `dynamodb`); resources are not shared across threads."""
    found = _resources.get(service)
    if found is None:
        with _lock:
            found = _resources.get(service)
            if found is None:
                found = _get_session().resource(service)
                _resources[service] = found
    return found


def reset() -> None:
    """Forget every cached client and resource (tests that change the environment)."""
    global _session
    with _lock:
        _clients.clear()
        _resources.clear()
        _session = None
