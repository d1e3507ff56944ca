"""Issue 16: headlines and short lines matchable, boilerplate by evidence, sentences that keep
abbreviations, titles from metadata, dates in the page's language and local day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.ingest.boilerplate import boilerplate_reason
from api.ingest.extract import extract
from api.ingest.formats import page_title
from api.text.split import split_passages
from api.text.types import ExtractedDocument, RawDocument
from tests.factories import client_for, ingest_paths


def _texts(text: str, lang: str = "en") -> list[str]:
    return [p.text for p in split_passages(ExtractedDocument(text=text), lang)]


@pytest.mark.parametrize(
    ("lang", "text", "sentences"),
    [
        ("en", "Then-U.S. Vice President Joe Biden spoke. He left.", 2),
        ("de", "Im 19. Jahrhundert wuchs die Stadt. Sie wuchs weiter.", 2),
        ("de", "Nach dem 2. Weltkrieg kam es anders.", 1),
        ("de", "Seit die Linke Anfang des 20. Jahrhunderts stark wurde, blieb es so.", 1),
        ("en", "On 14. June he came. It rained.", 2),
        ("en", "He was 20. Then he left.", 2),  # a number ending a sentence still ends it
    ],
)
def test_abbreviations_and_ordinals_do_not_cut_sentences(lang: str, text: str, sentences: int) -> None:
    assert len(_texts(text, lang)) == sentences, _texts(text, lang)


def _kinds(text: str) -> list[str]:
    return [p.kind for p in split_passages(ExtractedDocument(text=text), "en")]


def test_headlines_questions_and_labels() -> None:
    assert _kinds("The popular Dr Pepper soft drink is made from prune juice") == ["heading"]
    assert _kinds("Is the vaccine safe for children?") == ["body"]
    assert _kinds("Wow, what a goal!") == ["body"]
    assert _kinds("Diese Artikel könnten dich auch interessieren:") == ["boilerplate"]


@pytest.mark.parametrize(
    "line",
    [
        "Print journalists were barred from the briefing on Friday, officials said.",
        "Sign up sheets were handed out to every volunteer at the door on Monday morning.",
        "Share this week's figures with care, the minister told the parliament in a letter.",
        "The drug was approved by the Food and Drug Administration (FDA)",
        "Video shows a police officer pushing a man to the ground…",
    ],
)
def test_ordinary_sentences_are_not_boilerplate(line: str) -> None:
    assert boilerplate_reason(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for our newsletter. We won't share your email address.",
        "Share this",
        "Print",
        "READ MORE: 30 killed, scores injured in suicide bombing at Kurdish wedding in Syria",
        "Follow us on Twitter for the latest updates from the region and beyond",
        "Police fired tear gas at protesters (AFP)",
    ],
)
def test_site_chrome_is_boilerplate(line: str) -> None:
    assert boilerplate_reason(line) is not None


def test_title_from_h1_agreeing_with_metadata() -> None:
    html = "<html><head><title>Quake hits the coast - Example News</title></head><body>{}</body></html>"
    two = "<h1>Most read today</h1><h1>Quake hits the coast</h1>"
    assert page_title(html.format(two), "Quake hits the coast - Example News") == "Quake hits the coast"
    assert page_title(html.format("<h1>Quake hits the coast</h1>"), "Example News") == "Quake hits the coast"
    assert page_title(html.format("<p>no headline</p>"), "Example News") == "Example News"


HTML_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>Neue Brücke eröffnet | Stadtblatt</title>
<meta property="og:title" content="Neue Brücke eröffnet">
</head><body><article><h1>Neue Brücke eröffnet</h1>
<p>Die neue Brücke über den Fluss wurde am Montag nach drei Jahren Bauzeit feierlich eröffnet.</p>
<p>Der Bürgermeister sprach von einem wichtigen Tag für die ganze Region und ihre Bewohner.</p>
<p>Die Kosten lagen bei rund zwölf Millionen Euro, etwas mehr als ursprünglich geplant war.</p>
</article></body></html>"""


def test_html_title_is_the_headline_and_in_the_text() -> None:
    doc = extract(RawDocument(content=HTML_PAGE, source_format="html"))[0]
    assert doc.title == "Neue Brücke eröffnet"
    assert doc.text.startswith("Neue Brücke eröffnet")
    assert split_passages(doc)[0].kind == "heading"


def test_one_line_headline_document_matches_as_headline(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "drpepper.txt").write_text(
        "The popular Dr Pepper soft drink is made from prune juice\n", encoding="utf-8"
    )
    (tmp_path / "other.txt").write_text(
        "Heavy rain flooded the old town on Sunday.\n\nThe river rose by two metres overnight.\n",
        encoding="utf-8",
    )
    report = ingest_paths(db_url, [tmp_path])
    assert report.count("rejected") == 0
    with client_for(db_url) as client:
        resp = client.post(
            "/v1/match", json={"text": "The popular Dr Pepper soft drink is made from prune juice"}
        )
        assert resp.status_code == 200, resp.text
        matches: list[dict[str, Any]] = resp.json()["matches"]
        assert matches, "a one-line headline document must match"
        assert matches[0]["match_type"] == "headline"
        assert matches[0]["document"]["title"] == "The popular Dr Pepper soft drink is made from prune juice"
        body = client.post("/v1/match", json={"text": "The river rose by two metres overnight."}).json()
        assert body["matches"][0]["match_type"] == "copy"
