"""A worker's stdout/stderr: one pipe, forwarded to the sandbox's log line by line.

The event loop reads the pipe whenever it is readable (`add_reader`), and the worker also
reads it synchronously the moment an invocation's reply frame arrives (`read_available`).
A Python runtime writes its output with blocking writes and flushes before it sends the
reply, so by then every byte of that invocation's output is in the pipe: one synchronous
read forwards it all ahead of the invocation's own log line, with no end-of-output marker
to wait for (no second wake-up of the sandbox per invocation).

The Node.js runtime's stdout is asynchronous (libuv), so its output can still be on its way
when the reply arrives: that runtime writes `marker` after each invocation's output, and
the worker waits for `marked` as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable

CHUNK = 65536
# When a reply arrives, read at most this many chunks at once (4 MiB); a child process still
# writing after the handler returned is left to the event loop rather than starving it.
DRAIN_CHUNKS = 64


class OutputPipe:
    """The read end of a worker's output pipe; `emit` gets each line (without its newline)."""

    def __init__(self, fd: int, emit: Callable[[str], None], marker: bytes | None = None) -> None:
        self.fd = fd
        self.emit = emit
        self.marker = marker
        self.marked = asyncio.Event()  # the marker (or the end of the pipe) was read
        self.closed = asyncio.Event()  # the end of the pipe was read: every writer is gone
        self._pending = b""  # the start of a line whose newline has not come yet
        self._loop = asyncio.get_running_loop()
        os.set_blocking(fd, False)
        self._loop.add_reader(fd, self.read_available, 1)

    def read_available(self, chunks: int = DRAIN_CHUNKS) -> None:
        """Forward what the pipe holds now (up to `chunks` reads), without waiting."""
        for _ in range(chunks):
            if self.closed.is_set():
                return
            try:
                chunk = os.read(self.fd, CHUNK)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self.close()
                return
            self._feed(chunk)
            if len(chunk) < CHUNK:
                return

    def end_invocation(self) -> None:
        """Forward the invocation's last line even without its newline (the next invocation's
        output starts a line of its own), and expect a new marker."""
        if not self.closed.is_set():
            self.marked.clear()
        if self._pending:
            line, self._pending = self._pending, b""
            self._line(line)

    def close(self) -> None:
        """Stop reading, forward the unfinished line, release the fd (idempotent)."""
        if self.closed.is_set():
            return
        self._loop.remove_reader(self.fd)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self.end_invocation()
        self.closed.set()
        self.marked.set()

    def _feed(self, chunk: bytes) -> None:
        pending = self._pending + chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            self._line(line)
        if len(pending) > CHUNK:  # a very long line without a newline: forward what we have
            self._line(pending)
            pending = b""
        self._pending = pending

    def _line(self, line: bytes) -> None:
        marker = self.marker
        if marker is not None and (at := line.find(marker)) >= 0:
            if at:
                self._line(line[:at])
            self.marked.set()
            if rest := line[at + len(marker) :]:
                self._line(rest)
            return
        text = line.decode("utf-8", errors="replace").rstrip("\r")
        with contextlib.suppress(Exception):  # a broken log sink must not stop the output
            self.emit(text)
