"""One warm worker: a Python process running `runtime.py` for one function."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, cast

import orjson

from .output import OutputPipe
from .results import InvokeError, exit_error, out_of_memory_error, runtime_error, timeout_error
from .runtime import (
    END_MARKER,
    HEADER,
    MAX_RESPONSE_BYTES,
    ErrorFrame,
    ExitFrame,
    InitErrorFrame,
    ReadyFrame,
    ResultFrame,
    RuntimeFrame,
)
from .zygote import ForkedProcess, Zygote

WorkerProcess = asyncio.subprocess.Process | ForkedProcess

RUNTIME_FILE = str(Path(__file__).resolve().with_name("runtime.py"))
# Lambda's limit for the init phase. An on-demand init that takes longer is not fatal on
# AWS: Lambda runs it again within the first invocation, under the function's timeout.
INIT_TIMEOUT_S = 10.0
OUTPUT_DRAIN_S = 1.0  # how long to wait for a handler's last output line after its result
MEMORY_CHECK_S = 0.05  # how often a running invocation's memory is sampled
_MARKER = END_MARKER.rstrip(b"\n")
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class ImportPath:
    """Where a worker imports from, besides its own folder (and its `vendor/`) and the stdlib."""

    before_stdlib: tuple[str, ...] = ()  # shared code, installed requirements, the helper
    after_stdlib: tuple[str, ...] = ()  # the runtime's boto3/botocore (Lambda's /var/runtime)


async def spawn(worker: Worker, child_sock: socket.socket, output: int) -> WorkerProcess:
    """Start the Python runtime process for `worker` (its default `launch`, so it can be swapped):
    a fork of the pool's zygote when there is one that can, else a fresh interpreter, with
    `output` (a pipe's write end) as its stdout and stderr.

    `-S`: no site-packages, only `worker.import_path` (see isolation.py); `-P`: no script
    directory on the path.
    """
    argv = [
        worker.handler,
        str(worker.src),
        os.pathsep.join(worker.import_path.before_stdlib),
        os.pathsep.join(worker.import_path.after_stdlib),
    ]
    zygote = worker.zygote
    if zygote is not None and zygote.can_fork(worker.env):
        forked = await zygote.fork(argv, worker.env, str(worker.src), child_sock, output)
        if forked is not None:
            return forked
    fresh = [sys.executable, "-u", "-S", "-P", RUNTIME_FILE, str(child_sock.fileno()), *argv]
    return await spawn_process(worker, fresh, child_sock, output)


async def spawn_process(
    worker: Worker, argv: list[str], child_sock: socket.socket, output: int
) -> asyncio.subprocess.Process:
    """Run `argv` as `worker`'s process: its env and folder, the socket, stdout and stderr
    into `output`."""
    return await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=output,
        stderr=output,
        cwd=worker.src,
        env=worker.env,
        pass_fds=(child_sock.fileno(),),
        start_new_session=True,  # Ctrl-C reaches the sandbox only; killpg reaps children
    )


# How a worker's process starts: `spawn` (Python) or the Node.js runtime's (node/launch.py),
# given the worker's end of the frame socket and the write end of its output pipe.
Launch = Callable[["Worker", socket.socket, int], Awaitable[WorkerProcess]]


def decode_frame(body: bytes) -> Any:
    """A frame the runtime encoded with stdlib json: orjson reads it several times faster, and
    what orjson refuses (NaN, Infinity, integers past 64 bits, lone surrogates) json reads."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


class _Unreadable(TypedDict):
    """What `_read_frame` returns for a frame that is not a JSON object."""

    unreadable: bool


_UNREADABLE: _Unreadable = {"unreadable": True}


@dataclass
class Outcome:
    """What one worker did with one invocation; `alive` says whether it may be reused."""

    ok: bool
    payload: Any
    error: InvokeError | None
    alive: bool


class Worker:
    """A process that has imported the handler once and answers invocations one at a time."""

    def __init__(
        self,
        key: str,
        src: Path,
        handler: str,
        env: dict[str, str],
        log: Callable[[str, str], None],
        import_path: ImportPath | None = None,
        launch: Launch | None = None,
        zygote: Zygote | None = None,
        marks_output: bool = False,
    ) -> None:
        """`zygote`: where `spawn` forks cold workers from (None: a fresh interpreter each).
        `marks_output`: the runtime writes `END_MARKER` after each invocation's output (Node.js,
        whose stdout is asynchronous; see output.py)."""
        self.marks_output = marks_output
        self.key = key
        self.zygote = zygote
        self.launch = launch or spawn
        self.import_path = import_path or ImportPath()
        self.src = src
        self.handler = handler
        self.env = env
        self.log = log
        self.generation = 0
        self.idle_since = 0.0  # the pool's clock when it last went idle
        self.pid: int | None = None
        self.invocations = 0
        self.init_seconds = 0.0
        self.process: WorkerProcess | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._output: OutputPipe | None = None
        self._killed_for_memory = 0  # the RSS (bytes) that got it killed, else 0
        self._dead = False

    @property
    def alive(self) -> bool:
        return not self._dead and self.process is not None and self.process.returncode is None

    async def start(
        self, request_id: str, timeout: float = 0.0, init_limit: float = INIT_TIMEOUT_S
    ) -> InvokeError | None:
        """Spawn the process and wait for the handler import; an error if init failed.

        The import may take `init_limit` seconds, or the function's `timeout` when that is
        longer (Lambda re-runs a slow init inside the invocation, under the function's
        timeout); `init_seconds` says how long it took.
        """
        started = time.monotonic()
        parent_sock, child_sock = socket.socketpair()
        output_r, output_w = os.pipe()
        try:
            self.process = await self.launch(self, child_sock, output_w)
        except BaseException as e:  # failed or cancelled: no fd outlives the attempt
            parent_sock.close()
            os.close(output_r)
            self._dead = True
            if not isinstance(e, OSError):
                raise
            return InvokeError(
                "Runtime.InvalidEntrypoint",
                f"Could not start a worker for {self.key} in {self.src}: {e}",
                [],
                "crash",
            )
        finally:
            child_sock.close()
            os.close(output_w)
        self.pid = self.process.pid
        self._output = OutputPipe(output_r, self._log_line, _MARKER if self.marks_output else None)
        self._reader, self._writer = await asyncio.open_unix_connection(
            sock=parent_sock, limit=MAX_RESPONSE_BYTES * 2
        )
        allowed = max(init_limit, timeout)
        try:
            async with asyncio.timeout(allowed):
                hello = await self._read_frame()
        except TimeoutError:
            self.kill()
            error = timeout_error(request_id, timeout or allowed)
            error.hint = (
                f"the import of {self.handler} (Lambda's INIT phase) did not finish within "
                f"{allowed:g} seconds: Lambda allows {init_limit:g} s, or the function's "
                "timeout when longer; check what the module does at import time"
            )
            return error
        finally:
            self.init_seconds = time.monotonic() - started
        if hello is None:
            return await self._death(request_id, "crash")
        if "init_error" in hello:
            failed = cast(InitErrorFrame, hello)
            body = failed["init_error"]
            await self._settle_output()
            self.kill()
            error = runtime_error(body, "")
            error.hint = failed.get("hint") or ""
            return error
        if not cast(ReadyFrame, hello).get("ready"):
            self.kill()
            return InvokeError(
                "Runtime.InvalidResponse",
                f"RequestId: {request_id} Error: the worker for {self.key} sent an unreadable "
                "greeting; check what the handler module does with file descriptors at import",
                [],
                "bad-response",
            )
        return None

    async def invoke(
        self,
        request_id: str,
        event_json: bytes,
        timeout: float,
        memory_mb: int,
        *,
        spent: float = 0.0,
    ) -> Outcome:
        """Run one invocation of the JSON-encoded event; never raises for what the handler does.

        `spent`: seconds of the `timeout` already used (by a slow init run for this invocation).
        """
        assert self._writer is not None
        self.invocations += 1
        budget = max(timeout - spent, 0.0)
        deadline_ms = time.time() * 1000 + budget * 1000
        # an InvokeFrame, with the event spliced in as it was encoded once by the pool
        head = orjson.dumps({"id": request_id, "deadline_ms": deadline_ms})
        body = head[:-1] + b',"event":' + event_json + b"}"
        self._killed_for_memory = 0
        limit = memory_mb * 1024 * 1024
        watchdog = _Watchdog(self, limit)
        try:
            self._writer.write(HEADER.pack(len(body)) + body)
            if len(body) > 65536:
                await self._writer.drain()
            async with asyncio.timeout(budget):
                reply = await self._read_frame()
        except TimeoutError:
            self.kill()
            return Outcome(False, None, timeout_error(request_id, timeout), False)
        except (ConnectionError, OSError):
            reply = None
        finally:
            watchdog.cancel()
        if reply is None:
            if self._killed_for_memory:
                self.kill()
                error = out_of_memory_error(request_id, memory_mb, self._killed_for_memory)
                return Outcome(False, None, error, False)
            return await self._outcome_of_death(request_id)
        await self._settle_output()
        if reply.get("id") != request_id:
            self.kill()
            error = InvokeError(
                "Runtime.InvalidResponse",
                f"RequestId: {request_id} Error: the worker for {self.key} sent an unreadable "
                "reply (did the handler write to or close file descriptors it does not own?)",
                [],
                "bad-response",
            )
            return Outcome(False, None, error, False)
        if "exit" in reply:
            code = cast(ExitFrame, reply)["exit"]
            await self._reap()
            return Outcome(False, None, exit_error(request_id, code, "exit"), False)
        answer = cast(ResultFrame | ErrorFrame, reply)
        rss = answer.get("rss", 0)
        if limit and rss > limit:
            self.kill()
            return Outcome(False, None, out_of_memory_error(request_id, memory_mb, rss), False)
        if answer["ok"]:
            return Outcome(True, answer.get("payload"), None, True)
        error = runtime_error(answer["error"], request_id)
        error.hint = answer.get("hint") or ""
        # a fatal error (Node.js: uncaught, unhandled rejection) ends the runtime, as on Lambda
        return Outcome(False, None, error, not answer.get("fatal"))

    def resident_bytes(self) -> int:
        """Current RSS of the worker process (0 when unknown)."""
        if self.pid is None:
            return 0
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * _PAGE_SIZE
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self) -> None:
        """SIGKILL the worker and anything it started (its own process group)."""
        self._dead = True
        process = self.process
        if process is None or process.returncode is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def close(self) -> None:
        """Kill the process, reap it, and release the pipes (no zombies, no open fds)."""
        self.kill()
        await self._reap()
        await self._wait_group_gone()
        if self._output is not None:  # every writer is dead: forward what they left, then close
            self._output.read_available()
            self._output.close()
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()

    async def _wait_group_gone(self, timeout: float = 2.0) -> None:
        """Wait until processes the handler started (same process group) have died too."""
        if self.pid is None:
            return
        deadline = time.monotonic() + timeout
        delay = 0.001
        while time.monotonic() < deadline:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    async def _reap(self) -> int | None:
        if self.process is None:
            return None
        self._dead = True
        try:
            async with asyncio.timeout(5.0):
                return await self.process.wait()
        except TimeoutError:
            self.kill()
            return await self.process.wait()

    async def _death(self, request_id: str, kind: str) -> InvokeError:
        if self._output is not None:  # what it printed before dying, ahead of the error
            self._output.read_available()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.2):
                    await self._output.closed.wait()
        code = await self._reap()
        return exit_error(request_id, code, "crash" if kind == "crash" else "exit")

    async def _outcome_of_death(self, request_id: str) -> Outcome:
        return Outcome(False, None, await self._death(request_id, "crash"), False)

    async def _read_frame(self) -> RuntimeFrame | _Unreadable | None:
        assert self._reader is not None
        try:
            header = await self._reader.readexactly(HEADER.size)
            body = await self._reader.readexactly(HEADER.unpack(header)[0])
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        try:
            message = decode_frame(body)
        except ValueError:
            return _UNREADABLE
        return message if isinstance(message, dict) else _UNREADABLE

    async def _settle_output(self) -> None:
        """Forward the output the runtime wrote before its last frame, ahead of what the
        caller logs next (see output.py): a synchronous read, plus for a runtime that marks
        its output's end, a wait (at most OUTPUT_DRAIN_S) for the marker."""
        output = self._output
        if output is None:
            return
        output.read_available()
        if self.marks_output and not output.marked.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(OUTPUT_DRAIN_S):
                    await output.marked.wait()
        output.end_invocation()

    def _log_line(self, text: str) -> None:
        self.log(self.key, text)


class _Watchdog:
    """Samples a busy worker's RSS and kills it past the memory limit, as Lambda does."""

    def __init__(self, worker: Worker, limit: int) -> None:
        self.worker = worker
        self.limit = limit
        self.loop = asyncio.get_running_loop()
        self.handle: asyncio.TimerHandle | None = None
        if limit:
            self.handle = self.loop.call_later(MEMORY_CHECK_S, self._check)

    def _check(self) -> None:
        rss = self.worker.resident_bytes()
        if rss > self.limit:
            self.worker._killed_for_memory = rss
            self.worker.kill()
            return
        self.handle = self.loop.call_later(MEMORY_CHECK_S, self._check)

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
