"""Ingesting the seeds in any order gives the same claims and the same provenance."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from api.pipeline.ingestor import Ingestor
from db.connection import get_engine
from tests.factories import claims_snapshot, make_settings


def _provenance_by_claim(db_url: str, files: list[Path]) -> dict[str, Any]:
    ingestor = Ingestor(get_engine(db_url), settings=make_settings(db_url))
    for f in files:
        ingestor.ingest_paths([f])
    return claims_snapshot(db_url)


ORDERS = ["reverse", "shuffle-1", "shuffle-2", "shuffle-3"]


@pytest.mark.slow
def test_every_order_gives_identical_provenance(tmp_path: Path, seeds_dir: Path) -> None:
    files = sorted(seeds_dir.iterdir())
    reference = _provenance_by_claim(f"sqlite:///{tmp_path / 'sorted.sqlite'}", files)
    assert len(reference) > 100
    for order in ORDERS:
        shuffled = (
            list(reversed(files)) if order == "reverse" else random.Random(order).sample(files, len(files))
        )
        other = _provenance_by_claim(f"sqlite:///{tmp_path / f'{order}.sqlite'}", shuffled)
        assert other.keys() == reference.keys(), order
        for claim_text, expected in reference.items():
            assert other[claim_text] == expected, (order, claim_text)


@pytest.mark.slow
def test_reverse_order_on_postgresql(pg_url: str, tmp_path: Path, seeds_dir: Path) -> None:
    files = sorted(seeds_dir.iterdir())
    assert _provenance_by_claim(pg_url, list(reversed(files))) == _provenance_by_claim(
        f"sqlite:///{tmp_path / 'ref.sqlite'}", files
    )
