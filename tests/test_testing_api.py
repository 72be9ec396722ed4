"""`Sandbox.output()`: what handlers print is there for a test to assert on."""

from __future__ import annotations

from pathlib import Path

import httpx

from pyarc.testing import Sandbox, wait_until

HANDLER = """
import logging
logger = logging.getLogger()
logger.setLevel(logging.INFO)

def handler(event, context):
    print("hello from print")
    logger.info("hello from logging")
    if event.get("rawQueryString") == "boom=1":
        raise ValueError("kaboom")
    return {"statusCode": 200, "body": "ok"}
"""


def test_output_keeps_what_handlers_print_even_when_quiet(tmp_path: Path) -> None:
    (tmp_path / "app.arc").write_text("@app\nprinter\n@http\nget /\nget /other\n")
    for name in ("get-index", "get-other"):
        folder = tmp_path / "src" / "http" / name
        folder.mkdir(parents=True)
        (folder / "lambda.py").write_text(HANDLER)
    with Sandbox(tmp_path, watch=False) as sb:
        assert sb.output() == []
        assert httpx.get(f"{sb.url}/").status_code == 200
        assert httpx.get(f"{sb.url}/?boom=1").status_code == 500
        assert httpx.get(f"{sb.url}/other").status_code == 200
        wait_until(lambda: len(sb.output("http:get-other")) >= 2, 10, "get-other's output")
        mine = sb.output("http:get-index")
        assert mine.count("hello from print") == 2
        assert sum("hello from logging" in line for line in mine) == 2
        assert any("ValueError: kaboom" in line for line in mine)
        assert any(line.startswith("Traceback") for line in mine)
        assert all("kaboom" not in line for line in sb.output("http:get-other"))
        assert len(sb.output()) == len(mine) + len(sb.output("http:get-other"))


def test_client_reaches_each_service_where_handlers_reach_it(tmp_path: Path) -> None:
    (tmp_path / "app.arc").write_text("@app\nclients\n@tables\nnotes\n  id *String\n@queues\njobs\n")
    (tmp_path / "src/queues/jobs").mkdir(parents=True)
    (tmp_path / "src/queues/jobs/lambda.py").write_text("def handler(event, context):\n    return 1\n")
    with Sandbox(tmp_path, watch=False) as sb:
        env = sb.env
        dynamodb, sqs, s3 = sb.client("dynamodb"), sb.client("sqs"), sb.client("s3")
        assert dynamodb.meta.endpoint_url == env["AWS_ENDPOINT_URL_DYNAMODB"]
        assert sqs.meta.endpoint_url == env["AWS_ENDPOINT_URL_SQS"] == sb.events_url
        assert s3.meta.endpoint_url == env["AWS_ENDPOINT_URL"]  # the one AWS endpoint
        assert dynamodb.meta.region_name == "us-west-2"
        assert "clients-staging-notes" in dynamodb.list_tables()["TableNames"]
        assert sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
        assert sb.client("ssm", sb.url).meta.endpoint_url == sb.url  # an explicit endpoint wins
