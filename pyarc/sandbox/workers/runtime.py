"""The worker process: a Lambda-like runtime bootstrap for one function.

Run by the pool as `python -u -S -P runtime.py <fd> <module.function> <src> <path> <tail>`
(`path`/`tail`: os.pathsep-joined entries put before / after the standard library), or forked
with those same arguments by a zygote (`runtime.py --zygote <requests fd> <replies fd>`, see
`serve_forks`): an interpreter that has loaded this file and nothing else. It imports
the handler once (the "init" phase), then answers invocations in a loop, so module
state survives between invocations as in a warm Lambda execution environment.

Standard library only and loaded by file path (not `-m`), so starting a worker costs
no imports of pyarc or its dependencies. The parent talks to it over the socket `fd`
with length-prefixed JSON frames; the handler's stdout/stderr stay the handler's own
(the parent forwards them line by line). Before each frame the runtime flushes them: its
writes to fd 1 and 2 are blocking, so when the parent reads a frame, the output that came
before it is already in the pipe (see output.py; the Node.js runtime marks its output's end
with `END_MARKER` instead, as its stdout is asynchronous).

The frames (the TypedDicts below, the only definition of them; the pool imports them):
the runtime sends `ReadyFrame` or `InitErrorFrame` once, then answers each `InvokeFrame`
with a `ResultFrame`, an `ErrorFrame` or (after `sys.exit`) an `ExitFrame`. A zygote gets
`ForkFrame`s and answers each with a `ForkedFrame`, then an `ExitedFrame` when that worker ends.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import socket
import struct
import sys
import time
from types import CoroutineType
from typing import Any, Literal, NotRequired, TypedDict

HEADER = struct.Struct(">I")  # frame = 4-byte big-endian length + UTF-8 JSON
END_MARKER = b"\x1e\x1fpyarc-invocation-end\x1f\x1e\n"
# The sandbox's account id (pyarc.sandbox.config.ACCOUNT_ID), given in this variable and
# removed from the environment before the handler is imported, so the handler never sees it.
ACCOUNT_ID_VARIABLE = "_PYARC_ACCOUNT_ID"
MAX_RESPONSE_BYTES = 6291556  # Lambda's synchronous response limit, as its error message says
RUNTIME_FILE = os.path.abspath(__file__)
# The root logger's format in Lambda's Python runtime (awslambdaric, text log format).
LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
LOG_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"

_request_id = ""  # the invocation being served, for log records (Lambda's _GLOBAL_AWS_REQUEST_ID)
_account_id = ""  # read from ACCOUNT_ID_VARIABLE by main()


class ErrorBody(TypedDict):
    """Lambda's error payload, as awslambdaric writes it."""

    errorMessage: str
    errorType: str
    requestId: str
    stackTrace: list[str]


class NodeErrorBody(TypedDict):
    """Lambda's error payload as its Node.js runtime writes it (node/bootstrap.mjs sends it)."""

    errorType: str
    errorMessage: str
    trace: list[str]


class ReadyFrame(TypedDict):
    """Runtime -> pool: the handler imported; invocations may come."""

    ready: Literal[True]
    pid: int


class InitErrorFrame(TypedDict):
    """Runtime -> pool: the import failed (Lambda's INIT error); the runtime then exits."""

    init_error: ErrorBody | NodeErrorBody
    hint: NotRequired[str]  # the sandbox's advice, logged, never returned


class InvokeFrame(TypedDict):
    """Pool -> runtime: run the handler once."""

    id: str  # the request id
    deadline_ms: float  # epoch milliseconds, for context.get_remaining_time_in_millis()
    event: Any


class ResultFrame(TypedDict):
    """Runtime -> pool: the handler returned `payload`."""

    id: str
    ok: Literal[True]
    payload: Any
    rss: int  # resident bytes after the invocation, for the memory limit


