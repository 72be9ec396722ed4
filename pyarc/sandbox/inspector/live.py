"""Server-sent events for open inspector pages: one queue per listener, none when closed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

LISTENER_BACKLOG = 1000  # updates a slow page may lag behind before it is told to reload
KEEPALIVE_S = 15.0  # a comment line keeps proxies and the browser from closing an idle stream


class LiveHub:
    """Fans updates out to every open page. `publish` is a no-op when nobody listens,
    so a closed inspector costs the request path one truthiness check."""

    def __init__(self) -> None:
        self._listeners: set[asyncio.Queue[str | None]] = set()

    @property
    def listening(self) -> bool:
        return bool(self._listeners)

    def publish(self, kind: str, data: Any) -> None:
        """Send `data` (JSON) as an SSE event named `kind` to every listener."""
        if not self._listeners:
            return
        frame = f"event: {kind}\ndata: {json.dumps(data, default=str)}\n\n"
        for queue in list(self._listeners):
            try:
                queue.put_nowait(frame)
            except asyncio.QueueFull:  # a stalled page: tell it to resync, drop its backlog
                _drain(queue)
                queue.put_nowait("event: resync\ndata: {}\n\n")

    async def stream(self) -> AsyncIterator[bytes]:
        """The frames of one listener until it disconnects (the caller stops iterating)."""
        queue: asyncio.Queue[str | None] = asyncio.Queue(LISTENER_BACKLOG)
        self._listeners.add(queue)
        try:
            yield b"retry: 1000\nevent: hello\ndata: {}\n\n"
            while True:
                try:
                    frame = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                frames = [frame]
                while not queue.empty():  # one write for what piled up meanwhile
                    frames.append(queue.get_nowait())
                if None in frames:
                    return
                yield "".join(frames).encode()  # type: ignore[arg-type]
        finally:
            self._listeners.discard(queue)

    def close(self) -> None:
        """End every stream (the sandbox is stopping)."""
        for queue in list(self._listeners):
            _drain(queue)
            queue.put_nowait(None)


def _drain(queue: asyncio.Queue[str | None]) -> None:
    while not queue.empty():
        queue.get_nowait()
