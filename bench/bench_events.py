"""Events benchmark: events published per second through to handler completion.

A sandbox runs a small app whose `@events` subscriber and `@queues` consumer do nothing
but return. N messages are published with 8 concurrent clients and the clock stops when
the bus reports that every subscriber invocation has finished.

Figures, each next to its floor:
- publish requests/s (Architect bus `POST /events`) vs. a bare Starlette endpoint under
  uvicorn answering the same POST (the HTTP floor);
- events/s end to end (publish -> SNS-shaped event -> warm worker -> done) vs. invoking
  the same no-op handler straight through the worker pool with the same concurrency
  (the floor any out-of-process handler pays);
- the same end to end for a FIFO queue (batchSize 1, one group: strictly one at a time)
  and a standard queue (batchSize 10);
- boto3 `sns.publish` and `sqs.send_message` round trips p50/p95 (one client, keep-alive:
  the query form / JSON read and checked against botocore's model, then published) vs.
  the same boto3 call answered with a fixed valid response by a bare Starlette endpoint.

Run: python bench/bench_events.py [--messages 2000] [--calls 500]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import httpx
import uvicorn
from botocore.config import Config
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pyarc.inventory import load
from pyarc.sandbox.workers import WorkerPools
from pyarc.testing import Sandbox, free_port, wait_for_port

MANIFEST = """@app
bench-events

@events
ping

@queues
ordered
standard
  fifo false
  batchSize 10
"""
NOOP = "def handler(event, context):\n    return None\n"
CLIENTS = 8


def make_app(root: Path) -> Path:
    (root / "app.arc").write_text(MANIFEST)
    for kind, name in (("events", "ping"), ("queues", "ordered"), ("queues", "standard")):
        folder = root / "src" / kind / name
        folder.mkdir(parents=True)
        (folder / "lambda.py").write_text(NOOP)
    return root


async def post_all(url: str, bodies: list[dict]) -> float:
    """POST every body with CLIENTS concurrent keep-alive clients; returns seconds."""
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def client() -> None:
        async with httpx.AsyncClient() as http:
            while not queue.empty():
                body = queue.get_nowait()
                response = await http.post(url, json=body)
                response.raise_for_status()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return time.perf_counter() - start


def through_sandbox(sandbox: Sandbox, path: str, name: str, messages: int) -> tuple[float, float]:
    """(publish seconds, seconds until every handler finished)."""
    bodies = [{"name": name, "payload": {"n": n}} for n in range(messages)]
    start = time.perf_counter()
    published = asyncio.run(post_all(f"{sandbox.events_url}/{path}", bodies))
    sandbox.idle(timeout=600)
    return published, time.perf_counter() - start


def http_floor(messages: int) -> float:
    async def accept(request):  # type: ignore[no-untyped-def]
        await request.body()
        return JSONResponse({"ok": True, "messageId": "x"}, status_code=202)

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(Starlette(routes=[Route("/events", accept, methods=["POST"])]),
                       port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    bodies = [{"name": "ping", "payload": {"n": n}} for n in range(messages)]
    seconds = asyncio.run(post_all(f"http://127.0.0.1:{port}/events", bodies))
    server.should_exit = True
    thread.join()
    return seconds


PUBLISHED = ('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>'
             "<MessageId>x</MessageId></PublishResult></PublishResponse>")


async def fixed_answer(request: Request) -> Response:
    """The floor's SNS Publish / SQS SendMessage answer, the request body read and dropped."""
    await request.body()
    if request.headers.get("x-amz-target", "").startswith("AmazonSQS."):
        return Response('{"MessageId": "x", "MD5OfMessageBody": "6f5902ac237024bdd0c176cb93063dc4"}',
                        media_type="application/x-amz-json-1.0")
    return Response(PUBLISHED, media_type="text/xml")


