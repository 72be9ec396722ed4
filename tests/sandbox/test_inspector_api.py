"""The inspector's API against a real sandbox: what it records, what it shows and changes,
and who may change it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from pyarc.sandbox.banner import banner_lines
from pyarc.sandbox.config import SandboxConfig
from pyarc.sandbox.environment import Ports
from pyarc.testing import Sandbox, wait_until
from tests.sandbox.inspector_app import write_app

API = "/_pyarc/api"
NOTES = "inspected-staging-notes"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with Sandbox(write_app(tmp_path_factory.mktemp("inspected"))) as running:
        yield running


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def page(client: httpx.Client, sandbox: Sandbox) -> httpx.Client:
    """A client that acts as the page does: its Origin and the token the page carries."""
    return httpx.Client(base_url=sandbox.url, timeout=30, headers=page_headers(client))


def page_headers(client: httpx.Client) -> dict[str, str]:
    """The Origin and the run's token the page sends (the token is in the page's HTML)."""
    html = client.get("/_pyarc/").text
    token = re.search(r'name="pyarc-token" content="([^"]+)"', html)
    assert token is not None and token.group(1) != "{{PYARC_TOKEN}}"
    return {"origin": str(client.base_url).rstrip("/"), "x-pyarc-inspector": token.group(1)}


def invocations(client: httpx.Client, **query: str) -> list[dict[str, Any]]:
    answer = client.get(f"{API}/invocations", params=query)
    assert answer.status_code == 200
    return answer.json()["invocations"]


def newest(client: httpx.Client, trigger: str) -> dict[str, Any]:
    """The detail of the newest finished invocation whose trigger is `trigger`."""
    found: list[dict[str, Any]] = []

    def finished() -> bool:
        found[:] = [r for r in invocations(client) if r["trigger"] == trigger and not r["running"]]
        return bool(found)

    wait_until(finished, timeout=30, what=f"an invocation {trigger!r}")
    return client.get(f"{API}/invocations/{found[0]['id']}").json()


# ---- invocations ----------------------------------------------------------------------------


def test_an_http_call_is_recorded_with_its_event_output_and_result(client: httpx.Client) -> None:
    assert client.get("/hello/ann?x=1").text == "hello ann"
    first = newest(client, "GET /hello/ann?x=1")
    assert (first["function"], first["kind"], first["status"], first["ok"]) == (
        "http:get-hello-000name",
        "http",
        "200",
        True,
    )
    assert first["event"]["rawPath"] == "/hello/ann"
    assert first["event"]["pathParameters"] == {"name": "ann"}
    assert first["result"]["body"] == "hello ann"
    assert first["output"][0] == "greeting ann"
    assert "a warning for ann" in first["output"][1] and first["requestId"] in first["output"][1]
    assert first["durationMs"] > 0
    client.get("/hello/ann?x=1")
    second = newest(client, "GET /hello/ann?x=1")
    assert second["id"] > first["id"]
    assert second["cold"] is False  # the worker the first call started is reused


def test_a_failure_keeps_its_error_traceback_and_output(client: httpx.Client) -> None:
    assert client.get("/boom").status_code == 500
    failed = newest(client, "GET /boom")
    assert failed["ok"] is False and failed["status"] == "ValueError"
    assert failed["error"]["errorMessage"] == "boom from the handler"
    assert "lambda.py" in failed["error"]["stackTrace"][0]
    assert failed["output"] == ["about to fail"]
    only_failures = invocations(client, failed="1")
    assert only_failures and all(row["ok"] is False for row in only_failures)
    one_function = invocations(client, function="http:get-index")
    client.get("/")
    wait_until(lambda: len(invocations(client, function="http:get-index")) > len(one_function))
    assert {r["function"] for r in invocations(client, function="http:get-index")} == {
        "http:get-index"
    }


def test_an_unknown_invocation_is_a_404_in_one_sentence(client: httpx.Client) -> None:
    answer = client.get(f"{API}/invocations/999999")
    assert answer.status_code == 404
    assert "no longer kept" in answer.json()["message"]


def test_the_live_stream_sends_each_invocation_as_it_happens(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    with (
        httpx.Client(base_url=sandbox.url, timeout=30) as listener,
        listener.stream("GET", f"{API}/live") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")
        client.get("/hello/live")
        seen: list[dict[str, Any]] = []
        for line in lines:
            if line.startswith("data: ") and "GET /hello/live" in line:
                seen.append(json.loads(line[6:]))
                if not seen[-1]["running"]:
                    break
    assert seen[0]["running"] is True and seen[-1]["status"] == "200"


# ---- routes and connections -----------------------------------------------------------------


def test_routes_name_their_folder_and_config(client: httpx.Client) -> None:
    routes = client.get(f"{API}/routes").json()
    hello = next(r for r in routes["http"] if r["path"] == "/hello/:name")
    assert hello["routeKey"] == "GET /hello/{name}"
    assert hello["function"]["folder"] == "src/http/get-hello-000name"
    assert (hello["function"]["runtime"], hello["function"]["timeout"]) == ("python3.13", 5)
    assert {r["routeKey"] for r in routes["ws"]} == {"$connect", "$disconnect", "$default"}


def test_connections_are_listed_sent_to_and_disconnected(
    sandbox: Sandbox, client: httpx.Client, page: httpx.Client
) -> None:
    with connect(f"{sandbox.ws_url}/?team=blue") as socket:
        wait_until(lambda: client.get(f"{API}/connections").json()["connections"] != [])
        (listed,) = client.get(f"{API}/connections").json()["connections"]
        assert listed["query"] == {"team": "blue"}
        connection_id = listed["connectionId"]
        socket.send("hi there")
        frame = newest(client, "ws $default")
        assert frame["output"] == ["frame hi there"]
        assert frame["event"]["requestContext"]["connectionId"] == connection_id

        sent = page.post(f"{API}/connections/{connection_id}/messages", json={"data": "to you"})
        assert sent.json() == {"sent": 1}
        assert socket.recv(timeout=10) == "to you"
        assert page.post(f"{API}/connections/messages", json={"data": "to all"}).json() == {
            "sent": 1
        }
        assert socket.recv(timeout=10) == "to all"

        assert page.delete(f"{API}/connections/{connection_id}").status_code == 200
        with pytest.raises(ConnectionClosed):
            socket.recv(timeout=10)
        assert socket.close_code == 1000
    gone = newest(client, "ws $disconnect")
    assert gone["event"]["requestContext"]["connectionId"] == connection_id
    again = page.delete(f"{API}/connections/{connection_id}")
    assert again.status_code == 410 and connection_id in again.json()["message"]


# ---- tables ---------------------------------------------------------------------------------


def test_an_item_put_from_the_page_is_what_boto3_reads(
    sandbox: Sandbox, client: httpx.Client, page: httpx.Client
) -> None:
    tables = {t["name"]: t for t in client.get(f"{API}/tables").json()["tables"]}
    notes = tables[NOTES]
    assert (notes["logicalName"], notes["env"], notes["stream"]) == (
        "notes",
        "staging",
        "NEW_AND_OLD_IMAGES",
    )
    assert notes["keySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    item = {"id": "from-page", "n": 1.5, "tags": ["a"], "done": False}
    assert page.put(f"{API}/tables/items", json={"table": NOTES, "item": item}).json() == {
        "ok": True
    }
    dynamodb = sandbox.client("dynamodb")
    stored = dynamodb.get_item(TableName=NOTES, Key={"id": {"S": "from-page"}})["Item"]
    assert stored == {
        "id": {"S": "from-page"},
        "n": {"N": "1.5"},
        "tags": {"L": [{"S": "a"}]},
        "done": {"BOOL": False},
    }


def test_an_item_a_client_writes_reaches_open_pages(sandbox: Sandbox) -> None:
    with (
        httpx.Client(base_url=sandbox.url, timeout=30) as listener,
        listener.stream("GET", f"{API}/live") as stream,
    ):
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")
        assert next(line for line in lines if line.startswith("data: "))  # hello: listening
        dynamodb = sandbox.client("dynamodb")
        deadline = time.monotonic() + 10
        for n in range(3):  # one write or many: a page hears once per refresh interval
            dynamodb.put_item(TableName=NOTES, Item={"id": {"S": f"from-boto3-{n}"}})
        changes = []
        for line in lines:  # a keep-alive line comes at least every 15 s
            if line.startswith("data: ") and "what" in (data := json.loads(line[6:])):
                changes.append(data)
                break
            if time.monotonic() > deadline:
                break
    assert changes == [{"what": "tables"}]


def test_a_bad_item_gets_the_endpoints_own_refusal(page: httpx.Client) -> None:
    answer = page.put(f"{API}/tables/items", json={"table": NOTES, "item": {"text": "no key"}})
    assert answer.status_code == 400
    assert answer.json() == {
        "message": "One or more parameter values were invalid: Missing the key id in the item",
        "type": "ValidationException",
    }
    not_json = page.put(f"{API}/tables/items", content=b"{nope")
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["message"]


def test_scan_query_pages_export_delete_and_reset(client: httpx.Client, page: httpx.Client) -> None:
    for n in range(3):
        page.put(f"{API}/tables/items", json={"table": NOTES, "item": {"id": f"page-{n}"}})
    first = page.post(f"{API}/tables/items", json={"table": NOTES, "limit": 2}).json()
    assert first["operation"] == "Scan" and first["count"] == 2 and first["nextKey"]
    rest = page.post(
        f"{API}/tables/items", json={"table": NOTES, "limit": 100, "startKey": first["nextKey"]}
    ).json()
    exported = client.get(f"{API}/tables/{NOTES}/export")
    assert exported.headers["content-disposition"] == f'attachment; filename="{NOTES}.json"'
    every_id = {item["id"] for item in exported.json()}
    assert {i["id"] for i in first["items"] + rest["items"]} == every_id
    assert {"seeded", "page-0", "page-1", "page-2"} <= every_id

    query = {"table": NOTES, "keyCondition": "id = :id", "values": {":id": "page-1"}}
    found = page.post(f"{API}/tables/items", json=query).json()
    assert found["operation"] == "Query" and found["items"] == [{"id": "page-1"}]
    raw = page.post(
        f"{API}/tables/items",
        json={**query, "format": "dynamodb", "values": {":id": {"S": "page-1"}}},
    ).json()
    assert raw["items"] == [{"id": {"S": "page-1"}}]
    bad = page.post(f"{API}/tables/items", json={**query, "keyCondition": "nope = :id"}).json()
    assert bad["type"] == "ValidationException"

    deleted = page.post(
        f"{API}/tables/items/delete", json={"table": NOTES, "key": {"id": "page-1"}}
    )
    assert deleted.json() == {"deleted": True}
    assert page.post(f"{API}/tables/reset").json() == {"ok": True}
    after = {item["id"] for item in client.get(f"{API}/tables/{NOTES}/export").json()}
    assert after == {"seeded"}


# ---- events, queues, schedules, streams -----------------------------------------------------


def test_publish_send_fire_and_stream_records(
    sandbox: Sandbox, client: httpx.Client, page: httpx.Client
) -> None:
    published = page.post(f"{API}/events/pinged", json={"message": {"hello": 1}})
    assert published.status_code == 200 and published.json()["messageId"]
    assert newest(client, "event pinged")["output"] == ['pinged with {"hello": 1}']

    sent = page.post(f"{API}/queues/jobs", json={"body": "job one"}).json()
    assert sent["messageId"] and sent["sequenceNumber"]  # jobs is FIFO, Architect's default
    assert newest(client, "queue jobs (1 message)")["output"] == ["job job one"]

    fired = page.post(f"{API}/schedules/tick/fire")
    assert fired.status_code == 202
    assert newest(client, "schedule tick")["output"][0].startswith("tick at ")

    page.put(f"{API}/tables/items", json={"table": NOTES, "item": {"id": "streamed"}})
    sandbox.idle()
    bus = client.get(f"{API}/bus").json()
    assert [q["name"] for q in bus["queues"]] == ["jobs"]
    assert bus["queues"][0]["counts"] == {"visible": 0, "not_visible": 0, "delayed": 0}
    assert bus["schedules"][0]["expression"] == "rate(1 day)" and bus["schedules"][0]["nextFire"]
    keys = [r["dynamodb"]["Keys"] for r in bus["streamRecords"]]
    assert {"id": {"S": "streamed"}} in keys

    unknown = page.post(f"{API}/events/nope", json={"message": "x"})
    assert unknown.status_code == 400 and "no event 'nope' in @events" in unknown.json()["message"]
    missing = page.post(f"{API}/schedules/nope/fire")
    assert missing.status_code == 404 and "declared: tick" in missing.json()["message"]


# ---- who may use it -------------------------------------------------------------------------


def test_changes_need_the_pages_origin_and_token(sandbox: Sandbox, page: httpx.Client) -> None:
    target = f"{sandbox.url}{API}/schedules/tick/fire"
    token = page.headers["x-pyarc-inspector"]
    no_origin = httpx.post(target, headers={"x-pyarc-inspector": token})
    foreign = httpx.post(
        target, headers={"origin": "https://evil.example", "x-pyarc-inspector": token}
    )
    no_token = httpx.post(target, headers={"origin": sandbox.url})
    wrong_token = httpx.post(target, headers={"origin": sandbox.url, "x-pyarc-inspector": "guess"})
    for refused in (no_origin, foreign, no_token, wrong_token):
        assert refused.status_code == 403, refused.text
    assert "https://evil.example" in foreign.json()["message"]
    assert "token" in no_token.json()["message"]
    assert page.post(target).status_code == 202


def test_a_foreign_host_name_is_refused_even_for_reading(sandbox: Sandbox) -> None:
    """DNS rebinding: a site whose name resolves to 127.0.0.1 reaches the port with its own
    Host header; the inspector answers only its own host names."""
    rebound = httpx.get(f"{sandbox.url}{API}/invocations", headers={"host": "evil.example:80"})
    assert rebound.status_code == 403
    assert "evil.example" in rebound.json()["message"]
    local = httpx.get(
        f"{sandbox.url}{API}/invocations", headers={"host": f"localhost:{sandbox.port}"}
    )
    assert local.status_code == 200


def test_the_overview_names_the_app_its_ports_and_functions(
    sandbox: Sandbox, client: httpx.Client
) -> None:
    overview = client.get(f"{API}/overview").json()
    assert (overview["app"], overview["ports"]["http"], overview["keep"]) == (
        "inspected",
        sandbox.port,
        500,
    )
    assert {"http:get-index", "ws:default", "scheduled:tick", "tables-streams:notes"} <= set(
        overview["functions"]
    )
    assert overview["counts"] == {
        "http": 3,
        "ws": 3,
        "tables": 1,
        "events": 1,
        "queues": 1,
        "scheduled": 1,
        "streams": 1,
    }


def test_the_page_is_served_with_a_strict_content_policy(client: httpx.Client) -> None:
    html = client.get("/_pyarc/")
    assert html.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in html.headers["content-security-policy"]
    assert client.get("/_pyarc", follow_redirects=False).headers["location"] == "/_pyarc/"
    script = client.get("/_pyarc/assets/app.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert client.get("/_pyarc/assets/../api.py").status_code == 404
    assert client.get("/_pyarc/assets/nothing.js").status_code == 404
    nowhere = client.get("/_pyarc/api/nowhere")
    assert nowhere.status_code == 404
    assert nowhere.json() == {
        "message": "The inspector has nothing at /_pyarc/api/nowhere; open /_pyarc/."
    }
    assert client.get("/_pyarc/app").json()["app"] == "inspected"  # LocalApi still answers


def test_no_inspector_serves_no_page_and_records_nothing(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    with Sandbox(app, config=SandboxConfig(inspector=False)) as running:
        assert running.server is not None and running.server.recorder is None
        with httpx.Client(base_url=running.url) as http:
            assert http.get("/").text == "home"
            off = http.get("/_pyarc/")
            assert off.status_code == 404 and "--no-inspector" in off.json()["message"]
            assert http.get("/_pyarc/api/invocations").status_code == 404
            assert http.get("/_pyarc/app").json()["app"] == "inspected"


def test_the_banner_links_the_inspector(sandbox: Sandbox) -> None:
    lines = banner_lines(sandbox.inventory, Ports(3333), "127.0.0.1", 1.0, inspector=True)
    assert any("http://localhost:3333/_pyarc/" in line for line in lines)
    without = banner_lines(sandbox.inventory, Ports(3333), "127.0.0.1", 1.0)
    assert not any("/_pyarc/" in line for line in without)


def test_retries_show_with_the_buses_own_sentence(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    (app / "app.arc").write_text((app / "app.arc").read_text().replace("pinged", "pinged\nbroken"))
    handler = app / "src/events/broken/lambda.py"
    handler.parent.mkdir(parents=True)
    handler.write_text("def handler(event, context):\n    raise RuntimeError('not today')\n")
    with Sandbox(app) as running, httpx.Client(base_url=running.url, timeout=30) as http:
        http.post(f"{API}/events/broken", headers=page_headers(http), json={"message": "x"})

        def noted() -> list[dict[str, Any]]:
            return http.get(f"{API}/bus").json()["deliveryNotes"]

        wait_until(lambda: noted() != [], timeout=30, what="the bus's retry sentence")
        (note,) = noted()
        assert note["message"].startswith("event broken (")
        assert "attempt 1 of 3 failed (RuntimeError: not today); retrying" in note["message"]
        broken = next(e for e in http.get(f"{API}/bus").json()["events"] if e["name"] == "broken")
        assert (broken["retried"], broken["dropped"], broken["failedInvocations"]) == (1, 0, 1)


def test_a_manifest_reload_reaches_open_pages(tmp_path: Path) -> None:
    app = write_app(tmp_path)
    with Sandbox(app, watch=False) as running, httpx.Client(base_url=running.url) as http:
        with http.stream("GET", f"{API}/live", timeout=30) as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            (app / "app.arc").write_text(MANIFEST_WITH_NEW_ROUTE)
            server = running.server
            assert server is not None

            async def reload() -> bool:
                return server.reload_inventory()

            assert running.call(reload)
            changed = next(line for line in lines if line.startswith('data: {"what"'))
        assert json.loads(changed[6:]) == {"what": "inventory"}
        paths = [route["path"] for route in http.get(f"{API}/routes").json()["http"]]
        assert "/new" in paths


MANIFEST_WITH_NEW_ROUTE = "@app\ninspected\n\n@http\nget /\nget /new\n"
