"""With --persist, buckets other than the static one outlive the sandbox (next to the tables)."""

from __future__ import annotations

from botocore.config import Config

from pyarc.sandbox.config import SandboxConfig
from pyarc.testing import Sandbox
from tests.aws_endpoint.conftest import write_app


def _s3(sandbox: Sandbox):
    return sandbox.client("s3", config=Config(retries={"max_attempts": 1}))


def test_buckets_persist_across_runs(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    app = write_app(tmp_path / "app")
    config = SandboxConfig(persist=".sandbox-data")
    with Sandbox(app, config=config, watch=False) as first:
        s3 = _s3(first)
        s3.create_bucket(Bucket="kept", CreateBucketConfiguration={
            "LocationConstraint": first.env["AWS_REGION"]})
        s3.put_object(Bucket="kept", Key="a/b.txt", Body=b"still here", Metadata={"n": "1"})
    assert (app / ".sandbox-data" / "s3" / "kept" / "bucket.json").is_file()
    with Sandbox(app, config=config, watch=False) as second:
        s3 = _s3(second)
        got = s3.get_object(Bucket="kept", Key="a/b.txt")
        assert (got["Body"].read(), got["Metadata"]) == (b"still here", {"n": "1"})
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        assert names == sorted(["kept", second.env["ARC_STATIC_BUCKET"]])
    with Sandbox(app, watch=False) as in_memory:
        assert "kept" not in [b["Name"] for b in _s3(in_memory).list_buckets()["Buckets"]]
