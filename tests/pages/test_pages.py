"""The server-rendered pages for people: claim, search, check — parsed, on the seeds.

Screenshots of the claim and check pages are written to ``docs/`` (shown in the README) when
they are missing or ``CLAIMSCOPE_UPDATE_DOCS=1``; the Chromium part is skipped when no browser
is installed unless ``CLAIMSCOPE_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import client_for, ingest_paths

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HIGHLIGHT = "The Americans are on our side."


class TextAndTags(HTMLParser):
    """Visible text and the classes of elements, enough to check what a page shows."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.classes: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        for name, value in attrs:
            if name == "class" and value:
                self.classes.extend(value.split())

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def parse(html: str) -> TextAndTags:
    p = TextAndTags()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Any:
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'db.sqlite'}"
    ingest_paths(url, [seeds_dir])
    with client_for(url, rate_limit_per_minute=0) as client:
        yield client, url


def _claim_id(client: TestClient) -> int:
    return client.post("/v1/match", json={"text": HIGHLIGHT}).json()["matches"][0]["claim"]["id"]


def test_claim_page_shows_timeline_responses_and_diffs(seeded: Any) -> None:
    client, _ = seeded
    claim_id = _claim_id(client)
    resp = client.get(f"/claims/{claim_id}")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    page = parse(resp.text)
    text = " ".join(page.text)
    assert page.scripts == 0
    for expected in (
        "Kölner Stadt-Anzeiger",
        "RT",
        "MintPress News",
        "Mondialisation.ca",
        "Global Research",
        "known through attribution",
        "Mark Toner",
        "denies",
        "2016-09-26",
        "2016-09-29",
    ):
        assert expected in text, expected
    assert "stance-denies" in page.classes and "first" in page.classes
    money = client.post(
        "/v1/match", json={"text": "The money came from the governments of those states"}
    ).json()["matches"][0]
    diff_page = parse(client.get(f"/claims/{money['claim']['id']}").text)
    assert "edited" in " ".join(diff_page.text)
    html = client.get(f"/claims/{money['claim']['id']}").text
    assert "<ins>" in html and "<del>" in html
    assert client.get("/claims/999999").status_code == 404


def test_search_page(seeded: Any) -> None:
    client, _ = seeded
    found = parse(client.get("/search", params={"q": HIGHLIGHT}).text)
    assert any("Americans are on our side" in t for t in found.text)
    none = parse(client.get("/search", params={"q": "The quarterly earnings call is on Thursday"}).text)
    assert "No match: this text is not in the index." in none.text


def test_check_page_reports_copies_claims_and_new_parts(seeded: Any, seeds_dir: Path) -> None:
    client, _ = seeded
    form = parse(client.get("/check").text)
    assert "Is this a repost?" in form.text
    article = next(seeds_dir.glob("001_*")).read_text(encoding="utf-8")
    pasted = article + "\n\nA brand new closing sentence that no outlet has ever printed before today.\n"
    page = parse(client.post("/check", data={"text": pasted}).text)
    text = " ".join(page.text)
    assert "Already indexed" in text and "Global Research" in text
    assert "excerpts" in text and "Mondialisation.ca" in text
    assert "Known claims it carries" in text and "New parts" in text
    assert "A brand new closing sentence" in text
    empty = client.post("/check", data={"text": "   "})
    assert empty.status_code == 422 and "empty" in empty.text


def _chromium() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def test_screenshots_for_the_readme(seeded: Any, seeds_dir: Path) -> None:
    client, url = seeded
    targets = {"claim-page.png": None, "check-page.png": None}
    if all((DOCS / n).exists() for n in targets) and os.environ.get("CLAIMSCOPE_UPDATE_DOCS") != "1":
        return
    if _chromium() is None:
        if os.environ.get("CLAIMSCOPE_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required")
        pytest.skip("no chromium installed")
    from playwright.sync_api import sync_playwright

    from tests.live_server import LiveServer

    claim_id = _claim_id(client)
    article = next(seeds_dir.glob("001_*")).read_text(encoding="utf-8")
    DOCS.mkdir(exist_ok=True)
    with LiveServer(url, env={"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0"}) as server, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        page.goto(f"{server.url}/claims/{claim_id}")
        page.screenshot(path=str(DOCS / "claim-page.png"), full_page=False)
        page.goto(f"{server.url}/check")
        page.fill("#text", article[:6000])
        page.click("button[type=submit]")
        page.wait_for_selector(".report")
        page.screenshot(path=str(DOCS / "check-page.png"), full_page=False)
        browser.close()
    assert (DOCS / "claim-page.png").stat().st_size > 10_000
