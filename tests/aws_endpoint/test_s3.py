"""The sandbox's S3 through the one endpoint, with plain boto3 (only AWS_ENDPOINT_URL set)."""

from __future__ import annotations

import hashlib
import io
import re

import httpx
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from tests.aws_endpoint.conftest import create_bucket

MB = 1024 * 1024


def _code(call) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def bucket(s3, sandbox) -> str:
    return create_bucket(s3, sandbox, "uploads")


def test_an_object_put_to_the_static_bucket_is_served_under_static(sandbox, s3, app_dir) -> None:
    static = sandbox.env["ARC_STATIC_BUCKET"]
    assert static == "endpoint-test-staging-static"
    s3.put_object(Bucket=static, Key="css/site.css", Body=b"body{}", ContentType="text/css")
    assert (app_dir / "public" / "css" / "site.css").read_bytes() == b"body{}"
    served = httpx.get(f"{sandbox.url}/_static/css/site.css")
    assert (served.status_code, served.content) == (200, b"body{}")
    assert "css/site.css" in [o["Key"] for o in s3.list_objects_v2(Bucket=static)["Contents"]]


def test_a_handler_puts_to_the_static_bucket_with_plain_boto3(sandbox, s3) -> None:
    static = sandbox.env["ARC_STATIC_BUCKET"]
    body = {"bucket": static, "key": "from-handler.txt", "text": "written by a handler"}
    answer = httpx.post(f"{sandbox.url}/upload", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"read": "written by a handler", "static": static}
    served = httpx.get(f"{sandbox.url}/_static/from-handler.txt")
    assert served.text == "written by a handler"
    assert s3.head_object(Bucket=static, Key="from-handler.txt")["ContentType"] == "text/plain"


def test_objects_keep_their_body_type_metadata_and_etag(s3, bucket) -> None:
    body = b'{"a": 1}'
    put = s3.put_object(Bucket=bucket, Key="notes/a b+c.json", Body=body,
                        ContentType="application/json", Metadata={"Owner": "me"},
                        CacheControl="no-cache")
    got = s3.get_object(Bucket=bucket, Key="notes/a b+c.json")
    assert got["Body"].read() == body
    assert got["ETag"] == put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert (got["ContentType"], got["Metadata"], got["CacheControl"]) == (
        "application/json", {"owner": "me"}, "no-cache")
    assert put["ServerSideEncryption"] == got["ServerSideEncryption"] == "AES256"
    copied = s3.copy_object(Bucket=bucket, Key="copy.json",
                            CopySource={"Bucket": bucket, "Key": "notes/a b+c.json"})
    assert copied["CopyObjectResult"]["ETag"] == put["ETag"]
    assert s3.head_object(Bucket=bucket, Key="copy.json")["Metadata"] == {"owner": "me"}
    s3.delete_object(Bucket=bucket, Key="copy.json")
    assert _code(lambda: s3.head_object(Bucket=bucket, Key="copy.json")) == "404"


def test_ranges_answer_206_with_content_range(s3, bucket) -> None:
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    part = s3.get_object(Bucket=bucket, Key="digits", Range="bytes=2-4")
    assert (part["Body"].read(), part["ContentRange"]) == (b"234", "bytes 2-4/10")
    assert s3.get_object(Bucket=bucket, Key="digits", Range="bytes=-3")["Body"].read() == b"789"
    assert _code(lambda: s3.get_object(Bucket=bucket, Key="digits", Range="bytes=10-")) == (
        "InvalidRange")


