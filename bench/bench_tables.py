"""Tables endpoint throughput through boto3, against a floor.

The floor is a minimal ASGI app under the same uvicorn settings that answers every request
with a fixed, valid DynamoDB response: it measures boto3 + HTTP + uvicorn alone, so the
distance to it is what the engine costs. Prints ops/s for PutItem, GetItem, Query (20 items
from 1k/10k/100k-item tables), a PartiQL SELECT by full key, UpdateItem and BatchWriteItem (25 items), with 1 and 4
client threads. Run: python bench/bench_tables.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyarc.tables.engine import Engine  # noqa: E402
from pyarc.tables.server import uvicorn_server  # noqa: E402
from pyarc.tables.service import TablesService  # noqa: E402
from pyarc.testing import free_port, wait_for_port  # noqa: E402

FIXED = {
    "PutItem": {},
    "GetItem": {"Item": {"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "x" * 20}}},
    "ExecuteStatement": {"Items": [{"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "x" * 20}}]},
    "UpdateItem": {},
    "BatchWriteItem": {"UnprocessedItems": {}},
    "Query": {"Items": [{"pk": {"S": "p"}, "sk": {"N": str(n)}, "v": {"S": "x" * 20}} for n in range(20)],
              "Count": 20, "ScannedCount": 20},
}


class Floor:
    """Answers every operation with a fixed valid body: the cost of everything but the engine."""

    def __init__(self) -> None:
        self.bodies = {op: json.dumps(body).encode() for op, body in FIXED.items()}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        target = dict(scope["headers"]).get(b"x-amz-target", b"").decode()
        body = self.bodies.get(target.rsplit(".", 1)[-1], b"{}")
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/x-amz-json-1.0"),
            (b"x-amz-crc32", str(zlib.crc32(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def start(app: Any) -> str:
    port = free_port()
    service = TablesService(Engine())
    service.app = app
    server = uvicorn_server(service, "127.0.0.1", port)
    server.config.app = app
    threading.Thread(target=asyncio.run, args=(server.serve(),), daemon=True).start()
    wait_for_port(port)
    return f"http://127.0.0.1:{port}"


def client(url: str) -> Any:
    return boto3.client("dynamodb", endpoint_url=url, region_name="us-west-2",
                        aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 1}, max_pool_connections=8))


def rate(url: str, threads: int, seconds: float, make_call: Any) -> float:
    clients = [client(url) for _ in range(threads)]
    stop_at = time.perf_counter() + seconds

    def run(index: int) -> int:
        call = make_call(clients[index], index)
        done = 0
        while time.perf_counter() < stop_at:
            call(done)
            done += 1
        return done

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(run, range(threads)))
    return total / (time.perf_counter() - began)


def table(name: str) -> dict[str, Any]:
    return {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "N"}]}


def fill(engine: Engine, name: str, size: int) -> None:
    engine.handle("CreateTable", table(name))
    partitions = max(1, size // 50)
    for n in range(size):
        engine.handle("PutItem", {"TableName": name, "Item": {
            "pk": {"S": f"p{n % partitions}"}, "sk": {"N": str(n)}, "v": {"S": "x" * 20}}})


def calls(name: str, partitions: int) -> dict[str, Any]:
    value = {"S": "x" * 20}
    return {
        "PutItem": lambda c, i: lambda n: c.put_item(TableName=name, Item={
            "pk": {"S": f"w{i}"}, "sk": {"N": str(n)}, "v": value}),
        "GetItem": lambda c, i: lambda n: c.get_item(TableName=name, Key={
            "pk": {"S": "p0"}, "sk": {"N": str(n % 50 * partitions)}}),
        "PartiQL SELECT by key": lambda c, i: lambda n: c.execute_statement(
            Statement=f'SELECT * FROM "{name}" WHERE pk = ? AND sk = ?',
            Parameters=[{"S": "p0"}, {"N": str(n % 50 * partitions)}]),
        "UpdateItem": lambda c, i: lambda n: c.update_item(
            TableName=name, Key={"pk": {"S": f"u{i}"}, "sk": {"N": "1"}},
            UpdateExpression="SET v = :v ADD hits :one",
            ExpressionAttributeValues={":v": value, ":one": {"N": "1"}}),
        "BatchWriteItem": lambda c, i: lambda n: c.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": f"b{i}"}, "sk": {"N": str(n * 25 + k)}, "v": value}}}
            for k in range(25)]}),
    }


def query_call(name: str, partitions: int) -> Any:
    return lambda c, i: lambda n: c.query(
        TableName=name, KeyConditionExpression="pk = :p", Limit=20,
        ExpressionAttributeValues={":p": {"S": f"p{n % partitions}"}})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--big", type=int, default=100_000, help="largest table for the Query run")
    args = parser.parse_args()
    floor_url = start(Floor())
    engine = Engine()
    service = TablesService(engine)
    url = start(service)
    sizes = [1_000, 10_000, args.big]
    for size in sizes:
        fill(engine, f"q{size}", size)
    engine.handle("CreateTable", table("bench"))
    fill(engine, "reads", 1_000)

    print(f"{'operation':<28}{'threads':>8}{'ops/s':>10}{'floor ops/s':>13}{'of floor':>10}")
    for threads in (1, 4):
        for operation, make in calls("bench", 20).items():
            if operation in ("GetItem", "PartiQL SELECT by key"):
                make = calls("reads", 20)[operation]
            ours = rate(url, threads, args.seconds, make)
            floor = rate(floor_url, threads, args.seconds, make)
            print(f"{operation:<28}{threads:>8}{ours:>10.0f}{floor:>13.0f}{ours / floor:>9.0%}")
        for size in sizes:
            make = query_call(f"q{size}", max(1, size // 50))
            ours = rate(url, threads, args.seconds, make)
            floor = rate(floor_url, threads, args.seconds, make)
            label = f"Query 20 of {size:,}"
            print(f"{label:<28}{threads:>8}{ours:>10.0f}{floor:>13.0f}{ours / floor:>9.0%}")
    print("targets: PutItem/GetItem (1 thread) >= 80% of floor; Query >= 500/s, flat 1k..100k")


if __name__ == "__main__":
    main()
