"""Handler failures fail one invocation only: exceptions, timeouts, exits, crashes, memory."""

from __future__ import annotations

import pytest

# a transport or process left open by a scenario fails the test that leaked it
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

PID = "import os\ndef handler(event, context):\n    return os.getpid()\n"


def test_exception_gives_lambda_error_payload_and_keeps_the_worker(harness):
    fn = harness.function(
        """
        import os
        def handler(event, context):
            if event.get("fail"):
                raise ValueError("bad input: " + event["fail"])
            return os.getpid()
        """
    )

    async def scenario(pools):
        first = await pools.invoke(fn, {})
        failed = await pools.invoke(fn, {"fail": "x"})
        after = await pools.invoke(fn, {})
        return first, failed, after

    first, failed, after = harness.run(scenario)
    assert not failed.ok and failed.payload is None
    assert failed.error.kind == "exception"
    payload = failed.error.to_lambda_payload()
    assert payload["errorType"] == "ValueError"
    assert payload["errorMessage"] == "bad input: x"
    assert any("lambda.py" in frame and "in handler" for frame in payload["stackTrace"])
    assert all("runtime.py" not in frame for frame in payload["stackTrace"])
    assert payload["requestId"] == failed.request_id  # awslambdaric's make_error adds it
    assert list(payload) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert after.ok and after.payload == first.payload  # same warm worker
    assert not after.cold
    lines = harness.log.lines(fn.key)
    assert f"[ERROR] ValueError: bad input: x (request {failed.request_id})" in lines


def test_timeout_kills_the_worker_and_the_next_invocation_gets_a_fresh_one(harness):
    fn = harness.function(
        """
        import os, time
        def handler(event, context):
            if event.get("hang"):
                while True:
                    time.sleep(0.01)
            return os.getpid()
        """,
        timeout=1,
    )

    async def scenario(pools):
        before = await pools.invoke(fn, {})
        hung = await pools.invoke(fn, {"hang": True})
        after = await pools.invoke(fn, {})
        return before, hung, after

    before, hung, after = harness.run(scenario)
    assert hung.error.error_type == "Sandbox.Timedout"
    assert hung.error.kind == "timeout"
    assert hung.error.error_message.endswith(f"{hung.request_id} Task timed out after 1.00 seconds")
    assert 1000 <= hung.duration_ms < 4000
    assert after.ok and after.cold and after.payload != before.payload
    assert not harness.process_exists(before.payload)


def test_explicit_timeout_overrides_the_configured_one(harness):
    fn = harness.function(
        "import time\ndef handler(event, context):\n    time.sleep(30)\n", timeout=60
    )

    async def scenario(pools):
        return await pools.invoke(fn, {}, timeout=0.5)

    result = harness.run(scenario)
    assert result.error.error_type == "Sandbox.Timedout"
    assert "after 0.50 seconds" in result.error.error_message


@pytest.mark.parametrize(
    ("body", "words", "kind"),
    [
        ("sys.exit(3)", "exit status 3", "exit"),
        ("os._exit(7)", "exit status 7", "crash"),
        ("os.kill(os.getpid(), signal.SIGSEGV)", "signal: segmentation fault", "crash"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "signal: killed", "crash"),
    ],
)
def test_exit_and_crash_fail_one_invocation_then_a_fresh_worker_runs(harness, body, words, kind):
    fn = harness.function(
        f"""
import os, signal, sys
def handler(event, context):
    if not event.get("die"):
        return os.getpid()
    {body}
"""
    )

    async def scenario(pools):
        before = await pools.invoke(fn, {})
        died = await pools.invoke(fn, {"die": True})
        after = await pools.invoke(fn, {})
        return before, died, after

    before, died, after = harness.run(scenario)
    assert not died.ok
    assert died.error.error_type == "Runtime.ExitError"
    assert died.error.kind == kind
    assert died.error.error_message == (
        f"RequestId: {died.request_id} Error: Runtime exited with error: {words}"
    )
    assert after.ok and after.cold and after.payload != before.payload
    assert not harness.process_exists(before.payload)
    # what Lambda reports itself carries neither requestId nor stackTrace
    assert died.error.to_lambda_payload() == {
        "errorMessage": died.error.error_message,
        "errorType": "Runtime.ExitError",
    }


