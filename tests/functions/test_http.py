"""http: body parsing (payload 2.0 and 1.0), responses, cookies, cache-control, CORS."""

from __future__ import annotations

import base64
import json
import os
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyarc.functions import BodyError, http


def v2(body=None, content_type=None, b64=False, cookies=None):
    event = {"version": "2.0", "headers": {}, "isBase64Encoded": b64}
    if content_type:
        event["headers"]["content-type"] = content_type
    if body is not None:
        event["body"] = body
    if cookies:
        event["cookies"] = cookies
    return event


def v1(body=None, content_type=None, b64=False, cookie_header=None):
    event = {"version": "1.0", "headers": {}, "multiValueHeaders": {}, "isBase64Encoded": b64}
    if content_type:
        event["headers"]["Content-Type"] = content_type
    if cookie_header:
        event["headers"]["Cookie"] = cookie_header
    event["body"] = body
    return event


@pytest.mark.parametrize("make", [v2, v1])
def test_parse_json_form_text_and_binary(make):
    assert http.parse_body(make('{"a":[1,2]}', "application/json")) == {"a": [1, 2]}
    assert http.parse_body(make('{"a":1}', "application/vnd.api+json; charset=utf-8")) == {"a": 1}
    assert http.parse_body(make("a=1&b=x+y&b=%26", "application/x-www-form-urlencoded")) == {
        "a": "1",
        "b": ["x y", "&"],
    }
    assert http.parse_body(make("hello", "text/plain")) == "hello"
    assert http.parse_body(make("<a/>", "application/xml")) == "<a/>"
    png = b"\x89PNG\r\n\x1a\n\x00"
    encoded = base64.b64encode(png).decode()
    assert http.parse_body(make(encoded, "image/png", b64=True)) == png


@pytest.mark.parametrize("make", [v2, v1])
def test_base64_json_and_empty_bodies(make):
    encoded = base64.b64encode(json.dumps({"k": "é"}).encode()).decode()
    assert http.parse_body(make(encoded, "application/json", b64=True)) == {"k": "é"}
    assert http.parse_body(make(None)) == {}
    assert http.parse_body(make("", "application/json")) == {}
    assert http.parse_body(make("no type")) == "no type"


def test_latin1_charset_is_honoured():
    body = base64.b64encode("café".encode("latin-1")).decode()
    assert http.parse_body(v2(body, "text/plain; charset=ISO-8859-1", b64=True)) == "café"


def test_form_percent_escapes_are_decoded_in_the_forms_charset():
    latin1 = "name=caf%E9&city=K%F6ln"  # what a windows-1252/latin-1 page posts
    event = v2(latin1, "application/x-www-form-urlencoded; charset=ISO-8859-1")
    assert http.parse_body(event) == {"name": "café", "city": "Köln"}
    utf8 = "name=caf%C3%A9"
    assert http.parse_body(v2(utf8, "application/x-www-form-urlencoded")) == {"name": "café"}


def test_json_response_sends_dynamodb_values_as_json_numbers_and_arrays():
    from datetime import UTC, datetime
    from decimal import Decimal

    item = {  # as boto3's Table.get_item returns it
        "count": Decimal("3"),
        "price": Decimal("9.95"),
        "tags": {"b", "a"},
        "at": datetime(2026, 11, 25, tzinfo=UTC),
    }
    assert json.loads(http.json(item)["body"]) == {
        "count": 3,
        "price": 9.95,
        "tags": ["a", "b"],
        "at": "2026-11-25 00:00:00+00:00",
    }


def test_invalid_json_is_a_body_error():
    with pytest.raises(BodyError, match="not valid JSON"):
        http.parse_body(v2("{oops", "application/json"))
    with pytest.raises(ValueError):  # BodyError is a ValueError
        http.parse_body(v2("{oops", "application/json"))


def test_json_response():
    answer = http.json({"ok": True}, 201, {"X-Trace": "1"}, ["a=b"])
    assert answer["statusCode"] == 201
    assert json.loads(answer["body"]) == {"ok": True}
    assert answer["headers"]["content-type"] == "application/json; charset=utf-8"
    assert answer["headers"]["x-trace"] == "1"
    assert answer["headers"]["cache-control"] == http.NO_CACHE
    assert answer["cookies"] == ["a=b"]
    assert answer["isBase64Encoded"] is False


