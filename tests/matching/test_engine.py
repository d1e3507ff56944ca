"""MatchEngine on the seed articles' real sentences: table-driven highlights and more."""

from __future__ import annotations

import numpy as np
import pytest

from api.matching.candidates import near_duplicates
from api.matching.engine import COMPACT_DEAD_SHARE, MatchEngine
from api.matching.index import ShingleIndex
from tests.matching.conftest import AMERICANS_LONG, AMERICANS_SHORT

# (highlight, text the top hit's passage must contain, other passages that must be hit)
EXPECTED = [
    ('"The Americans are on our side."', "The Americans are on our side.", [AMERICANS_LONG, AMERICANS_SHORT]),
    (
        "The money came from the governments of those states, not private individuals",
        "The money came from the “*governments*” of those states, not private individuals",
        [],
    ),
    (
        "the State Department has refused to acknowledge that the US backed rebel factions are "
        "fighting in Aleppo",
        "refused to acknowledge that the US backed rebel factions",
        [],
    ),
    (
        "Washington has asked Moscow not to conduct airstrikes against al-Nusra Front",
        "Washington has asked Moscow not to conduct airstrikes",
        [],
    ),
    (
        "Ankara delivers weapons to armed Syrian rebel groups",
        "Ankara delivers weapons to armed Syrian rebel groups",
        [],
    ),
    (
        "we reported that to American base command, but following our report no action has been taken",
        "we reported that to American base command",
        [],
    ),
    # noise: straight quotes, case, stray whitespace, a typo, a changed word
    (
        "THE STATE DEPARTMENT moved  quickly to deny a Syrian rebel commanders recent allegations",
        "The State Department moved quickly to deny",
        [],
    ),
    (
        "the state departmnt moved quickly to reject a syrian rebel commander's recent allegations",
        "The State Department moved quickly to deny",
        [],
    ),
    # edges cut mid-word, an ellipsis for omitted text
    (
        "erman journalist asked if US instructors were really present among the jihad",
        "The German journalist asked",
        [],
    ),
    ("The money came from … private individuals, he said.", "The money came from the “*governments*”", []),
]
NO_MATCH = [
    "The quarterly earnings call is scheduled for Thursday",
    "Scientists discovered a new species of frog in the rainforest last spring.",
]


@pytest.mark.parametrize(("query", "must_contain", "also"), EXPECTED, ids=[e[0][:40] for e in EXPECTED])
def test_expected_top_hit(
    seed_engine: MatchEngine,
    texts: dict[int, str],
    query: str,
    must_contain: str,
    also: list[str],
) -> None:
    hits = seed_engine.search(query, limit=10)
    assert hits, query
    assert must_contain in texts[hits[0].passage_id]
    hit_texts = {texts[h.passage_id] for h in hits}
    for other in also:
        assert other in hit_texts
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert all(h.confidence in ("high", "suggestion") for h in hits)


def test_money_prefers_the_money_sentence(seed_engine: MatchEngine, texts: dict[int, str]) -> None:
    hits = seed_engine.search("The money came from the governments of those states, not private individuals")
    assert "The money came" in texts[hits[0].passage_id]
    assert all(h.score <= hits[0].score for h in hits)


@pytest.mark.parametrize("query", NO_MATCH)
def test_out_of_index_text_matches_nothing(seed_engine: MatchEngine, query: str) -> None:
    assert seed_engine.search(query) == []


@pytest.mark.parametrize("query", ["", "   ", "\u200b\u200f", "...", "“”"])
def test_empty_input(seed_engine: MatchEngine, query: str) -> None:
    assert seed_engine.search(query) == []


def test_aligned_spans_are_original_offsets(seed_engine: MatchEngine, texts: dict[int, str]) -> None:
    query = '  Al Ezz replied: "the americans are on our side"  '
    hit = next(h for h in seed_engine.search(query) if h.passage_id == 10_001)
    passage = texts[hit.passage_id]
    assert passage[hit.passage_start : hit.passage_end].startswith("Al Ezz replied: “The")
    assert query[hit.query_start : hit.query_end].startswith("Al Ezz")
    assert query[hit.query_start : hit.query_end].rstrip('"').endswith("side")


def test_edge_cut_span_starts_mid_word(seed_engine: MatchEngine, texts: dict[int, str]) -> None:
    hit = seed_engine.search("ericans are on our sid", limit=10)[0]
    assert texts[hit.passage_id][hit.passage_start : hit.passage_end].lower() == ("ericans are on our sid")


def test_multi_passage_highlight_reports_each_part(
    seed_engine: MatchEngine,
    texts: dict[int, str],
) -> None:
    first = next(t for t in texts.values() if t.startswith("The State Department moved quickly"))
    second = next(t for t in texts.values() if t.startswith("On Monday, German newspaper"))
    query = f"{first[20:]}  {second[:120]}"
    hits = seed_engine.search(query, limit=10)
    by_text = {texts[h.passage_id]: h for h in hits}
    assert first in by_text and second in by_text
    a, b = by_text[first], by_text[second]
    assert a.query_start < 5 and a.query_end <= b.query_start + 3
    assert b.query_end >= len(query) - 2
    assert a.confidence == b.confidence == "high"


