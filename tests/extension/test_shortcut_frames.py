"""The keyboard shortcut: assigned on install, named on the options page, and it looks up
the selection of the frame the selection is in (not always the top frame).

Chromium handles extension shortcuts in the browser process, which a DevTools-sent key
press never reaches (Playwright's key events go straight to the page); the Chromium tests
call the background's ``commands.onCommand`` listener, which the key press fires. The
Firefox run (``test_firefox.py``) sends the real key press to the browser window.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .helpers import SEED_SENTENCE, SELECT_JS, open_seed_page, select

pytestmark = pytest.mark.browser

SHORTCUT = "Alt+Shift+K"

RUN_COMMAND = """async (url) => {
    const [tab] = await chrome.tabs.query({url});
    await ClaimScope.background.onCommand("lookup-selection", tab);
    return tab.id;
}"""


def test_shortcut_is_assigned_on_install(extension: Any) -> None:
    commands = extension.worker().evaluate("chrome.commands.getAll()")
    lookup = next(c for c in commands if c["name"] == "lookup-selection")
    assert lookup["shortcut"] == SHORTCUT, commands


def test_options_page_names_the_shortcut(page: Any, extension: Any) -> None:
    page.goto(extension.url("options/options.html"))
    shortcut = page.locator("#shortcut")
    expect(shortcut).to_contain_text(SHORTCUT)
    assert "chrome://extensions/shortcuts" in shortcut.inner_text()


def test_shortcut_in_the_top_frame(page: Any, page_server: Any, extension: Any, on_server: str) -> None:
    url = open_seed_page(page, page_server, "/shortcut.html")
    page.wait_for_timeout(300)
    select(page, SEED_SENTENCE, "#seed")
    extension.worker().evaluate(RUN_COMMAND, url)
    page.wait_for_selector('[data-claimscope="card"][data-state="match"]', timeout=10000)


@pytest.mark.parametrize("origin", ["same", "cross"])
def test_shortcut_in_an_iframe(
    page: Any, page_server: Any, extension: Any, on_server: str, origin: str
) -> None:
    """The selection is in an iframe (same origin, and another origin): the background
    asks each frame only whether it has a selection, and that frame's content script (there
    since the manifest says all_frames) looks it up and shows the card inside the frame."""
    inner = page_server.add(
        f"/inner-{origin}.html", '<p id="seed">Al Ezz replied: “The Americans are on our side.”</p>'
    )
    if origin == "cross":
        inner = inner.replace("127.0.0.1", "localhost")
    url = page_server.add(
        f"/outer-{origin}.html",
        f'<h1>Outer page</h1><p id="top">Nothing selected up here at all.</p>'
        f'<iframe src="{inner}" width="900" height="600"></iframe>',
    )
    page.goto(url)
    frame_locator = page.frame_locator("iframe")
    frame_locator.locator("#seed").wait_for()
    frame = next(f for f in page.frames if f.url == inner)
    frame.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(300)
    frame.evaluate(SELECT_JS, ["#seed", SEED_SENTENCE])
    extension.worker().evaluate(RUN_COMMAND, url)
    frame_locator.locator('[data-claimscope="card"][data-state="match"]').wait_for(timeout=10000)
    top_card = "document.getElementById('claimscope-root')?.shadowRoot?.querySelector('.card') ?? null"
    assert page.evaluate(top_card) is None
