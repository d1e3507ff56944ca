"""Statement → claim links on real news, against a hand-labelled gold set (issue 15).

The gold set (``data/link_gold_dev.json``) holds the links ClaimScope produced on the
attribution dev articles (``../shared/benchmarks/attribution-dev``, PolNeAR), each labelled by
hand: does the answered passage carry a claim the statement answers? Only keys are stored
(article id, offsets); the articles are read from the benchmark folder, so the test is
skipped where that folder is absent (the licence keeps the texts out of this repository).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.settings import get_settings
from api.statements.responses import extract_responses
from api.text.split import split_passages
from api.text.types import ExtractedDocument

GOLD = Path(__file__).parent / "data" / "link_gold_dev.json"
DEV = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "attribution-dev" / "polnear-dev.jsonl"
# Issue 15 asks for 0.90. With the first 54 labels the parse reading's links were 0.26 right
# (5 of 19). After the content-agreement gate on inferred links (``api.statements.agreement``)
# it makes 3 links on the whole dev half, 2 right (0.67), and finds 2 of the 10 answering links
# the gold set holds; the default lexical reading makes 29, 4 right (0.14: most of its wrong
# links are statements of non-officials, which the parse rejects). The floors guard against
# regressions while the linker is reworked; raise them with every improvement.
PRECISION_FLOOR = {True: 0.6, False: 0.1}
# a linker that links nothing is not precise: at least this share of the answering gold links
# must be found (the parse reading)
LINK_RECALL_FLOOR = 0.15


def _links() -> list[tuple[str, int, int]]:
    ids = {g["article"] for g in json.loads(GOLD.read_text())["links"]}
    out = []
    with DEV.open(encoding="utf-8") as f:
        articles = [json.loads(line) for line in f]
    for a in articles:
        if a["id"] not in ids:
            continue
        doc = ExtractedDocument(
            text=a["text"], title=a["title"], published_at=a["published_at"], language="en"
        )
        split = split_passages(doc)
        for r in extract_responses(doc.text, split, published_at=a["published_at"]):
            start = a["text"].find(r.evidence[:60])
            out += [(a["id"], start, split[o].start) for o in r.answers]
    return out


@pytest.mark.skipif(not DEV.exists(), reason="the attribution dev set is not on this machine")
@pytest.mark.parametrize("parser", [True, False], ids=["parse", "lexical"])
def test_link_precision_on_the_dev_gold_set(parser: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_STATEMENT_PARSER", "true" if parser else "false")
    get_settings.cache_clear()
    gold = {
        (g["article"], g["statement_start"], g["answer_start"]): g["answers"]
        for g in json.loads(GOLD.read_text())["links"]
    }
    assert len(gold) >= 50
    links = _links()
    labelled = [gold[k] for k in links if k in gold]
    assert links and len(labelled) == len(links), "every link produced on these articles is labelled"
    precision = sum(labelled) / len(labelled)
    assert precision >= PRECISION_FLOOR[parser], precision
    if parser:
        answering = [k for k, v in gold.items() if v]
        recall = len(set(answering) & set(links)) / len(answering)
        assert recall >= LINK_RECALL_FLOOR, recall
