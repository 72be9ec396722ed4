"""The wire protocol itself: headers, CRC32, error bodies, bad input, unknown operations."""

from __future__ import annotations

import json
import zlib

import httpx
import pytest

HEADERS = {"Content-Type": "application/x-amz-json-1.0"}


def post(url, operation, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(url, content=raw, headers={**HEADERS, "X-Amz-Target": f"DynamoDB_20120810.{operation}"})


@pytest.fixture
def url(tables_server, engine):
    return tables_server.url


def test_response_headers_and_crc32(url):
    response = post(url, "ListTables", {})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-amz-json-1.0"
    assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.content)
    assert response.json() == {"TableNames": []}


def test_error_body_shape(url):
    response = post(url, "GetItem", {"TableName": "missing", "Key": {"pk": {"S": "a"}}})
    assert response.status_code == 400
    assert response.json() == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found",
    }
    assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.content)


def test_bad_input_gets_errors_and_the_server_keeps_serving(url):
    assert post(url, "ListTables", b"{not json").json()["__type"].endswith("#SerializationException")
    assert post(url, "Nope", {}).json()["__type"].endswith("#UnknownOperationException")
    assert post(url, "PutItem", {"TableName": 5}).status_code == 400
    limit = post(url, "Scan", {"TableName": "whatever", "Limit": 0}).json()
    assert limit["__type"].endswith("#ResourceNotFoundException")
    post(url, "CreateTable", {"TableName": "tab1", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                              "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                              "BillingMode": "PAY_PER_REQUEST"})
    limit = post(url, "Scan", {"TableName": "tab1", "Limit": 0}).json()
    assert limit == {
        "__type": "com.amazonaws.dynamodb.v20120810#ValidationException",
        "message": "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    }
    odd = post(url, "PutItem", {"TableName": "tab1", "Item": {"pk": {"S": "a"}, "x": {"Q": "1"}}})
    assert odd.status_code == 400
    assert post(url, "PutItem", {"TableName": "tab1", "Item": {"pk": {"S": "a"}, "n": {"N": "x1"}}}).json()[
        "message"] == "A value provided cannot be converted into a number"
    assert post(url, "ListTables", {}).json() == {"TableNames": ["tab1"]}


def test_a_long_scan_page_is_sent_in_pieces_with_the_whole_bodys_length_and_crc32(url, monkeypatch):
    from pyarc.tables import service

    monkeypatch.setattr(service, "ENCODE_CHUNK_ITEMS", 7)  # 50 items: 8 chunks
    post(url, "CreateTable", {"TableName": "big", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                              "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                              "BillingMode": "PAY_PER_REQUEST"})
    for i in range(50):
        post(url, "PutItem", {"TableName": "big", "Item": {"pk": {"S": f"k{i:02d}"}, "n": {"N": str(i)}}})
    response = post(url, "Scan", {"TableName": "big", "ReturnConsumedCapacity": "TOTAL"})
    assert int(response.headers["content-length"]) == len(response.content)
    assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.content)
    page = response.json()
    assert page["Count"] == page["ScannedCount"] == 50
    assert sorted(item["pk"]["S"] for item in page["Items"]) == [f"k{i:02d}" for i in range(50)]
    assert page["ConsumedCapacity"]["TableName"] == "big"
    pieces = service.encode_response({"Items": [{"n": {"N": str(i)}} for i in range(15)]})
    assert len(pieces) == 5 and json.loads(b"".join(pieces)) == {
        "Items": [{"n": {"N": str(i)}} for i in range(15)]
    }
