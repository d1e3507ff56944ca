"""Which hit comes first when passages cover different parts of a highlight.

Synthetic corpora of the shapes found in the matching benchmark (bench/match.py): the
100k miss (a shorter copy of the first sentence outranked the whole source) and the
"mirror" cases that a plain "score x share of the highlight" rule gets wrong.
"""

from __future__ import annotations

from api.matching.engine import MatchEngine

FIRST = "The council approved the new harbour budget on Tuesday evening."
SECOND = "Critics said the plan ignores the fishermen who depend on the old docks."
FILLER = [
    (90, "Rain is expected across the northern provinces for most of the week."),
    (91, "The football club announced the signing of a young goalkeeper from Porto."),
]


def _engine(rows: list[tuple[int, str, int, int]]) -> MatchEngine:
    engine = MatchEngine()
    filler = [(pid, text, pid, 0) for pid, text in FILLER]
    engine.add_many([*rows, *filler])
    return engine


def test_whole_source_beats_a_verbatim_copy_of_its_first_sentence() -> None:
    """The source passage holds both sentences; another document's longer passage holds
    the first one verbatim (1.0 on that part). The noisy highlight runs over both
    sentences, so only the source accounts for all of it (at ~0.96)."""
    engine = _engine(
        [
            (1, f"{FIRST} {SECOND}", 1, 0),
            (
                2,
                f"In other news from the coast: {FIRST.lower()} The mayor then left for a "
                "trade fair in Lisbon with three of his aides.",
                2,
                0,
            ),
        ]
    )
    query = f"{FIRST} Critics said the plan ignors the fisherman who depend on teh old docks."
    hits = engine.search(query, threshold=0.3)
    assert [h.passage_id for h in hits[:2]] == [1, 2]
    source, copy = hits
    assert copy.components["similarity"] > source.components["similarity"]  # better on its part...
    assert source.components["explains"] > copy.components["explains"]  # ...but covers less
    assert source.query_start == 0 and source.query_end == len(query)
    assert copy.query_end < len(query) // 2 + 5
    # explaining half of the highlight is not a match on its own (issue 12)
    assert source.score > copy.score
    assert [h.passage_id for h in engine.search(query)] == [1]


def test_consecutive_passages_of_the_source_beat_one_edited_copy_of_both() -> None:
    """Mirror case: the source document has one passage per sentence (each covers half of
    the highlight, at 1.0); another document has one passage with both sentences, edited
    (it covers the whole highlight, at a lower score). The source's passages together
    explain the highlight better, so one of them comes first."""
    engine = _engine(
        [
            (1, FIRST, 1, 0),
            (2, SECOND, 1, 1),
            (
                3,
                "The council approved a new harbour budget on Tuesday night. Critics said "
                "that the plan ignores fishermen who depend on the docks.",
                2,
                0,
            ),
        ]
    )
    hits = engine.search(f"{FIRST} {SECOND}")
    assert {h.passage_id for h in hits[:2]} == {1, 2}
    assert hits[2].passage_id == 3
    assert hits[2].query_end - hits[2].query_start > hits[0].query_end - hits[0].query_start


def test_an_edge_trimmed_alignment_is_not_charged_twice() -> None:
    """Mirror case inside one sentence: a changed first word trims the source's alignment
    (its score's coverage factor already pays for that), while an edited copy aligns over
    the whole sentence at a lower score. The source still comes first."""
    engine = _engine(
        [
            (1, "Farmers in the valley lost most of their wheat to the late frost.", 1, 0),
            (2, "Smallholders in the valley lost most of the wheat to a late frost this year.", 2, 0),
        ]
    )
    query = "Smallholders in the valley lost most of their wheat to the late frost."
    hits = engine.search(query)
    assert [h.passage_id for h in hits] == [1, 2]
    source, copy = hits
    assert source.query_start > 0 and copy.query_start == 0  # "Smallholders" trimmed
    assert source.score > copy.score


def test_members_of_one_explanation_keep_score_order() -> None:
    """Both passages of a two-passage highlight explain it together; between them, the
    one matching better comes first (as before explanations were ranked)."""
    engine = _engine([(1, FIRST, 1, 0), (2, SECOND, 1, 1)])
    hits = engine.search(f"{FIRST} Critics said the plan ignors the fisherman who depend.")
    assert [h.passage_id for h in hits] == [1, 2]
    assert hits[0].components["explains"] == hits[1].components["explains"]
    assert hits[0].score > hits[1].score
