"""Node.js functions behind every trigger: @events (SNS), @queues (SQS), @scheduled,
@tables-streams and HTTP payload 1.0, with errors, timeouts and console output; and a mixed app
where Python and Node.js functions serve side by side."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from pyarc.testing import Sandbox, wait_until

from .conftest import run, write_app

MANIFEST = """\
@app
node-triggers

@aws
runtime nodejs20.x
apigateway httpv1

@http
get /v1/:id
get /py

@events
ping

@queues
work

@scheduled
tick rate(1 day)

@tables
notes
  id *String
  stream true

@tables-streams
notes
"""

LOG = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\tINFO\t")

FILES = {
    "src/http/get-v1-000id/index.mjs": """
        export async function handler (event) {
          return {
            statusCode: 200,
            multiValueHeaders: { 'x-seen': ['a', 'b'] },
            body: JSON.stringify({
              version: event.version, method: event.httpMethod, path: event.path,
              id: event.pathParameters.id, query: event.queryStringParameters,
            }),
          }
        }
    """,
    "src/http/get-py/lambda.py": """
        import sys

        def handler(event, context):
            print("python here")
            return {"statusCode": 200, "body": f"python {sys.version_info[0]}"}
    """,
    "src/http/get-py/config.arc": "@aws\nruntime python3.12\n",
    "src/events/ping/index.mjs": """
        export async function handler (event) {
          const record = event.Records[0]
          const message = JSON.parse(record.Sns.Message)
          console.log('ping got', record.EventSource, message.say)
          if (message.say === 'fail') throw new Error('ping refused')
          return message.say
        }
    """,
    "src/queues/work/index.js": """
        exports.handler = async function (event) {
          const record = event.Records[0]
          console.log('work got', record.eventSource, record.body)
          if (record.body === 'slow') await new Promise(resolve => setTimeout(resolve, 5000))
          return { batchItemFailures: [] }
        }
    """,
    "src/queues/work/config.arc": "@aws\ntimeout 1\n",
    "src/scheduled/tick/index.cjs": """
        module.exports.handler = (event, context, callback) => {
          console.log('tick', event['detail-type'], event.source)
          callback(null, { fired: event['detail-type'] })
        }
    """,
    "src/tables-streams/notes/index.mjs": """
        export async function handler (event) {
          for (const record of event.Records) {
            console.log('stream', record.eventName, JSON.stringify(record.dynamodb.NewImage))
          }
        }
    """,
}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    app = write_app(tmp_path_factory.mktemp("node-triggers"), MANIFEST, FILES)
    with Sandbox(app, watch=False) as running:
        yield running


def aws(sandbox: Sandbox, service: str):  # type: ignore[no-untyped-def]
    """A boto3 client for `service` that reaches the sandbox as handlers do (their variables)."""
    return sandbox.client(service)


def lines(sandbox: Sandbox, key: str, text: str) -> list[str]:
    return [line for line in sandbox.output(key) if text in line]


def test_http_payload_1_0(sandbox: Sandbox) -> None:
    response = httpx.get(f"{sandbox.url}/v1/42?q=1")
    assert response.status_code == 200
    assert response.json() == {
        "version": "1.0", "method": "GET", "path": "/v1/42", "id": "42", "query": {"q": "1"},
    }
    assert response.headers.get_list("x-seen") == ["a", "b"]  # multiValueHeaders, as 1.0 maps them


def test_a_python_function_beside_node_ones(sandbox: Sandbox) -> None:
    assert httpx.get(f"{sandbox.url}/py").text == "python 3"
    assert lines(sandbox, "http:get-py", "python here")


def test_events_from_boto3_sns(sandbox: Sandbox) -> None:
    ssm = aws(sandbox, "ssm")
    topic = ssm.get_parameter(Name="/NodeTriggersTesting/events/ping")["Parameter"]["Value"]
    aws(sandbox, "sns").publish(TopicArn=topic, Message=json.dumps({"say": "hello"}))
    sandbox.idle()
    found = lines(sandbox, "events:ping", "ping got aws:sns hello")
    assert found and LOG.match(found[0])


def test_an_event_handler_error_is_reported(sandbox: Sandbox) -> None:
    event = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": '{"say": "fail"}'}}]}
    result = run(sandbox, "events:ping", event)
    assert result.error is not None
    assert result.error.to_lambda_payload()["errorType"] == "Error"
    assert result.error.error_message == "ping refused"
    assert lines(sandbox, "events:ping", "[ERROR] Error: ping refused")


def test_queues_from_boto3_sqs_and_a_timeout(sandbox: Sandbox) -> None:
    ssm = aws(sandbox, "ssm")
    queue = ssm.get_parameter(Name="/NodeTriggersTesting/queues/work")["Parameter"]["Value"]
    aws(sandbox, "sqs").send_message(QueueUrl=queue, MessageBody="job 1", MessageGroupId="g")  # FIFO: Architect's default
    sandbox.idle()
    assert lines(sandbox, "queues:work", "work got aws:sqs job 1")
    result = run(sandbox, "queues:work", {"Records": [{"eventSource": "aws:sqs", "body": "slow"}]})
    assert result.error is not None and result.error.error_type == "Sandbox.Timedout"
    assert result.error.error_message.endswith("Task timed out after 1.00 seconds")


def test_scheduled(sandbox: Sandbox) -> None:
    result = sandbox.fire("tick")
    assert result["ok"] and result["payload"] == {"fired": "Scheduled Event"}
    found = lines(sandbox, "scheduled:tick", "tick Scheduled Event aws.")
    assert found and LOG.match(found[0])


def test_table_streams(sandbox: Sandbox) -> None:
    dynamodb = aws(sandbox, "dynamodb")
    dynamodb.put_item(
        TableName="node-triggers-staging-notes", Item={"id": {"S": "n1"}, "text": {"S": "streamed"}}
    )
    wait_until(lambda: lines(sandbox, "tables-streams:notes", "stream INSERT"), timeout=20)
    line = lines(sandbox, "tables-streams:notes", "stream INSERT")[0]
    assert '"text":{"S":"streamed"}' in line and LOG.match(line)
