"""Small documents for the review, watch, fact-check and export tests."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from tests.factories import make_settings

ORIGINAL = (
    "The harbor commission approved a new dredging contract worth twelve million dollars "
    "on Tuesday evening after a long debate."
)
# fuzz.ratio of the normalized texts is about 0.75: in the review band, below 0.80
BORDERLINE = (
    "The harbour board has approved a new dredging deal worth twelve million dollars "
    "late on Tuesday following a heated row."
)


def article(title: str, outlet_line: str, *sentences: str) -> str:
    return f"## {title}\n\n{outlet_line}\n\n" + "\n\n".join(sentences) + "\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def original_doc(folder: Path) -> Path:
    return write(
        folder,
        "a.md",
        article(
            "Harbor Commission Backs Dredging",
            "Coastal Ledger, 4 March 2024",
            ORIGINAL,
            "Residents of the Marlow district had asked for the channel to be deepened for years.",
        ),
    )


def borderline_doc(folder: Path, extra: str = "") -> Path:
    """The edited copy, as a JSON Lines record with a URL (so a changed text is an update)."""
    sentences = [BORDERLINE, "Fishermen say the work will close the north channel for a month."]
    if extra:
        sentences.append(extra)
    record = {
        "url": "https://civicwatch.example/dredging",
        "title": "Dredging Deal Approved",
        "outlet": "Civic Watch",
        "published_at": "2024-03-08",
        "text": "\n\n".join(sentences),
    }
    return write(folder, "b.jsonl", json.dumps(record) + "\n")


def app_client(db_url: str, **overrides: object) -> TestClient:
    """A client whose app does not run the webhook thread (tests deliver by hand)."""
    app = create_app(make_settings(db_url, **overrides))
    app.state.webhook_worker = False
    return TestClient(app)
