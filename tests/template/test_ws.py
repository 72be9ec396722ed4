"""@ws -> WEBSOCKET API, route + integration + permission per route, deployment, stage."""

from __future__ import annotations

import fnmatch
import json

from pyarc.template import build
from pyarc.template.ws import deployment_id


def test_websocket_api_routes_integrations_and_permissions(app):
    app.ws("connect", "default", "disconnect", "rotate")
    resources = build(app.inventory)["Resources"]
    api = resources["WS"]
    assert api["Type"] == "AWS::ApiGatewayV2::Api"
    assert api["Properties"]["ProtocolType"] == "WEBSOCKET"
    assert api["Properties"]["RouteSelectionExpression"] == "$request.body.action"
    expected_keys = {
        "Connect": "$connect",
        "Default": "$default",
        "Disconnect": "$disconnect",
        "Rotate": "rotate",
    }
    for name, route_key in expected_keys.items():
        route = resources[f"{name}WSRoute"]
        assert route["Type"] == "AWS::ApiGatewayV2::Route"
        assert route["Properties"]["RouteKey"] == route_key
        assert route["Properties"]["Target"] == {
            "Fn::Sub": f"integrations/${{{name}WSIntegration}}"
        }
        integration = resources[f"{name}WSIntegration"]["Properties"]
        assert integration["IntegrationType"] == "AWS_PROXY"
        assert f"${{{name}WSLambda.Arn}}" in integration["IntegrationUri"]["Fn::Sub"]
        permission = resources[f"{name}WSPermission"]
        assert permission["Type"] == "AWS::Lambda::Permission"
        assert permission["Properties"]["FunctionName"] == {"Ref": f"{name}WSLambda"}
        assert permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
        assert "${WS}/*" in permission["Properties"]["SourceArn"]["Fn::Sub"]


def test_deployment_depends_on_every_route_and_stage_is_the_env(app):
    app.ws("connect", "default", "disconnect")
    resources = build(app.inventory, "production")["Resources"]
    deployments = [k for k, v in resources.items() if v["Type"] == "AWS::ApiGatewayV2::Deployment"]
    assert len(deployments) == 1
    deployment = resources[deployments[0]]
    assert sorted(deployment["DependsOn"]) == [
        "ConnectWSRoute",
        "DefaultWSRoute",
        "DefaultWSRouteResponse",
        "DisconnectWSRoute",
    ]
    stage = resources["WebsocketStage"]["Properties"]
    assert stage["StageName"] == "production"
    assert stage["DeploymentId"] == {"Ref": deployments[0]}


def test_deployment_id_changes_with_the_routes():
    assert deployment_id(["$connect", "$default"]) == deployment_id(["$default", "$connect"])
    assert deployment_id(["$connect", "$default"]) != deployment_id(["$connect", "rotate"])


def substitute(text: str, api_id: str = "abc123") -> str:
    """An Fn::Sub string as CloudFormation resolves it in us-west-2 for account 123456789012."""
    values = {
        "${AWS::Partition}": "aws",
        "${AWS::Region}": "us-west-2",
        "${AWS::AccountId}": "123456789012",
        "${AWS::URLSuffix}": "amazonaws.com",
        "${WS}": api_id,
    }
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def test_wss_output_and_manage_connections_on_this_api_and_stage_only(app):
    app.ws("connect", "default")
    template = build(app.inventory, "production")
    wss = "wss://${WS}.execute-api.${AWS::Region}.${AWS::URLSuffix}/production"
    assert template["Outputs"]["WSS"]["Value"] == {"Fn::Sub": wss}
    env = template["Resources"]["ConnectWSLambda"]["Properties"]["Environment"]["Variables"]
    assert env["ARC_WSS_URL"] == {"Fn::Sub": wss}
    assert substitute(wss) == "wss://abc123.execute-api.us-west-2.amazonaws.com/production"
    [policy] = template["Resources"]["ConnectWSLambdaRole"]["Properties"]["Policies"]
    [statement] = [
        s
        for s in policy["PolicyDocument"]["Statement"]
        if s["Action"] == ["execute-api:ManageConnections"]
    ]
    [resource] = statement["Resource"]
    pattern = substitute(resource["Fn::Sub"])
    assert pattern == (
        "arn:aws:execute-api:us-west-2:123456789012:abc123/production/*/@connections/*"
    )
    # what `ws.send/info/close` call, as IAM matches it (`*` spans any characters)
    arn = "arn:aws:execute-api:us-west-2:123456789012:{}/{}/{}/@connections/L0SM9cOFvHcCIhw="
    for method in ("POST", "GET", "DELETE"):
        assert fnmatch.fnmatchcase(arn.format("abc123", "production", method), pattern)
    assert not fnmatch.fnmatchcase(arn.format("abc123", "staging", "POST"), pattern)
    assert not fnmatch.fnmatchcase(arn.format("other9", "production", "POST"), pattern)


def test_no_ws_means_no_websocket_resources(app):
    app.http("get", "/", "get-index")
    template = build(app.inventory)
    assert "WS" not in template["Resources"]
    assert "execute-api:ManageConnections" not in json.dumps(template)


def test_message_routes_send_a_returned_body_back_like_the_sandbox(app):
    """The sandbox sends a message handler's returned `body` to the caller; API Gateway does
    so only for routes with a route response, so every message route gets one."""
    app.ws("connect", "default", "disconnect", "rotate")
    resources = build(app.inventory, "staging")["Resources"]
    responses = {
        k: v["Properties"] for k, v in resources.items()
        if v["Type"] == "AWS::ApiGatewayV2::RouteResponse"
    }
    assert sorted(responses) == ["DefaultWSRouteResponse", "RotateWSRouteResponse"]
    for key, response in responses.items():
        route = key.removesuffix("Response")
        assert response["RouteId"] == {"Ref": route}
        assert response["RouteResponseKey"] == "$default"
        assert resources[route]["Properties"]["RouteResponseSelectionExpression"] == "$default"
    for silent in ("ConnectWSRoute", "DisconnectWSRoute"):
        assert "RouteResponseSelectionExpression" not in resources[silent]["Properties"]
