"""What the helpers derive from the environment: stack name and management endpoint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyarc.functions import ConfigurationError
from pyarc.functions.environment import logical_id, management_endpoint, stack_name
from pyarc.inventory import model


@pytest.mark.parametrize(
    ("wss_url", "endpoint"),
    [
        ("ws://localhost:3333", "http://localhost:3333"),
        ("ws://localhost:3333/", "http://localhost:3333"),
        (
            "wss://abc123.execute-api.us-east-1.amazonaws.com/staging",
            "https://abc123.execute-api.us-east-1.amazonaws.com/staging",
        ),
        ("wss://ws.example.com", "https://ws.example.com"),
    ],
)
def test_management_endpoint_from_arc_wss_url(monkeypatch, wss_url, endpoint):
    monkeypatch.setenv("ARC_WSS_URL", wss_url)
    assert management_endpoint() == endpoint


def test_management_endpoint_rejects_a_non_websocket_url(monkeypatch):
    monkeypatch.setenv("ARC_WSS_URL", "localhost:3333")
    with pytest.raises(ConfigurationError, match="ARC_WSS_URL='localhost:3333'"):
        management_endpoint()


def test_management_endpoint_falls_back_to_boto3s_variable(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", "http://127.0.0.1:9")
    assert management_endpoint() == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("app", "env", "stack"),
    [
        ("cage-socket", "testing", "CageSocketTesting"),
        ("cage-socket", "staging", "CageSocketStaging"),
        ("my_app2", "production", "MyApp2Production"),
    ],
)
def test_stack_name_from_app_and_env(monkeypatch, app, env, stack):
    monkeypatch.setenv("ARC_APP_NAME", app)
    monkeypatch.setenv("ARC_ENV", env)
    assert stack_name() == stack


def test_stack_name_prefers_arc_stack_name(monkeypatch):
    monkeypatch.setenv("ARC_STACK_NAME", "CageSocketStagingPR12")
    assert stack_name() == "CageSocketStagingPR12"


@given(st.text(max_size=30))
def test_logical_id_matches_the_inventorys(text):
    # this package may not import pyarc.inventory, so it carries a copy that must agree
    assert logical_id(text) == model.logical_id(text)
