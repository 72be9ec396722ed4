"""GET /connections: every open connection and where its bird is looking, as JSON.

{"count": 2, "connections": [{"id": "...", "direction": "left", "connectedAt": 1795...}, ...]}
"""

from __future__ import annotations

from typing import Any

from shared.aviary import live_connections

from pyarc.functions import http


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    connections = live_connections()
    return http.json({"count": len(connections), "connections": connections})