def serve_floor() -> tuple[str, uvicorn.Server, threading.Thread]:
    port = free_port()
    app = Starlette(routes=[Route("/{path:path}", fixed_answer, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    return f"http://127.0.0.1:{port}", server, thread


def aws_clients(url: str) -> tuple[Any, Any]:
    options: dict[str, Any] = {
        "endpoint_url": url, "region_name": "us-west-2", "aws_access_key_id": "x",
        "aws_secret_access_key": "x", "config": Config(retries={"max_attempts": 1}),
    }
    return boto3.client("sns", **options), boto3.client("sqs", **options)


def round_trips(call: Callable[[], object], calls: int) -> list[float]:
    """Milliseconds per call, after 20 warm-up calls."""
    for _ in range(20):
        call()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def aws_calls(sns: Any, sqs: Any, topic: str, queue_url: str, calls: int) -> dict[str, list[float]]:
    attributes = {"kind": {"DataType": "String", "StringValue": "bench"}}
    return {
        "SNS Publish": round_trips(lambda: sns.publish(
            TopicArn=topic, Message="x" * 100, MessageAttributes=attributes), calls),
        "SQS SendMessage": round_trips(lambda: sqs.send_message(
            QueueUrl=queue_url, MessageBody="x" * 100, MessageAttributes=attributes), calls),
    }


def pool_floor(app: Path, messages: int) -> float:
    fn = load(app).events[0].function

    async def run() -> float:
        pools = WorkerPools(env_for=lambda f: {}, max_workers=CLIENTS)
        await pools.prewarm([fn])
        semaphore = asyncio.Semaphore(CLIENTS)

        async def one(n: int) -> None:
            async with semaphore:
                result = await pools.invoke(fn, {"Records": [{"n": n}]})
                assert result.ok, result.error

        start = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(messages)))
        seconds = time.perf_counter() - start
        await pools.aclose()
        return seconds

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=500, help="boto3 SNS/SQS round trips")
    args = parser.parse_args()
    n = args.messages
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        floor_http = http_floor(n)
        floor_pool = pool_floor(app, n)
        with Sandbox(app) as sandbox:
            through_sandbox(sandbox, "events", "ping", 50)  # warm the workers
            published, done = through_sandbox(sandbox, "events", "ping", n)
            _, fifo = through_sandbox(sandbox, "queues", "ordered", n // 4)
            _, standard = through_sandbox(sandbox, "queues", "standard", n)
            sns, sqs = aws_clients(sandbox.events_url)
            topic = "arn:aws:sns:us-west-2:000000000000:ping"  # the bus matches `:ping`
            queue_url = sqs.get_queue_url(QueueName="standard")["QueueUrl"]
            ours = aws_calls(sns, sqs, topic, queue_url, args.calls)
            sandbox.idle(timeout=600)
        floor_url, server, thread = serve_floor()
        floor = aws_calls(*aws_clients(floor_url), topic, queue_url, args.calls)
        server.should_exit = True
        thread.join()
    print(f"{n} messages, {CLIENTS} concurrent publishers, no-op subscribers")
    print(f"{'measure':<52}{'pyarc':>10}{'floor':>10}")
    print(f"{'publish requests/s (POST /events)':<52}{n / published:>10.0f}{n / floor_http:>10.0f}"
          "   floor: bare Starlette POST")
    print(f"{'@events: events/s published -> handler done':<52}{n / done:>10.0f}{n / floor_pool:>10.0f}"
          "   floor: worker pool invoke, same concurrency")
    print(f"{'@queues FIFO, one group, batch 1: messages/s':<52}{(n // 4) / fifo:>10.0f}{'':>10}"
          "   (strictly sequential by design)")
    print(f"{'@queues standard, batch 10: messages/s':<52}{n / standard:>10.0f}{n / floor_pool:>10.0f}"
          "   floor: worker pool invoke")

    def p(times: list[float]) -> str:
        return f"{statistics.median(times):.2f}/{sorted(times)[int(len(times) * 0.95)]:.2f}"

    for name, times in ours.items():
        label = f"boto3 {name} p50/p95 ms ({args.calls} calls)"
        print(f"{label:<52}{p(times):>10}{p(floor[name]):>12}   floor: fixed answer, bare Starlette")


if __name__ == "__main__":
    main()
