"""Load test of examples/cage_socket (or cage_socket_js): 100 WebSocket clients, no browser.

Every client says hello; then clients take turns turning their bird, and for each turn
we time how long until *every* client has the broadcast (the fan-out). Checks that every
client received every broadcast, and that the table is empty once all have disconnected.

The floor: a bare `websockets` server in this process that relays each message to all
clients itself (no handler process, no table, no Management API) - the cost of the
WebSocket fan-out alone.

    python bench/bench_cage_socket.py [--clients 100] [--turns 30] [--example cage_socket_js]

`--example cage_socket_js` runs the JavaScript example (@architect/functions on Node.js
workers), which serves the same page and protocol.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, broadcast, serve

from pyarc.testing import Sandbox, free_port

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = ("cage_socket", "cage_socket_js")
TIMEOUT_S = 60


@dataclass
class Client:
    socket: ClientConnection
    id: str = ""
    arrivals: dict[str, float] = field(default_factory=dict)  # ref -> perf_counter on arrival
    errors: list[Any] = field(default_factory=list)
    joined: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            frame = json.loads(raw)
            if frame.get("type") == "welcome":
                self.id = frame["you"]
                self.joined.set()
            elif frame.get("type") == "error":
                self.errors.append(frame)
            ref = (frame.get("cause") or {}).get("ref")
            if ref:
                self.arrivals.setdefault(ref, now)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)  # polling interval, not synchronisation


async def fan_out(url: str, clients_wanted: int, turns: int, hello: bool) -> dict[str, Any]:
    """Connect the clients, run the turns; return connect time and per-turn fan-out times."""
    started = time.perf_counter()
    sockets = await asyncio.gather(
        *(connect(url, open_timeout=TIMEOUT_S, max_queue=None) for _ in range(clients_wanted))
    )
    clients = [Client(s) for s in sockets]
    readers = [asyncio.create_task(c.read()) for c in clients]
    if hello:
        for client in clients:
            await client.socket.send(json.dumps({"action": "hello"}))
        await asyncio.wait_for(asyncio.gather(*(c.joined.wait() for c in clients)), TIMEOUT_S)
    connect_s = time.perf_counter() - started
    fan_out_ms: list[float] = []
    rng = random.Random(7)
    for turn in range(turns):
        ref = f"turn-{turn}"
        sender = rng.choice(clients)
        direction = rng.choice(["left", "center", "right"])
        sent_at = time.perf_counter()
        await sender.socket.send(
            json.dumps({"action": "direction", "direction": direction, "ref": ref})
        )
        await until(lambda ref=ref: all(ref in c.arrivals for c in clients), f"broadcast {ref}")
        fan_out_ms.append((max(c.arrivals[ref] for c in clients) - sent_at) * 1000)
    missing = sum(turns - len(c.arrivals) for c in clients)
    errors = sum(len(c.errors) for c in clients)
    for client in clients:
        await client.socket.close()
    await asyncio.gather(*readers, return_exceptions=True)
    return {"connect_s": connect_s, "fan_out_ms": fan_out_ms, "missing": missing, "errors": errors}


async def floor(clients_wanted: int, turns: int) -> dict[str, Any]:
    """The same measurement against a bare relay server (everything in this process)."""
    everyone: set[ServerConnection] = set()

    async def relay(connection: ServerConnection) -> None:
        everyone.add(connection)
        try:
            async for message in connection:
                request = json.loads(message)
                frame = json.dumps({"type": "state", "cause": {"ref": request.get("ref")}})
                broadcast(everyone, frame)
        finally:
            everyone.discard(connection)

    port = free_port()
    async with serve(relay, "127.0.0.1", port):
        return await fan_out(f"ws://127.0.0.1:{port}", clients_wanted, turns, hello=False)


def remaining_records(tables_url: str, table: str) -> int:
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=tables_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return len(dynamodb.scan(TableName=table)["Items"])


def summary(name: str, result: dict[str, Any]) -> str:
    times = result["fan_out_ms"]
    return (
        f"{name:<22} fan-out to all  p50 {statistics.median(times):7.1f} ms   "
        f"p95 {percentile(times, 0.95):7.1f} ms   max {max(times):7.1f} ms   "
        f"(connect+hello {result['connect_s']:.2f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--example", choices=EXAMPLE_NAMES, default="cage_socket")
    args = parser.parse_args()

    with Sandbox(EXAMPLES / args.example) as sandbox:
        result = asyncio.run(fan_out(sandbox.ws_url, args.clients, args.turns, hello=True))
        # every $disconnect (a delete, then a broadcast to those left) runs to the end
        # before the sandbox stops, so none is cut short
        gateway = sandbox.server.gateway
        deadline = time.monotonic() + TIMEOUT_S
        while gateway.unfinished and time.monotonic() < deadline:
            time.sleep(0.05)  # polling a running server, not synchronisation
        table = f"{sandbox.inventory.app}-staging-data"
        left = remaining_records(sandbox.tables_url, table)
    bare = asyncio.run(floor(args.clients, args.turns))

    print(
        f"{args.example}: {args.clients} WebSocket clients, {args.turns} turns each broadcast "
        "to all"
    )
    print(summary(f"{args.example} sandbox", result))
    print(summary("floor: bare relay", bare))
    print(
        f"broadcasts missed: {result['missing']}   error frames: {result['errors']}   "
        f"records left after all disconnected: {left}"
    )
    ok = result["missing"] == 0 and result["errors"] == 0 and left == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