def test_errors_are_s3s_codes(s3, bucket, sandbox) -> None:
    region = sandbox.inventory.aws.region
    config = {"LocationConstraint": region}
    assert _code(lambda: s3.get_object(Bucket=bucket, Key="missing")) == "NoSuchKey"
    assert _code(lambda: s3.get_object(Bucket="no-such-bucket", Key="k")) == "NoSuchBucket"
    assert _code(lambda: s3.list_objects_v2(Bucket="no-such-bucket")) == "NoSuchBucket"
    assert _code(lambda: s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=config)) == (
        "BucketAlreadyOwnedByYou")
    assert _code(lambda: s3.create_bucket(Bucket="Not_Valid", CreateBucketConfiguration=config)) == (
        "InvalidBucketName")
    assert _code(lambda: s3.create_bucket(Bucket="no-region")) == (
        "IllegalLocationConstraintException")  # as S3 answers outside us-east-1
    s3.create_bucket(Bucket="full", CreateBucketConfiguration=config)
    s3.put_object(Bucket="full", Key="k", Body=b"x")
    assert _code(lambda: s3.delete_bucket(Bucket="full")) == "BucketNotEmpty"
    s3.delete_object(Bucket="full", Key="k")
    s3.delete_bucket(Bucket="full")
    assert "full" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_body_that_is_not_its_content_md5_is_refused(s3, bucket) -> None:
    import base64

    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert _code(lambda: s3.put_object(Bucket=bucket, Key="md5", Body=b"body",
                                       ContentMD5=wrong)) == "BadDigest"
    assert _code(lambda: s3.head_object(Bucket=bucket, Key="md5")) == "404"
    right = base64.b64encode(hashlib.md5(b"body").digest()).decode()
    assert s3.put_object(Bucket=bucket, Key="md5", Body=b"body", ContentMD5=right)["ETag"]


def test_error_bodies_are_s3s_xml(sandbox, bucket) -> None:
    answer = httpx.get(f"{sandbox.tables_url}/{bucket}/missing")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/xml"
    assert "<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>" in (
        answer.text)
    assert "<Key>missing</Key>" in answer.text


def test_listing_pages_with_tokens_max_keys_start_after_and_delimiters(s3, sandbox) -> None:
    s3.create_bucket(Bucket="many", CreateBucketConfiguration={
        "LocationConstraint": sandbox.inventory.aws.region})
    keys = [f"logs/{day:02d}/{n}.txt" for day in range(1, 4) for n in range(4)] + ["top.txt"]
    for key in keys:
        s3.put_object(Bucket="many", Key=key, Body=key.encode())
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket="many", PaginationConfig={"PageSize": 5}))
    assert [p["KeyCount"] for p in pages] == [5, 5, 3]
    assert [o["Key"] for p in pages for o in p["Contents"]] == sorted(keys)
    assert pages[0]["IsTruncated"] and not pages[-1]["IsTruncated"]
    folders = s3.list_objects_v2(Bucket="many", Prefix="logs/", Delimiter="/", MaxKeys=2)
    assert [p["Prefix"] for p in folders["CommonPrefixes"]] == ["logs/01/", "logs/02/"]
    rest = s3.list_objects_v2(Bucket="many", Prefix="logs/", Delimiter="/",
                              ContinuationToken=folders["NextContinuationToken"])
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["logs/03/"]
    after = s3.list_objects_v2(Bucket="many", StartAfter="logs/03/3.txt")
    assert [o["Key"] for o in after["Contents"]] == ["top.txt"]
    v1 = [o.key for o in __import__("boto3").resource("s3").Bucket("many").objects.all()]
    assert v1 == sorted(keys)


