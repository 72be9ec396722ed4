"""The example end to end in a real browser: Debian's chromium driven by Playwright,
two tabs on one sandbox, watching each other's birds turn and leave."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from pyarc.testing import wait_until
from tests.browser import chromium

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MINE = re.compile(r"\bmine\b")

pytestmark = pytest.mark.timeout(120)
# Auto-waiting assertions poll until true; a generous ceiling keeps a loaded CI machine
# (cold handler workers, 2 shared cores) from failing a test that would pass.
expect.set_options(timeout=15_000)


@pytest.fixture(params=["cage_socket", "cage_socket_js"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The Python example, then the JavaScript one (@architect/functions): one page, one
    protocol, the same tests."""
    from pyarc.testing import Sandbox

    with Sandbox(EXAMPLES / request.param) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def open_tab(browser: Browser, url: str, **viewport: int) -> Page:
    page = browser.new_context(viewport=viewport or {"width": 1100, "height": 760}).new_page()
    page.goto(url)
    expect(page.locator(".cage-card.mine")).to_have_count(1)
    return page


def own_id(page: Page) -> str:
    connection_id = page.locator(".cage-card.mine").get_attribute("data-connection-id")
    assert connection_id
    return connection_id


def card(page: Page, connection_id: str) -> Any:
    return page.locator(f'.cage-card[data-connection-id="{connection_id}"]')


def connections(base_url: str) -> dict[str, str]:
    answer = httpx.get(f"{base_url}/connections", timeout=5)
    answer.raise_for_status()
    return {c["id"]: c["direction"] for c in answer.json()["connections"]}


def test_two_tabs_see_each_other_turn_and_leave(sandbox: Any, browser: Browser) -> None:
    first = open_tab(browser, sandbox.url + "/")
    second = open_tab(browser, sandbox.url + "/")
    first_id, second_id = own_id(first), own_id(second)
    assert first_id != second_id

    for page in (first, second):
        expect(page.locator(".cage-card")).to_have_count(2)
        expect(page.locator(".cage-card svg .head")).to_have_count(2)  # the drawn birds
        expect(page.locator("#status")).to_have_attribute("data-state", "live")
    expect(card(second, first_id)).not_to_have_class(MINE)
    expect(card(first, second_id)).not_to_have_class(MINE)

    first.get_by_role("button", name="Left").click()
    expect(card(second, first_id)).to_have_attribute("data-direction", "left")
    expect(card(first, first_id)).to_have_attribute("data-direction", "left")
    second.get_by_role("button", name="Right").click()
    expect(card(first, second_id)).to_have_attribute("data-direction", "right")
    expect(card(second, first_id)).to_have_attribute("data-direction", "left")
    assert connections(sandbox.url) == {first_id: "left", second_id: "right"}

    ARTIFACTS.mkdir(exist_ok=True)
    second.screenshot(path=str(ARTIFACTS / "cage_socket_two_tabs.png"))

    first.context.close()
    expect(second.locator(".cage-card")).to_have_count(1)
    expect(card(second, second_id)).to_have_class(MINE)
    wait_until(lambda: list(connections(sandbox.url)) == [second_id], 10, "/connections")
    second.context.close()


def test_a_tab_reconnects_and_keeps_its_direction_after_its_socket_is_closed(
    sandbox: Any, browser: Browser
) -> None:
    page = open_tab(browser, sandbox.url + "/", width=390, height=844)  # a phone
    page.get_by_role("button", name="Right").click()
    old_id = own_id(page)
    wait_until(lambda: connections(sandbox.url).get(old_id) == "right", 10, "the turn")
    looks = bird_looks(page, old_id)
    assert looks["colour"] != "" and looks["name"]

    management = boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    management.delete_connection(ConnectionId=old_id)  # the server hangs up

    expect(page.locator(".cage-card.mine")).not_to_have_attribute("data-connection-id", old_id)
    expect(page.locator("#status")).to_have_attribute("data-state", "live")
    new_id = own_id(page)
    expect(card(page, new_id)).to_have_attribute("data-direction", "right")
    wait_until(lambda: connections(sandbox.url) == {new_id: "right"}, 10, "the new record")
    assert bird_looks(page, new_id) == looks  # same name and colour after the reconnect
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cage_socket_phone.png"))
    page.context.close()


def bird_looks(page: Page, connection_id: str) -> dict[str, str]:
    """The colour index and name a card shows (the colour also as its painted plumage)."""
    bird = card(page, connection_id)
    expect(bird.locator(".name")).not_to_have_text("")
    return {
        "colour": bird.get_attribute("data-colour") or "",
        "plumage": bird.evaluate("el => el.style.getPropertyValue('--plumage')"),
        "name": bird.locator(".name").inner_text(),
    }


def test_tabs_get_distinct_colours_and_keep_them_across_a_reload(
    sandbox: Any, browser: Browser
) -> None:
    tabs = [open_tab(browser, sandbox.url + "/") for _ in range(3)]
    ids = [own_id(tab) for tab in tabs]
    last = tabs[-1]
    expect(last.locator(".cage-card")).to_have_count(3)
    looks = {connection_id: bird_looks(last, connection_id) for connection_id in ids}
    assert len({look["colour"] for look in looks.values()}) == 3
    assert len({look["plumage"] for look in looks.values()}) == 3
    assert len({look["name"] for look in looks.values()}) == 3
    for tab, connection_id in zip(tabs, ids, strict=True):  # every tab agrees
        assert bird_looks(tab, connection_id) == looks[connection_id]

    first = tabs[0]
    first.reload()  # a new connection, the same tab (sessionStorage survives)
    expect(first.locator(".cage-card.mine")).not_to_have_attribute("data-connection-id", ids[0])
    assert bird_looks(first, own_id(first)) == looks[ids[0]]
    for tab in tabs:
        tab.context.close()


def test_only_the_selected_direction_looks_selected_after_mouse_then_keys(
    sandbox: Any, browser: Browser
) -> None:
    page = open_tab(browser, sandbox.url + "/")
    page.add_style_tag(content="* { transition: none !important; }")  # final styles at once
    page.get_by_role("button", name="Left").click()
    page.mouse.move(0, 0)  # no hover styling in the way
    page.keyboard.press("ArrowRight")
    expect(card(page, own_id(page))).to_have_attribute("data-direction", "right")
    looking_selected = page.evaluate(
        """() => {
            const buttons = [...document.querySelectorAll(".controls button")];
            const pressed = buttons.find((b) => b.getAttribute("aria-pressed") === "true");
            const selectedBackground = getComputedStyle(pressed).backgroundColor;
            return buttons.filter((b) => {
                const style = getComputedStyle(b);
                return style.backgroundColor === selectedBackground || style.outlineStyle !== "none";
            }).map((b) => b.dataset.direction);
        }"""
    )
    assert looking_selected == ["right"]
    page.keyboard.press("ArrowLeft")
    page.get_by_role("button", name="Centre").click()
    page.mouse.move(0, 0)
    page.keyboard.press("ArrowUp")  # centre again, by key, with Centre focused
    page.keyboard.press("ArrowRight")
    pressed = page.locator('.controls button[aria-pressed="true"]')
    expect(pressed).to_have_count(1)
    expect(pressed).to_have_attribute("data-direction", "right")
    focused = page.evaluate("() => document.activeElement.dataset.direction ?? null")
    assert focused == "right"
    page.context.close()
