"""Passage splitting: exact offsets, quotes kept whole, headings, long sentences, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from api.ingest.extract import extract
from api.text.split import MAX_PASSAGE_CHARS, split_passages
from api.text.types import ExtractedDocument, RawDocument


def split(text: str, language: str | None = "en", title: str | None = None) -> list[tuple[str, str]]:
    doc = ExtractedDocument(text=text, language=language, title=title)
    passages = split_passages(doc)
    for p in passages:
        assert doc.text[p.start : p.end] == p.text
    return [(p.text, p.kind) for p in passages]


CASES = [
    # (text, expected [(passage, kind)])
    (
        "The vote passed. Mr. Smith left early.",
        [("The vote passed.", "body"), ("Mr. Smith left early.", "body")],
    ),
    (  # a quotation cut by the segmenter stays whole, with its attribution
        "Al Ezz replied: “The Americans are on our side. They help us.” Then he left.",
        [
            ("Al Ezz replied: “The Americans are on our side. They help us.”", "quote"),
            ("Then he left.", "body"),
        ],
    ),
    (  # a ':' sentence introducing a short quote keeps it (mostly not quoted: body)
        "The minister said: “No.” The room went quiet.",
        [("The minister said: “No.”", "body"), ("The room went quiet.", "body")],
    ),
    (  # ':' then a longer quote sentence split off by the segmenter
        "Toner said: We would never help them. Nobody believed it.",
        [("Toner said: We would never help them.", "body"), ("Nobody believed it.", "body")],
    ),
    (  # paragraph breaks are always boundaries
        "He stated,\n\n“We reported it. Nothing was done.”",
        [("He stated,", "body"), ("“We reported it. Nothing was done.”", "quote")],
    ),
    (  # a one-sentence paragraph stays one passage
        "Officials said the plan, which was approved on Monday, would cost $3.1 billion.",
        [("Officials said the plan, which was approved on Monday, would cost $3.1 billion.", "body")],
    ),
    (
        "‘Al-Nusra using ceasefire to regroup’\n\nIn the interview, he confirmed the claims.",
        [
            ("‘Al-Nusra using ceasefire to regroup’", "heading"),
            ("In the interview, he confirmed the claims.", "body"),
        ],
    ),
    (
        '"No, the missiles were given to us directly."',
        [('"No, the missiles were given to us directly."', "quote")],
    ),
    (
        "  Leading spaces.  \n\n\nTrailing gaps.   ",
        [("Leading spaces.", "body"), ("Trailing gaps.", "body")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_cases(text: str, expected: list[tuple[str, str]]) -> None:
    assert split(text) == expected


def test_title_paragraph_is_one_heading() -> None:
    title = "Commander: “They Are on Our Side.” State Dept: « We Never Would »"
    assert split(f"{title}\n\nBody text here.", title=title)[0] == (title, "heading")


def test_other_languages() -> None:
    fr = "Le ministre a parlé. M. Dupont est parti à 10 h. La séance est levée."
    assert len(split(fr, "fr")) == 3
    de = "Der Minister sprach am 3. Oktober in Berlin. Dann ging er."
    expected = ["Der Minister sprach am 3. Oktober in Berlin.", "Dann ging er."]
    assert [t for t, _ in split(de, "de")] == expected
    assert split("Unknown language code. Still split.", "xx-YY") == [
        ("Unknown language code.", "body"),
        ("Still split.", "body"),
    ]


def test_long_sentence_cut_at_clauses() -> None:
    clause = "the committee reviewed the documents submitted by the ministry in great detail"
    sentence = "; ".join([clause] * 12) + "."
    parts = split(sentence)
    assert len(parts) > 1
    assert all(len(t) <= MAX_PASSAGE_CHARS for t, _ in parts)
    assert " ".join(t for t, _ in parts).replace("  ", " ") == sentence


def test_unbreakable_long_text_still_exact() -> None:
    blob = "x" * 1500
    parts = split(blob)
    assert "".join(t for t, _ in parts) == blob


def test_empty_text() -> None:
    assert split("") == []
    assert split("\n\n  \n") == []


def test_speed_budget(seeds_dir: Path) -> None:
    """Extract + split well under 0.1 ms per passage (generous bound: shared CI machine)."""
    raws = [RawDocument(p.read_text(encoding="utf-8"), "txt") for p in sorted(seeds_dir.glob("*.txt"))]
    for raw in raws:  # warm caches and lazy imports
        for doc in extract(raw):
            split_passages(doc)
    start, count = time.perf_counter(), 0
    for _ in range(5):
        for raw in raws:
            for doc in extract(raw):
                count += len(split_passages(doc))
    per_passage = (time.perf_counter() - start) / count
    assert per_passage < 0.0005, f"{per_passage * 1e6:.0f} µs per passage"
