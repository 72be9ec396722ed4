"""Benchmark pyarc.functions: import cost (Lambda cold start) and ws.broadcast fan-out.

Run: python bench/bench_functions.py

Figures are printed next to their floor:
- import: `import pyarc.functions` vs a bare `python -c pass`, and vs `import boto3`
  (which the helpers defer to first use);
- broadcast: ws.broadcast to N connections through a real uvicorn server (own process)
  speaking the API Gateway Management API, vs the floor of the same PostToConnection calls
  made one after another on one boto3 client; once with no added latency (the CPU cost per
  call dominates) and once with 20 ms per call, like a round trip to API Gateway. The
  server is on the loopback interface, where ws.broadcast uses
  `ws.LOCAL_BROADCAST_THREADS`; the 20 ms run uses `ws.BROADCAST_THREADS`, the count it
  uses for a deployed (https) endpoint, since that is the case it stands in for.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import boto3
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import pyarc.functions
from pyarc.functions import ws
from pyarc.testing import free_port, wait_for_port

ROUNDS = 15


def process_ms(code: str, runs: int = 9) -> float:
    """Fastest of `runs` process starts (the machine is shared: the minimum is the signal)."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


LATENCY_S = 0.0


async def _post(request: Request) -> Response:
    await request.body()
    if LATENCY_S:
        await asyncio.sleep(LATENCY_S)  # a network round trip to API Gateway
    return Response(status_code=200)


def serve(port: int, latency_ms: float) -> None:
    """The stand-in Management API, run in its own process (own GIL, like the sandbox)."""
    global LATENCY_S
    LATENCY_S = latency_ms / 1000
    app = Starlette(routes=[Route("/@connections/{connection_id}", _post, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


def management_server(latency_ms: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, __file__, "--serve", str(port), str(latency_ms)]
    server = subprocess.Popen(command)
    wait_for_port(port)
    return server, f"http://127.0.0.1:{port}"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"


def main() -> None:
    bare = process_ms("pass")
    helpers = process_ms("import pyarc.functions")
    with_boto3 = process_ms("import boto3")
    print("import (fastest of 9 process starts, ms)")
    print(f"  python -c pass (floor)        {bare:7.1f}")
    print(f"  import pyarc.functions        {helpers:7.1f}  (+{helpers - bare:.1f})")
    print(f"  import boto3 (deferred cost)  {with_boto3:7.1f}  (+{with_boto3 - bare:.1f})")

    for latency_ms in (0, 20):
        fan_out(latency_ms)


def fan_out(latency_ms: float) -> None:
    server, url = management_server(latency_ms)
    os.environ.update(
        ARC_WSS_URL=url.replace("http", "ws", 1),
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION="us-east-1",
    )
    pyarc.functions.reset()
    local_threads = ws.LOCAL_BROADCAST_THREADS
    if latency_ms:
        ws.LOCAL_BROADCAST_THREADS = ws.BROADCAST_THREADS  # as for API Gateway over https
    floor_client = boto3.client(
        "apigatewaymanagementapi", endpoint_url=url, region_name="us-east-1"
    )
    for count in (10, 100):
        ids = [f"conn-{i}" for i in range(count)]
        ws.broadcast(ids, {"warm": True})
        for cid in ids[:5]:
            floor_client.post_to_connection(ConnectionId=cid, Data=b"warm")
        concurrent, sequential = [], []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            ws.broadcast(ids, {"state": "x" * 200})
            concurrent.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            for cid in ids:
                floor_client.post_to_connection(ConnectionId=cid, Data=b'{"state":"x"}')
            sequential.append((time.perf_counter() - start) * 1000)
        print(
            f"broadcast to {count} connections, {latency_ms:g} ms server latency ({ROUNDS} rounds)"
        )
        print(f"  ws.broadcast                         {percentiles(concurrent)}")
        print(f"  floor: sequential PostToConnection   {percentiles(sequential)}")
    ws.LOCAL_BROADCAST_THREADS = local_threads
    server.terminate()
    server.wait(10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]), float(sys.argv[3]))
    else:
        main()
