"""Talk to WebSocket clients through the API Gateway Management API.

The endpoint comes from `ARC_WSS_URL` (the sandbox's `ws://localhost:3333` or the deployed
`wss://<api>.execute-api.<region>.amazonaws.com/<stage>`), so the same calls work in both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from pyarc.functions import clients
from pyarc.functions.environment import management_endpoint
from pyarc.functions.errors import GoneError
from pyarc.functions.payloads import encode

__all__ = ["GoneError", "broadcast", "close", "info", "send"]

BROADCAST_THREADS = clients.POOL_SIZE

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _management() -> Any:
    return clients.client("apigatewaymanagementapi", endpoint_url=management_endpoint())


def _is_gone(error: Exception) -> bool:
    """True for botocore's `GoneException` (a `ClientError` with that code)."""
    answer = getattr(error, "response", None)
    return isinstance(answer, dict) and answer.get("Error", {}).get("Code") == "GoneException"


@contextmanager
def _gone_as_error(connection_id: str) -> Iterator[None]:
    """Turn botocore's GoneException into `GoneError`; let every other error through."""
    try:
        yield
    except Exception as error:
        if _is_gone(error):
            raise GoneError(connection_id) from error
        raise


def _post(connection_id: str, data: bytes) -> None:
    with _gone_as_error(connection_id):
        _management().post_to_connection(ConnectionId=connection_id, Data=data)


def send(connection_id: str, payload: Any) -> None:
    """Send one message: dict/list (any JSON value) as JSON text, str as text, bytes as binary.

    Raises `GoneError` when the connection no longer exists.
    """
    _post(connection_id, encode(payload))


def close(connection_id: str) -> None:
    """Disconnect a client (its `$disconnect` handler runs). Raises `GoneError` if already gone."""
    with _gone_as_error(connection_id):
        _management().delete_connection(ConnectionId=connection_id)


def info(connection_id: str) -> dict[str, Any]:
    """`{"ConnectedAt": datetime, "LastActiveAt": datetime, "Identity": {"SourceIp", "UserAgent"}}`.

    Raises `GoneError` when the connection no longer exists.
    """
    with _gone_as_error(connection_id):
        answer = _management().get_connection(ConnectionId=connection_id)
    answer.pop("ResponseMetadata", None)
    return answer


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(BROADCAST_THREADS, thread_name_prefix="pyarc-ws")
    return _pool


def broadcast(connection_ids: Iterable[str], payload: Any) -> list[str]:
    """Send `payload` to every connection concurrently; return the ids that were gone.

    Every connection is attempted. An error other than "gone" (throttling, payload too
    large...) is raised after all sends have finished.
    """
    ids = list(dict.fromkeys(connection_ids))
    if not ids:
        return []
    data = encode(payload)
    _management()  # create the shared client once, before the threads race for it
    if len(ids) == 1:
        outcomes = [_attempt(ids[0], data)]
    else:
        outcomes = list(_executor().map(lambda cid: _attempt(cid, data), ids))
    gone: list[str] = []
    failure: BaseException | None = None
    for connection_id, outcome in zip(ids, outcomes, strict=True):
        if isinstance(outcome, GoneError):
            gone.append(connection_id)
        elif outcome is not None and failure is None:
            failure = outcome
    if failure is not None:
        raise failure
    return gone


def _attempt(connection_id: str, data: bytes) -> BaseException | None:
    try:
        _post(connection_id, data)
    except Exception as error:  # collected, re-raised by broadcast after every send
        return error
    return None
