"""`dry_run` writes sam.yaml / sam.json in the app dir and opens no socket; stack names."""

from __future__ import annotations

import json
import socket

import pytest
import yaml

from pyarc.errors import PyarcError
from pyarc.template import build, dry_run, render, stack_name


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"dry run tried to open a connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_no_network_guard_works(no_network):
    with pytest.raises(AssertionError, match="tried to open a connection"), socket.socket() as s:
        s.connect(("127.0.0.1", 9))


def test_dry_run_writes_yaml_and_counts_resources(app, no_network):
    app.http("get", "/", "get-index").table("notes", "id")
    result = dry_run(app.inventory)
    assert result.path == app.inventory.cwd / "sam.yaml"
    assert result.stack_name == "TestAppStaging"
    written = yaml.safe_load(result.path.read_text())
    assert written == build(app.inventory)
    assert written["Transform"] == "AWS::Serverless-2016-10-31"
    assert result.resources == {
        "AWS::DynamoDB::Table": 1,
        "AWS::IAM::Role": 1,
        "AWS::Logs::LogGroup": 2,  # the function's and the API's access log
        "AWS::SSM::Parameter": 1,  # no static folder, so no bucket and no static parameters
        "AWS::Serverless::Function": 1,
        "AWS::Serverless::HttpApi": 1,
    }
    assert result.total == len(written["Resources"])
    assert "sam.yaml" in result.summary() and "AWS::DynamoDB::Table" in result.summary()


def test_dry_run_json_for_production_with_a_suffix(app, no_network):
    app.http("get", "/", "get-index")
    result = dry_run(app.inventory, "production", fmt="json", name_suffix="pr-42")
    assert result.path.name == "sam.json"
    assert result.stack_name == "TestAppProductionPr42"
    written = json.loads(result.path.read_text())
    env = written["Resources"]["GetIndexHTTPLambda"]["Properties"]["Environment"]["Variables"]
    assert env["ARC_ENV"] == "production"


def test_dry_run_into_a_missing_folder_is_a_clear_error(app, no_network):
    app.http("get", "/", "get-index")
    app.inventory.cwd = app.inventory.cwd / "does-not-exist"
    with pytest.raises(PyarcError, match="Could not write .*sam.yaml"):
        dry_run(app.inventory)


def test_stack_names_follow_architect(app):
    app.inventory.app = "cage-socket"
    assert stack_name(app.inventory, "staging") == "CageSocketStaging"
    assert stack_name(app.inventory, "production") == "CageSocketProduction"
    assert stack_name(app.inventory, "staging", "feature_x") == "CageSocketStagingFeatureX"


def test_unknown_environment_is_refused(app):
    app.http("get", "/", "get-index")
    with pytest.raises(PyarcError, match="deploy to staging or production"):
        build(app.inventory, "testing")


def test_render_round_trips_yaml_and_json(app):
    app.http("get", "/things/:id", "get-things-000id").ws("connect")
    template = build(app.inventory)
    assert yaml.safe_load(render(template, "yaml")) == template
    assert json.loads(render(template, "json")) == template
    text = render(template)
    assert "&id" not in text and "*id" not in text  # no YAML anchors/aliases
    with pytest.raises(ValueError, match="unknown template format"):
        render(template, "toml")  # type: ignore[arg-type]


def test_build_is_pure_and_deterministic(app):
    app.http("get", "/", "get-index").table("notes", "id").queue("work").ws("connect")
    assert render(build(app.inventory)) == render(build(app.inventory))


def test_an_app_with_nothing_to_deploy_is_refused(app):
    with pytest.raises(PyarcError, match="app.arc declares nothing to deploy"):
        build(app.inventory)
