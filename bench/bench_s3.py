"""S3 GetObject against DynamoDB GetItem of the same size, both through the one endpoint.

The sandbox's AWS endpoint (the tables port) routes each request by its SigV4 scope; this
serves it as the sandbox does (AwsEndpoint over TablesService and S3App, one uvicorn) and
reads the same number of bytes both ways with plain boto3: an object's body, and an item
whose one attribute holds that many characters. The floor is a bare ASGI app answering the
same GetObject with a fixed body: boto3 + HTTP + uvicorn alone. Target: S3 <= 1.5x GetItem.
Also PutObject, and a 20 MB multipart upload. Run: python bench/bench_s3.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import uvicorn
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyarc.s3.http.app import S3App  # noqa: E402
from pyarc.s3.store import S3Store  # noqa: E402
from pyarc.sandbox.aws_endpoint import AwsEndpoint  # noqa: E402
from pyarc.tables.engine import Engine  # noqa: E402
from pyarc.tables.service import TablesService  # noqa: E402
from pyarc.testing import free_port, wait_for_port  # noqa: E402

SIZES = (1024, 100 * 1024)
MB = 1024 * 1024


class Floor:
    """GetObject's answer with a fixed body: the cost of everything but the S3 app."""

    def __init__(self, size: int) -> None:
        self.body = b"x" * size

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"binary/octet-stream"), (b"etag", b'"0"'),
            (b"content-length", str(len(self.body)).encode())]})
        await send({"type": "http.response.body", "body": self.body})


def serve(app: Any) -> str:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", access_log=False)
    threading.Thread(target=asyncio.run, args=(uvicorn.Server(config).serve(),),
                     daemon=True).start()
    wait_for_port(port)
    return f"http://127.0.0.1:{port}"


def client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 1}))


def latencies(call: Any, seconds: float) -> list[float]:
    for _ in range(20):
        call()  # warm the connection and the code paths
    found = []
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        began = time.perf_counter()
        call()
        found.append(time.perf_counter() - began)
    return found


def summary(found: list[float]) -> str:
    ordered = sorted(found)
    p95 = ordered[int(len(ordered) * 0.95)]
    return f"{statistics.median(found) * 1000:6.2f} / {p95 * 1000:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    engine = Engine()
    store = S3Store()
    endpoint = AwsEndpoint({"dynamodb": TablesService(engine).app, "s3": S3App(store)})
    url = serve(endpoint)
    dynamodb, s3 = client("dynamodb", url), client("s3", url)
    dynamodb.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    s3.create_bucket(Bucket="bench")
    print(f"{'operation (p50 / p95, 1 client)':<44}{'S3':>20}{'GetItem':>20}{'S3 / GetItem':>14}"
          f"{'floor':>20}")
    for size in SIZES:
        value = "x" * size
        dynamodb.put_item(TableName="bench", Item={"pk": {"S": "k"}, "v": {"S": value}})
        s3.put_object(Bucket="bench", Key="k", Body=value.encode())
        floor_s3 = client("s3", serve(Floor(size)))

        def get_object(c: Any = s3) -> bytes:
            return c.get_object(Bucket="bench", Key="k")["Body"].read()

        ours = latencies(get_object, args.seconds)
        item = latencies(lambda: dynamodb.get_item(TableName="bench", Key={"pk": {"S": "k"}}),
                         args.seconds)
        floor = latencies(lambda c=floor_s3: get_object(c), args.seconds)
        ratio = statistics.median(ours) / statistics.median(item)
        label = f"GetObject vs GetItem, {size // 1024} KB"
        print(f"{label:<44}{summary(ours):>20}{summary(item):>20}{ratio:>13.2f}x"
              f"{summary(floor):>20}")
        put = latencies(lambda v=value: s3.put_object(Bucket="bench", Key="p", Body=v.encode()),
                        args.seconds)
        put_item = latencies(lambda v=value: dynamodb.put_item(
            TableName="bench", Item={"pk": {"S": "p"}, "v": {"S": v}}), args.seconds)
        ratio = statistics.median(put) / statistics.median(put_item)
        label = f"PutObject vs PutItem, {size // 1024} KB"
        print(f"{label:<44}{summary(put):>20}{summary(put_item):>20}{ratio:>13.2f}x")
    data = b"y" * (20 * MB)
    config = TransferConfig(multipart_threshold=8 * MB, multipart_chunksize=8 * MB)
    began = time.perf_counter()
    s3.upload_fileobj(io.BytesIO(data), "bench", "big", Config=config)
    took = time.perf_counter() - began
    print(f"{'20 MB multipart upload (3 parts)':<44}{took * 1000:>17.0f} ms"
          f"  ({20 / took:.0f} MB/s)")
    print("target: GetObject p50 <= 1.5x GetItem p50 of the same size")


if __name__ == "__main__":
    main()
