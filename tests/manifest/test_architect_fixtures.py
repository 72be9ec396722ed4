"""Manifests from @architect/parser's own test fixtures (test/mock/*.arc, arc.json, the
11-errors tests): what Architect accepts parses to the same plain data here, and what it
rejects is a ManifestError with the same line."""

from __future__ import annotations

import json

import pytest

from pyarc.errors import ManifestError
from pyarc.manifest import parse
from pyarc.manifest.formats import parse_json, to_document

SIMPLE_ARC = """@attr
single
false
1
-1
tuple tuple # inline comment
1 2.1 33 fourtyfour true false v
object
  key value
  gud true
  bad false
# line based comment



another-single_value

another-obj
  $k 666 \n  another-key another_value/baz.txt
  undef no # empty key will no longer have a default false value
  asdf 1 2 3 four

spacey    tuple # tuple with lots of spaces
"""

FULL_ARC = """@app
testapp

@aws
apigateway http
bucket mahbukkitt
concurrency 100
layer foo
layers
  bar
  baz
policy fiz
policies
  buz
memory 256
profile work
region us-west-1
runtime nodejs10.x
timeout 10

@static
fingerprint true
folder dist
ignore yep
spa true
prefix something
prune true
staging a-bucket
production another-bucket

@http
get    /
post   /post
put    /put
patch  /patch
delete /delete
get    /path/*

@ws

@events
an-event
another-event

@scheduled
daily-foo rate(1 day)

@queues
a-queue
another-queue
so-many-queues

@tables
data
  ID *String
  key **String

moreData
  ID *String
  key **String

@indexes
data
  anotherID *Number
  anotherKey **String

moreData
  anotherID *Number
"""

# test/mock/arc-item-objects.json and the arc.json Architect expects it to parse to
ITEM_OBJECTS_JSON = {
    "app": "testapp",
    "aws": {"region": "us-west-2", "runtime": "nodejs10.x", "layers": ["some-layer"]},
    "cdn": {"enable": False},
    "events": {"send-welcome-sms": {}, "send-verification-sms": {"src": "some/events/path"}},
    "http": {
        "get": "/http/route",
        "post": "/http/routetwo",
        "/http/routethree": {"method": "any", "src": "some/http/path"},
    },
    "macros": ["@architect/node-prune", "custom-macro"],
    "queues": {"some-queue": {}, "send-other-queue": {"src": "some/queues/path"}},
    "scheduled": {
        "daily-report": "rate(1 day)",
        "weekly-report": {"rate": "1 day", "src": "some/scheduled/path"},
    },
    "tables": {
        "notes": {"authorID": "*String", "noteID": "**String", "stream": True},
        "authors": {"authorID": "*String"},
    },
    "ws": {"a-websocket-event": {}, "another-websocket-event": {"src": "some/ws/path"}},
    "unknown-obj-pragma": {
        "some-value": True,
        "some-other-value": {"is-an-obj": "yep"},
        "some-array-value": [1, 2, 3],
    },
}
ITEM_OBJECTS_EXPECTED = {
    "app": ["testapp"],
    "aws": [["region", "us-west-2"], ["runtime", "nodejs10.x"], {"layers": ["some-layer"]}],
    "cdn": [["enable", False]],
    "events": ["send-welcome-sms", {"send-verification-sms": {"src": "some/events/path"}}],
    "http": [
        ["get", "/http/route"],
        ["post", "/http/routetwo"],
        {"/http/routethree": {"method": "any", "src": "some/http/path"}},
    ],
    "macros": ["@architect/node-prune", "custom-macro"],
    "queues": ["some-queue", {"send-other-queue": {"src": "some/queues/path"}}],
    "scheduled": [
        ["daily-report", "rate(1 day)"],
        {"weekly-report": {"rate": "1 day", "src": "some/scheduled/path"}},
    ],
    "tables": [
        {"notes": {"authorID": "*String", "noteID": "**String", "stream": True}},
        {"authors": {"authorID": "*String"}},
    ],
    "ws": ["a-websocket-event", {"another-websocket-event": {"src": "some/ws/path"}}],
    "unknown-obj-pragma": [
        ["some-value", True],
        ["some-other-value", {"is-an-obj": "yep"}],
        {"some-array-value": [1, 2, 3]},
    ],
}


def test_simple_mock() -> None:
    assert parse(SIMPLE_ARC) == {
        "attr": [
            "single",
            False,
            1,
            -1,
            ["tuple", "tuple"],
            [1, 2.1, 33, "fourtyfour", True, False, "v"],
            {"object": {"key": "value", "gud": True, "bad": False}},
            "another-single_value",
            {
                "another-obj": {
                    "$k": 666,
                    "another-key": "another_value/baz.txt",
                    "undef": "no",
                    "asdf": [1, 2, 3, "four"],
                }
            },
            ["spacey", "tuple"],
        ]
    }


def test_full_project_mock() -> None:
    arc = parse(FULL_ARC)
    counts = {pragma: len(items) for pragma, items in arc.items()}
    # the item counts 09-architect-test.js checks (http has 6 routes in this mock)
    assert counts == {
        "app": 1,
        "aws": 12,
        "static": 8,
        "http": 6,
        "ws": 0,
        "events": 2,
        "scheduled": 1,
        "queues": 3,
        "tables": 2,
        "indexes": 2,
    }
    assert arc["aws"][4] == {"layers": ["bar", "baz"]}
    assert arc["aws"][6] == {"policies": ["buz"]}
    assert arc["scheduled"] == [["daily-foo", "rate(1", "day)"]]
    assert arc["tables"][1] == {"moreData": {"ID": "*String", "key": "**String"}}
    assert arc["indexes"][0] == {"data": {"anotherID": "*Number", "anotherKey": "**String"}}


def test_scheduled_mock_map_form() -> None:
    text = "@app\ntestapp\n\n@scheduled\ndaily-foo \n  rate 1 day\n"
    assert parse(text)["scheduled"] == [{"daily-foo": {"rate": [1, "day"]}}]


def test_json_item_objects_mock_matches_expected_arc_json() -> None:
    raw = parse_json(json.dumps(ITEM_OBJECTS_JSON), "arc.json")
    assert to_document(raw, "arc.json").data == ITEM_OBJECTS_EXPECTED


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("@pragm&", 1, 1),  # PragmaSyntaxError
        ('@pragma\n    "uh oh', 2, 5),  # CloseQuoteNotFoundError
        ("@pragma\nmap\n  two space\n   uh oh\n ", 4, 4),  # SpaceError
        ("@pragma\nmap\n  two space\n  true oh\n", 4, 3),  # map key not a string
        ("@pragma\n1\n  one oh\n", 2, 1),  # map name not a string
        ("@pragma\nmap\n  ruh roh\n  true\n    uh\n    oh\n", 4, 3),  # vector name not a string
        ("@app\na\n@app\nb\n", 3, 1),  # PragmaAlreadyDefined
        ("", 1, 1),  # PragmaNotFound
        ("@app\nx {y}\n", 2, 3),  # reserved character
    ],
)
def test_architect_error_fixtures(text: str, line: int, column: int) -> None:
    with pytest.raises(ManifestError) as caught:
        parse(text)
    assert (caught.value.line, caught.value.column) == (line, column)
