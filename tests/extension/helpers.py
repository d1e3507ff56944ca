"""Page content and in-page actions shared by the extension tests."""

from __future__ import annotations

from typing import Any

SEED_SENTENCE = "The Americans are on our side"
NO_MATCH_SENTENCE = "The quarterly earnings call is scheduled for Thursday"

SEED_ARTICLE = """
<article style="max-width: 640px; margin: 40px auto; font: 18px/1.6 Georgia, serif">
  <h1>Al-Nusra commander: the Americans are on our side</h1>
  <p id="before">The interview was published in a German newspaper and picked up by several
  outlets in the following days.</p>
  <p id="seed">The German journalist asked if US instructors were really present among the
  jihadists’ ranks. Al Ezz replied: “The Americans are on our side.”</p>
  <p id="other">The quarterly earnings call is scheduled for Thursday, the company said in a
  short statement.</p>
</article>
"""

# Page CSS that tries to break anything injected: the card must not care.
HOSTILE_CSS = """
<style>
  div, button, section, p, span { all: unset !important; color: red !important;
    font-size: 4px !important; display: none !important; }
  article, article p, article h1 { display: block !important; font-size: 18px !important; }
  #claimscope-root { display: none !important; opacity: 0 !important; }
</style>
"""

SELECT_JS = """
([selector, needle]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(needle);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      const r = range.getBoundingClientRect();
      root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true, clientX: r.right, clientY: r.bottom}));
      return true;
    }
  }
  return false;
}
"""


def select(page: Any, needle: str, selector: str = "body") -> None:
    """Select ``needle`` (inside one text node under ``selector``) and fire mouseup."""
    assert page.evaluate(SELECT_JS, [selector, needle]), f"{needle!r} not found on the page"


def wait_for_trigger(page: Any, needle: str, selector: str = "body") -> Any:
    """Select text until the selection button shows (the content script starts at
    document_idle, possibly just after the test's first selection)."""
    trigger = page.locator('[data-claimscope="trigger"]')
    for _ in range(10):
        select(page, needle, selector)
        try:
            trigger.wait_for(state="visible", timeout=500)
            return trigger
        except Exception:
            continue
    trigger.wait_for(state="visible", timeout=1000)
    return trigger


def ask_with_button(page: Any, needle: str, selector: str = "body") -> Any:
    """Select text, click the selection button, return the card locator."""
    wait_for_trigger(page, needle, selector).click()
    card = page.locator('[data-claimscope="card"]')
    card.wait_for(state="visible", timeout=5000)
    page.wait_for_selector('[data-claimscope="card"]:not([data-state="loading"])', timeout=10000)
    return card


def open_seed_page(page: Any, page_server: Any, path: str = "/article.html", head: str = "") -> str:
    url = page_server.add(path, SEED_ARTICLE, title="Seed article", head=head)
    page.goto(url)
    # the manifest's content script runs at document_idle
    page.wait_for_function("document.readyState === 'complete'")
    return url
