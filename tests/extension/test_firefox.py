"""The card test in a real Firefox: Debian's ``firefox-esr`` with the extension installed
temporarily, driven over WebDriver BiDi by puppeteer-core (``tests/tools/firefox_card.mjs``,
installed by ``tests/tools/install.sh``: ``npm ci --prefix tests/tools``).

One Firefox run goes through every scenario (install, the shortcut assigned and named on
the options page, match, no match, the shortcut as a real key press in the top frame and in
an iframe, hostile text, a long answer in 1280×800, the server stopped); each test below
checks one scenario's report. Screenshots: ``extension/docs/firefox-*.png``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import ARTIFACTS, DOCS, EXTENSION_DIR, ROOT
from .helpers import HOSTILE_CSS, NO_MATCH_SENTENCE, SEED_ARTICLE, SEED_SENTENCE
from .stub_server import HOSTILE, HOSTILE_SCRIPT, LONG_SENTENCE, StubServer
from .test_security import PAYLOAD, escape

pytestmark = pytest.mark.browser

FIREFOX = os.environ.get("CLAIMSCOPE_FIREFOX", "/usr/bin/firefox-esr")
TOOLS = ROOT / "tests" / "tools"
SCRIPT = TOOLS / "firefox_card.mjs"
SHORTCUT = "Alt+Shift+K"


def _missing() -> str | None:
    if not Path(FIREFOX).exists():
        return f"{FIREFOX} not found (apt-get install firefox-esr, or run tests/tools/install.sh)"
    if shutil.which("node") is None:
        return "node not found (apt-get install nodejs npm)"
    if not (TOOLS / "node_modules" / "puppeteer-core").is_dir():
        return "puppeteer-core is not installed: tests/tools/install.sh (npm ci --prefix tests/tools)"
    return None


@pytest.fixture(scope="module")
def firefox_run(claimscope_server: str, stub_server: StubServer, page_server: Any) -> dict[str, Any]:
    missing = _missing()
    if missing:
        if os.environ.get("CLAIMSCOPE_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    doomed = StubServer().start()
    offline = doomed.url
    doomed.stop()
    inner = page_server.add(
        "/ff-inner.html", '<p id="seed">Al Ezz replied: “The Americans are on our side.”</p>'
    )
    pages = {
        "seed": page_server.add("/ff-article.html", SEED_ARTICLE, title="Seed article"),
        "hostile": page_server.add(
            "/ff-hostile.html", f'<article><p id="hostile">{escape(PAYLOAD)}</p></article>', head=HOSTILE_CSS
        ),
        "long": page_server.add(
            "/ff-long.html",
            '<div style="height:1400px"></div>'
            f'<p id="long" style="margin:0 40px;font-size:18px">{LONG_SENTENCE}, the spokesman said.</p>'
            '<div style="height:1600px"></div>',
        ),
        "inner": inner,
        "outer": page_server.add(
            "/ff-outer.html", f'<h1>Outer page</h1><iframe src="{inner}" width="900" height="500"></iframe>'
        ),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    config = _config(claimscope_server, stub_server, offline, pages)
    return _run(config)


def _config(server: str, stub: StubServer, offline: str, pages: dict[str, str]) -> dict[str, Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return {
        "firefox": FIREFOX,
        "extension": str(EXTENSION_DIR),
        "server": server,
        "stub": stub.url,
        "offline": offline,
        "pages": pages,
        "seedSentence": SEED_SENTENCE,
        "noMatchSentence": NO_MATCH_SENTENCE,
        "hostilePayload": PAYLOAD,
        "longSentence": LONG_SENTENCE,
        "shortcut": SHORTCUT,
        "artifacts": str(ARTIFACTS),
        "docs": str(DOCS),
        "updateDocs": bool(os.environ.get("CLAIMSCOPE_UPDATE_DOCS")),
    }


def _run(config: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        ["node", str(SCRIPT), json.dumps(config)],
        cwd=TOOLS,
        capture_output=True,
        text=True,
        timeout=300,
    )
    reports: dict[str, Any] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            reports[item.get("scenario", "done" if item.get("done") else "?")] = item
    if "install" not in reports:
        pytest.fail(
            f"Firefox did not start (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    reports["_stderr"] = proc.stderr
    return reports


def report(run: dict[str, Any], name: str) -> dict[str, Any]:
    item = run.get(name)
    assert item is not None, f"no report for {name}; stderr:\n{run['_stderr'][-3000:]}"
    assert "error" not in item, item["error"]
    return item


def test_firefox_installs_the_extension(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "install")
    assert item["id"] == "claimscope@claimscope.invalid"
    assert item["version"].startswith("firefox/")


def test_firefox_shortcut_assigned_and_named(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "shortcut-assigned")
    lookup = next(c for c in item["commands"] if c["name"] == "lookup-selection")
    assert lookup["shortcut"] == SHORTCUT
    assert SHORTCUT in item["options"] and "about:addons" in item["options"]


def test_firefox_match(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "match")
    assert item["state"] == "match", item["text"]
    assert re.search(r"K(ö|oe)lner Stadt-Anzeiger", item["first"])
    assert len(item["republishers"]) >= 2
    assert "RT" in item["cited"] and "RT" not in item["republishers"]
    assert any("Mark Toner" in r for r in item["responses"])
    assert item["claimLink"] and re.search(r"/claims/\d+$", item["claimLink"])


def test_firefox_no_match(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "nomatch")
    assert item["state"] == "nomatch"
    assert "Not in the index yet" in item["text"]


def test_firefox_shortcut_key_press(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "shortcut")
    assert item["sent"] == "sent"
    assert item["state"] == "match"


def test_firefox_shortcut_in_an_iframe(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "shortcut-iframe")
    assert item["state"] == "match"
    assert item["topState"] is None  # the card opened in the frame, not the top page


def test_firefox_hostile_text(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "hostile")
    assert item["state"] == "match"
    assert HOSTILE in item["text"] and HOSTILE_SCRIPT in item["text"]
    assert item["dangerous"] == 0 and item["jsLinks"] == 0 and item["onAttrs"] == 0
    assert item["links"] >= 1
    assert item["pwned"] == "undefined" and item["pageImages"] == 0
    assert item["fontSize"] == "14px"  # the hostile page CSS does not reach the card


def test_firefox_long_answer_stays_in_the_viewport(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "long")
    assert item["state"] == "match"
    box, view = item["box"], item["viewport"]
    assert box["x"] >= 0 and box["y"] >= 0, item
    assert box["x"] + box["width"] <= view["width"] and box["y"] + box["height"] <= view["height"], item
    assert item["bodyScroll"][0] > item["bodyScroll"][1]


def test_firefox_server_stopped(firefox_run: dict[str, Any]) -> None:
    item = report(firefox_run, "offline")
    assert item["state"] == "offline"
    assert "can't reach" in item["text"]


GERMAN_LANGPACK = Path("/usr/lib/firefox-esr/browser/extensions")


def test_firefox_card_in_german(stub_server: StubServer, page_server: Any) -> None:
    """Firefox with a German UI (firefox-esr-l10n-de): the card's strings come from
    _locales/de and its dates from Intl.DateTimeFormat("de")."""
    missing = _missing()
    if not missing and not list(GERMAN_LANGPACK.glob("langpack-de@*")):
        missing = "the German language pack is not installed (apt-get install firefox-esr-l10n-de)"
    if missing:
        if os.environ.get("CLAIMSCOPE_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    pages = {"seed": page_server.add("/ff-de-article.html", SEED_ARTICLE, title="Seed article")}
    config = {
        **_config(stub_server.url, stub_server, stub_server.url, pages),
        "mode": "locale",
        "locale": "de",
    }
    item = report(_run(config), "locale")
    assert item["ui"].startswith("de"), item
    assert item["state"] == "match"
    assert "Zuerst veröffentlicht" in item["first"] or "ZUERST VERÖFFENTLICHT" in item["text"].upper()
    assert "Tastenkürzel: Alt+Shift+K" in item["shortcut"]
    assert item["serverLabel"] == "Server-Adresse"  # the options page is translated too
    assert item["expectedDate"] in item["text"], (item["expectedDate"], item["text"])
    assert "Sep 26, 2016" not in item["text"]
