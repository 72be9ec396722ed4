"""The worker zygote: one pre-started `runtime.py` that forks cold workers on request.

A fresh interpreter costs tens of milliseconds (more on a loaded machine) before the
handler's import even starts; a fork of an interpreter that has already loaded the runtime
bootstrap costs about one. The forked worker is what a fresh `python -u -S -P runtime.py`
would be (see `runtime.serve_forks`): its own session, cwd, environment and import path,
and none of the zygote's own modules, so module state never crosses functions.

Where a fork could differ from a fresh start, `can_fork` says no and the worker is spawned
fresh: not Linux, a zygote that failed, or an environment whose interpreter start-up
variables (PYTHON*, locale) differ from the zygote's, since those act before any code runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import signal
import socket
import subprocess
import sys
from collections import deque

from .runtime import HEADER, RUNTIME_FILE, ExitedFrame, ForkedFrame, ForkFrame, ZygoteFrame

FORK_TIMEOUT_S = 5.0  # a zygote that does not answer within this is given up on
_STARTUP_PREFIXES = ("PYTHON", "LC_")
_STARTUP_NAMES = ("LANG",)


def startup_variables(env: dict[str, str]) -> dict[str, str]:
    """The variables of `env` that the interpreter reads before running any code."""
    return {
        key: value
        for key, value in env.items()
        if key.startswith(_STARTUP_PREFIXES) or key in _STARTUP_NAMES
    }


class ForkedProcess:
    """A worker forked by the zygote, with the parts of asyncio's Process that Worker uses."""

    def __init__(self, pid: int, exited: asyncio.Future[int]):
        self.pid = pid
        self._exited = exited

    @property
    def returncode(self) -> int | None:
        return self._exited.result() if self._exited.done() else None

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


class Zygote:
    """The template process and its two sockets (requests with fds; replies as frames)."""

    def __init__(self, env: dict[str, str]) -> None:
        """Start the zygote now (it loads while the sandbox starts); `env` is its environment,
        whose start-up variables a worker must share to be forked from it."""
        self.startup = startup_variables(env)
        self.broken = not sys.platform.startswith("linux") or not hasattr(os, "fork")
        self._requests: socket.socket | None = None
        self._replies: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._pending: deque[asyncio.Future[ForkedFrame]] = deque()
        self._exits: dict[int, asyncio.Future[int]] = {}  # pid -> its status, once it ends
        self._early_exits: dict[int, int] = {}  # ended before fork() saw its ForkedFrame
        self._listener: asyncio.Task[None] | None = None
        if self.broken:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        replies, their_replies = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-u",
                    "-S",
                    "-P",
                    RUNTIME_FILE,
                    "--zygote",
                    str(theirs.fileno()),
                    str(their_replies.fileno()),
                ],  # fmt: skip
                stdin=subprocess.DEVNULL,
                env=env,
                pass_fds=(theirs.fileno(), their_replies.fileno()),
                start_new_session=True,  # Ctrl-C reaches the sandbox only
            )
        except OSError:
            ours.close()
            replies.close()
            self.broken = True
        else:
            ours.setblocking(False)
            self._requests, self._replies = ours, replies
        finally:
            theirs.close()
            their_replies.close()

    def can_fork(self, env: dict[str, str]) -> bool:
        return not self.broken and startup_variables(env) == self.startup

    async def fork(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: str,
        child_sock: socket.socket,
        output: int,
    ) -> ForkedProcess | None:
        """Fork a worker running `runtime.py <child_sock> *argv` with `output` (a pipe's write
        end) as its stdout and stderr; None if the zygote cannot."""
        if self.broken or self._requests is None:
            return None
        loop = asyncio.get_running_loop()
        if self._listener is None:
            self._listener = loop.create_task(self._listen(), name="pyarc-zygote-replies")
        request: ForkFrame = {"argv": argv, "env": env, "cwd": cwd}
        answer: asyncio.Future[ForkedFrame] = loop.create_future()
        try:
            socket.send_fds(
                self._requests, [json.dumps(request).encode()], [child_sock.fileno(), output]
            )
        except OSError as e:
            if e.errno != errno.EMSGSIZE:  # full (a stuck zygote) or gone; else too big a request
                self._give_up()
            return None
        self._pending.append(answer)
        try:
            async with asyncio.timeout(FORK_TIMEOUT_S):
                forked = await answer
        except TimeoutError:
            self._give_up()
            return None
        pid = forked["forked"]
        if not pid:
            return None
        exited: asyncio.Future[int] = loop.create_future()
        if pid in self._early_exits:
            exited.set_result(self._early_exits.pop(pid))
        else:
            self._exits[pid] = exited
        return ForkedProcess(pid, exited)

    async def _listen(self) -> None:
        assert self._replies is not None
        reader, writer = await asyncio.open_unix_connection(sock=self._replies)
        try:
            while True:
                header = await reader.readexactly(HEADER.size)
                frame: ZygoteFrame = json.loads(await reader.readexactly(HEADER.unpack(header)[0]))
                if "forked" in frame:
                    if self._pending:
                        answer = self._pending.popleft()
                        if not answer.done():
                            answer.set_result(frame)  # type: ignore[arg-type]
                else:
                    exited: ExitedFrame = frame  # type: ignore[assignment]
                    future = self._exits.pop(exited["exited"], None)
                    if future is None:
                        self._early_exits[exited["exited"]] = exited["status"]
                    elif not future.done():
                        future.set_result(exited["status"])
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            self._give_up()
            writer.close()

    def _give_up(self) -> None:
        """The zygote is gone or stuck: workers start fresh from now on; its children died
        with it (PDEATHSIG), so their exits are settled as killed."""
        self.broken = True
        while self._pending:
            answer = self._pending.popleft()
            if not answer.done():
                answer.set_result(ForkedFrame(forked=0, error="the zygote is gone"))
        for future in self._exits.values():
            if not future.done():
                future.set_result(-signal.SIGKILL)
        self._exits.clear()
        if self._process is not None and self._process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(self._process.pid, signal.SIGKILL)

    async def aclose(self) -> None:
        """Hang up (the zygote kills any worker left and exits) and reap it."""
        self.broken = True
        if self._requests is not None:
            self._requests.close()
            self._requests = None
        if self._process is not None:
            process = self._process
            try:
                await asyncio.wait_for(asyncio.to_thread(process.wait), 5.0)
            except TimeoutError:
                process.kill()
                await asyncio.to_thread(process.wait)
        if self._listener is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._listener, 1.0)
        elif self._replies is not None:
            self._replies.close()
        self._give_up()
