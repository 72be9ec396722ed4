"""What an invocation returns: a result, or a Lambda-shaped error."""

from __future__ import annotations

import datetime as dt
import signal
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from .runtime import ErrorBody, NodeErrorBody

BAD_RESPONSE_TYPES = {"Runtime.MarshalError", "Function.ResponseSizeTooLarge"}
ErrorKind = Literal["exception", "timeout", "crash", "exit", "oom", "bad-response", "throttled"]

# How Lambda (a Go runtime supervisor) spells the signal that ended a runtime.
_SIGNAL_WORDS = {
    signal.SIGKILL: "killed",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGILL: "illegal instruction",
    signal.SIGINT: "interrupt",
}


@dataclass
class InvokeError:
    """One failed invocation, in the terms Lambda uses for it."""

    error_type: str  # "ZeroDivisionError", "Sandbox.Timedout", "Runtime.ExitError", ...
    error_message: str
    stack_trace: list[str] = field(default_factory=list)
    kind: ErrorKind = "exception"
    # Set when the Python runtime reported the error (an exception, a marshalling or init
    # failure): its payload then carries `requestId` ("" for init) and `stackTrace`, as
    # awslambdaric's does. None for what Lambda itself reports (timeouts, exits).
    request_id: str | None = None
    hint: str = ""  # the sandbox's advice, logged after the error line; never in the payload
    # which runtime reported it: Node.js's payload is {errorType, errorMessage, trace}
    runtime: Literal["python", "nodejs"] = "python"

    def to_lambda_payload(self) -> dict:
        """The body Lambda's Invoke API returns for a function error."""
        if self.runtime == "nodejs":
            return {
                "errorType": self.error_type,
                "errorMessage": self.error_message,
                "trace": list(self.stack_trace),
            }
        payload = {"errorMessage": self.error_message, "errorType": self.error_type}
        if self.request_id is not None:
            payload["requestId"] = self.request_id
            payload["stackTrace"] = list(self.stack_trace)
        return payload

    def summary(self) -> str:
        """One log line: `[ERROR] ZeroDivisionError: division by zero`."""
        return f"[ERROR] {self.error_type}: {self.error_message}"


@dataclass
class InvokeResult:
    ok: bool
    payload: Any  # the handler's return value after a JSON round trip; None on error
    error: InvokeError | None
    duration_ms: float  # wall time of the whole invoke() call, queueing and cold start included
    cold: bool  # True when this invocation started a new worker
    request_id: str


def runtime_error(body: ErrorBody | NodeErrorBody, request_id: str) -> InvokeError:
    """The error a runtime reported (runtime.py's ErrorBody, or the Node.js runtime's)."""
    kind: ErrorKind = "bad-response" if body["errorType"] in BAD_RESPONSE_TYPES else "exception"
    if "trace" in body:
        node = cast(NodeErrorBody, body)
        return InvokeError(
            node["errorType"], node["errorMessage"], node["trace"], kind, request_id, runtime="nodejs"
        )
    python = cast(ErrorBody, body)
    return InvokeError(
        python["errorType"],
        python["errorMessage"],
        python["stackTrace"],
        kind,
        request_id=python.get("requestId", request_id),
    )


def timeout_error(request_id: str, timeout: float) -> InvokeError:
    """Lambda's `2026-11-25T18:30:00.000Z <id> Task timed out after 5.00 seconds`."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return InvokeError(
        "Sandbox.Timedout",
        f"{now} {request_id} Task timed out after {timeout:.2f} seconds",
        [],
        "timeout",
    )


def exit_error(request_id: str, returncode: int | None, kind: ErrorKind) -> InvokeError:
    """Lambda's `RequestId: <id> Error: Runtime exited with error: exit status 3`.

    A runtime that exits with status 0 (`sys.exit()`, `sys.exit(0)`) gave no error, and
    Lambda says `Runtime exited without providing a reason`.
    """
    if returncode == 0:
        reason = "Runtime exited without providing a reason"
    else:
        reason = f"Runtime exited with error: {exit_words(returncode)}"
    return InvokeError("Runtime.ExitError", f"RequestId: {request_id} Error: {reason}", [], kind)


def out_of_memory_error(request_id: str, memory_mb: int, rss_bytes: int) -> InvokeError:
    used = rss_bytes // (1024 * 1024)
    return InvokeError(
        "Runtime.OutOfMemory",
        f"RequestId: {request_id} Error: Runtime exited with error: signal: killed "
        f"(memory used {used} MB exceeds the function's memory setting of {memory_mb} MB; "
        "raise `memory` in its config.arc or free memory between invocations)",
        [],
        "oom",
    )


def exit_words(returncode: int | None) -> str:
    """`exit status 3`, `signal: killed`, as Lambda reports a runtime's end."""
    if returncode is None:
        return "exit status unknown"
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode)
        except ValueError:
            return f"signal: {-returncode}"
        return f"signal: {_SIGNAL_WORDS.get(sig, sig.name)}"
    return f"exit status {returncode}"
