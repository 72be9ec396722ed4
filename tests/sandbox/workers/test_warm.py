"""Warm workers: state survives, imports run once, environment, cwd, sys.path, context."""

from __future__ import annotations

import os

import pytest

# a transport or process left open by a scenario fails the test that leaked it
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

COUNTER = """
import os
COUNT = 0
def handler(event, context):
    global COUNT
    COUNT += 1
    return {"count": COUNT, "pid": os.getpid()}
"""


def test_module_state_survives_between_invocations(harness):
    fn = harness.function(COUNTER)

    async def scenario(pools):
        return [await pools.invoke(fn, {}) for _ in range(3)]

    results = harness.run(scenario)
    assert [r.ok for r in results] == [True, True, True]
    assert [r.payload["count"] for r in results] == [1, 2, 3]
    assert len({r.payload["pid"] for r in results}) == 1
    assert [r.cold for r in results] == [True, False, False]
    assert len({r.request_id for r in results}) == 3


def test_module_is_imported_once_per_worker(harness, tmp_path):
    marker = tmp_path / "imports.log"
    fn = harness.function(
        f"""
        with open({str(marker)!r}, "a") as f:
            f.write("imported\\n")
        def handler(event, context):
            return event["n"] * 2
        """
    )

    async def scenario(pools):
        return [await pools.invoke(fn, {"n": n}) for n in range(4)]

    results = harness.run(scenario)
    assert [r.payload for r in results] == [0, 2, 4, 6]
    assert marker.read_text().splitlines() == ["imported"]


def test_environment_is_clean_and_complete(harness, monkeypatch):
    monkeypatch.setenv("PYARC_SANDBOX_ONLY_SECRET", "must-not-leak")
    fn = harness.function(
        "import os\ndef handler(event, context):\n    return dict(os.environ)\n", memory=256
    )
    given = {"ARC_ENV": "testing", "AWS_REGION": "eu-west-1", "MY_VAR": "42"}

    async def scenario(pools):
        return await pools.invoke(fn, {})

    env = harness.run(scenario, env=given).payload
    assert "PYARC_SANDBOX_ONLY_SECRET" not in env
    assert env["ARC_ENV"] == "testing"
    assert env["MY_VAR"] == "42"
    assert env["AWS_REGION"] == "eu-west-1"
    assert env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "http-get-index"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/http-get-index"
    assert "[$LATEST]" in env["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert env["LAMBDA_TASK_ROOT"] == str(fn.src)
    assert env["_HANDLER"] == "lambda.handler"
    assert env["TZ"] == "UTC"
    assert env["PATH"]
    assert env["LANG"]
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.13"


def test_given_environment_wins_over_runtime_defaults(harness):
    fn = harness.function("import os\ndef handler(event, context):\n    return dict(os.environ)\n")
    given = {"AWS_LAMBDA_FUNCTION_NAME": "CageSocketTesting-GetIndex", "TZ": "Europe/Paris"}

    async def scenario(pools):
        return await pools.invoke(fn, {})

    env = harness.run(scenario, env=lambda f: dict(given)).payload
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "CageSocketTesting-GetIndex"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/CageSocketTesting-GetIndex"
    assert env["TZ"] == "Europe/Paris"


def test_cwd_and_sys_path_put_the_function_dir_first(harness):
    fn = harness.function(
        """
        import os, sys
        import vendored_thing
        def handler(event, context):
            return {"cwd": os.getcwd(), "path": sys.path[:2], "vendored": vendored_thing.VALUE}
        """
    )
    harness.write_handler(fn.src / "vendor", "VALUE = 'from vendor'\n", "vendored_thing.py")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.ok, result.error
    assert os.path.samefile(result.payload["cwd"], fn.src)
    assert result.payload["path"] == [str(fn.src), str(fn.src / "vendor")]
    assert result.payload["vendored"] == "from vendor"


def test_context_is_a_lambda_context(harness):
    fn = harness.function(
        """
        import time
        def handler(event, context):
            first = context.get_remaining_time_in_millis()
            time.sleep(0.05)
            second = context.get_remaining_time_in_millis()
            return {
                "request_id": context.aws_request_id,
                "function_name": context.function_name,
                "function_version": context.function_version,
                "arn": context.invoked_function_arn,
                "memory": context.memory_limit_in_mb,
                "log_group": context.log_group_name,
                "log_stream": context.log_stream_name,
                "identity": context.identity.cognito_identity_id,
                "client_context": context.client_context,
                "remaining": [first, second],
            }
        """,
        memory=512,
        timeout=3,
    )

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario, env={"AWS_REGION": "eu-central-1"})
    ctx = result.payload
    assert ctx["request_id"] == result.request_id
    assert ctx["function_name"] == "http-get-index"
    assert ctx["function_version"] == "$LATEST"
    assert ctx["arn"] == "arn:aws:lambda:eu-central-1:123456789012:function:http-get-index"
    assert ctx["memory"] == "512"
    assert ctx["log_group"] == "/aws/lambda/http-get-index"
    assert ctx["log_stream"].endswith("]" + ctx["log_stream"].split("]")[-1])
    assert ctx["identity"] is None
    assert ctx["client_context"] is None
    first, second = ctx["remaining"]
    assert 2000 < first <= 3000
    assert second <= first - 40


