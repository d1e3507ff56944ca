"""The card: a match, no match, the server down, an invalid key, the page itself in the
index, and how the card closes. Against ``claimscope_server`` (the stub, or the real server
with the seed articles) where the answer's content is checked."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import save_screenshot
from .helpers import (
    HOSTILE_CSS,
    NO_MATCH_SENTENCE,
    SEED_SENTENCE,
    SELECT_JS,
    ask_with_button,
    open_seed_page,
    select,
    wait_for_trigger,
)
from .stub_server import StubServer

pytestmark = pytest.mark.browser

# A calendar date as the card writes it: Intl.DateTimeFormat in the browser's language.
INTL_DATE = """(iso) => new Intl.DateTimeFormat(navigator.language,
    {timeZone: "UTC", year: "numeric", month: "short", day: "numeric"})
    .format(new Date(iso + "T00:00:00Z"))"""


def test_match_shows_provenance(page: Any, page_server: Any, on_server: str) -> None:
    open_seed_page(page, page_server)
    card = ask_with_button(page, SEED_SENTENCE, "#seed")

    assert card.get_attribute("data-state") == "match"
    matches = card.locator('[data-claimscope="match"]')
    assert matches.count() >= 1
    best = matches.first
    assert "side" in best.locator("mark").inner_text()

    first = card.locator(".first")
    assert re.search(r"K(ö|oe)lner Stadt-Anzeiger", first.inner_text())
    assert "known through attribution" in first.inner_text()

    # "Republished by" holds the documents that carry the text; outlets known only because
    # a document names them are listed apart, as cited sources
    reps = card.locator(".republishers .rep")
    assert reps.count() >= 2
    assert re.search(
        r"Republished by \((\d+)\)", card.locator(".republishers .part-title").text_content() or ""
    )
    cited = card.locator(".cited .cited-item")
    assert cited.count() >= 1
    assert any("RT" in t for t in cited.all_inner_texts())
    assert not any(o == "RT" for o in card.locator(".republishers .rep .outlet").all_inner_texts())
    save_screenshot(page, "card-match.png", docs=True)
    more = card.locator("button.more")
    if more.count():
        more.click()
    assert card.locator(".republishers .rep:visible").count() == reps.count()
    dates = [
        d for d in card.locator(".rep .date, .cited-item .date").all_inner_texts() if d != "date unknown"
    ]
    assert len(dates) >= 2

    responses = card.locator('[data-claimscope="response"]')
    assert any("Mark Toner" in t for t in responses.all_inner_texts())
    assert card.locator(".stance-denies").count() >= 1

    link = card.locator("a.claim-link")
    assert re.fullmatch(re.escape(on_server) + r"/claims/\d+", link.get_attribute("href") or "")


def test_no_match(page: Any, page_server: Any, on_server: str) -> None:
    open_seed_page(page, page_server)
    card = ask_with_button(page, NO_MATCH_SENTENCE, "#other")
    assert card.get_attribute("data-state") == "nomatch"
    assert "Not in the index yet" in card.inner_text()
    assert card.locator('[data-claimscope="match"]').count() == 0
    save_screenshot(page, "card-nomatch.png", docs=True)


def test_server_stopped(page: Any, page_server: Any, extension: Any) -> None:
    doomed = StubServer().start()
    url = doomed.url
    doomed.stop()
    extension.set_settings(serverUrl=url, apiKey="", showButton=True)
    open_seed_page(page, page_server)
    card = ask_with_button(page, SEED_SENTENCE, "#seed")
    assert card.get_attribute("data-state") == "offline"
    text = card.inner_text()
    assert "can't reach" in text
    assert url in text
    assert card.get_by_role("button", name="Open options").is_visible()
    save_screenshot(page, "card-offline.png", docs=True)


def test_invalid_key(page: Any, page_server: Any, extension: Any, stub_server: StubServer) -> None:
    extension.set_settings(serverUrl=stub_server.url, apiKey="wrong", showButton=True)
    stub_server.api_key = "right"
    try:
        open_seed_page(page, page_server)
        card = ask_with_button(page, SEED_SENTENCE, "#seed")
        assert card.get_attribute("data-state") == "invalid-key"
        assert "refused the API key" in card.inner_text()
        assert stub_server.matches()[-1].headers.get("Authorization") == "Bearer wrong"
        save_screenshot(page, "card-invalid-key.png")
    finally:
        stub_server.api_key = None


def test_current_page_is_a_republication(
    page: Any, page_server: Any, extension: Any, stub_server: StubServer
) -> None:
    extension.set_settings(serverUrl=stub_server.url, apiKey="", showButton=True)
    open_seed_page(page, page_server, "/republication.html")
    card = ask_with_button(page, SEED_SENTENCE, "#seed")
    # the best match is on this page: the claim's first publication, and the page's source
    note = card.locator(".page-note").inner_text()
    assert "You are reading a republication of" in note
    assert "first published by Koelner Stadt-Anzeiger" in note
    date = page.evaluate(INTL_DATE, "2016-09-26")
    assert f"(RT, {date})" in note


def test_current_page_names_its_source(
    page: Any, page_server: Any, extension: Any, stub_server: StubServer
) -> None:
    """The page is indexed, the best match is elsewhere: the page's own source only."""
    extension.set_settings(serverUrl=stub_server.url, apiKey="", showButton=True)
    open_seed_page(page, page_server, "/names-its-source.html")
    card = ask_with_button(page, SEED_SENTENCE, "#seed")
    note = card.locator(".page-note").inner_text()
    date = page.evaluate(INTL_DATE, "2016-09-26")
    assert "You are reading a republication of" in note
    assert f"first published by RT on {date}." in note


