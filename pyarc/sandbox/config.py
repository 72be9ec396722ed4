"""Settings of one sandbox run: ports, host, limits. Plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HTTP_PORT = 3333
DEFAULT_TABLES_PORT = 5555
DEFAULT_EVENTS_PORT = 4444
DEFAULT_ARC_PORT = 2222

WS_MESSAGE_LIMIT = 128 * 1024  # API Gateway WebSocket message payload limit
WS_FRAME_LIMIT = 32 * 1024  # API Gateway WebSocket frame limit (longer messages come in fragments)
HTTP_BODY_LIMIT = 6 * 1024 * 1024  # Lambda's synchronous invocation payload limit
# API Gateway HTTP APIs: "Total combined size of request line and header values: 10240
# bytes" (AWS, "Quotas for configuring and running an HTTP API in API Gateway")
HTTP_HEADER_LIMIT = 10240
WS_IDLE_TIMEOUT_S = 10 * 60  # API Gateway: 10 minutes idle
WS_MAX_LIFETIME_S = 2 * 60 * 60  # API Gateway: 2 hours per connection

ACCOUNT_ID = "123456789012"
API_ID = "pyarcsandbox"
WS_STAGE = "testing"
HTTP_STAGE = "$default"
ENV_NAME = "testing"


@dataclass
class SandboxConfig:
    """Everything the CLI, prefs.arc or a test can set about a sandbox run.

    A port of 0 means "pick a free one" (the actual port is known once bound).
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_HTTP_PORT
    tables_port: int = DEFAULT_TABLES_PORT
    arc_port: int = DEFAULT_ARC_PORT
    events_port: int = DEFAULT_EVENTS_PORT
    cold: bool = False
    quiet: bool = False
    watch: bool = True
    persist: str | None = None
    seed: str | None = None
    ws_idle_timeout: float = WS_IDLE_TIMEOUT_S
    ws_max_lifetime: float = WS_MAX_LIFETIME_S
    ws_message_limit: int = WS_MESSAGE_LIMIT
    ws_frame_limit: int = WS_FRAME_LIMIT
    http_body_limit: int = HTTP_BODY_LIMIT
    http_header_limit: int = HTTP_HEADER_LIMIT
    max_workers: int | None = None  # per function; None: prefs.arc, else 8
    idle_timeout: float | None = None  # seconds an idle worker is kept; None: prefs.arc, else 60
    schedules: bool = True  # fire @scheduled functions on their schedule
    inspector: bool = True  # the live page at /_pyarc/ on the main port (`--no-inspector`)
