"""The demo corpus (api/demo, 4 files) gives the same claims and provenance in all 24 orders."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from api.pipeline.ingestor import Ingestor
from db.connection import dispose_engines, get_engine
from tests.factories import claims_snapshot, make_settings

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo"


def _snapshot(db_url: str, files: list[Path]) -> dict[str, object]:
    ingestor = Ingestor(get_engine(db_url), settings=make_settings(db_url))
    for f in files:
        ingestor.ingest_paths([f])
    return claims_snapshot(db_url)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 14 (open): passed on its own branch; since headlines became claims and the title "
        "leads the text (issue 16), the Harbor Tribune's edited sentence joins the engineer's claim "
        "only when the original came first (4 of 24 orders, files 03 and 04 before 01). strict: "
        "this fails the suite as soon as the orders agree again, so the mark cannot outlive the bug."
    ),
)
def test_demo_corpus_in_all_24_orders(tmp_path: Path) -> None:
    files = sorted(DEMO.iterdir())
    assert len(files) == 4
    orders = list(permutations(files))
    reference = _snapshot(f"sqlite:///{tmp_path / 'ref.sqlite'}", list(orders[0]))
    differing = []
    for i, order in enumerate(orders[1:], start=1):
        other = _snapshot(f"sqlite:///{tmp_path / f'o{i}.sqlite'}", list(order))
        dispose_engines()
        if other != reference:
            differing.append([f.name[:2] for f in order])
    assert not differing, differing