def test_threshold_is_settable(seed_engine: MatchEngine) -> None:
    query = "the state department quickly denied what a rebel commander alleged recently"
    loose = seed_engine.search(query, threshold=0.3)
    assert loose and loose[0].score < 0.8
    assert seed_engine.search(query) == []
    assert all(h.score >= 0.3 for h in loose)


def test_short_ambiguous_highlight_is_a_suggestion(seed_engine: MatchEngine) -> None:
    hits = seed_engine.search("on our side", limit=10)
    assert len(hits) >= 2 and all(h.confidence == "suggestion" for h in hits)
    long = seed_engine.search("Ankara delivers weapons to armed Syrian rebel groups")
    assert long[0].confidence == "high"


def test_context_decides_between_equal_passages() -> None:
    engine = MatchEngine()
    engine.add_many(
        [
            (1, "The minister resigned on Friday.", 1, 0),
            (2, "Prices of bread rose sharply in the capital.", 1, 1),
            (3, "Fishermen protested at the harbour.", 2, 0),
            (4, "Prices of bread rose sharply in the capital.", 2, 1),
        ]
    )
    plain = engine.search("Prices of bread rose sharply in the capital.")
    assert {h.passage_id for h in plain} == {2, 4}
    for prefix, want in (("resigned on Friday. ", 2), ("protested at the harbour. ", 4)):
        hits = engine.search("Prices of bread rose sharply", prefix=prefix)
        assert hits[0].passage_id == want
        assert hits[0].components["context"] > hits[1].components["context"]


def test_unicode_oddities_in_passages_and_queries() -> None:
    engine = MatchEngine()
    engine.add_many(
        [
            (1, "Le ministre a déclaré: «\u00a0Nous n’avons rien à cacher\u00a0» 🙂", 1, 0),
            (2, "\u200fהשר אמר כי אין לו מה להסתיר\u200f", 2, 0),
            (3, "Cafe\u0301 owners protested the new tax on espresso machines.", 3, 0),
        ]
    )
    assert engine.search('"nous n\'avons rien a cacher"')[0].passage_id == 1
    assert engine.search("השר אמר כי אין לו מה להסתיר")[0].passage_id == 2
    hit = engine.search("Café owners protested the new tax")[0]
    assert hit.passage_id == 3 and hit.passage_start == 0
    assert engine.search("🙂") == []  # no word tokens: nothing to look up


def test_add_replace_and_remove() -> None:
    engine = MatchEngine()
    engine.add(1, "The river flooded the old town overnight.", document_id=1, ordinal=0)
    assert engine.search("river flooded the old town")[0].passage_id == 1
    engine.add(1, "The dam held back the river all winter.", document_id=1, ordinal=0)
    assert engine.search("river flooded the old town") == []
    engine.remove_document(1)
    assert engine.search("The dam held back the river") == [] and len(engine) == 0


def test_near_duplicates(seed_engine: MatchEngine, texts: dict[int, str]) -> None:
    money = next(t for t in texts.values() if t.startswith("The money came from"))
    funds = "The funds came from the “governments” of those states, not from private individuals"
    found = near_duplicates(
        seed_engine,
        [money, money.upper(), funds, "An entirely new sentence about tulips in spring.", ""],
        min_similarity=0.8,
    )
    assert found[0] is not None and found[0][1] == 1.0
    assert found[1] is not None and found[1][1] == 1.0  # normalization folds case
    assert found[2] is not None and 0.8 <= found[2][1] < 1.0
    assert "governments" in texts[found[2][0]]
    assert found[3] is None and found[4] is None


class _CountingIndex(ShingleIndex):
    """The real shingle index, counting its full rewrites."""

    def __init__(self) -> None:
        super().__init__()
        self.compactions = 0

    def compact(self, alive: np.ndarray) -> None:
        self.compactions += 1
        super().compact(alive)


def test_replacing_documents_rewrites_the_postings_rarely() -> None:
    """A rewrite drops the postings of removed passages once they are a quarter of the live
    ones, counted since the last rewrite: replacing documents again and again (ingestion re-reads
    them) must not rewrite the whole index on every removal."""
    source = _CountingIndex()
    engine = MatchEngine(source)
    texts = [
        f"Ferry route {i} to the northern islands reopened after the storm damage was fixed."
        for i in range(200)
    ]
    pid = 0
    for rounds in range(4):
        for doc, text in enumerate(texts):
            engine.remove_document(doc)
            pid += 1
            engine.add(pid, text, document_id=doc, ordinal=0)
        assert len(engine) == 200, rounds
    # 600 removals against 200 live passages: a rewrite every 50 removals at most
    assert 1 <= source.compactions <= 600 / (COMPACT_DEAD_SHARE * 200) + 1
    hit = engine.search(texts[17])[0]
    assert hit.document_id == 17 and hit.score == 1.0