class ErrorFrame(TypedDict):
    """Runtime -> pool: the handler raised, or its result could not be returned."""

    id: str
    ok: Literal[False]
    error: ErrorBody | NodeErrorBody
    rss: int
    fatal: NotRequired[Literal[True]]  # the runtime exits after it (Node.js: uncaught errors)
    hint: NotRequired[str]  # the sandbox's advice, logged, never returned


class ExitFrame(TypedDict):
    """Runtime -> pool: the handler called sys.exit(); the runtime exits with `exit`."""

    id: str
    exit: int


RuntimeFrame = ReadyFrame | InitErrorFrame | ResultFrame | ErrorFrame | ExitFrame


class ForkFrame(TypedDict):
    """Pool -> zygote, one datagram with two fds (the worker's socket, its stdout/stderr pipe):
    start a worker as `runtime.py <socket fd> *argv` would, in `cwd` with exactly `env`."""

    argv: list[str]  # handler, src, path, tail: main()'s arguments after the fd
    env: dict[str, str]
    cwd: str


class ForkedFrame(TypedDict):
    """Zygote -> pool, once per `ForkFrame`, in order: the worker's pid (0: fork failed)."""

    forked: int
    error: NotRequired[str]


class ExitedFrame(TypedDict):
    """Zygote -> pool: worker `exited` (a pid) ended; `status` as Popen.returncode (-signal)."""

    exited: int
    status: int


ZygoteFrame = ForkedFrame | ExitedFrame


class CognitoIdentity:
    """`context.identity` as Lambda gives it to a function invoked without Cognito."""

    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None

    def __repr__(self) -> str:
        return (
            f"CognitoIdentity([cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}])"
        )


class LambdaContext:
    """The `context` argument, with the attributes and methods Lambda's Python runtime has."""

    def __init__(self, request_id: str, deadline_ms: float) -> None:
        env = os.environ
        name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        region = env.get("AWS_REGION", "us-east-1")
        self.aws_request_id = request_id
        self.function_name = name
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{_account_id}:function:{name}"
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")  # a str, as on AWS
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", f"/aws/lambda/{name}")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = CognitoIdentity()
        self.client_context = None
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message: Any) -> None:
        sys.stdout.write(str(message))
        sys.stdout.flush()

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity},"
            f"tenant_id={self.tenant_id}])"
        )


class Fault(Exception):
    """An init failure reported with Lambda's error type (Runtime.ImportModuleError, ...).

    `message` is Lambda's exact wording; `hint` (the sandbox's advice) is logged, not returned.
    """

    def __init__(
        self, error_type: str, message: str, trace: list[str] | None = None, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []
        self.hint = hint


def load_handler(handler: str, src: str) -> Any:
    """Import `module.function` the way Lambda's Python runtime does, with its error types."""
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault(
            "Runtime.MalformedHandlerName",
            f"Bad handler '{handler}': {e}",
            hint="set `handler` in config.arc to `module.function`, e.g. lambda.handler",
        ) from None
    try:
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise Fault(
                "Runtime.BuiltInModuleConflict",
                f"Cannot use built-in module {module_name} as a handler module",
                hint="rename the handler file so that it does not shadow a built-in module",
            )
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {e}"
        ) from None
    except SyntaxError as e:
        trace = [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']
        raise Fault(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {e}",
            trace,
        ) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        file = getattr(module, "__file__", None) or os.path.join(src, f"{module_name}.py")
        raise Fault(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
            hint=f"define `def {function_name}(event, context):` in {file}",
        ) from None


def _user_frames(tb: Any) -> list[str]:
    """The formatted traceback minus this runtime's leading frames (Lambda drops bootstrap.py's)."""
    import traceback

    frames = traceback.extract_tb(tb)
    for index, frame in enumerate(frames):
        if frame.filename != RUNTIME_FILE:
            frames = frames[index:]
            break
    return traceback.format_list(frames)


def error_body(exc: BaseException, request_id: str = "") -> ErrorBody:
    """Lambda's error payload for an exception raised by user code."""
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": _user_frames(exc.__traceback__),
    }


