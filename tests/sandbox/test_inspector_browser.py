"""The inspector in a real browser: Debian's chromium driven by Playwright, watching a
sandbox that is driven from outside (httpx, a websockets client, boto3).

Screenshots land in test-artifacts/inspector/ (the path is printed)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import connect

from pyarc.testing import Sandbox, wait_until
from tests.browser import chromium
from tests.sandbox.inspector_app import write_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "inspector"
NOTES = "inspected-staging-notes"

pytestmark = pytest.mark.timeout(180)
expect.set_options(timeout=15_000)  # cold workers on 2 shared cores


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    with Sandbox(write_app(tmp_path_factory.mktemp("inspected"))) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def open_inspector(browser: Browser, sandbox: Sandbox, scheme: str = "dark", **size: int) -> Page:
    context = browser.new_context(
        viewport=size or {"width": 1280, "height": 820},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    page = context.new_page()
    page.goto(f"{sandbox.url}/_pyarc/")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    expect(page.locator("#app-name")).to_have_text("inspected")
    return page


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def row(page: Page, trigger: str):  # type: ignore[no-untyped-def]
    return page.locator("button.inv-row", has_text=trigger)


def test_calls_from_outside_appear_live_and_open_for_detail(
    sandbox: Sandbox, browser: Browser
) -> None:
    page = open_inspector(browser, sandbox)
    httpx.get(f"{sandbox.url}/hello/browser", timeout=30)
    expect(row(page, "GET /hello/browser")).to_contain_text("200")
    with connect(f"{sandbox.ws_url}/?from=outside") as socket:
        socket.send("a frame from outside")
        expect(row(page, "ws $default")).to_contain_text("200")
        expect(row(page, "ws $connect")).to_have_count(1)
    httpx.get(f"{sandbox.url}/boom", timeout=30)
    expect(row(page, "GET /boom")).to_contain_text("ValueError")

    row(page, "GET /hello/browser").click()
    detail = page.get_by_role("complementary", name="Invocation detail")
    expect(detail).to_be_visible()
    expect(detail.locator("#detail-output")).to_contain_text("greeting browser")
    expect(detail.locator("#detail-output")).to_contain_text("a warning for browser")
    expect(detail).to_contain_text('"rawPath": "/hello/browser"')
    expect(detail).to_contain_text('"body": "hello browser"')
    shot(page, "invocations-dark.png")

    page.keyboard.press("Escape")
    expect(detail).to_be_hidden()
    functions = page.locator("#filter-function option")
    expect(functions).to_contain_text(["All functions", "http:get-index"])  # not run yet
    page.locator("#filter-function").select_option("http:get-hello-000name")
    expect(page.locator("button.inv-row")).to_have_count(1)
    page.locator("#filter-function").select_option("")
    page.locator("#filter-failed").check()
    expect(page.locator("button.inv-row")).to_have_count(1)
    row(page, "GET /boom").click()
    expect(detail).to_contain_text("ValueError: boom from the handler")
    expect(detail).to_contain_text("Traceback (most recent call last)")
    expect(detail.locator("#detail-output")).to_have_text("about to fail")
    page.context.close()


def test_a_message_sent_from_the_page_reaches_the_client(
    sandbox: Sandbox, browser: Browser
) -> None:
    page = open_inspector(browser, sandbox)
    with connect(f"{sandbox.ws_url}/?team=blue") as socket:
        wait_until(lambda: sandbox.connection_count == 1, what="the client's connection")
        page.get_by_role("tab", name="Connections").click()
        card = page.locator("article.conn")
        expect(card).to_have_count(1)
        expect(card).to_contain_text("team=blue")
        card.get_by_role("textbox").fill("hello from the inspector")
        card.get_by_role("button", name="Send").click()
        assert socket.recv(timeout=15) == "hello from the inspector"
        shot(page, "connections.png")
        card.get_by_role("button", name="Disconnect").click()
        wait_until(lambda: sandbox.connection_count == 0, what="the disconnect")
    expect(page.locator("article.conn")).to_have_count(0)
    page.get_by_role("tab", name="Invocations").click()
    expect(row(page, "ws $disconnect")).not_to_have_count(0)
    page.context.close()


def test_an_item_edited_on_the_page_is_what_boto3_reads(sandbox: Sandbox, browser: Browser) -> None:
    page = open_inspector(browser, sandbox, scheme="light")
    page.keyboard.press("4")  # the Tables tab, from the keyboard
    expect(page.get_by_role("tab", name="Tables")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#table-picker")).to_have_value(NOTES)
    seeded = page.locator("article.item", has_text="from the seed")
    expect(seeded).to_have_count(1)
    shot(page, "tables-light.png")
    seeded.get_by_role("button", name="Edit").click()
    editor = page.locator("#item-editor")
    expect(editor).to_be_visible()
    edited = {"id": "seeded", "text": "edited in the browser", "stars": 5}
    editor.fill(json.dumps(edited))
    page.get_by_role("button", name="Save item").click()
    expect(page.locator("article.item", has_text="edited in the browser")).to_have_count(1)
    dynamodb = sandbox.client("dynamodb")
    item = dynamodb.get_item(TableName=NOTES, Key={"id": {"S": "seeded"}})["Item"]
    assert item == {
        "id": {"S": "seeded"},
        "text": {"S": "edited in the browser"},
        "stars": {"N": "5"},
    }

    page.locator("article.item", has_text="edited in the browser").get_by_role(
        "button", name="Edit"
    ).click()
    editor.fill('{"text": "no key"}')
    page.get_by_role("button", name="Save item").click()
    expect(page.locator("#toast")).to_contain_text("Missing the key id in the item")
    page.get_by_role("button", name="Cancel").click()

    # what a client writes appears on the open page without a click
    dynamodb.put_item(TableName=NOTES, Item={"id": {"S": "late"}, "text": {"S": "from boto3"}})
    expect(page.locator("article.item", has_text="from boto3")).to_have_count(1)
    page.context.close()


def test_routes_can_be_tried_from_the_page(sandbox: Sandbox, browser: Browser) -> None:
    page = open_inspector(browser, sandbox)
    page.get_by_role("tab", name="Routes").click()
    route = page.locator("details.route", has_text="/hello/:name")
    expect(route).to_contain_text("src/http/get-hello-000name")
    route.locator("summary").click()
    route.get_by_label("Path").fill("/hello/tried")
    route.get_by_role("button", name="Send").click()
    expect(route.locator(".answer")).to_contain_text("200")
    expect(route.locator(".response-body")).to_have_text("hello tried")

    socket = page.locator("#ws-try")
    socket.locator("summary").click()
    socket.get_by_role("button", name="Connect").click()
    expect(socket.locator(".frames")).to_contain_text("connected to ws://")
    socket.get_by_label("Frame to send").fill("from the page")
    socket.get_by_role("button", name="Send frame").click()
    expect(socket.locator(".frames")).to_contain_text("→from the page")
    shot(page, "routes.png")
    page.get_by_role("tab", name="Invocations").click()
    expect(row(page, "GET /hello/tried")).to_contain_text("200")
    expect(row(page, "ws $default").first).to_contain_text("200")
    page.context.close()


def test_firing_a_schedule_from_the_page_runs_it(sandbox: Sandbox, browser: Browser) -> None:
    page = open_inspector(browser, sandbox)
    page.get_by_role("tab", name="Events & queues").click()
    schedule = page.locator("article[data-schedule=tick]")
    expect(schedule).to_contain_text("rate(1 day)")
    schedule.get_by_role("button", name="Fire now").click()
    page.get_by_role("tab", name="Invocations").click()
    expect(row(page, "schedule tick")).to_contain_text("ok")
    row(page, "schedule tick").click()
    expect(page.locator("#detail-output")).to_contain_text("tick at ")
    page.get_by_role("tab", name="Events & queues").click()
    shot(page, "events.png")

    # the tab re-renders on every invocation and every 3 s: what is being typed stays
    draft = page.get_by_label("Message for pinged")
    draft.fill('{"half": "typed')
    renders = page.locator("#view-bus").get_attribute("data-renders")
    sandbox.invoke("queues", "jobs", {"from": "outside"})
    expect(page.locator("#view-bus")).not_to_have_attribute("data-renders", renders or "")
    expect(draft).to_have_value('{"half": "typed')
    expect(draft).to_be_focused()
    page.context.close()


def test_a_page_on_another_site_cannot_change_anything(
    sandbox: Sandbox, browser: Browser, foreign_site: str
) -> None:
    """The classic cross-site request: a page of another site (here another local dev
    server, which the browser lets reach 127.0.0.1) POSTs to the inspector through the
    user's browser. The browser sends that page's Origin; the inspector answers 403."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{foreign_site}/")
    fire = f"{sandbox.url}/_pyarc/api/schedules/tick/fire"
    before = httpx.get(f"{sandbox.url}/_pyarc/api/invocations?function=scheduled:tick").json()
    with page.expect_response(fire) as refused:
        page.evaluate(
            "url => fetch(url, {method: 'POST', mode: 'no-cors', body: '{}'}).catch(() => {})",
            fire,
        )
    assert refused.value.status == 403
    after = httpx.get(f"{sandbox.url}/_pyarc/api/invocations?function=scheduled:tick").json()
    assert len(after["invocations"]) == len(before["invocations"])
    context.close()


