"""The console tells the truth: --quiet still prints failures, every line has a local time,
and timeouts and exits say what to change (issue 12's log bullets)."""

from __future__ import annotations

import io
import re

from rich.console import Console

from pyarc.sandbox.logs import SandboxLog

STAMP = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} ")


def console_log(quiet: bool) -> tuple[SandboxLog, io.StringIO]:
    out = io.StringIO()
    return SandboxLog(quiet=quiet, console=Console(file=out, width=200)), out


def test_quiet_prints_a_handler_failure_with_its_traceback_and_nothing_else(harness):
    fn = harness.function("def handler(e, c):\n    print('chatter')\n    return 1 / 0\n")
    log, out = console_log(quiet=True)

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario, log=log.handler_output, report=log.handler_error)
    assert not result.ok
    text = out.getvalue()
    assert "[ERROR] ZeroDivisionError: division by zero" in text  # was silent under --quiet
    assert "Traceback (most recent call last):" in text and "return 1 / 0" in text
    assert "chatter" not in text
    log.info("not an error")
    log.invocation("GET /", 500, 1.0, True)
    assert "not an error" not in out.getvalue() and "GET /" not in out.getvalue()
    log.warning("a warning")
    assert "warning: a warning" in out.getvalue()


def test_every_line_starts_with_the_local_time():
    log, out = console_log(quiet=False)
    log.info("one")
    log.error("two")
    log.handler_output("http:get-index", "three")
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and all(STAMP.match(line) for line in lines), lines


def test_the_timeout_line_says_how_to_raise_the_timeout(harness):
    fn = harness.function("import time\ndef handler(e, c):\n    time.sleep(5)\n", timeout=1)

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.error is not None and result.error.kind == "timeout"
    text = "\n".join(harness.log.lines())
    assert "Task timed out after 1.00 seconds" in text
    assert "raise it with `timeout` in" in text and "config.arc" in text
    assert "`@aws timeout`" in text


def test_an_exit_names_the_handler_file(harness):
    fn = harness.function("import sys\ndef handler(e, c):\n    sys.exit(3)\n")

    async def scenario(pools):
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert result.error is not None and result.error.error_type == "Runtime.ExitError"
    text = "\n".join(harness.log.lines())
    assert "exit status 3" in text
    assert f"the worker running {fn.src / 'lambda.py'} ended" in text


def test_a_browsers_favicon_request_gets_a_plain_404_without_a_route_hint(tmp_path):
    import httpx

    from pyarc.testing import Sandbox

    (tmp_path / "src/http/get-index").mkdir(parents=True)
    (tmp_path / "app.arc").write_text("@app\nicon\n\n@http\nget /\n")
    (tmp_path / "src/http/get-index/lambda.py").write_text("def handler(e, c):\n    return 'hi'\n")
    with Sandbox(tmp_path, watch=False) as sb:
        icon = httpx.get(sb.url + "/favicon.ico", headers={"accept": "image/*,text/html"})
        other = httpx.get(sb.url + "/nope", headers={"accept": "text/html"})
    assert icon.status_code == 404 and icon.text == "Not Found"  # was an "add a route" page
    assert other.status_code == 404 and "get /nope" in other.text