def fault_body(error_type: str, message: str, request_id: str = "") -> ErrorBody:
    """Lambda's error payload for a runtime fault (marshalling, response size): no trace."""
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": [],
    }


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        return True


class _StdoutHandler(logging.Handler):
    """Writes each formatted record to the current `sys.stdout`, as Lambda's log sink does."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record))
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - logging must never fail the handler
            self.handleError(record)


def setup_logging() -> None:
    """Give the root logger Lambda's handler and format, before the handler module is imported.

    As on Lambda: `logger.setLevel(logging.INFO); logger.info("x")` prints
    `[INFO]\t2026-11-25T18:30:00.123Z\t<request id>\tx`, and `logging.basicConfig()` in user
    code does nothing (the root logger already has a handler). `AWS_LAMBDA_LOG_LEVEL` sets
    the root level as Lambda's advanced logging controls do.
    """
    logging.Formatter.converter = time.gmtime
    handler = _StdoutHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    level = {"TRACE": "DEBUG"}.get(level, level)
    if level in logging.getLevelNamesMapping():
        root.setLevel(level)


def _json_default(value: Any) -> Any:
    """Decimal (what boto3 returns for DynamoDB numbers) marshals as a number, as on AWS."""
    if type(value).__name__ == "Decimal":
        if value.is_nan():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(message: RuntimeFrame) -> bytes:
    return json.dumps(message, default=_json_default, ensure_ascii=False).encode()


def resident_bytes() -> int:
    """This process's resident set size (0 where /proc is missing)."""
    # Why os.open/os.read: open() adds an fstat, an isatty ioctl, two lseeks and a second
    # read to every invocation; three syscalls are enough for /proc's one short line.
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
        try:
            line = os.read(fd, 256)
        finally:
            os.close(fd)
        return int(line.split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Channel:
    """Blocking length-prefixed JSON frames over the socket shared with the parent."""

    def __init__(self, fd: int) -> None:
        self.sock = socket.socket(fileno=fd)
        self._pending = b""  # bytes received past the last frame read

    def send(self, message: RuntimeFrame) -> None:
        self.send_encoded(encode(message))

    def send_encoded(self, body: bytes) -> None:
        self.sock.sendall(HEADER.pack(len(body)) + body)

    def receive(self) -> InvokeFrame | None:
        # Why a buffer: one recv() usually holds a whole frame, header and body (two recv()s,
        # one each, cost a syscall per invocation on the hot path).
        header = self._read_exactly(HEADER.size)
        if header is None:
            return None
        body = self._read_exactly(HEADER.unpack(header)[0])
        return None if body is None else json.loads(body)

    def _read_exactly(self, size: int) -> bytes | None:
        pending = self._pending
        if len(pending) < size:
            buffer = bytearray(pending)
            while len(buffer) < size:
                chunk = self.sock.recv(max(size - len(buffer), 65536))
                if not chunk:
                    return None
                buffer += chunk
            pending = bytes(buffer)
        self._pending = pending[size:]
        return pending[:size]


def end_of_output() -> None:
    """Flush the handler's output into the pipe, so it is there before the next frame."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


def die_with_parent() -> None:
    """Ask Linux to kill this worker if its parent (the sandbox, or the zygote) dies."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def release_freed_memory() -> bool:
    """Hand the C heap's free pages back to the OS (glibc's malloc_trim); False elsewhere.

    A handler's first invocation usually builds its boto3 clients: botocore parses JSON
    models (endpoints.json alone is ~7 MiB of objects) and frees the parse's temporaries,
    which glibc keeps mapped, so each idle worker would go on counting them in its RSS."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return bool(ctypes.CDLL(None).malloc_trim(0))
    except (OSError, AttributeError):  # no libc to load, or not glibc (musl has no trim)
        return False


def lambda_like_builtins() -> None:
    """`exit()`, `quit()`, `help()` as a normal interpreter has them (`-S` skips `site`)."""
    with contextlib.suppress(Exception):
        import site

        site.setquit()
        site.setcopyright()
        site.sethelper()


def exit_status(code: object) -> int:
    """The process exit status `sys.exit(code)` gives, printing a non-int code as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return 1


def _error_frame(request_id: str, error: ErrorBody, hint: str = "") -> ErrorFrame:
    frame: ErrorFrame = {"id": request_id, "ok": False, "error": error, "rss": resident_bytes()}
    if hint:
        frame["hint"] = hint
    return frame


def _signature_hint(handler: Any, e: Exception) -> str:
    """For a TypeError raised by the call itself (no frame of the handler ran): its signature."""
    if not isinstance(e, TypeError) or e.__traceback__ is None or e.__traceback__.tb_next:
        return ""
    code = getattr(handler, "__code__", None)
    if code is None:
        return ""
    return (f"{code.co_filename}: Lambda calls the handler with (event, context), so define it "
            f"as `def {code.co_name}(event, context):`")


def invoke_once(channel: Channel, handler: Any, message: InvokeFrame) -> None:
    global _request_id
    request_id = _request_id = message["id"]
    context = LambdaContext(request_id, message["deadline_ms"])
    try:
        result = handler(message["event"], context)
    except SystemExit as e:
        # Lambda's runtime does not catch SystemExit: the runtime process exits.
        status = exit_status(e.code)
        end_of_output()
        exited: ExitFrame = {"id": request_id, "exit": status}
        channel.send(exited)
        os._exit(status)
    except Exception as e:  # noqa: BLE001 - every user error becomes Lambda's payload
        failed = encode(_error_frame(request_id, error_body(e, request_id),
                                     _signature_hint(handler, e)))
        send_reply(channel, failed)
        return
    hint = ""
    if isinstance(result, CoroutineType):  # Lambda does not await it: it fails to marshal, below
        result.close()  # (no "never awaited" warning after this invocation's output)
        code = result.cr_code
        hint = (f"{code.co_filename}: Lambda's Python runtime does not await an `async def` "
                f"handler; define `def {code.co_name}(event, context):` and run async code in it "
                "with asyncio.run()")
    returned: ResultFrame = {"id": request_id, "ok": True, "payload": result, "rss": resident_bytes()}
    try:
        body = encode(returned)
    except (TypeError, ValueError) as e:
        error = fault_body("Runtime.MarshalError", f"Unable to marshal response: {e}", request_id)
        body = encode(_error_frame(request_id, error, hint))
    else:
        if len(body) > MAX_RESPONSE_BYTES:
            error = fault_body(
                "Function.ResponseSizeTooLarge",
                f"Response payload size ({len(body)} bytes) exceeded maximum "
                f"allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
                request_id,
            )
            body = encode(_error_frame(request_id, error))
    send_reply(channel, body)


def send_reply(channel: Channel, body: bytes) -> None:
    """Flush this invocation's output, then send its encoded reply frame."""
    end_of_output()
    channel.send_encoded(body)


def main(argv: list[str]) -> None:
    global _account_id
    fd, handler_name, src = int(argv[1]), argv[2], argv[3]
    before = [p for p in (argv[4] if len(argv) > 4 else "").split(os.pathsep) if p]
    after = [p for p in (argv[5] if len(argv) > 5 else "").split(os.pathsep) if p]
    _account_id = os.environ.pop(ACCOUNT_ID_VARIABLE, "")
    die_with_parent()
    channel = Channel(fd)
    sys.argv = [argv[0]]
    sys.path[:0] = [src, os.path.join(src, "vendor"), *before]
    sys.path += after
    lambda_like_builtins()
    setup_logging()
    try:
        handler = load_handler(handler_name, src)
    except Fault as fault:
        error = fault_body(fault.error_type, fault.message)
        error["stackTrace"] = fault.trace
        failed: InitErrorFrame = {"init_error": error, "hint": fault.hint}
        end_of_output()
        channel.send(failed)
        return
    except Exception as e:  # noqa: BLE001 - an exception at import time fails init
        end_of_output()
        channel.send(InitErrorFrame(init_error=error_body(e)))
        return
    channel.send(ReadyFrame(ready=True, pid=os.getpid()))
    invocations = 0
    while (message := channel.receive()) is not None:
        invoke_once(channel, handler, message)
        invocations += 1
        if invocations == 1:  # after the answer went out: the trim never delays one
            release_freed_memory()


def _preload() -> set[str]:
    """Import what main() imports before every handler, then name the modules loaded so far:
    everything a fresh worker also has when its handler is imported."""
    import ctypes  # noqa: F401 - die_with_parent's
    import site  # noqa: F401 - lambda_like_builtins'
    import traceback  # noqa: F401 - error_body's, on first use

    return set(sys.modules)


def serve_forks(requests_fd: int, replies_fd: int) -> list[str]:
    """The zygote: fork a worker for each `ForkFrame` until the pool hangs up.

    Returns only in a forked child, with the argv its main() gets; the zygote itself exits.
    The child starts as a fresh `runtime.py` would: its own session (the pool kills the
    group), the pipe as stdout/stderr, the function's cwd and exactly its environment, and
    none of the modules the zygote imported for itself (they are not in `_preload()`'s set).
    Single-threaded, so forking is safe.
    """
    fresh = _preload()
    import selectors
    import signal

    die_with_parent()
    requests = socket.socket(fileno=requests_fd)
    replies = socket.socket(fileno=replies_fd)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(requests, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    children: set[int] = set()

    def reply(frame: ZygoteFrame) -> None:
        body = json.dumps(frame).encode()
        with contextlib.suppress(OSError):
            replies.sendall(HEADER.pack(len(body)) + body)

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)
            reply(ExitedFrame(exited=pid, status=os.waitstatus_to_exitcode(status)))

    while True:
        for key, _ in selector.select():
            if key.fileobj == wake_r:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
                reap()
                continue
            try:
                data, fds, _, _ = socket.recv_fds(requests, 1 << 20, 2)
            except OSError:
                data, fds = b"", []
            if not data:  # the pool closed: end the workers left, then the zygote
                for pid in children:
                    with contextlib.suppress(OSError):
                        os.killpg(pid, signal.SIGKILL)
                os._exit(0)
            try:  # a request it cannot serve fails that worker's start, not the zygote
                request: ForkFrame = json.loads(data)
                pid = os.fork() if len(fds) == 2 else -1
            except (OSError, ValueError) as e:
                pid, failure = -1, str(e)
            else:
                failure = "" if pid >= 0 else "the request did not carry two file descriptors"
            if pid == 0:
                sock_fd, out_fd = fds
                selector.close()
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for fd in (wake_r, wake_w, requests.detach(), replies.detach()):
                    os.close(fd)
                os.setsid()
                os.dup2(out_fd, 1)
                os.dup2(out_fd, 2)
                os.close(out_fd)
                os.chdir(request["cwd"])
                os.environ.clear()
                os.environ.update(request["env"])
                time.tzset()  # TZ is the function's
                for name in set(sys.modules) - fresh:
                    del sys.modules[name]
                return [RUNTIME_FILE, str(sock_fd), *request["argv"]]
            for fd in fds:
                os.close(fd)
            if pid > 0:
                children.add(pid)
                reply(ForkedFrame(forked=pid))
            else:
                reply(ForkedFrame(forked=0, error=failure))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        main(serve_forks(int(sys.argv[2]), int(sys.argv[3])))
    else:
        main(sys.argv)
