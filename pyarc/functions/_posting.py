"""PostToConnection without botocore's per-call machinery: the fast path of `ws.send`/`broadcast`.

A boto3 `post_to_connection` spends ~300 us of CPU per call in the client (parameter
validation, serialisation, endpoint rules, event hooks, response parsing) around a request
that is the same every time but for the connection id. Here each request is built directly,
signed by `_signing.PostSigner` (SigV4 as botocore's `SigV4Auth` signs this one request
shape, credentials from the boto3 session, so it works on Lambda too) and sent over a
keep-alive connection. On the wire it is exactly the `POST /@connections/{id}` boto3 sends.

Transport: an `https://` endpoint (API Gateway), or any endpoint behind a proxy, goes
through the boto3 client's own HTTP session (urllib3: its pool, CA bundle, proxies,
timeouts), a broadcast from many threads at once. A plain `http://` endpoint (the sandbox)
gets one keep-alive connection per thread with a minimal HTTP/1.1 writer and reader, and a
broadcast there is pipelined (HTTP/1.1: requests written back to back, answers read in
order): the next few requests are signed while the server answers the previous ones,
instead of each post waiting out a round trip between two busy processes.

In the sandbox (`ARC_SANDBOX` names this endpoint's port) a broadcast is one request,
`POST /_arc/ws/@broadcast`, a pyarc-only route (not AWS's): the sandbox answers, for each
recipient that failed, the status, headers and body its own post would have got, and
those become the same exceptions. It is used only when no `before-send` handler is
registered (moto's would see none of the posts) and every id is one a post could name;
else, or when the endpoint does not answer it as the sandbox does, the posts are pipelined.

What stays botocore's: `before-send` event handlers (moto, and anything else that answers
in place of the network, still does), error parsing (the same `ClientError` subclasses
boto3 raises) and retries: a throttled, 5xx or failed-on-the-wire post is sent again
through the boto3 client itself, which applies botocore's retry policy.
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlsplit

from botocore.awsrequest import AWSRequest
from botocore.exceptions import HTTPClientError, NoCredentialsError
from botocore.parsers import create_parser

from pyarc.functions._signing import PostSigner

OPERATION = "PostToConnection"

# Requests written before reading answers on a pipelined (plain-HTTP) broadcast.
PIPELINE_WINDOW = 32
# The sandbox's one-request broadcast (pyarc/sandbox/management_api.py's BROADCAST_PATH).
BATCH_PATH = "/_arc/ws/@broadcast"
BATCH_MARK = "x-pyarc-broadcast"
# Statuses botocore's retry policy retries: throttling (429) and server errors.
_RETRYABLE = frozenset({429, 500, 502, 503, 504, 509})


class _Answer:
    """The parts of an HTTP response the poster reads (botocore's `AWSResponse` has the same)."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class _TransportError(Exception):
    """The request may not have reached the server; botocore would retry it."""


class _ThreadConnection(threading.local):
    """A thread's connection, the bytes read past the last answer, requests unanswered."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.unread = b""
        self.unanswered = 0


class _KeepAlive:
    """One keep-alive HTTP/1.1 connection per thread to a plain-HTTP endpoint.

    Each request goes out in one write and the response is read with a minimal HTTP/1.1
    reader (status line, headers, a Content-Length or chunked body): on the loopback
    interface `http.client`'s generality costs as much as the server's whole answer.
    """

    def __init__(self, host: str, port: int, timeout: float | None) -> None:
        self._address = (host, port)
        self._timeout = timeout
        self._local = _ThreadConnection()

    def send(self, path: str, headers: Any, body: bytes) -> _Answer:
        answer = self.exchange([encode_request(path, headers, body)])[0]
        if isinstance(answer, _TransportError):
            raise answer
        return answer

    def exchange(self, requests: Sequence[bytes]) -> list[_Answer | _TransportError]:
        """Write `requests` (encoded) back to back, then read their answers in order.

        When the connection fails or the server closes it, the requests not answered yet
        get a `_TransportError` each (they may not have reached the server)."""
        return self.collect(self.write(requests), len(requests))

    def write(self, requests: Sequence[bytes]) -> socket.socket | _TransportError:
        """Send `requests` on this thread's connection (opened when needed); returns the
        connection that carries them, for `collect`."""
        sock = self._local.sock
        if sock is not None and not self._local.unanswered and _closed_by_peer(sock):
            sock.close()  # the server dropped the idle connection; open a new one
            sock = None
        try:
            if sock is None:
                sock = socket.create_connection(self._address, self._timeout)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._local.sock = sock
                self._local.unread, self._local.unanswered = b"", 0
            self._local.unanswered += len(requests)
            sock.sendall(b"".join(requests))
        except OSError as error:
            self._drop(sock)
            return _TransportError(str(error) or type(error).__name__)
        return sock

    def collect(
        self, sent: socket.socket | _TransportError, count: int
    ) -> list[_Answer | _TransportError]:
        """The answers to `count` requests `write` sent on `sent`, the oldest unanswered
        there; each a `_TransportError` once that connection has failed or been closed."""
        if isinstance(sent, _TransportError):
            return [sent] * count
        answers: list[_Answer | _TransportError] = []
        failed: _TransportError | None = None
        if sent is not self._local.sock:  # dropped since: their answers are gone with it
            failed = _TransportError("the connection was closed")
        while failed is None and len(answers) < count:
            try:
                answer, self._local.unread, keep = _read_response(sent, self._local.unread)
            except (OSError, ValueError) as error:
                failed = _TransportError(str(error) or type(error).__name__)
                break
            answers.append(answer)
            self._local.unanswered -= 1
            if not keep:
                failed = _TransportError("the server closed the connection")
        junk = self._local.unread and not self._local.unanswered  # bytes past every answer
        if sent is self._local.sock and (failed is not None or junk):
            self._drop(sent)
        return answers + [failed or _TransportError("no answer")] * (count - len(answers))

    def _drop(self, sock: socket.socket | None) -> None:
        if sock is not None:
            sock.close()
        self._local.sock = None
        self._local.unread, self._local.unanswered = b"", 0


def encode_request(path: str, headers: Any, body: bytes) -> bytes:
    """One `POST path` on the wire, written whole (one Content-Length)."""
    lines = [f"POST {path} HTTP/1.1"]
    for name, value in headers.items():
        if name.lower() == "content-length":
            continue  # written once below: servers may reject a repeated one (llhttp does)
        lines.append(f"{name}: {value.decode('latin-1') if isinstance(value, bytes) else value}")
    lines.append(f"Content-Length: {len(body)}\r\n\r\n")
    return "\r\n".join(lines).encode("latin-1") + body


def _read_response(sock: socket.socket, data: bytes = b"") -> tuple[_Answer, bytes, bool]:
    """Read one HTTP/1.1 response after `data` (bytes already received); also the bytes
    read past it (the next pipelined answer's) and whether the connection may be reused."""
    while True:
        while b"\r\n\r\n" not in data:
            data += _receive(sock)
        head, _, data = data.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        version, status_text = status_line.split(" ", 2)[:2]
        status = int(status_text)
        if status >= 200 or status == 101:
            break  # else an interim 1xx (100 Continue): its final answer follows
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if status in (204, 304):
        content = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        content, data = _read_chunked(sock, data)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        while len(data) < length:
            data += _receive(sock)
        content, data = data[:length], data[length:]
    else:  # the body runs until the server closes the connection
        chunks = [data]
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        content, data, keep = b"".join(chunks), b"", False
    return _Answer(status, headers, content), data, keep


def _read_chunked(sock: socket.socket, data: bytes) -> tuple[bytes, bytes]:
    body = bytearray()
    while True:
        while b"\r\n" not in data:
            data += _receive(sock)
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        while len(data) < size + 2:
            data += _receive(sock)
        if size == 0:
            while b"\r\n\r\n" not in b"\r\n" + data:  # trailers end with an empty line
                data += _receive(sock)
            _, _, data = (b"\r\n" + data).partition(b"\r\n\r\n")
            return bytes(body), data
        body += data[:size]
        data = data[size + 2 :]


def _receive(sock: socket.socket) -> bytes:
    chunk = sock.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection before answering")
    return chunk


def _closed_by_peer(sock: socket.socket) -> bool:
    """True when an idle keep-alive socket is readable: the peer closed it (or sent junk)."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class Poster:
    """Posts to connections through one boto3 `apigatewaymanagementapi` client."""

    def __init__(self, client: Any, credentials: Callable[[], Any]) -> None:
        meta = client.meta
        model = meta.service_model
        self.client = client
        self._credentials = credentials
        self._base = meta.endpoint_url.rstrip("/") + "/@connections/"
        parts = urlsplit(self._base)
        self._origin, self._path = f"{parts.scheme}://{parts.netloc}", parts.path
        self._signing_name = model.signing_name
        self._region = meta.region_name
        self._events = meta.events
        self._event = f"before-send.{model.service_id.hyphenize()}.{OPERATION}"
        self._operation = model.operation_model(OPERATION)
        self._parser = create_parser(model.protocol)
        self._headers = {"Host": _host_header(self._base), "User-Agent": _user_agent(client)}
        self._session = _http_session(client)
        self._direct = _direct_transport(self._base, self._session, meta.config)
        # a plain-HTTP endpoint: a broadcast goes pipelined over one connection, one thread
        self.pipelined = self._direct is not None
        # the sandbox's own endpoint: a broadcast goes in one request (`post_batch`)
        self.batched = self.pipelined and _is_sandbox(self._base)

    def signer(self) -> PostSigner:
        """A signer holding the current credentials (refreshed by botocore when they expire)."""
        found = self._credentials()
        if found is None:
            raise NoCredentialsError()
        return PostSigner(found.get_frozen_credentials(), self._signing_name, self._region)

    def post(self, signer: PostSigner, connection_id: str, data: bytes) -> None:
        """Post `data` to one connection; raise what boto3's `post_to_connection` raises."""
        prepared = self._prepare(signer, connection_id, data)
        try:
            response = self._intercepted(prepared)
            if response is None:
                if self._direct is not None:
                    path = urlsplit(prepared.url).path
                    response = self._direct.send(path, prepared.headers, data)
                else:
                    response = self._session.send(prepared)
        except (HTTPClientError, _TransportError):  # connection refused/reset, timeouts
            self._post_with_boto3(connection_id, data)
            return
        self._settle(response, connection_id, data)

    def post_pipelined(
        self, signer: PostSigner, connection_ids: Sequence[str], data: bytes
    ) -> list[BaseException | None]:
        """Post to every connection over this thread's one plain-HTTP connection, pipelined
        `PIPELINE_WINDOW` requests at a time; one outcome per id, in order.

        At most two windows are unanswered at once: window k+1 is signed and written while
        the server answers window k, then window k's answers are read."""
        assert self._direct is not None
        direct = self._direct
        outcomes: list[BaseException | None] = [None] * len(connection_ids)
        in_flight: tuple[list[int], socket.socket | _TransportError] | None = None
        for start in range(0, len(connection_ids), PIPELINE_WINDOW):
            indexes, wire = [], []
            for index in range(start, min(start + PIPELINE_WINDOW, len(connection_ids))):
                prepared = self._prepare(signer, connection_ids[index], data)
                answered = self._intercepted(prepared)
                if answered is not None:  # a before-send handler answered in place of the wire
                    outcomes[index] = self._outcome(answered, connection_ids[index], data)
                    continue
                indexes.append(index)
                wire.append(encode_request(urlsplit(prepared.url).path, prepared.headers, data))
            written = (indexes, direct.write(wire)) if wire else None
            if in_flight is not None:
                self._settle_all(in_flight, connection_ids, data, outcomes)
            in_flight = written
        if in_flight is not None:
            self._settle_all(in_flight, connection_ids, data, outcomes)
        return outcomes

    def can_batch(self, connection_ids: Sequence[str]) -> bool:
        """Whether `post_batch` may carry this broadcast: every post it stands for would
        reach the sandbox's Management API, and nothing answers posts in its place."""
        return (
            self.batched
            and all(i and "/" not in i for i in connection_ids)
            and not _has_handlers(self._events, self._event)
        )

    def post_batch(
        self, connection_ids: Sequence[str], data: bytes
    ) -> list[BaseException | None] | None:
        """Post to every connection in one sandbox request; one outcome per id, in order.

        None (nothing was delivered, or the endpoint is not the sandbox's) means: post
        them one by one; this poster then stops trying."""
        assert self._direct is not None
        headers = {**self._headers, "Content-Type": "application/json"}
        body = json.dumps(list(connection_ids)).encode() + b"\n" + data
        try:
            answer = self._direct.send(BATCH_PATH, headers, body)
            if answer.status_code != 200 or answer.headers.get(BATCH_MARK) != "1":
                raise ValueError("not the sandbox's broadcast")
            failures = json.loads(answer.content)["failures"]
        except (_TransportError, ValueError, KeyError, TypeError):
            self.batched = False
            return None
        outcomes: list[BaseException | None] = [None] * len(connection_ids)
        for index, status, failed_headers, content in failures:
            failed = _Answer(status, {k.lower(): v for k, v in failed_headers.items()},
                             content.encode())
            outcomes[index] = self._outcome(failed, connection_ids[index], data)
        return outcomes

    def _settle_all(
        self,
        written: tuple[list[int], socket.socket | _TransportError],
        connection_ids: Sequence[str],
        data: bytes,
        outcomes: list[BaseException | None],
    ) -> None:
        indexes, sent = written
        assert self._direct is not None
        for index, answer in zip(indexes, self._direct.collect(sent, len(indexes)), strict=True):
            outcomes[index] = self._outcome(answer, connection_ids[index], data)

    def _outcome(self, answer: Any, connection_id: str, data: bytes) -> BaseException | None:
        """None when the post (or its retry by boto3) succeeded, else the error boto3 raises."""
        try:
            if isinstance(answer, _TransportError):
                self._post_with_boto3(connection_id, data)
            else:
                self._settle(answer, connection_id, data)
        except Exception as error:  # collected; the caller decides what to raise
            return error
        return None

    def _prepare(self, signer: PostSigner, connection_id: str, data: bytes) -> Any:
        """The signed request boto3 would send (botocore's `AWSPreparedRequest`)."""
        path = self._path + quote(connection_id, safe="")
        headers = {**self._headers, **signer.headers(self._headers["Host"], path, data)}
        return AWSRequest("POST", self._origin + path, data=data, headers=headers).prepare()

    def _intercepted(self, prepared: Any) -> Any | None:
        """The answer of a `before-send` handler (moto's, say), or None to use the wire."""
        for _, answer in self._events.emit(self._event, request=prepared):
            if answer is not None:
                return answer
        return None

    def _settle(self, response: Any, connection_id: str, data: bytes) -> None:
        """Return on success; retry what botocore retries; raise boto3's error otherwise."""
        status = response.status_code
        if status < 300:
            return
        if status in _RETRYABLE:
            self._post_with_boto3(connection_id, data)
            return
        raise self._error(response)

    def _post_with_boto3(self, connection_id: str, data: bytes) -> None:
        """The ordinary call: botocore retries it as its retry policy says."""
        self.client.post_to_connection(ConnectionId=connection_id, Data=data)

    def _error(self, response: Any) -> Exception:
        """The exception boto3 raises for this error response (a `ClientError` subclass)."""
        parsed = self._parser.parse(
            {
                "status_code": response.status_code,
                "headers": response.headers,
                "body": response.content,
            },
            self._operation.output_shape,
        )
        code = parsed.get("Error", {}).get("Code")
        return self.client.exceptions.from_code(code)(parsed, OPERATION)


def post_all(
    poster: Poster,
    executor: Callable[[], ThreadPoolExecutor],
    threads: int,
    connection_ids: Sequence[str],
    data: bytes,
) -> list[BaseException | None]:
    """Post to every connection; one outcome per id, in order.

    To a plain-HTTP endpoint: pipelined on the caller's thread. Else from up to `threads`
    threads: each (the caller's included) takes the next id until none are left and keeps
    its own keep-alive connection, so a broadcast costs a handful of task hand-offs rather
    than one per connection.
    """
    signer = poster.signer()
    if poster.can_batch(connection_ids):
        found = poster.post_batch(connection_ids, data)
        if found is not None:
            return found
    if poster.pipelined:
        return poster.post_pipelined(signer, connection_ids, data)
    outcomes: list[BaseException | None] = [None] * len(connection_ids)
    upcoming = iter(range(len(connection_ids)))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                index = next(upcoming, None)
            if index is None:
                return
            try:
                poster.post(signer, connection_ids[index], data)
            except Exception as error:  # collected; the caller decides what to raise
                outcomes[index] = error

    helpers = min(threads, len(connection_ids)) - 1
    running = [executor().submit(work) for _ in range(helpers)] if helpers > 0 else []
    work()
    for future in running:
        future.result()
    return outcomes


def _is_sandbox(base: str) -> bool:
    """True when `base` is on the port `ARC_SANDBOX` (set by pyarc's sandbox) names."""
    try:
        found = json.loads(os.environ.get("ARC_SANDBOX", ""))
        return bool(found.get("pyarc")) and urlsplit(base).port == int(found["ports"]["http"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return False


def _has_handlers(events: Any, name: str) -> bool:
    """Whether any handler is registered for event `name` (True when it cannot be told).

    A handler whose `enabled` is False does not count: moto's stubber, registered for
    every client once moto is imported, is that until a `mock_aws` starts."""
    try:
        emitter = getattr(events, "_emitter", events)
        found = emitter._handlers.prefix_search(name)
        return any(getattr(handler, "enabled", True) is not False for handler in found)
    except Exception:  # botocore's private layout changed: take the general path
        return True


def _http_session(client: Any) -> Any:
    """The client's own HTTP session (its pool, CA bundle, proxies, timeouts)."""
    endpoint = getattr(client, "_endpoint", None)
    found = getattr(endpoint, "http_session", None)
    if found is not None and callable(getattr(found, "send", None)):
        return found
    import socket

    from botocore.httpsession import URLLib3Session

    return URLLib3Session(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


def _direct_transport(base: str, session: Any, config: Any) -> _KeepAlive | None:
    """A lean transport for a plain-HTTP endpoint reached without a proxy, else None."""
    parts = urlsplit(base)
    if parts.scheme != "http" or not parts.hostname:
        return None
    proxies = getattr(session, "_proxy_config", None)
    if proxies is None or proxies.proxy_url_for(base) is not None:
        return None
    timeout = getattr(config, "read_timeout", None)
    return _KeepAlive(parts.hostname, parts.port or 80, timeout)


def _host_header(base: str) -> str:
    """The Host header botocore signs for this endpoint (port only when not the default)."""
    parts = urlsplit(base)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def _user_agent(client: Any) -> str:
    creator = getattr(client, "_user_agent_creator", None)
    if creator is not None:
        try:
            return str(creator.to_string())
        except Exception:  # the format is botocore's business; a plain one does as well
            pass
    import botocore

    return f"Botocore/{botocore.__version__}"
