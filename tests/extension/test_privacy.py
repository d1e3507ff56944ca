"""Privacy: nothing is sent without an explicit action, and an asked lookup carries only
the selection, 64 characters of context each side, and the page address."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import SEED_SENTENCE, ask_with_button, open_seed_page, select, wait_for_trigger
from .stub_server import StubServer

pytestmark = pytest.mark.browser


def test_nothing_is_sent_without_an_action(
    page: Any, page_server: Any, extension: Any, stub_server: StubServer
) -> None:
    extension.set_settings(serverUrl=stub_server.url, apiKey="k-secret", showButton=True)
    stub_server.clear()
    url = open_seed_page(page, page_server, "/private.html")
    page.goto(url + "#token=abc")
    wait_for_trigger(page, SEED_SENTENCE, "#seed")  # the button shows: the page is live
    select(page, "German journalist asked if US instructors", "#seed")
    page.keyboard.press("Shift+ArrowRight")
    page.mouse.wheel(0, 200)
    page.reload()
    page.wait_for_timeout(300)
    select(page, SEED_SENTENCE, "#seed")
    page.wait_for_timeout(1000)
    assert stub_server.requests == []


def test_a_lookup_sends_only_the_contract(
    page: Any, page_server: Any, extension: Any, stub_server: StubServer
) -> None:
    extension.set_settings(serverUrl=stub_server.url, apiKey="k-secret", showButton=True)
    url = open_seed_page(page, page_server, "/private-article.html")
    page.goto(url + "?q=1#access_token=abc")
    stub_server.clear()
    ask_with_button(page, SEED_SENTENCE, "#seed")

    assert len(stub_server.requests) == 1
    request = stub_server.requests[0]
    assert (request.method, request.path) == ("POST", "/v1/match")
    assert set(request.body) == {"text", "prefix", "suffix", "page_url", "limit"}
    assert request.body["text"] == SEED_SENTENCE
    assert request.body["page_url"] == url + "?q=1"  # the #fragment never leaves
    prefix, suffix = request.body["prefix"], request.body["suffix"]
    assert 0 < len(prefix) <= 64 and 0 < len(suffix) <= 64
    assert prefix.endswith("Al Ezz replied: “")
    assert suffix.startswith(".” The quarterly earnings call")
    assert request.headers.get("Authorization") == "Bearer k-secret"
    assert "Cookie" not in request.headers and "Referer" not in request.headers