def test_a_20_mb_multipart_upload(s3, bucket) -> None:
    data = bytes(range(256)) * (20 * MB // 256)
    config = TransferConfig(multipart_threshold=8 * MB, multipart_chunksize=8 * MB)
    s3.upload_fileobj(io.BytesIO(data), bucket, "big.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    parts = [data[i : i + 8 * MB] for i in range(0, len(data), 8 * MB)]
    joined = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert head["ETag"] == f'"{joined}-3"' and head["ContentLength"] == 20 * MB
    out = io.BytesIO()
    s3.download_fileobj(bucket, "big.bin", out)
    assert out.getvalue() == data


def test_multipart_errors(s3, bucket) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts")["UploadId"]
    small = s3.upload_part(Bucket=bucket, Key="parts", UploadId=upload, PartNumber=1, Body=b"a")
    last = s3.upload_part(Bucket=bucket, Key="parts", UploadId=upload, PartNumber=2, Body=b"b")
    listed = [{"PartNumber": 1, "ETag": small["ETag"]}, {"PartNumber": 2, "ETag": last["ETag"]}]
    assert _code(lambda: s3.complete_multipart_upload(
        Bucket=bucket, Key="parts", UploadId=upload, MultipartUpload={"Parts": listed})) == (
        "EntityTooSmall")
    assert _code(lambda: s3.complete_multipart_upload(
        Bucket=bucket, Key="parts", UploadId=upload,
        MultipartUpload={"Parts": listed[::-1]})) == "InvalidPartOrder"
    s3.abort_multipart_upload(Bucket=bucket, Key="parts", UploadId=upload)
    assert _code(lambda: s3.upload_part(Bucket=bucket, Key="parts", UploadId=upload,
                                        PartNumber=3, Body=b"c")) == "NoSuchUpload"


def test_presigned_urls_and_their_expiry(s3, bucket, aws) -> None:
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "signed.txt"}, ExpiresIn=60)
    assert httpx.put(put_url, content=b"via presigned PUT").status_code == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "signed.txt",
                              "ResponseContentDisposition": "attachment"}, ExpiresIn=60)
    got = httpx.get(get_url)
    assert (got.text, got.headers["content-disposition"]) == ("via presigned PUT", "attachment")
    legacy = s3.generate_presigned_url(  # botocore signs S3 URLs with SigV2 by default
        "get_object", Params={"Bucket": bucket, "Key": "signed.txt"}, ExpiresIn=60)
    v4 = aws("s3", signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "signed.txt"}, ExpiresIn=60)
    assert httpx.get(v4).text == "via presigned PUT" and "X-Amz-Credential" in v4
    stale_v2 = re.sub(r"Expires=\d+", "Expires=1577836800", legacy)
    stale_v4 = re.sub(r"X-Amz-Date=\d{8}T\d{6}Z", "X-Amz-Date=20200101T000000Z", v4)
    for stale in (stale_v2, stale_v4):
        refused = httpx.get(stale)
        assert refused.status_code == 403, stale
        assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in refused.text


def test_virtual_host_addressing(sandbox, s3, bucket) -> None:
    s3.put_object(Bucket=bucket, Key="vhost.txt", Body=b"by host name")
    port = sandbox.tables_url.rsplit(":", 1)[1]
    for host in (f"{bucket}.localhost:{port}", f"{bucket}.s3.localhost:{port}"):
        got = httpx.get(f"{sandbox.tables_url}/vhost.txt", headers={"host": host})
        assert (got.status_code, got.text) == (200, "by host name")
    listed = httpx.get(f"{sandbox.tables_url}/?list-type=2", headers={"host": f"{bucket}.localhost"})
    assert "<Key>vhost.txt</Key>" in listed.text


def test_cors_preflight_for_the_sandbox_origin(sandbox, bucket) -> None:
    origin = sandbox.url
    asked = {"origin": origin, "access-control-request-method": "PUT",
             "access-control-request-headers": "content-type"}
    answer = httpx.options(f"{sandbox.tables_url}/{bucket}/x", headers=asked)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == origin
    assert answer.headers["access-control-allow-headers"] == "content-type"
    other = httpx.options(f"{sandbox.tables_url}/{bucket}/x",
                          headers={**asked, "origin": "http://evil.example"})
    assert other.status_code == 403 and "<Code>AccessForbidden</Code>" in other.text


