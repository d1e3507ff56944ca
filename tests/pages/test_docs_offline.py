"""/docs works offline: Swagger UI's script, styles and favicon come from this server, and a
real Chromium, with every request to another host aborted, shows the operations list."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest

from tests.factories import client_for
from tests.live_server import LiveServer, load_demo

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPERATIONS_TIMEOUT_MS = 30_000
T = TypeVar("T")


def test_docs_pages_name_no_other_host(sqlite_url: str) -> None:
    with client_for(sqlite_url) as client:
        for path in ("/docs", "/redoc"):
            page = client.get(path)
            assert page.status_code == 200
            assert "https://" not in page.text and "http://" not in page.text, path
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"):
            resp = client.get(f"/static/docs/{asset}")
            assert resp.status_code == 200 and len(resp.content) > 1000, asset
        assert client.get("/favicon.ico").headers["content-type"] == "image/png"
        assert client.get("/static/docs/secrets.txt").status_code == 404


def _chromium() -> str:
    found = os.environ.get("CLAIMSCOPE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        if os.environ.get("CLAIMSCOPE_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required")
        pytest.skip("no chromium installed")
    return found


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    load_demo(url)
    with LiveServer(url, env={"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0"}, log_dir=tmp_path) as server:
        yield server


def _in_own_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own: Playwright's sync API refuses a thread whose asyncio
    loop runs already (the extension tests keep a browser open for the session)."""
    done: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(work())
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, name="docs-browser")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return done[0]


@pytest.mark.browser
def test_docs_load_in_chromium_with_the_network_cut_off(demo_server: LiveServer) -> None:
    executable = _chromium()
    aborted: list[str] = []
    served: list[str] = []

    def only_loopback(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK or url.startswith(("data:", "blob:")):
            served.append(url)
            route.continue_()
        else:
            aborted.append(url)
            route.abort()

    def browse() -> list[str]:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context()
                context.route("**/*", only_loopback)
                page = context.new_page()
                page.goto(f"{demo_server.url}/docs")
                page.wait_for_selector(".opblock", timeout=OPERATIONS_TIMEOUT_MS)
                operations = page.locator(".opblock-summary-path").all_inner_texts()
                page.wait_for_load_state("networkidle")
                return operations
            finally:
                browser.close()

    operations = _in_own_thread(browse)
    assert aborted == []
    assert any("/v1/match" in op for op in operations) and any("/v1/documents" in op for op in operations)
    assert any(u.endswith("/static/docs/swagger-ui-bundle.js") for u in served)
    assert any(u.endswith("/static/docs/favicon.png") for u in served)


def test_missing_claim_page_says_not_found(sqlite_url: str) -> None:
    with client_for(sqlite_url) as client:
        page = client.get("/claims/999999")
        assert page.status_code == 404
        assert "not found" in page.text.lower() and "Claim 999999" in page.text
        home = client.get("/search")
        assert 'href="/review"' in home.text
