"""Options page: server URL and key are saved, and "Test connection" reaches /healthz."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .stub_server import StubServer

pytestmark = pytest.mark.browser


def test_options_save_and_test_connection(page: Any, extension: Any, stub_server: StubServer) -> None:
    extension.set_settings(serverUrl="http://127.0.0.1:8000", apiKey="", showButton=True)
    page.goto(extension.url("options/options.html"))
    assert page.locator("#server").input_value() == "http://127.0.0.1:8000"

    page.fill("#server", stub_server.url + "/")
    page.fill("#key", "  my-key ")
    page.uncheck("#button")
    page.click("#save")
    status = page.locator("#status")
    expect(status).to_have_text("Saved.")
    saved = extension.settings()
    assert saved == {"serverUrl": stub_server.url, "apiKey": "my-key", "showButton": False}

    stub_server.clear()
    page.click("#test")
    expect(status).to_have_text(re.compile(r"^(OK|Failed)"))
    assert status.inner_text().startswith("OK")
    health = [r for r in stub_server.requests if r.path == "/healthz"]
    assert len(health) == 1
    assert health[0].headers.get("Authorization") == "Bearer my-key"


def test_options_test_connection_failure(page: Any, extension: Any) -> None:
    doomed = StubServer().start()
    url = doomed.url
    doomed.stop()
    page.goto(extension.url("options/options.html"))
    page.fill("#server", url)
    page.click("#test")
    expect(page.locator("#status")).to_have_text(re.compile(r"^(OK|Failed)"))
    assert "can't reach" in page.locator("#status").inner_text()


def test_options_reject_bad_url(page: Any, extension: Any) -> None:
    page.goto(extension.url("options/options.html"))
    page.fill("#server", "javascript:alert(1)")
    page.click("#save")
    expect(page.locator("#status")).to_contain_text("http")
