"""Node.js handlers behind the HTTP and WebSocket gateways: ESM and CommonJS, async and
callback style, Lambda's context, errors, timeouts and console output."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from pyarc.testing import Sandbox, wait_until

from .conftest import run, write_app

MANIFEST = """\
@app
node-gateway

@aws
runtime nodejs20.x

@http
get /
get /cjs
get /callback
post /echo
get /boom
get /reject
get /slow
get /exit
get /custom

@ws
whoami
"""

FILES = {
    "src/http/get-index/index.mjs": """
        let count = 0
        export async function handler (event, context) {
          count++
          console.log('count is', count)
          return {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              count,
              version: event.version,
              path: event.rawPath,
              requestId: context.awsRequestId,
              functionName: context.functionName,
              functionVersion: context.functionVersion,
              memory: context.memoryLimitInMB,
              arn: context.invokedFunctionArn,
              logGroup: context.logGroupName,
              logStream: context.logStreamName,
              remaining: context.getRemainingTimeInMillis(),
              waits: context.callbackWaitsForEmptyEventLoop,
              region: process.env.AWS_REGION,
              execution: process.env.AWS_EXECUTION_ENV,
              handler: process.env._HANDLER,
              cwd: process.cwd(),
            }),
          }
        }
    """,
    "src/http/get-cjs/index.js": """
        const os = require('node:os')
        let calls = 0
        exports.handler = async function (event) {
          calls++
          console.error('to stderr', calls)
          console.warn('a warning')
          return { statusCode: 200, body: `cjs ${calls} ${typeof os.hostname()}` }
        }
    """,
    "src/http/get-callback/index.cjs": """
        module.exports.handler = function (event, context, callback) {
          setTimeout(() => console.log('timer ran before the reply'), 20)
          callback(null, { statusCode: 201, body: 'called back' })
        }
    """,
    "src/http/post-echo/index.mjs": """
        export const handler = async (event) => ({
          statusCode: 200,
          body: JSON.stringify({ body: event.body, encoded: event.isBase64Encoded }),
        })
    """,
    "src/http/get-boom/index.mjs": """
        export async function handler () {
          throw new TypeError('boom from node')
        }
    """,
    "src/http/get-reject/index.mjs": """
        export async function handler () {
          Promise.reject(new Error('nobody caught me'))
          await new Promise(resolve => setTimeout(resolve, 1000))
          return { statusCode: 200, body: 'unreachable' }
        }
    """,
    "src/http/get-slow/index.mjs": """
        export async function handler () {
          await new Promise(resolve => setTimeout(resolve, 60000))
        }
    """,
    "src/http/get-slow/config.arc": "@aws\ntimeout 1\n",
    "src/http/get-exit/index.mjs": """
        export async function handler () { process.exit(3) }
    """,
    "src/http/get-custom/app.mjs": """
        export const main = { run: async () => ({ statusCode: 200, body: 'custom handler' }) }
    """,
    "src/http/get-custom/config.arc": "@aws\nhandler app.main.run\n",
    "src/ws/connect/index.mjs": """
        export async function handler (event) {
          console.log('connect', event.requestContext.eventType)
          return { statusCode: 200 }
        }
    """,
    "src/ws/disconnect/index.mjs": """
        export async function handler (event) {
          console.log('disconnect', event.requestContext.eventType)
          return { statusCode: 200 }
        }
    """,
    "src/ws/default/index.mjs": """
        export async function handler (event) {
          return { statusCode: 200, body: JSON.stringify({ route: event.requestContext.routeKey, got: event.body }) }
        }
    """,
    "src/ws/whoami/index.js": """
        exports.handler = async function (event) {
          const { connectionId, routeKey, eventType } = event.requestContext
          return { statusCode: 200, body: JSON.stringify({ connectionId, routeKey, eventType }) }
        }
    """,
}

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\t(INFO|WARN|ERROR)\t")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    app = write_app(tmp_path_factory.mktemp("node-gateway"), MANIFEST, FILES)
    with Sandbox(app, watch=False) as running:
        yield running


def test_an_esm_handler_is_warm_and_gets_lambdas_context(sandbox: Sandbox) -> None:
    first = httpx.get(f"{sandbox.url}/").json()
    second = httpx.get(f"{sandbox.url}/").json()
    assert second["count"] == first["count"] + 1  # module state survives: one warm worker
    assert first["version"] == "2.0" and first["path"] == "/"
    assert first["functionName"] == "http-get-index"
    assert first["functionVersion"] == "$LATEST"
    assert first["memory"] == "1152"
    assert first["arn"] == "arn:aws:lambda:us-west-2:123456789012:function:http-get-index"
    assert first["logGroup"] == "/aws/lambda/http-get-index"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", first["logStream"])
    assert 0 < first["remaining"] <= 5000
    assert first["waits"] is True
    assert first["execution"] == "AWS_Lambda_nodejs20.x"
    assert first["handler"] == "index.handler"
    assert Path(first["cwd"]).name == "get-index"
    assert first["requestId"] != second["requestId"]
    lines = [line for line in sandbox.output("http:get-index") if "count is" in line]
    assert lines and all(LOG_LINE.match(line) for line in lines)
    assert any(f"\t{first['requestId']}\tINFO\tcount is {first['count']}" in line for line in lines)


def test_commonjs_console_levels(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.url}/cjs")
    assert response.status_code == 200 and response.text.startswith("cjs ")
    output = sandbox.output("http:get-cjs")
    assert any(LOG_LINE.match(line) and "\tERROR\tto stderr" in line for line in output)
    assert any(LOG_LINE.match(line) and "\tWARN\ta warning" in line for line in output)


def test_callback_style_waits_for_the_event_loop(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.url}/callback")
    assert (response.status_code, response.text) == (201, "called back")
    # callbackWaitsForEmptyEventLoop: the timer ran before the reply, so its line is there now
    assert any("timer ran before the reply" in line for line in sandbox.output("http:get-callback"))


def test_a_post_body_reaches_the_handler(sandbox: Sandbox) -> None:
    response = httpx.post(f"{sandbox.url}/echo", content=b'{"a": 1}')
    assert response.json() == {"body": '{"a": 1}', "encoded": False}


def test_a_configured_handler_with_a_nested_method(sandbox: Sandbox) -> None:
    assert httpx.get(f"{sandbox.url}/custom").text == "custom handler"


def test_a_thrown_error_is_a_502_with_lambdas_node_payload(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.url}/boom")
    assert response.status_code == 500
    result = run(sandbox, "http:get-boom", {})
    assert result.ok is False and result.error is not None
    error = result.error.to_lambda_payload()
    assert error["errorType"] == "TypeError" and error["errorMessage"] == "boom from node"
    assert error["trace"][0] == "TypeError: boom from node"
    assert "get-boom/index.mjs:2" in error["trace"][1]
    assert not any("bootstrap.mjs" in line for line in error["trace"])  # the runtime's frames go
    assert "requestId" not in error and "stackTrace" not in error
    output = sandbox.output("http:get-boom")
    assert any("[ERROR] TypeError: boom from node" in line for line in output)


def test_an_unhandled_rejection_fails_the_invocation_and_replaces_the_worker(sandbox: Sandbox) -> None:
    result = run(sandbox, "http:get-reject", {})
    assert result.error is not None
    assert result.error.error_type == "Runtime.UnhandledPromiseRejection"
    assert result.error.error_message == "Error: nobody caught me"
    assert sandbox.server is not None and sandbox.server.state is not None
    fn = next(f for f in sandbox.inventory.functions if f.key == "http:get-reject")
    pools = sandbox.server.state.pools
    wait_until(lambda: not pools.pids(fn), timeout=5)


def test_a_timeout_kills_the_worker(sandbox: Sandbox) -> None:
    result = run(sandbox, "http:get-slow", {})
    assert result.error is not None and result.error.error_type == "Sandbox.Timedout"
    assert result.error.error_message.endswith("Task timed out after 1.00 seconds")
    assert httpx.get(f"{sandbox.url}/slow", timeout=10).status_code in (500, 502, 504)


def test_process_exit_is_a_runtime_exit_error(sandbox: Sandbox) -> None:
    result = run(sandbox, "http:get-exit", {})
    assert result.error is not None and result.error.error_type == "Runtime.ExitError"
    assert result.error.error_message.endswith("Runtime exited with error: exit status 3")


def test_websocket_routes(sandbox: Sandbox) -> None:
    async def scenario() -> tuple[dict, dict]:
        async with connect(sandbox.ws_url) as ws:
            await ws.send(json.dumps({"action": "whoami"}))
            mine = json.loads(await ws.recv())
            await ws.send("not json")
            fallback = json.loads(await ws.recv())
            return mine, fallback

    mine, fallback = asyncio.run(scenario())
    assert mine["routeKey"] == "whoami" and mine["eventType"] == "MESSAGE" and mine["connectionId"]
    assert fallback == {"route": "$default", "got": "not json"}
    assert any("connect CONNECT" in line for line in sandbox.output("ws:connect"))
    wait_until(
        lambda: any("disconnect DISCONNECT" in line for line in sandbox.output("ws:disconnect")),
        timeout=10,
    )
