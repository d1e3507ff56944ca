"""The README's "Use the API" examples, run as written against a real uvicorn (demo corpus).

Every ``sh`` block there that calls ``curl`` is run by bash, and every ``python`` block is
exec'd, with ``http://127.0.0.1:8000`` replaced by the live server's address and
``CLAIMSCOPE_KEY`` set to an ``ingest`` key; the outputs are checked below. The set-up block
(``claimscope serve`` ...) is the only one not run: the fixture does what it says.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import LiveServer

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[2] / "README.md"
BASE = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)


def section_blocks() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Use the API\n")
    end = text.find("\n## ", start + 1)
    return FENCE.findall(text[start : end if end != -1 else None])


def test_section_has_the_examples() -> None:
    blocks = section_blocks()
    curls = [code for lang, code in blocks if lang == "sh" and "curl" in code]
    assert len(curls) == 4 and sum(lang == "python" for lang, _ in blocks) == 1
    assert all(BASE in code for code in curls)


def run_curl(code: str, server: LiveServer, key: str) -> Any:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", code.replace(BASE, server.url)],
        env={"PATH": "/usr/bin:/bin", "CLAIMSCOPE_KEY": key},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_curl_examples(live_server: LiveServer, ingest_key: str) -> None:
    out = {}
    for lang, code in section_blocks():
        if lang == "sh" and "curl" in code:
            path = re.search(r"/v1/[a-z/0-9]+", code).group(0)  # type: ignore[union-attr]
            out[path] = run_curl(code, live_server, ingest_key)

    best = out["/v1/match"]["matches"][0]
    assert len(out["/v1/match"]["matches"]) == 1
    assert best["claim"]["id"] == 1
    assert best["provenance"]["first_publication"]["outlet"]["name"] == "Coastal Ledger"
    assert best["provenance"]["first_publication"]["published_at"] == "2024-03-04"
    assert {"Daily Relay", "Harbor Tribune", "Civic Watch"} <= {
        p["outlet"]["name"] for p in best["provenance"]["republishers"]
    }
    assert isinstance(best["provenance"]["official_responses"], list)

    claim = out["/v1/claims/1"]
    assert claim["claim"]["id"] == 1 and len(claim["appearances"]) >= 4
    assert claim["provenance"]["first_publication"]["outlet"]["name"] == "Coastal Ledger"

    stored = out["/v1/documents"]["documents"]
    assert stored[0]["status"] in ("added", "unchanged") and stored[0]["document_id"]

    check = out["/v1/check"]
    assert check["claims"] and check["claims"][0]["claim"]["id"] == 1
    assert check["republishes"][0]["outlet"]["name"] == "Coastal Ledger"


def test_python_example(live_server: LiveServer, ingest_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_KEY", ingest_key)
    (code,) = [code for lang, code in section_blocks() if lang == "python"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code.replace(BASE, live_server.url), "README.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert lines[0] == "Coastal Ledger 2024-03-04"
    assert {"Daily Relay", "Harbor Tribune", "Civic Watch"} <= set(eval(lines[1]))
    assert lines[2].endswith("appearances") and int(lines[2].split()[0]) >= 4
    assert lines[3] == "[1, 0]"
    assert lines[4] in ("added", "unchanged")
    assert "keep quiet until after the budget vote" in lines[5]
    assert lines[6] == "404 not_found"