def test_a_buckets_cors_rules_decide_once_it_has_them(sandbox, s3) -> None:
    s3.create_bucket(Bucket="spa", CreateBucketConfiguration={
        "LocationConstraint": sandbox.inventory.aws.region})
    assert _code(lambda: s3.get_bucket_cors(Bucket="spa")) == "NoSuchCORSConfiguration"
    rule = {"AllowedOrigins": ["http://localhost:5173"], "AllowedMethods": ["GET", "PUT"],
            "AllowedHeaders": ["content-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}
    s3.put_bucket_cors(Bucket="spa", CORSConfiguration={"CORSRules": [rule]})
    assert s3.get_bucket_cors(Bucket="spa")["CORSRules"] == [rule]

    def preflight(origin: str, method: str = "PUT", headers: str = "Content-Type") -> httpx.Response:
        return httpx.options(f"{sandbox.tables_url}/spa/k", headers={
            "origin": origin, "access-control-request-method": method,
            "access-control-request-headers": headers})

    allowed = preflight("http://localhost:5173")
    assert allowed.status_code == 200
    assert (allowed.headers["access-control-allow-origin"],
            allowed.headers["access-control-max-age"]) == ("http://localhost:5173", "60")
    assert preflight("http://localhost:5173", method="DELETE").status_code == 403
    assert preflight("http://localhost:5173", headers="x-other").status_code == 403
    assert preflight(sandbox.url).status_code == 403  # the rules replace the sandbox's default
    bad = {**rule, "AllowedMethods": ["PATCH"]}
    assert _code(lambda: s3.put_bucket_cors(
        Bucket="spa", CORSConfiguration={"CORSRules": [bad]})) == "InvalidRequest"
    s3.delete_bucket_cors(Bucket="spa")
    assert preflight(sandbox.url).status_code == 200


def test_checksums_are_verified_and_given_back(s3, bucket) -> None:
    import base64
    import zlib

    body = b"checked on the way in and out"
    crc32 = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    put = s3.put_object(Bucket=bucket, Key="summed", Body=body)  # boto3 sends CRC32 itself
    assert put["ChecksumCRC32"] == crc32
    got = s3.get_object(Bucket=bucket, Key="summed", ChecksumMode="ENABLED")
    assert (got["ChecksumCRC32"], got["Body"].read()) == (crc32, body)  # boto3 checked it
    assert "ChecksumCRC32" not in s3.get_object(Bucket=bucket, Key="summed", Range="bytes=0-3",
                                                ChecksumMode="ENABLED")
    assert _code(lambda: s3.put_object(Bucket=bucket, Key="summed", Body=b"other",
                                       ChecksumCRC32=crc32)) == "BadDigest"
    assert s3.get_object(Bucket=bucket, Key="summed")["Body"].read() == body
    sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
    put = s3.put_object(Bucket=bucket, Key="sha", Body=body, ChecksumSHA256=sha)
    assert s3.head_object(Bucket=bucket, Key="sha", ChecksumMode="ENABLED")["ChecksumSHA256"] == sha


def test_object_tags(s3, bucket) -> None:
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="team=web&stage=test")
    assert s3.get_object(Bucket=bucket, Key="tagged")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"]
    assert tags == [{"Key": "team", "Value": "web"}, {"Key": "stage", "Value": "test"}]
    s3.put_object_tagging(Bucket=bucket, Key="tagged",
                          Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    copied = {"Bucket": bucket, "Key": "tagged"}
    s3.copy_object(Bucket=bucket, Key="tag-copy", CopySource=copied)
    assert s3.get_object_tagging(Bucket=bucket, Key="tag-copy")["TagSet"] == [
        {"Key": "only", "Value": "one"}]
    s3.copy_object(Bucket=bucket, Key="tag-copy", CopySource=copied,
                   TaggingDirective="REPLACE", Tagging="new=1")
    assert s3.get_object_tagging(Bucket=bucket, Key="tag-copy")["TagSet"] == [
        {"Key": "new", "Value": "1"}]
    s3.delete_object_tagging(Bucket=bucket, Key="tagged")
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == []
    too_many = "&".join(f"k{n}=v" for n in range(11))
    assert _code(lambda: s3.put_object(Bucket=bucket, Key="t2", Body=b"", Tagging=too_many)) == (
        "BadRequest")
    assert _code(lambda: s3.get_object_tagging(Bucket=bucket, Key="absent")) == "NoSuchKey"
    assert _code(lambda: s3.get_bucket_tagging(Bucket=bucket)) == "NotImplemented"
