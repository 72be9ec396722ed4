"""uvicorn's own lines (a malformed request) print as the sandbox's: timed, one format."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from pyarc.testing import Sandbox, wait_until

MANIFEST = "@app\nserver-lines\n\n@http\nget /\n"
HANDLER = 'def handler(event, context):\n    return {"statusCode": 200, "body": "ok"}\n'
TIMED = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} warning: uvicorn: Invalid HTTP request received\.$")


def test_a_malformed_request_is_a_timed_sandbox_warning(tmp_path: Path) -> None:
    (tmp_path / "app.arc").write_text(MANIFEST)
    (tmp_path / "src/http/get-index").mkdir(parents=True)
    (tmp_path / "src/http/get-index/lambda.py").write_text(HANDLER)
    with Sandbox(tmp_path, watch=False) as sb:
        assert sb.server is not None
        with socket.create_connection(("127.0.0.1", sb.port), timeout=5) as conn:
            conn.sendall(b"GARBAGE\r\n\r\n")
            assert conn.recv(100).startswith(b"HTTP/1.1 400")

        def logged() -> bool:
            return any(TIMED.match(line) for line in sb.server.log.recent_lines()[1])

        wait_until(logged, 5, "the malformed request's line in the sandbox log")
