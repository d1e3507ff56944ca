"""The card stays inside the viewport (1280×800 here) and scrolls inside itself, whatever
the length of the answer and wherever the selection is; a selection over the server's limit
is matched by its first sentences, with a note."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import save_screenshot
from .helpers import wait_for_trigger
from .stub_server import LONG_SENTENCE, StubServer

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def on_stub(extension: Any, stub_server: StubServer) -> StubServer:
    extension.set_settings(serverUrl=stub_server.url, apiKey="", showButton=True)
    return stub_server


def _long_page(page_server: Any, path: str, spacer_px: int) -> str:
    return page_server.add(
        path,
        f'<div style="height:{spacer_px}px"></div>'
        f'<p id="long" style="max-width:700px;margin:0 40px;font-size:18px">{LONG_SENTENCE}, the spokesman '
        "said again on Friday.</p>"
        '<div style="height:1600px"></div>',
    )


def _open_card(page: Any, needle: str, selector: str) -> Any:
    wait_for_trigger(page, needle, selector).click()
    card = page.locator('[data-claimscope="card"]')
    page.wait_for_selector('[data-claimscope="card"][data-state="match"]', timeout=10000)
    page.wait_for_timeout(200)  # the pop-in animation
    return card


def _assert_inside(page: Any, card: Any) -> None:
    box = card.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= WIDTH and box["y"] + box["height"] <= HEIGHT, box
    # the body scrolls inside the card; the footer link is in view without scrolling the page
    scroll = card.locator(".body").evaluate("el => [el.scrollHeight, el.clientHeight]")
    assert scroll[0] > scroll[1], scroll
    link = card.locator("a.claim-link").bounding_box()
    assert link is not None and link["y"] + link["height"] <= HEIGHT, link


@pytest.mark.parametrize("where", ["top", "middle", "bottom"])
def test_long_answer_stays_in_the_viewport(
    page: Any, page_server: Any, on_stub: StubServer, where: str
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    spacer = {"top": 20, "middle": 1100, "bottom": 1650}[where]
    page.goto(_long_page(page_server, f"/long-{where}.html", spacer))
    page.wait_for_function("document.readyState === 'complete'")
    if where != "top":
        # bring the paragraph to the middle, or to the very bottom of the viewport
        offset = HEIGHT // 2 if where == "middle" else HEIGHT - 40
        page.evaluate(f"window.scrollTo(0, {spacer} - {offset})")
    card = _open_card(page, LONG_SENTENCE, "#long")
    _assert_inside(page, card)
    # and it does not cover the selection (there is room beside it)
    box = card.bounding_box()
    sel = page.evaluate(
        "() => { const r = getSelection().getRangeAt(0).getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
    )
    overlap_x = min(box["x"] + box["width"], sel["x"] + sel["width"]) - max(box["x"], sel["x"])
    overlap_y = min(box["y"] + box["height"], sel["y"] + sel["height"]) - max(box["y"], sel["y"])
    assert overlap_x <= 0 or overlap_y <= 0, (box, sel)
    if where == "bottom":
        save_screenshot(page, "card-long.png")


def test_long_selection_matched_by_its_first_sentences(
    page: Any, page_server: Any, on_stub: StubServer
) -> None:
    filler = " ".join(f"Sentence number {i} adds words to a very long highlight." for i in range(90))
    text = f"Al Ezz replied that the Americans are on our side. He said it twice. {filler}"
    assert len(text) > on_stub.max_match_chars
    url = page_server.add("/long-selection.html", f'<p id="all">{text}</p>')
    page.goto(url)
    on_stub.clear()
    wait_for_trigger(page, text, "#all").click()
    card = page.locator('[data-claimscope="card"]')
    page.wait_for_selector('[data-claimscope="card"][data-state="match"]', timeout=10000)
    note = card.locator('[data-claimscope="truncated"]').inner_text()
    assert f"({len(text)} characters)" in note and "first 3 sentence" in note
    sent = [r.body["text"] for r in on_stub.matches()]
    assert len(sent) == 2 and len(sent[0]) == len(text)
    first_three = (
        "Al Ezz replied that the Americans are on our side. He said it twice. "
        "Sentence number 0 adds words to a very long highlight."
    )
    assert sent[1] == first_three
    suffix = on_stub.matches()[1].body["suffix"]
    assert suffix == text[len(first_three) :].lstrip()[:64]  # the rest of the selection follows it
    assert "Selection too long" not in card.inner_text()
