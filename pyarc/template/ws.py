"""`@ws` -> a WEBSOCKET `AWS::ApiGatewayV2::Api` with a route, integration and permission
per route (message routes also get a `$default` route response, so a handler's returned
body reaches the caller), a deployment that depends on every route and a stage named
after the env."""

from __future__ import annotations

import hashlib

from pyarc.template import names
from pyarc.template.context import Draft
from pyarc.template.intrinsics import arn, execute_api_host, ref, sub
from pyarc.template.stages import ACCOUNT, add_access_log_group, add_logging_account, throttling

ROUTE_SELECTION = "$request.body.action"
STAGE = "WebsocketStage"


def deployment_id(route_keys: list[str]) -> str:
    """A deployment only deploys the routes present when it is created, so its logical id
    changes with the route set: CloudFormation then makes a fresh deployment."""
    digest = hashlib.sha256("\n".join(sorted(route_keys)).encode()).hexdigest()[:10]
    return f"WebsocketDeployment{digest}"


def add_ws(draft: Draft) -> None:
    inventory = draft.inventory
    if not inventory.ws:
        return
    draft.add(
        names.WS_API,
        {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {
                "Name": sub("${AWS::StackName}-ws"),
                "ProtocolType": "WEBSOCKET",
                "RouteSelectionExpression": ROUTE_SELECTION,
            },
        },
        owner="@ws",
    )
    route_ids: list[str] = []
    for ws_route in inventory.ws:
        fn_id = names.function_id(ws_route.function)
        route_id = names.ws_route_id(ws_route.name, "Route")
        integration_id = names.ws_route_id(ws_route.name, "Integration")
        owner = f"@ws route {ws_route.name}"
        draft.add(
            integration_id,
            {
                "Type": "AWS::ApiGatewayV2::Integration",
                "Properties": {
                    "ApiId": ref(names.WS_API),
                    "IntegrationType": "AWS_PROXY",
                    "IntegrationUri": sub(
                        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                        f"2015-03-31/functions/${{{fn_id}.Arn}}/invocations"
                    ),
                },
            },
            owner=owner,
        )
        route_properties = {
            "ApiId": ref(names.WS_API),
            "RouteKey": ws_route.route_key,
            "AuthorizationType": "NONE",
            "OperationName": route_id,
            "Target": sub(f"integrations/${{{integration_id}}}"),
        }
        two_way = ws_route.route_key not in ("$connect", "$disconnect")
        if two_way:
            # a message route's returned `body` goes back to the caller, as in the sandbox:
            # API Gateway does that only for routes with a route response
            route_properties["RouteResponseSelectionExpression"] = "$default"
        draft.add(
            route_id,
            {"Type": "AWS::ApiGatewayV2::Route", "Properties": route_properties},
            owner=owner,
        )
        if two_way:
            response_id = names.ws_route_id(ws_route.name, "RouteResponse")
            draft.add(
                response_id,
                {
                    "Type": "AWS::ApiGatewayV2::RouteResponse",
                    "Properties": {
                        "ApiId": ref(names.WS_API),
                        "RouteId": ref(route_id),
                        "RouteResponseKey": "$default",
                    },
                },
                owner=owner,
            )
            route_ids.append(response_id)
        draft.add(
            names.ws_route_id(ws_route.name, "Permission"),
            {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": ref(fn_id),
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": arn("execute-api", f"${{{names.WS_API}}}/*"),
                },
            },
            owner=owner,
        )
        route_ids.append(route_id)

    deployment = deployment_id([r.route_key for r in inventory.ws])
    draft.add(
        deployment,
        {
            "Type": "AWS::ApiGatewayV2::Deployment",
            "DependsOn": route_ids,
            "Properties": {"ApiId": ref(names.WS_API)},
        },
        owner="@ws",
    )
    add_logging_account(draft)
    draft.add(
        STAGE,
        {
            "Type": "AWS::ApiGatewayV2::Stage",
            "DependsOn": [ACCOUNT],  # logging needs the account's CloudWatch role first
            "Properties": {
                "StageName": draft.env,
                "DeploymentId": ref(deployment),
                "ApiId": ref(names.WS_API),
                "AccessLogSettings": add_access_log_group(draft, names.WS_API, "@ws"),
                "DefaultRouteSettings": throttling(draft),
            },
        },
        owner="@ws",
    )
    # `apiId/stage/METHOD/@connections/id`: this stage's connections only, for POST (send),
    # GET (info) and DELETE (close), which is all the Management API has.
    draft.grant(
        "ArcWebSocketPolicy",
        "ManageConnections",
        ["execute-api:ManageConnections"],
        [arn("execute-api", f"${{{names.WS_API}}}/{draft.env}/*/@connections/*")],
    )
    wss = sub(f"wss://{execute_api_host(names.WS_API)}/{draft.env}")
    draft.output("WSS", wss, "WebSocket URL")
    draft.output(
        "WSSManagementURL",
        sub(f"https://{execute_api_host(names.WS_API)}/{draft.env}"),
        "API Gateway Management API endpoint for @ws connections",
    )
