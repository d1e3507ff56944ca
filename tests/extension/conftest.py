"""Fixtures for the extension tests: a ClaimScope server, a page server, and Chromium with
the unpacked extension loaded.

Chromium is Debian's ``/usr/bin/chromium`` (``apt-get install chromium``), driven by
Python Playwright (``pip install playwright``; never ``playwright install``). Extensions need
the new headless mode, so the browser starts "headed" with ``--headless=new`` in its args.

The server: ``claimscope_server`` yields the base URL of a real uvicorn started over the
seed articles (or ``CLAIMSCOPE_EXT_SERVER_URL``, or the stub with
``CLAIMSCOPE_EXT_USE_STUB=1``). Tests that must see what the server received (privacy,
hostile answers, API key) always use the stub through ``stub_server``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .stub_server import StubServer

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS = EXTENSION_DIR / "docs"
CHROMIUM = os.environ.get("CLAIMSCOPE_CHROMIUM", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless=new",  # the old headless mode cannot load extensions
    f"--disable-extensions-except={EXTENSION_DIR}",
    f"--load-extension={EXTENSION_DIR}",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# -- servers --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stub_server() -> Iterator[StubServer]:
    """The recording stub; always the stub, whatever ``claimscope_server`` is."""
    server = StubServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def claimscope_server(stub_server: StubServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the ClaimScope server the content tests run against: a real uvicorn over
    a SQLite file holding the seed articles (``CLAIMSCOPE_EXT_SERVER_URL`` names another
    running server; ``CLAIMSCOPE_EXT_USE_STUB=1`` falls back to the stub)."""
    named = os.environ.get("CLAIMSCOPE_EXT_SERVER_URL", "").rstrip("/")
    if named or os.environ.get("CLAIMSCOPE_EXT_USE_STUB") == "1":
        yield named or stub_server.url
        return
    from tests.conftest import require_seeds
    from tests.live_server import LiveServer, load_demo

    seeds = require_seeds()  # the content tests look for seed articles: skip, not fail, without them
    db_url = f"sqlite:///{tmp_path_factory.mktemp('ext-server') / 'seeds.sqlite'}"
    load_demo(db_url, seeds)
    with LiveServer(db_url, env={"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0"}) as server:
        yield server.url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PageServer:
    """Serves test pages from memory on 127.0.0.1 (the content script runs on http pages)."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                html = pages.get(self.path.split("?")[0])
                raw = (html or "not found").encode()
                self.send_response(200 if html is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add(self, path: str, body: str, *, title: str = "Test page", head: str = "") -> str:
        self.pages[path] = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"{head}</head><body>{body}</body></html>"
        )
        return self.base + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def page_server() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.stop()


# -- browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_context() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CLAIMSCOPE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} not found (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not found: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CLAIMSCOPE_REQUIRE_BROWSER"):
            raise
        pytest.skip("Python Playwright is not installed: pip install playwright")
    user_data = tempfile.mkdtemp(prefix="claimscope-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data,
            executable_path=CHROMIUM,
            headless=False,  # "--headless=new" in the args instead
            args=CHROMIUM_ARGS,
            viewport={"width": 1000, "height": 860},
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture(scope="session")
def extension_id(browser_context: Any) -> str:
    workers = browser_context.service_workers
    worker = workers[0] if workers else browser_context.wait_for_event("serviceworker", timeout=15000)
    return str(worker.url.split("/")[2])


class Extension:
    """Handles to the loaded extension: its id, its pages, its settings."""

    def __init__(self, context: Any, ext_id: str) -> None:
        self.context = context
        self.id = ext_id

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.id}/{path}"

    def worker(self) -> Any:
        """The background service worker (woken by opening an extension page if stopped)."""
        for worker in self.context.service_workers:
            if self.id in worker.url:
                return worker
        page = self.context.new_page()
        try:
            page.goto(self.url("options/options.html"))
            for worker in self.context.service_workers:
                if self.id in worker.url:
                    return worker
            return self.context.wait_for_event("serviceworker", timeout=10000)
        finally:
            page.close()

    def set_settings(self, **values: Any) -> None:
        """Write settings straight into storage.local (from an extension page)."""
        page = self.context.new_page()
        try:
            page.goto(self.url("options/options.html"))
            page.evaluate(f"chrome.storage.local.set({json.dumps(values)})")
        finally:
            page.close()

    def settings(self) -> dict[str, Any]:
        page = self.context.new_page()
        try:
            page.goto(self.url("options/options.html"))
            return dict(page.evaluate("chrome.storage.local.get(null)"))
        finally:
            page.close()


@pytest.fixture(scope="session")
def extension(browser_context: Any, extension_id: str) -> Extension:
    return Extension(browser_context, extension_id)


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def save_screenshot(page: Any, name: str, *, docs: bool = False) -> Path:
    """Save under tests/artifacts/; with ``docs``, copy to extension/docs/ too when the copy
    is missing or CLAIMSCOPE_UPDATE_DOCS is set (so test runs leave the work tree clean)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), animations="disabled")
    if docs and (os.environ.get("CLAIMSCOPE_UPDATE_DOCS") or not (DOCS / name).exists()):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / name)
    return path
