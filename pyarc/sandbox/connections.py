"""The registry of open WebSocket connections, shared by the gateway and the Management API."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from starlette.websockets import WebSocket, WebSocketState

from pyarc.sandbox.ids import now_ms


class ConnectionGone(Exception):
    """The connection is closed or closing: the Management API answers 410 GoneException."""


@dataclass
class Connection:
    id: str
    websocket: WebSocket
    connected_at: int  # epoch ms, kept for $disconnect as AWS does
    source_ip: str
    user_agent: str
    last_active_at: int = 0
    close_code: int | None = None  # set when the server closes the socket itself
    close_reason: str = ""
    _send_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    def __post_init__(self) -> None:
        self.last_active_at = self.last_active_at or self.connected_at

    @property
    def open(self) -> bool:
        return (
            self.close_code is None
            and self.websocket.application_state == WebSocketState.CONNECTED
            and self.websocket.client_state == WebSocketState.CONNECTED
        )

    def touch(self) -> None:
        self.last_active_at = now_ms()

    async def send(self, data: bytes | str) -> None:
        """Send one frame: text when `data` is str or valid UTF-8, else binary."""
        if not self.open:
            raise ConnectionGone(self.id)
        if isinstance(data, bytes):
            with contextlib.suppress(UnicodeDecodeError):
                data = data.decode("utf-8")
        async with self._send_lock:
            if not self.open:
                raise ConnectionGone(self.id)
            try:
                if isinstance(data, str):
                    await self.websocket.send_text(data)
                else:
                    await self.websocket.send_bytes(data)
            except Exception as exc:  # the peer went away mid-send
                raise ConnectionGone(self.id) from exc
        self.touch()

    async def close(self, code: int, reason: str = "") -> None:
        """Close from the server side; the gateway then runs $disconnect with this code."""
        if self.close_code is not None:
            return
        self.close_code, self.close_reason = code, reason
        async with self._send_lock:
            with contextlib.suppress(Exception):  # already closed by the peer
                await self.websocket.close(code, reason)


class ConnectionRegistry:
    def __init__(self) -> None:
        self._connections: dict[str, Connection] = {}

    def add(self, connection: Connection) -> None:
        self._connections[connection.id] = connection

    def remove(self, connection_id: str) -> None:
        self._connections.pop(connection_id, None)

    def get(self, connection_id: str) -> Connection:
        """The open connection with this id, or raise ConnectionGone."""
        connection = self._connections.get(connection_id)
        if connection is None or not connection.open:
            raise ConnectionGone(connection_id)
        return connection

    def all(self) -> list[Connection]:
        return list(self._connections.values())

    def __len__(self) -> int:
        return len(self._connections)