def test_return_value_is_json_round_tripped(harness):
    fn = harness.function(
        """
        from decimal import Decimal
        def handler(event, context):
            return {"tuple": (1, 2), "decimal": Decimal("3"), "half": Decimal("0.5"),
                    "echo": event, 7: "int key"}
        """
    )

    async def scenario(pools):
        return await pools.invoke(fn, {"a": [1, {"b": None}]})

    result = harness.run(scenario)
    assert result.ok, result.error
    assert result.payload == {
        "tuple": [1, 2],
        "decimal": 3,
        "half": 0.5,
        "echo": {"a": [1, {"b": None}]},
        "7": "int key",
    }


def test_output_is_forwarded_line_by_line_before_invoke_returns(harness):
    fn = harness.function(
        """
        import sys
        def handler(event, context):
            print("to stdout")
            print("to stderr", file=sys.stderr)
            print("two\\nlines")
            sys.stdout.write("no newline")
            return 1
        """
    )

    async def scenario(pools):
        result = await pools.invoke(fn, {})
        return result, list(harness.log.records)

    result, records = harness.run(scenario)
    assert result.ok
    assert records == [
        (fn.key, "to stdout"),
        (fn.key, "to stderr"),
        (fn.key, "two"),
        (fn.key, "lines"),
        (fn.key, "no newline"),
    ]


def test_output_written_any_way_is_forwarded_before_invoke_returns(harness):
    # raw fd writes, a child process's inherited stdout, more than a pipe holds (64 KiB), and
    # an unfinished line: all of it is in the log when the invocation's result is
    fn = harness.function(
        """
        import os, subprocess, sys
        def handler(event, context):
            n = event["n"]
            os.write(1, f"raw {n}\\n".encode())
            subprocess.run([sys.executable, "-S", "-c", f"print('child {n}')"], check=True)
            print("\\n".join([str(n) * 1000] * 300))
            sys.stdout.write(f"tail {n}")
            return n
        """
    )

    async def scenario(pools):
        seen = []
        for n in (1, 2):
            result = await pools.invoke(fn, {"n": n})
            seen.append((result.payload, [line for _, line in harness.log.records]))
        return seen

    (first, after_first), (second, after_second) = harness.run(scenario)
    lines = ["raw {n}", "child {n}", *["{n}" * 1000] * 300, "tail {n}"]
    one = [line.format(n=1) for line in lines]
    assert (first, after_first) == (1, one)
    assert (second, after_second) == (2, one + [line.format(n=2) for line in lines])


