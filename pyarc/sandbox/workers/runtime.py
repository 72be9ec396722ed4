"""The worker process: a Lambda-like runtime bootstrap for one function.

Run by the pool as `python -u -P runtime.py <fd> <module.function> <src>`. It imports
the handler once (the "init" phase), then answers invocations in a loop, so module
state survives between invocations as in a warm Lambda execution environment.

Standard library only and loaded by file path (not `-m`), so starting a worker costs
no imports of pyarc or its dependencies. The parent talks to it over the socket `fd`
with length-prefixed JSON frames; the handler's stdout/stderr stay the handler's own
(the parent forwards them line by line). After each invocation the runtime writes
`END_MARKER` to fd 1 so the parent knows that invocation's output is complete.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import socket
import struct
import sys
import time
from typing import Any

HEADER = struct.Struct(">I")  # frame = 4-byte big-endian length + UTF-8 JSON
END_MARKER = b"\x1e\x1fpyarc-invocation-end\x1f\x1e\n"
ACCOUNT_ID = "123456789012"
MAX_RESPONSE_BYTES = 6291556  # Lambda's synchronous response limit, as its error message says


class CognitoIdentity:
    """`context.identity` as Lambda gives it to a function invoked without Cognito."""

    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None


class LambdaContext:
    """The `context` argument, with the attributes and methods Lambda's Python runtime has."""

    def __init__(self, request_id: str, deadline_ms: float) -> None:
        env = os.environ
        name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        region = env.get("AWS_REGION", "us-east-1")
        self.aws_request_id = request_id
        self.function_name = name
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")  # a str, as on AWS
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", f"/aws/lambda/{name}")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = CognitoIdentity()
        self.client_context = None
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message: str) -> None:
        sys.stdout.write(message)
        sys.stdout.flush()

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},"
            f"function_name={self.function_name},function_version={self.function_version}])"
        )


class Fault(Exception):
    """An init failure reported with Lambda's error type (Runtime.ImportModuleError, ...)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def load_handler(handler: str, src: str) -> Any:
    """Import `module.function` the way Lambda's Python runtime does, with its error types."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError:
        raise Fault(
            "Runtime.MalformedHandlerName",
            f"Bad handler '{handler}': expected 'module.function'",
        ) from None
    module_path = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_path)
    except SyntaxError as e:
        trace = [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']
        raise Fault(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {e}",
            trace,
        ) from None
    except ImportError as e:
        raise Fault(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {e}"
        ) from None
    function = getattr(module, function_name, None)
    if not callable(function):
        file = getattr(module, "__file__", None) or os.path.join(src, f"{module_name}.py")
        raise Fault(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}': "
            f"define `def {function_name}(event, context):` in {file}",
        )
    return function


def error_body(exc: BaseException) -> dict:
    """Lambda's error payload for an exception raised by user code (runtime frames dropped)."""
    import traceback

    tb = exc.__traceback__
    tb = tb.tb_next if tb is not None else None  # skip this runtime's own frame
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_list(traceback.extract_tb(tb)),
    }


def _json_default(value: Any) -> Any:
    """Decimal (what boto3 returns for DynamoDB numbers) marshals as a number, as on AWS."""
    if type(value).__name__ == "Decimal":
        if value.is_nan():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(message: dict) -> bytes:
    return json.dumps(message, default=_json_default, ensure_ascii=False).encode()


def resident_bytes() -> int:
    """This process's resident set size (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Channel:
    """Blocking length-prefixed JSON frames over the socket shared with the parent."""

    def __init__(self, fd: int) -> None:
        self.sock = socket.socket(fileno=fd)

    def send(self, message: dict) -> None:
        self.send_encoded(encode(message))

    def send_encoded(self, body: bytes) -> None:
        self.sock.sendall(HEADER.pack(len(body)) + body)

    def receive(self) -> dict | None:
        header = self._read_exactly(HEADER.size)
        if header is None:
            return None
        body = self._read_exactly(HEADER.unpack(header)[0])
        return None if body is None else json.loads(body)

    def _read_exactly(self, size: int) -> bytes | None:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = self.sock.recv(size - len(chunks))
            if not chunk:
                return None
            chunks += chunk
        return bytes(chunks)


def end_of_output() -> None:
    """Flush the handler's output, then mark the end of this invocation's output."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    with contextlib.suppress(OSError):
        os.write(1, END_MARKER)


def die_with_parent() -> None:
    """Ask Linux to kill this worker if the sandbox dies (no orphaned workers)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass


def invoke_once(channel: Channel, handler: Any, message: dict) -> None:
    request_id = message["id"]
    context = LambdaContext(request_id, message["deadline_ms"])
    try:
        result = handler(message["event"], context)
    except SystemExit as e:
        # Lambda's runtime does not catch SystemExit: the runtime process exits.
        end_of_output()
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        channel.send({"id": request_id, "exit": code})
        os._exit(code)
    except Exception as e:  # noqa: BLE001 - every user error becomes Lambda's payload
        end_of_output()
        channel.send(
            {"id": request_id, "ok": False, "error": error_body(e), "rss": resident_bytes()}
        )
        return
    end_of_output()
    try:
        body = encode({"id": request_id, "ok": True, "payload": result, "rss": resident_bytes()})
    except (TypeError, ValueError) as e:
        error = {
            "errorType": "Runtime.MarshalError",
            "errorMessage": f"Unable to marshal response: {e}",
            "stackTrace": [],
        }
        channel.send({"id": request_id, "ok": False, "error": error, "rss": resident_bytes()})
        return
    if len(body) > MAX_RESPONSE_BYTES:
        error = {
            "errorType": "Function.ResponseSizeTooLarge",
            "errorMessage": f"Response payload size ({len(body)} bytes) exceeded maximum "
            f"allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
            "stackTrace": [],
        }
        channel.send({"id": request_id, "ok": False, "error": error, "rss": resident_bytes()})
        return
    channel.send_encoded(body)


def main(argv: list[str]) -> None:
    fd, handler_name, src = int(argv[1]), argv[2], argv[3]
    die_with_parent()
    channel = Channel(fd)
    sys.argv = [argv[0]]
    sys.path[:0] = [src, os.path.join(src, "vendor")]
    try:
        handler = load_handler(handler_name, src)
    except Fault as fault:
        channel.send(
            {
                "init_error": {
                    "errorType": fault.error_type,
                    "errorMessage": fault.message,
                    "stackTrace": fault.trace,
                }
            }
        )
        end_of_output()
        return
    except Exception as e:  # noqa: BLE001 - an exception at import time fails init
        channel.send({"init_error": error_body(e)})
        end_of_output()
        return
    channel.send({"ready": True, "pid": os.getpid()})
    while (message := channel.receive()) is not None:
        invoke_once(channel, handler, message)


if __name__ == "__main__":
    main(sys.argv)