@pytest.fixture
def foreign_site() -> Iterator[str]:
    """Another site on this machine (a real server, as any local dev server is)."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = b"<!doctype html><title>another site</title>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


# Records the theme once <body> exists: after the parser's task, before deferred modules run.
THEME_WHEN_BODY_PARSED = """
new MutationObserver((_, observer) => {
  if (!document.body) return;
  window.themeWhenBodyParsed = document.documentElement.dataset.theme || "";
  observer.disconnect();
}).observe(document, { childList: true, subtree: true });
"""


def test_it_reads_at_phone_width(sandbox: Sandbox, browser: Browser) -> None:
    page = open_inspector(browser, sandbox, width=390, height=844)
    httpx.get(f"{sandbox.url}/hello/phone", timeout=30)
    expect(row(page, "GET /hello/phone")).to_be_visible()
    tabs = page.get_by_role("tablist")
    assert tabs.bounding_box()["width"] <= 390  # type: ignore[index]
    shot(page, "phone.png")
    row(page, "GET /hello/phone").click()
    detail = page.get_by_role("complementary", name="Invocation detail")
    expect(detail).to_be_visible()
    box = detail.bounding_box()
    assert box is not None and box["width"] <= 390  # it covers the screen, not beside the list
    page.get_by_role("button", name="Close detail").click()
    expect(detail).to_be_hidden()

    background = "getComputedStyle(document.body).backgroundColor"
    dark = page.evaluate(background)
    page.get_by_role("button", name="Switch between dark and light").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert page.evaluate(background) != dark
    # the choice is remembered, and applied before the first paint (no flash of the other)
    page.add_init_script(THEME_WHEN_BODY_PARSED)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert page.evaluate("window.themeWhenBodyParsed") == "light"
    page.context.close()
