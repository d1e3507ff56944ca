"""Hostile text: HTML in the selection and in every field of the server's answer is shown
as text, never run, and no javascript: URL becomes a link."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import save_screenshot
from .helpers import ask_with_button
from .stub_server import HOSTILE, HOSTILE_SCRIPT, StubServer

pytestmark = pytest.mark.browser

PAYLOAD = (
    "Look at this <img src=x onerror=window.__pwned=1> and <script>window.__pwned=1</script> pwned text here"
)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_hostile_selection_and_answer_stay_text(
    page: Any, page_server: Any, extension: Any, stub_server: StubServer
) -> None:
    extension.set_settings(serverUrl=stub_server.url, apiKey="", showButton=True)
    url = page_server.add("/hostile.html", f'<p id="hostile">{escape(PAYLOAD)}</p>')
    page.goto(url)
    stub_server.clear()

    card = ask_with_button(page, PAYLOAD, "#hostile")
    assert card.get_attribute("data-state") == "match"

    sent = stub_server.matches()[-1].body
    assert sent["text"] == PAYLOAD  # the selection went out as plain text

    text = card.inner_text()
    assert HOSTILE in text  # the server's HTML is shown literally
    assert HOSTILE_SCRIPT in text
    assert "Mark Toner" in text

    counts = card.evaluate(
        """card => ({
            dangerous: card.querySelectorAll('img, script, iframe, object, embed, b, svg').length,
            jsLinks: Array.from(card.querySelectorAll('a')).filter(a => !/^https?:/.test(a.href)).length,
            links: card.querySelectorAll('a').length,
            onAttrs: Array.from(card.querySelectorAll('*')).filter(
                el => Array.from(el.attributes).some(a => a.name.startsWith('on'))).length,
        })"""
    )
    assert counts["dangerous"] == 0
    assert counts["jsLinks"] == 0
    assert counts["onAttrs"] == 0
    assert counts["links"] >= 1  # the claim link is still there, built from the server URL

    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    save_screenshot(page, "card-hostile.png")
