"""The keyboard shortcut pressed for real in Chromium (Alt+Shift+K through an X server):
the card opens for a selection in the top frame and in an iframe. Needs ``Xvfb`` and
``xdotool`` (tests/tools/install.sh installs them); see ``chromium_keys.py``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import Any

import pytest

from .conftest import CHROMIUM, EXTENSION_DIR, ROOT
from .helpers import SEED_ARTICLE, SEED_SENTENCE

pytestmark = pytest.mark.browser


def test_shortcut_key_press_in_chromium(claimscope_server: str, page_server: Any) -> None:
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        message = (
            f"{' and '.join(missing)} not found (apt-get install xvfb xdotool, or tests/tools/install.sh)"
        )
        if os.environ.get("CLAIMSCOPE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    inner = page_server.add(
        "/key-inner.html", '<p id="seed">Al Ezz replied: “The Americans are on our side.”</p>'
    )
    inner = inner.replace("127.0.0.1", "localhost")  # another origin
    pages = {
        "seed": page_server.add("/key-article.html", SEED_ARTICLE, title="Seed article"),
        "inner": inner,
        "outer": page_server.add(
            "/key-outer.html", f'<h1>Outer page</h1><iframe src="{inner}" width="900" height="500"></iframe>'
        ),
    }
    config = {
        "chromium": CHROMIUM,
        "extension": str(EXTENSION_DIR),
        "settings": {"serverUrl": claimscope_server, "apiKey": "", "showButton": True},
        "pages": pages,
        "sentence": SEED_SENTENCE,
        "xdotool_key": "alt+shift+k",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "tests.extension.chromium_keys", json.dumps(config)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    reports = {r["scenario"]: r for r in map(json.loads, filter(None, proc.stdout.splitlines()))}
    assert proc.returncode == 0 and {"assigned", "top", "iframe"} <= set(reports), proc.stderr[-3000:]
    lookup = next(c for c in reports["assigned"]["commands"] if c["name"] == "lookup-selection")
    assert lookup["shortcut"] == "Alt+Shift+K"
    assert reports["top"]["state"] == "match", reports
    assert reports["iframe"]["state"] == "match", reports
    assert reports["iframe"]["top"] is None  # the card opened in the frame with the selection