def test_a_broken_log_sink_does_not_break_invocations(harness):
    fn = harness.function("def handler(event, context):\n    print('hi')\n    return 5\n")

    def broken(key, line):
        raise RuntimeError("sink down")

    async def scenario(pools):
        return [await pools.invoke(fn, {}) for _ in range(2)]

    results = harness.run(scenario, log=broken)
    assert [r.payload for r in results] == [5, 5]


def test_logging_module_writes_lambdas_log_lines(harness):
    fn = harness.function(
        """
        import logging
        logging.basicConfig(level=logging.DEBUG, format="%(message)s")  # a no-op, as on Lambda
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)  # the pattern Lambda's docs show
        def handler(event, context):
            logger.debug("hidden")
            logger.info("hello %s", event["who"])
            logging.getLogger("app.db").warning("slow query")
            return len(logger.handlers)
        """
    )

    async def scenario(pools):
        return await pools.invoke(fn, {"who": "ada"})

    result = harness.run(scenario)
    assert result.ok and result.payload == 1
    lines = harness.log.lines(fn.key)
    assert len(lines) == 2, lines
    pattern = r"\[{}\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{}\t{}"
    import re

    assert re.fullmatch(pattern.format("INFO", result.request_id, "hello ada"), lines[0])
    assert re.fullmatch(pattern.format("WARNING", result.request_id, "slow query"), lines[1])


def test_log_level_variable_sets_the_root_level(harness):
    fn = harness.function(
        "import logging\ndef handler(event, context):\n    logging.debug('deep')\n    return 1\n"
    )

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario, env={"AWS_LAMBDA_LOG_LEVEL": "DEBUG"})
    assert result.ok
    assert harness.log.lines(fn.key)[0].endswith(f"\t{result.request_id}\tdeep")


def test_context_log_and_repr_match_lambda(harness):
    fn = harness.function(
        """
        def handler(event, context):
            context.log(42)
            context.log("\\n")
            return repr(context)
        """
    )

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.ok, result.error
    assert harness.log.lines(fn.key) == ["42"]
    assert result.payload.startswith(
        f"LambdaContext([aws_request_id={result.request_id},log_group_name="
    )
    assert "identity=CognitoIdentity([cognito_identity_id=None,cognito_identity_pool_id=None])" in (
        result.payload
    )


def test_a_result_orjson_would_refuse_still_reaches_the_caller_as_json_reads_it(harness):
    fn = harness.function(
        "def handler(event, context):\n"
        "    return {'nan': float('nan'), 'big': 2 ** 70, 'echo': event}\n"
    )

    async def scenario(pools):
        return await pools.invoke(fn, {"text": "héllo ✓", "n": 1.5})

    result = harness.run(scenario)
    assert result.ok, result.error
    payload = result.payload
    assert payload["nan"] != payload["nan"]  # NaN, as json.loads gives it
    assert payload["big"] == 2**70
    assert payload["echo"] == {"text": "héllo ✓", "n": 1.5}


FRAGMENTS = """
import os

KEPT = []

def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def handler(event, context):
    if event.get("fragment"):  # 30 MB of malloc'd buffers, one in 50 kept: pages stay mapped
        buffers = [bytearray(1500) for _ in range(20_000)]
        KEPT.extend(buffers[::50])
        del buffers
    return rss_mib()
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads /proc")
def test_heap_freed_by_the_first_invocation_goes_back_to_the_os(harness):
    # a first invocation builds boto3 clients, whose JSON temporaries glibc keeps mapped:
    # the worker trims its heap once that invocation has answered (RSS, not behaviour)
    fn = harness.function(FRAGMENTS)

    async def scenario(pools):
        return [await pools.invoke(fn, event) for event in ({"fragment": True}, {})]

    first, second = harness.run(scenario)
    assert first.ok and second.ok
    assert second.payload < first.payload - 15, (first.payload, second.payload)