def test_html_text_and_binary_responses():
    page = http.html("<h1>hi</h1>", cache_control=http.cache_control(60, public=True))
    assert page["headers"]["content-type"] == "text/html; charset=utf-8"
    assert page["headers"]["cache-control"] == "public, max-age=60"
    assert http.text("x", 404)["statusCode"] == 404
    binary = http.response(b"\x00\x01", content_type="application/octet-stream")
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\x00\x01"
    assert "cookies" not in page


def test_redirect():
    answer = http.redirect("/login")
    assert answer["statusCode"] == 302 and answer["headers"]["location"] == "/login"
    assert http.redirect("/x", 301)["statusCode"] == 301
    with pytest.raises(ValueError, match="200 is not a redirect"):
        http.redirect("/x", 200)


def test_cache_control_values():
    assert http.cache_control(31536000, public=True, immutable=True) == (
        "public, max-age=31536000, immutable"
    )
    assert http.cache_control(no_store=True, private=True) == "private, no-store"


def test_cookie_round_trip_through_both_payload_versions():
    set_cookie = http.cookie("theme", "dark; blue=1 ü", max_age=60)
    assert set_cookie.startswith("theme=dark%3B%20blue=1%20%C3%BC; Max-Age=60; Path=/")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    sent = set_cookie.split(";", 1)[0]  # what the browser sends back
    assert http.cookies(v2(cookies=[sent, "other=1"])) == {"theme": "dark; blue=1 ü", "other": "1"}
    assert http.cookies(v1(cookie_header=f"{sent}; other=1")) == {
        "theme": "dark; blue=1 ü",
        "other": "1",
    }


def test_cookie_options_and_deletion():
    assert http.cookie("a", "b", secure=False, http_only=False, same_site=None, path=None) == "a=b"
    assert "Secure" in http.cookie("a", "b", secure=False, same_site="None")
    gone = http.delete_cookie("theme")
    assert "Max-Age=0" in gone and "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in gone
    with pytest.raises(ValueError, match="cookie name"):
        http.cookie("bad name", "x")


def test_with_cookies_headers_and_v1_conversion():
    answer = http.with_cookies(http.json({}), "a=1", "b=2")
    answer = http.with_headers(answer, {"X-Extra": "y"})
    assert answer["cookies"] == ["a=1", "b=2"]
    assert answer["headers"]["x-extra"] == "y"
    old = http.v1(answer)
    assert "cookies" not in old
    assert old["multiValueHeaders"] == {"set-cookie": ["a=1", "b=2"]}
    assert old["statusCode"] == 200 and old["body"] == "{}"


def test_cors_headers_and_preflight():
    headers = http.cors_headers("https://app.example", credentials=True, expose=["x-id"])
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["vary"] == "Origin"
    assert headers["access-control-expose-headers"] == "x-id"
    assert http.cors_headers()["access-control-allow-origin"] == "*"
    with pytest.raises(ValueError, match="explicit origin"):
        http.cors_headers("*", credentials=True)
    answer = http.preflight("https://app.example", max_age=30)
    assert answer["statusCode"] == 204
    assert answer["headers"]["access-control-max-age"] == "30"
    assert "cache-control" not in answer["headers"]


def test_header_lookup_is_case_insensitive_for_both_versions():
    event = {"headers": {"X-Api-Key": "k"}, "multiValueHeaders": {"X-Multi": ["1", "2"]}}
    assert http.header(event, "x-api-key") == "k"
    assert http.header(event, "x-multi") == "1,2"
    assert http.header(event, "missing") is None


@given(st.text(max_size=60))
def test_any_cookie_value_survives_the_round_trip(value):
    sent = http.cookie("k", value).split("; ", 1)[0]
    assert all(ch not in sent for ch in ' ";,\\')  # only RFC 6265 cookie-octets on the wire
    assert http.cookies({"cookies": [sent]}) == {"k": value}
    assert http.cookies({"headers": {"Cookie": f"a=1; {sent}"}})["k"] == value


@given(
    st.dictionaries(
        st.text(max_size=10),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
            max_leaves=8,
        ),
        max_size=5,
    )
)
def test_any_json_session_survives_the_round_trip(session):
    with mock.patch.dict(os.environ, {"ARC_APP_SECRET": "property secret"}):
        sent = http.session_write(session, http.json({}))["cookies"][0].split(";", 1)[0]
        assert http.session_read({"cookies": [sent]}) == session