def test_card_survives_hostile_page_css(page: Any, page_server: Any, on_server: str) -> None:
    open_seed_page(page, page_server, "/ugly.html", head=HOSTILE_CSS)
    card = ask_with_button(page, SEED_SENTENCE, "#seed")
    assert card.is_visible()
    box = card.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    size = card.evaluate("el => getComputedStyle(el).fontSize")
    assert size == "14px"


def test_closing_and_keyboard(page: Any, page_server: Any, on_server: str) -> None:
    open_seed_page(page, page_server)
    card = ask_with_button(page, NO_MATCH_SENTENCE, "#other")
    # the card takes focus; Tab reaches its close button; Escape closes it
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => document.getElementById('claimscope-root').shadowRoot.activeElement?.className"
    )
    assert focused == "close"
    page.keyboard.press("Escape")
    card.wait_for(state="detached", timeout=2000)

    card = ask_with_button(page, NO_MATCH_SENTENCE, "#other")
    page.mouse.click(5, 5)  # outside
    card.wait_for(state="detached", timeout=2000)

    card = ask_with_button(page, NO_MATCH_SENTENCE, "#other")
    card.get_by_role("button", name="Close ClaimScope card").click()
    card.wait_for(state="detached", timeout=2000)


def test_button_can_be_turned_off(
    page: Any, page_server: Any, extension: Any, claimscope_server: str
) -> None:
    extension.set_settings(serverUrl=claimscope_server, apiKey="", showButton=False)
    open_seed_page(page, page_server)
    page.wait_for_timeout(300)
    select(page, SEED_SENTENCE, "#seed")
    page.wait_for_timeout(500)
    assert page.locator('[data-claimscope="trigger"]').count() == 0


def test_short_selection_gets_no_button(page: Any, page_server: Any, on_server: str) -> None:
    open_seed_page(page, page_server)
    page.wait_for_timeout(300)
    select(page, "our side", "#seed")
    page.wait_for_timeout(500)
    assert page.locator('[data-claimscope="trigger"]').count() == 0


def test_context_menu_and_shortcut_path(page: Any, page_server: Any, extension: Any, on_server: str) -> None:
    """The context menu item and the keyboard shortcut both end in the background's
    LOOKUP_SELECTION message to the tab; browser menus and global shortcuts cannot be
    driven headless, so the test sends that message the way the background does."""
    url = open_seed_page(page, page_server)
    page.wait_for_timeout(300)
    select(page, SEED_SENTENCE, "#seed")
    handled = extension.worker().evaluate(
        """async (url) => {
            const [tab] = await chrome.tabs.query({url});
            const message = {type: ClaimScope.MSG.LOOKUP_SELECTION, selectionText: null};
            return chrome.tabs.sendMessage(tab.id, message, {frameId: 0});
        }""",
        url,
    )
    assert handled == {"ok": True, "handled": True}
    page.wait_for_selector('[data-claimscope="card"][data-state="match"]', timeout=10000)


