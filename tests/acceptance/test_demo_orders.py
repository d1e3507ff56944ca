"""The demo corpus (api/demo, 4 files) gives the same claims and provenance in all 24 orders."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

from api.pipeline.ingestor import Ingestor
from db.connection import dispose_engines, get_engine
from tests.factories import claims_snapshot, make_settings

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo"


def _snapshot(db_url: str, files: list[Path]) -> dict[str, object]:
    ingestor = Ingestor(get_engine(db_url), settings=make_settings(db_url))
    for f in files:
        ingestor.ingest_paths([f])
    return claims_snapshot(db_url)


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