@pytest.mark.parametrize(
    ("body", "words", "printed"),
    [
        ("sys.exit()", "Runtime exited without providing a reason", None),
        ("sys.exit(0)", "Runtime exited without providing a reason", None),
        ("sys.exit(256)", "Runtime exited without providing a reason", None),
        ("sys.exit(-1)", "Runtime exited with error: exit status 255", None),
        (
            "sys.exit('config missing')",
            "Runtime exited with error: exit status 1",
            "config missing",
        ),
    ],
)
def test_sys_exit_reports_the_status_the_process_ends_with(harness, body, words, printed):
    fn = harness.function(f"import sys\ndef handler(event, context):\n    {body}\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    died = harness.run(scenario)
    assert died.error.error_type == "Runtime.ExitError"
    assert died.error.error_message == f"RequestId: {died.request_id} Error: {words}"
    if printed is not None:  # Python prints a non-int exit code to stderr
        assert printed in harness.log.lines(fn.key)


def test_memory_leak_beyond_the_limit_fails_that_invocation_and_the_next_one_works(harness):
    fn = harness.function(
        """
        import os
        LEAK = []
        def handler(event, context):
            if event.get("leak"):
                LEAK.append(b"x" * (50 * 1024 * 1024))
            return {"pid": os.getpid(), "held": len(LEAK)}
        """,
        memory=128,
    )

    async def scenario(pools):
        results = []
        for _ in range(5):
            result = await pools.invoke(fn, {"leak": True})
            results.append(result)
            if not result.ok:
                break
        after = await pools.invoke(fn, {})
        return results, after

    results, after = harness.run(scenario)
    *good, failed = results
    assert 1 <= len(good) <= 3 and all(r.ok for r in good)
    assert failed.error.error_type == "Runtime.OutOfMemory"
    assert failed.error.kind == "oom"
    assert "128 MB" in failed.error.error_message
    assert after.ok and after.cold
    assert after.payload["held"] == 0 and after.payload["pid"] != good[0].payload["pid"]


def test_memory_spike_inside_one_long_invocation_is_caught_while_it_runs(harness):
    fn = harness.function(
        """
        import time
        def handler(event, context):
            hog = b"x" * (200 * 1024 * 1024)
            time.sleep(10)
            return len(hog)
        """,
        memory=128,
        timeout=20,
    )

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.error.error_type == "Runtime.OutOfMemory"
    assert result.duration_ms < 5000  # killed by the watchdog, not at the end of the sleep


def test_unserialisable_return_is_a_marshal_error_and_the_worker_stays(harness):
    fn = harness.function(
        """
        import os
        def handler(event, context):
            return {1, 2} if event.get("set") else os.getpid()
        """
    )

    async def scenario(pools):
        return [await pools.invoke(fn, e) for e in ({}, {"set": True}, {})]

    before, bad, after = harness.run(scenario)
    assert bad.error.error_type == "Runtime.MarshalError"
    assert bad.error.kind == "bad-response"
    assert bad.error.error_message == (
        "Unable to marshal response: Object of type set is not JSON serializable"
    )
    assert after.payload == before.payload


def test_a_one_parameter_handler_fails_as_on_lambda_with_a_hint_naming_the_file(harness):
    fn = harness.function("def handler(event):\n    return 1\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    payload = result.error.to_lambda_payload()  # what Lambda's Python runtime reports
    assert payload["errorType"] == "TypeError"
    assert payload["errorMessage"] == "handler() takes 1 positional argument but 2 were given"
    assert result.error.hint == (
        f"{fn.handler_file}: Lambda calls the handler with (event, context), so define it as "
        "`def handler(event, context):`"
    )
    lines = harness.log.lines(fn.key)
    at = next(i for i, line in enumerate(lines) if "TypeError: handler() takes 1" in line)
    assert any(result.error.hint in line for line in lines[at:])  # the hint after the error


def test_a_type_error_inside_the_handler_gets_no_signature_hint(harness):
    fn = harness.function("def handler(event, context):\n    return len(5)\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.error.error_type == "TypeError" and "(event, context)" not in result.error.hint


def test_an_async_handler_is_a_marshal_error_with_a_hint(harness):
    # Lambda's Python runtime calls the handler and marshals what it returns: a coroutine
    # ("Runtime.MarshalError: Unable to marshal response: Object of type ... is not JSON
    # serializable" is its wording for any unserialisable return value)
    fn = harness.function("async def handler(event, context):\n    return 1\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.error.error_type == "Runtime.MarshalError"
    assert result.error.error_message == (
        "Unable to marshal response: Object of type coroutine is not JSON serializable"
    )
    assert result.error.hint == (
        f"{fn.handler_file}: Lambda's Python runtime does not await an `async def` handler; "
        "define `def handler(event, context):` and run async code in it with asyncio.run()"
    )
    assert not any("never awaited" in line for line in harness.log.lines(fn.key))


def test_missing_directory_names_the_file_to_create(harness):
    fn = harness.function(None, name="get-things")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.error.error_type == "Runtime.ImportModuleError"
    assert str(fn.src) in result.error.error_message or "src/http/get-things" in (
        result.error.error_message
    )
    assert "lambda.py" in result.error.error_message
    assert "does not exist" in result.error.error_message


def test_missing_handler_file_names_the_file_to_create(harness):
    fn = harness.function(None)
    fn.src.mkdir(parents=True)

    async def scenario(pools):
        return await pools.invoke(fn, {})

    message = harness.run(scenario).error.error_message
    assert "has no handler file" in message and "lambda.py" in message


def test_missing_handler_function_is_handler_not_found(harness):
    fn = harness.function("def other(event, context):\n    return 1\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    error = result.error
    assert error.error_type == "Runtime.HandlerNotFound"
    assert error.error_message == "Handler 'handler' missing on module 'lambda'"  # Lambda's words
    assert error.to_lambda_payload() == {
        "errorMessage": "Handler 'handler' missing on module 'lambda'",
        "errorType": "Runtime.HandlerNotFound",
        "requestId": "",  # init errors carry no request id
        "stackTrace": [],
    }
    lines = harness.log.lines(fn.key)
    at = lines.index(
        f"[ERROR] {error.error_type}: {error.error_message} (request {result.request_id})"
    )
    assert str(fn.src / "lambda.py") in lines[at + 1]  # the sandbox's advice follows
    assert "def handler(event, context):" in lines[at + 1]


def test_import_errors_fail_init_and_a_fixed_file_works_without_recycling(harness):
    fn = harness.function("import not_a_real_module_xyz\ndef handler(e, c):\n    return 1\n")

    async def scenario(pools):
        broken = await pools.invoke(fn, {})
        harness.write_handler(fn.src, "def handler(e, c):\n    return 'fixed'\n")
        fixed = await pools.invoke(fn, {})
        return broken, fixed

    broken, fixed = harness.run(scenario)
    assert broken.error.error_type == "Runtime.ImportModuleError"
    assert broken.error.error_message == (
        "Unable to import module 'lambda': No module named 'not_a_real_module_xyz'"
    )
    assert fixed.payload == "fixed"


def test_syntax_error_is_user_code_syntax_error(harness):
    fn = harness.function("def handler(event, context)\n    return 1\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    error = harness.run(scenario).error
    assert error.error_type == "Runtime.UserCodeSyntaxError"
    assert error.error_message.startswith("Syntax error in module 'lambda'")


def test_exception_at_import_time_is_reported_with_its_own_type(harness):
    fn = harness.function("raise KeyError('CONFIG')\ndef handler(e, c):\n    return 1\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    error = harness.run(scenario).error
    assert error.error_type == "KeyError"
    assert error.error_message == "'CONFIG'"
    # as Lambda: the runtime's own frames are dropped, the import machinery's and the user's kept
    assert "runtime.py" not in error.stack_trace[0]
    assert "importlib" in error.stack_trace[0]
    assert 'lambda.py", line 1, in <module>' in error.stack_trace[-1]
    assert error.to_lambda_payload()["requestId"] == ""


def test_a_user_module_named_runtime_keeps_its_frames(harness):
    fn = harness.function(
        "from runtime import work\ndef handler(event, context):\n    return work()\n"
    )
    harness.write_handler(
        fn.src, "def work():\n    raise RuntimeError('in runtime.py')\n", "runtime.py"
    )

    async def scenario(pools):
        return await pools.invoke(fn, {})

    error = harness.run(scenario).error
    assert error.error_type == "RuntimeError"
    assert 'lambda.py", line 3, in handler' in error.stack_trace[0]
    assert 'runtime.py", line 2, in work' in error.stack_trace[-1]


def test_large_events_and_responses_round_trip(harness):
    fn = harness.function("def handler(event, context):\n    return event['body'][::-1]\n")
    body = "abc" * 400_000  # 1.2 MB

    async def scenario(pools):
        return await pools.invoke(fn, {"body": body})

    result = harness.run(scenario)
    assert result.ok and result.payload == body[::-1]


def test_a_response_over_six_megabytes_is_rejected_like_lambda(harness):
    fn = harness.function(
        """
        import os
        def handler(event, context):
            return "x" * 7_000_000 if event.get("big") else os.getpid()
        """
    )

    async def scenario(pools):
        return [await pools.invoke(fn, e) for e in ({}, {"big": True}, {})]

    before, big, after = harness.run(scenario)
    assert big.error.error_type == "Function.ResponseSizeTooLarge"
    assert "exceeded maximum allowed payload size (6291556 bytes)" in big.error.error_message
    assert after.payload == before.payload


def test_a_handler_that_scribbles_on_the_protocol_socket_fails_cleanly(harness):
    fn = harness.function(
        """
        import os, stat
        def handler(event, context):
            if event.get("scribble"):
                for fd in range(3, 4096):
                    try:
                        if stat.S_ISSOCK(os.fstat(fd).st_mode):
                            os.write(fd, b"\\x00\\x00\\x00\\x05junk!")
                    except OSError:
                        pass
            return os.getpid()
        """
    )

    async def scenario(pools):
        return [await pools.invoke(fn, e) for e in ({}, {"scribble": True}, {})]

    before, scribbled, after = harness.run(scenario)
    assert not scribbled.ok and scribbled.error.kind == "bad-response"
    assert after.ok and after.payload != before.payload


def test_an_event_that_is_not_json_is_refused_without_touching_the_worker(harness):
    fn = harness.function(PID)

    async def scenario(pools):
        before = await pools.invoke(fn, {})
        refused = await pools.invoke(fn, {"when": object()})
        after = await pools.invoke(fn, {})
        return before, refused, after

    before, refused, after = harness.run(scenario)
    assert refused.error.error_type == "InvalidRequestContentException"
    assert "http:get-index" in refused.error.error_message
    assert after.payload == before.payload and not after.cold


def test_an_init_slower_than_the_init_limit_runs_within_the_functions_timeout(harness):
    # Lambda: an on-demand init over 10 s is run again inside the first invocation, under the
    # function's timeout. Here the init limit is 0.2 s so that the test stays quick.
    fn = harness.function(
        """
        import time
        time.sleep(0.6)
        def handler(event, context):
            return context.get_remaining_time_in_millis()
        """,
        timeout=3,
    )

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario, init_timeout=0.2)
    assert result.ok, result.error
    assert result.cold
    assert 1000 < result.payload <= 3000 - 600  # the init used part of the invocation's time


def test_an_init_slower_than_the_limit_and_the_timeout_times_out(harness):
    fn = harness.function("import time\ntime.sleep(30)\ndef handler(e, c):\n    return 1\n")

    async def scenario(pools):
        return await pools.invoke(fn, {}, timeout=0.5)

    result = harness.run(scenario, init_timeout=0.2)
    assert result.error.error_type == "Sandbox.Timedout"
    assert result.error.error_message.endswith(
        f"{result.request_id} Task timed out after 0.50 seconds"
    )
    assert result.duration_ms < 5000
    assert any("INIT phase" in line for line in harness.log.lines(fn.key))


def test_a_start_cancelled_while_launching_leaves_no_descriptor_open(tmp_path):
    import asyncio
    import os

    from pyarc.sandbox.workers.worker import Worker

    async def scenario():
        launching = asyncio.Event()

        async def launch_forever(worker, child_sock, output):
            launching.set()
            await asyncio.Event().wait()

        before = set(os.listdir("/proc/self/fd"))
        worker = Worker("http-get-index", tmp_path, "lambda.handler", {}, lambda key, line: None,
                        launch=launch_forever)
        start = asyncio.create_task(worker.start("request-1"))
        await launching.wait()
        start.cancel()
        with pytest.raises(asyncio.CancelledError):
            await start
        return before, set(os.listdir("/proc/self/fd")), worker.alive

    before, after, alive = asyncio.run(scenario())
    assert after - before == set() and not alive