def test_rtl_text_on_a_dark_page(
    page: Any, page_server: Any, extension: Any, stub_server: StubServer
) -> None:
    extension.set_settings(serverUrl=stub_server.url, apiKey="", showButton=True)
    needle = "قال العز: الأمريكيون إلى جانبنا"
    url = page_server.add(
        "/dark-rtl.html",
        f'<article dir="rtl" lang="ar" style="margin:40px auto;max-width:600px;font-size:22px">'
        f'<p id="ar">سأل الصحفي الألماني عن المدربين. {needle}.</p></article>',
        head="<style>html,body{background:#121417;color:#e8e8e8}</style>",
    )
    page.goto(url)
    card = ask_with_button(page, needle, "#ar")
    assert card.get_attribute("data-state") == "match"
    assert "dark" in (card.get_attribute("class") or "")
    passage = card.locator(".passage").first
    assert passage.get_attribute("dir") == "auto"
    assert passage.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert card.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    save_screenshot(page, "card-dark-rtl.png", docs=True)


def test_context_menu_lookup_in_a_frame(page: Any, page_server: Any, extension: Any, on_server: str) -> None:
    """The context menu names the frame the selection is in; the background asks that frame
    (injecting the content script first if it has none)."""
    page_server.add("/inner.html", '<p id="seed">Al Ezz replied: “The Americans are on our side.”</p>')
    url = page_server.add(
        "/outer.html", '<h1>Outer</h1><iframe src="/inner.html" width="900" height="600"></iframe>'
    )
    page.goto(url)
    frame = page.frame_locator("iframe")
    frame.locator("#seed").wait_for()
    inner = next(f for f in page.frames if f.url.endswith("/inner.html"))
    page.wait_for_timeout(300)
    inner.evaluate(SELECT_JS, ["#seed", SEED_SENTENCE])

    worker = extension.worker()
    worker.evaluate(
        """async (url) => {
            const [tab] = await chrome.tabs.query({url});
            const results = await chrome.scripting.executeScript({
                target: {tabId: tab.id, allFrames: true}, func: () => location.pathname});
            const frame = results.find(r => r.result === "/inner.html");
            await ClaimScope.background.lookupInTab(tab.id, frame.frameId, null);
        }""",
        url,
    )
    frame.locator('[data-claimscope="card"][data-state="match"]').wait_for(timeout=10000)


def test_double_injection_is_harmless(page: Any, page_server: Any, extension: Any, on_server: str) -> None:
    url = open_seed_page(page, page_server)
    page.wait_for_timeout(300)
    extension.worker().evaluate(
        """async (url) => {
            const [tab] = await chrome.tabs.query({url});
            const files = chrome.runtime.getManifest().content_scripts[0].js;
            await chrome.scripting.executeScript({target: {tabId: tab.id}, files});
            await chrome.scripting.executeScript({target: {tabId: tab.id}, files});
        }""",
        url,
    )
    ask_with_button(page, SEED_SENTENCE, "#seed")
    assert page.evaluate("document.querySelectorAll('#claimscope-root').length") == 1
    assert page.locator('[data-claimscope="card"]').count() == 1


def test_loading_state(page: Any, page_server: Any, extension: Any, stub_server: StubServer) -> None:
    extension.set_settings(serverUrl=stub_server.url, apiKey="", showButton=True)
    stub_server.delay_s = 1.0
    try:
        open_seed_page(page, page_server)
        wait_for_trigger(page, SEED_SENTENCE, "#seed").click()
        card = page.locator('[data-claimscope="card"]')
        card.wait_for(state="visible", timeout=2000)
        assert card.get_attribute("data-state") == "loading"
        assert "Looking up where this came from" in card.inner_text()
        page.wait_for_selector('[data-claimscope="card"][data-state="match"]', timeout=5000)
    finally:
        stub_server.delay_s = 0.0
