"""@http -> AWS::Serverless::HttpApi with one HttpApi event per route and the static proxy."""

from __future__ import annotations

import pytest

from pyarc.errors import PyarcError
from pyarc.template import build


def http_events(template: dict) -> dict[str, dict]:
    """route key -> event properties, across all functions."""
    found = {}
    for resource in template["Resources"].values():
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event["Type"] == "HttpApi":
                props = event["Properties"]
                found[f"{props['Method']} {props['Path']}"] = props
    return found


def test_routes_become_http_api_events_with_payload_2(app):
    app.http("get", "/", "get-index")
    app.http("get", "/things/:id", "get-things-000id")
    app.http("post", "/things", "post-things")
    app.http("any", "/api/*", "any-api-catchall")
    template = build(app.inventory)
    api = template["Resources"]["HTTP"]
    assert api["Type"] == "AWS::Serverless::HttpApi"
    assert api["Properties"]["StageName"] == "$default"
    events = http_events(template)
    assert set(events) == {"GET /", "GET /things/{id}", "POST /things", "ANY /api/{proxy+}"}
    for props in events.values():
        assert props["ApiId"] == {"Ref": "HTTP"}
        assert props["PayloadFormatVersion"] == "2.0"
    event = template["Resources"]["GetThings000idHTTPLambda"]["Properties"]["Events"]
    assert list(event) == ["GetThings000idHTTPEvent"]


@pytest.mark.parametrize("api_type", ["httpv1", "rest"])
def test_httpv1_and_rest_use_payload_1(app, api_type):
    app.aws(apigateway=api_type).http("get", "/", "get-index")
    events = http_events(build(app.inventory))
    assert events["GET /"]["PayloadFormatVersion"] == "1.0"


def test_a_public_static_bucket_is_proxied(app):
    app.static(public=True).http("get", "/", "get-index")
    body = build(app.inventory)["Resources"]["HTTP"]["Properties"]["DefinitionBody"]
    integration = body["paths"]["/_static/{proxy+}"]["get"]["x-amazon-apigateway-integration"]
    assert integration["type"] == "http_proxy"
    assert integration["httpMethod"] == "GET"
    assert integration["uri"] == {
        "Fn::Sub": "https://${StaticBucket}.s3.${AWS::Region}.${AWS::URLSuffix}/{proxy}"
    }


def test_static_prefix_and_existing_bucket_change_the_proxy_target(app):
    app.http("get", "/", "get-index").static(prefix="assets/", staging="my-existing-bucket")
    template = build(app.inventory)
    body = template["Resources"]["HTTP"]["Properties"]["DefinitionBody"]
    integration = body["paths"]["/_static/{proxy+}"]["get"]["x-amazon-apigateway-integration"]
    assert integration["uri"] == {
        "Fn::Sub": "https://my-existing-bucket.s3.${AWS::Region}.${AWS::URLSuffix}/assets/{proxy}"
    }
    assert "StaticBucket" not in template["Resources"]


def test_api_outputs(app):
    app.http("get", "/", "get-index")
    outputs = build(app.inventory)["Outputs"]
    assert outputs["API"]["Value"] == {
        "Fn::Sub": "https://${HTTP}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert outputs["ApiId"]["Value"] == {"Ref": "HTTP"}


def test_proxy_sends_unmatched_requests_to_the_env_url(app):
    app.http("get", "/", "get-index")
    app.inventory.proxy = {"staging": "https://staging.example.com/", "production": "https://x.io"}
    paths = build(app.inventory)["Resources"]["HTTP"]["Properties"]["DefinitionBody"]["paths"]
    integration = paths["/{proxy+}"]["x-amazon-apigateway-any-method"]
    assert integration["x-amazon-apigateway-integration"]["uri"] == (
        "https://staging.example.com/{proxy}"
    )


def test_no_http_means_no_api(app):
    app.event("ping")
    template = build(app.inventory)
    assert "HTTP" not in template["Resources"]
    assert "API" not in template.get("Outputs", {})


def test_two_routes_with_one_route_key_are_refused(app):
    app.http("get", "/things/:id", "get-things-000id")
    app.http("get", "/things/:thing", "get-things-000thing")
    with pytest.raises(PyarcError, match=r"both become API Gateway route GET /things/\{param\}"):
        build(app.inventory)


def test_a_route_on_the_static_path_is_refused(app):
    app.static().http("get", "/_static/*", "get-static-catchall")
    with pytest.raises(PyarcError, match="serves @static files"):
        build(app.inventory)


def test_a_private_bucket_is_not_proxied_and_an_http_app_without_files_has_none(app):
    app.static().http("get", "/", "get-index")
    assert "/_static/{proxy+}" not in definition_paths(build(app.inventory))
    bare = type(app)(app.inventory.cwd / "bare").http("get", "/", "get-index")
    resources = build(bare.inventory)["Resources"]
    assert "StaticBucket" not in resources
    assert "/_static/{proxy+}" not in definition_paths(build(bare.inventory))
    (bare.inventory.cwd / "public").mkdir(parents=True)  # the folder makes the bucket
    assert "StaticBucket" in build(bare.inventory)["Resources"]


def definition_paths(template: dict) -> dict:
    return template["Resources"]["HTTP"]["Properties"]["DefinitionBody"]["paths"]


def test_unmatched_gets_fall_back_to_the_static_bucket_like_the_sandbox(app):
    app.static(prefix="site", public=True).http("post", "/things", "post-things")
    paths = definition_paths(build(app.inventory))
    root = paths["/"]["get"]
    assert "parameters" not in root
    assert root["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"].endswith("/site/index.html")
    greedy = paths["/{proxy+}"]["get"]["x-amazon-apigateway-integration"]
    assert greedy["type"] == "http_proxy" and greedy["httpMethod"] == "GET"
    assert greedy["uri"]["Fn::Sub"].endswith(".s3.${AWS::Region}.${AWS::URLSuffix}/site/{proxy}")


def test_routes_keep_the_paths_they_claim(app):
    app.static(public=True).http("get", "/", "get-index").http("any", "/*", "any-catchall")
    paths = definition_paths(build(app.inventory))
    assert "/" not in paths and "/{proxy+}" not in paths
    assert "/_static/{proxy+}" in paths


def test_proxy_takes_unmatched_requests_instead_of_the_bucket(app):
    app.static().http("post", "/things", "post-things")
    app.inventory.proxy = {"staging": "https://legacy.example.com"}
    paths = definition_paths(build(app.inventory, "staging"))
    assert "/" not in paths
    assert set(paths["/{proxy+}"]) == {"x-amazon-apigateway-any-method"}
