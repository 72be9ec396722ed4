"""Regressions the fuzzers of tests/test_bad_input.py found in _arc's SSM endpoint: each request was
answered wrongly before its fix. The app, `sb`, `clients` and the check live in
tests/fuzz_app.py."""

from __future__ import annotations

import pytest

from tests.fuzz_app import DEEP, REGRESSION_FIELDS, check_regression

REGRESSIONS = [
    # (endpoint, X-Amz-Target, body, status, error type, words the message must hold)
    ("_arc", "AmazonSSM.GetParametersByPath", DEEP, 400, "SerializationException", "JSON"),
    ("_arc", "AmazonSSM.GetParametersByPath", {"Path": "/", "MaxResults": "abc"}, 400,
     "SerializationException", "MaxResults"),
    ("_arc", "AmazonSSM.GetParametersByPath", {"Path": "/", "MaxResults": 50}, 400,
     "ValidationException", "maxResults"),
    ("_arc", "AmazonSSM.GetParametersByPath", {"Path": "/", "NextToken": "x"}, 400,
     "InvalidNextToken", "NextToken"),
    ("_arc", "AmazonSSM.GetParametersByPath", {"Path": 5}, 400, "SerializationException", "Path"),
    ("_arc", "AmazonSSM.GetParameters", {"Names": 5}, 400, "SerializationException", "Names"),
]


@pytest.mark.parametrize(REGRESSION_FIELDS, REGRESSIONS)
def test_regressions_found_by_fuzzing(sb, clients, where, target, body, status, error, words):
    check_regression(sb, clients, where, target, body, status, error, words)
