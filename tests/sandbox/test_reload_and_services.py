"""Hot reload without a restart, SSM service discovery, the tables endpoint, env for tests."""

from __future__ import annotations

import httpx

from pyarc.testing import Sandbox, wait_until


def _app(tmp_path):
    app = tmp_path / "reload"
    (app / "src/http/get-index").mkdir(parents=True)
    (app / "app.arc").write_text("@app\nreload-app\n\n@http\nget /\n")
    (app / "src/http/get-index/lambda.py").write_text(
        "def handler(event, context):\n    return {'statusCode': 200, 'body': 'v1'}\n"
    )
    return app


def test_editing_a_handler_reloads_it(tmp_path) -> None:
    app = _app(tmp_path)
    with Sandbox(app) as sb:
        assert httpx.get(sb.url + "/").text == "v1"
        (app / "src/http/get-index/lambda.py").write_text(
            "def handler(event, context):\n    return {'statusCode': 200, 'body': 'v2'}\n"
        )
        wait_until(lambda: httpx.get(sb.url + "/").text == "v2", 15, "the edited handler")


def test_editing_the_manifest_reloads_routes(tmp_path) -> None:
    app = _app(tmp_path)
    with Sandbox(app) as sb:
        assert httpx.get(sb.url + "/added").status_code == 404
        (app / "src/http/get-added").mkdir()
        (app / "src/http/get-added/lambda.py").write_text(
            "def handler(event, context):\n    return 'added'\n"
        )
        (app / "app.arc").write_text("@app\nreload-app\n\n@http\nget /\nget /added\n")
        wait_until(lambda: httpx.get(sb.url + "/added").status_code == 200, 15, "the new route")
        assert httpx.get(sb.url + "/added").json() == "added"
        (app / "app.arc").write_text("@app\nreload-app\n\n@http\nget /\n  bad indent\n@@@\n")
        assert httpx.get(sb.url + "/").text == "v1"  # a broken manifest keeps the old routes


def test_a_route_added_without_its_folder_is_named_at_reload(tmp_path) -> None:
    app = _app(tmp_path)
    with Sandbox(app, watch=False) as sb:
        assert sb.server is not None
        said: list[str] = []
        sb.server.log.warning = said.append  # type: ignore[method-assign]
        sb.server.log.info = said.append  # type: ignore[method-assign]
        (app / "app.arc").write_text("@app\nreload-app\n\n@http\nget /\nget /later\n")

        async def reload() -> bool:
            return sb.server.reload_inventory()

        assert sb.call(reload)
    assert said == [
        "Reloaded app.arc: 2 HTTP routes",
        "src/http/get-later has no handler yet: add src/http/get-later/lambda.py defining "
        "`def handler(event, context):`"
    ]


def test_the_reload_line_counts_one_route_in_the_singular(tmp_path) -> None:
    app = _app(tmp_path)
    with Sandbox(app, watch=False) as sb:
        assert sb.server is not None
        said: list[str] = []
        sb.server.log.info = said.append  # type: ignore[method-assign]

        async def reload() -> bool:
            return sb.server.reload_inventory()

        assert sb.call(reload)
    assert said == ["Reloaded app.arc: 1 HTTP route"]


def test_ssm_service_discovery_and_tables(sandbox: Sandbox) -> None:
    env = sandbox.env
    ssm = sandbox.client("ssm")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/GatewayTestTesting", Recursive=True
    )
    found = {p["Name"]: p["Value"] for page in pages for p in page["Parameters"]}
    assert found["/GatewayTestTesting/tables/notes"] == "gateway-test-staging-notes"
    assert found["/GatewayTestTesting/ws/wss"] == f"ws://localhost:{sandbox.port}"
    assert sandbox.tables_url == env["AWS_ENDPOINT_URL_DYNAMODB"]
    dynamo = sandbox.client("dynamodb")
    table = "gateway-test-staging-notes"
    dynamo.put_item(TableName=table, Item={"id": {"S": "n1"}})
    assert dynamo.get_item(TableName=table, Key={"id": {"S": "n1"}})["Item"]["id"]["S"] == "n1"
    sandbox.reset_tables()
    assert "Item" not in dynamo.get_item(TableName=table, Key={"id": {"S": "n1"}})
