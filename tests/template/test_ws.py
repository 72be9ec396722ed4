"""@ws -> WEBSOCKET API, route + integration + permission per route, deployment, stage."""

from __future__ import annotations

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
        "DisconnectWSRoute",
    ]
    stage = resources["WebsocketStage"]["Properties"]
    assert stage["StageName"] == "production"
    assert stage["DeploymentId"] == {"Ref": deployments[0]}


def test_deployment_id_changes_with_the_routes():
    assert deployment_id(["$connect", "$default"]) == deployment_id(["$default", "$connect"])
    assert deployment_id(["$connect", "$default"]) != deployment_id(["$connect", "rotate"])


def test_wss_output_and_manage_connections_on_this_api_only(app):
    app.ws("connect", "default")
    template = build(app.inventory)
    assert template["Outputs"]["WSS"]["Value"] == {
        "Fn::Sub": "wss://${WS}.execute-api.${AWS::Region}.${AWS::URLSuffix}/staging"
    }
    policies = {p["PolicyName"]: p for p in template["Resources"]["Role"]["Properties"]["Policies"]}
    [statement] = policies["ArcWebSocketPolicy"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["execute-api:ManageConnections"]
    assert statement["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WS}/*"}
    ]


def test_no_ws_means_no_websocket_resources(app):
    app.http("get", "/", "get-index")
    template = build(app.inventory)
    assert "WS" not in template["Resources"]
    policies = [p["PolicyName"] for p in template["Resources"]["Role"]["Properties"]["Policies"]]
    assert "ArcWebSocketPolicy" not in policies
