"""The WebSocket transport of the main port: uvicorn's websockets-sansio protocol with
API Gateway's size limits.

API Gateway WebSocket APIs take frames of at most 32 KB and messages of at most 128 KB: a
longer message must come in fragments of 32 KB or less, and "if a larger message (or
larger frame size) is received, the connection is closed with code 1009" (AWS, "Quotas for
configuring and running a WebSocket API in API Gateway"). The close reason is not
documented by AWS; pyarc sends "Message too big", RFC 6455's name for 1009 (unverified
against API Gateway), instead of the websockets library's byte counts.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import CloseCode
from websockets.server import ServerProtocol

TOO_BIG_REASON = "Message too big"


class _GatewayLimits(ServerProtocol):
    def fail(self, code: int, reason: str = "") -> None:
        super().fail(code, TOO_BIG_REASON if code == CloseCode.MESSAGE_TOO_BIG else reason)


class GatewayWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's protocol; `ws_max_size` is `(message limit, frame limit)` (websockets >= 16
    checks both as frames arrive)."""

    def __init__(self, config: Any, server_state: Any, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # the protocol uvicorn built, with API Gateway's close reason: a class swap (the
        # subclass adds no state) instead of building a second one (~57 us per connection)
        self.conn.__class__ = _GatewayLimits
