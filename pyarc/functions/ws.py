"""Talk to WebSocket clients through the API Gateway Management API.

The endpoint comes from `ARC_WSS_URL` (the sandbox's `ws://localhost:3333` or the deployed
`wss://<api>.execute-api.<region>.amazonaws.com/<stage>`), so the same calls work in both.

`send` and `broadcast` post through `_posting`: each `POST /@connections/{id}` is signed
as botocore's SigV4Auth signs it (`_signing`) and sent over kept-alive connections (the boto3 client's own
urllib3 pool for https endpoints; pipelined on one connection to a plain-HTTP endpoint),
skipping botocore's per-call overhead; `close` and `info` are plain boto3 calls.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pyarc.functions import clients
from pyarc.functions.environment import management_endpoint
from pyarc.functions.errors import GoneError
from pyarc.functions.payloads import encode

if TYPE_CHECKING:
    from pyarc.functions._posting import Poster

__all__ = ["GoneError", "broadcast", "close", "info", "send"]

# Threads per broadcast to an https endpoint: on AWS each post waits ~10-30 ms on the
# network, so many run at once. A plain-HTTP endpoint (the sandbox) gets one thread whose
# posts are pipelined over one connection (`_posting.Poster.post_pipelined`).
BROADCAST_THREADS = 32

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_posters: dict[str, Poster] = {}


def _management() -> Any:
    return clients.client("apigatewaymanagementapi", endpoint_url=management_endpoint())


def _poster() -> Poster:
    """The fast poster for the current endpoint and (cached) boto3 client."""
    from pyarc.functions import _posting  # imports botocore: on first use, not at import

    client = _management()
    endpoint = client.meta.endpoint_url
    found = _posters.get(endpoint)
    if found is None or found.client is not client:
        found = _posting.Poster(client, lambda: clients._get_session().get_credentials())
        _posters[endpoint] = found
    return found


def _is_gone(error: BaseException) -> bool:
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


def send(connection_id: str, payload: Any) -> None:
    """Send one message: dict/list (any JSON value) as JSON text, str as text, bytes as binary.

    Raises `GoneError` when the connection no longer exists.
    """
    poster = _poster()
    with _gone_as_error(connection_id):
        poster.post(poster.signer(), connection_id, encode(payload))


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
    from pyarc.functions._posting import post_all

    outcomes = post_all(_poster(), _executor, BROADCAST_THREADS, ids, data)
    gone: list[str] = []
    failure: BaseException | None = None
    for connection_id, outcome in zip(ids, outcomes, strict=True):
        if outcome is None:
            continue
        if _is_gone(outcome):
            gone.append(connection_id)
        elif failure is None:
            failure = outcome
    if failure is not None:
        raise failure
    return gone
