"""Regressions the fuzzers of tests/test_bad_input.py found in the tables endpoint (DynamoDB JSON protocol): each request was
answered wrongly before its fix. The app, `sb`, `clients` and the check live in
tests/fuzz_app.py."""

from __future__ import annotations

import pytest

from tests.fuzz_app import (
    DEEP,
    DYNAMO_GOOD,
    NESTED_ITEM,
    REGRESSION_FIELDS,
    TABLE,
    check_regression,
)

REGRESSIONS = [
    # (endpoint, X-Amz-Target, body, status, error type, words the message must hold)
    ("tables", "DynamoDB_20120810.BatchGetItem", {"RequestItems": [TABLE]}, 400,
     "SerializationException", "RequestItems"),
    ("tables", "DynamoDB_20120810.TransactWriteItems", {"TransactItems": [None]}, 400,
     "SerializationException", "TransactItems[0]"),
    ("tables", "DynamoDB_20120810.TransactWriteItems", {"TransactItems": [{"Put": None}]}, 400,
     "ValidationException", ""),
    ("tables", "DynamoDB_20120810.Query",
     {**DYNAMO_GOOD["Query"], "ExclusiveStartKey": {"id": {}}}, 400,
     "ValidationException", "AttributeValue is empty"),
    ("tables", "DynamoDB_20120810.CreateTable",
     {**DYNAMO_GOOD["CreateTable"], "AttributeDefinitions": [{"AttributeType": "S"}]}, 400,
     "ValidationException", "attributeDefinitions.1.member.attributeName"),
    ("tables", "DynamoDB_20120810.PutItem", {"TableName": TABLE, "Item": NESTED_ITEM}, 400,
     "ValidationException", "Nesting Levels"),
    ("tables", "DynamoDB_20120810.GetItem", DEEP, 400, "SerializationException", "JSON"),
]


@pytest.mark.parametrize(REGRESSION_FIELDS, REGRESSIONS)
def test_regressions_found_by_fuzzing(sb, clients, where, target, body, status, error, words):
    check_regression(sb, clients, where, target, body, status, error, words)
