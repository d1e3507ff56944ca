"""Ingesting the seeds in any order gives the same claims and the same provenance."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from api.ingest.pipeline import Ingestor
from api.provenance.claims_view import claim_detail
from db.engine import get_engine
from db.models import Claim
from tests.factories import make_settings

VOLATILE_KEYS = {"id", "document_id", "passage_id", "claim_id", "url", "outlet_id"}


def _strip(value: Any) -> Any:
    """Drop database ids (they depend on insertion order) and sort what has no order."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in sorted(value.items()) if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _provenance_by_claim(db_url: str, files: list[Path]) -> dict[str, Any]:
    engine = get_engine(db_url)
    ingestor = Ingestor(engine, settings=make_settings(db_url))
    for f in files:
        ingestor.ingest_paths([f])
    out: dict[str, Any] = {}
    with Session(engine) as session:
        for claim in session.exec(select(Claim)).all():
            detail = claim_detail(session=session, claim_id=claim.id)  # type: ignore[arg-type]
            appearances = sorted(
                (a["text"], a["relation"], a["document"]["title"] or "", a["start"])
                for a in detail["appearances"]
            )
            key = detail["claim"]["text"]
            assert key not in out, f"two claims with the same canonical text: {key!r}"
            out[key] = {"appearances": appearances, "provenance": _strip(detail["provenance"])}
    return out


ORDERS = ["reverse", "shuffle-1", "shuffle-2", "shuffle-3"]


@pytest.mark.slow
def test_every_order_gives_identical_provenance(tmp_path: Path, seeds_dir: Path) -> None:
    files = sorted(seeds_dir.iterdir())
    reference = _provenance_by_claim(f"sqlite:///{tmp_path / 'sorted.sqlite'}", files)
    assert len(reference) > 100
    for order in ORDERS:
        shuffled = list(reversed(files)) if order == "reverse" else \
            random.Random(order).sample(files, len(files))
        other = _provenance_by_claim(f"sqlite:///{tmp_path / f'{order}.sqlite'}", shuffled)
        assert other.keys() == reference.keys(), order
        for claim_text, expected in reference.items():
            assert other[claim_text] == expected, (order, claim_text)


@pytest.mark.slow
def test_reverse_order_on_postgresql(pg_url: str, tmp_path: Path, seeds_dir: Path) -> None:
    files = sorted(seeds_dir.iterdir())
    assert _provenance_by_claim(pg_url, list(reversed(files))) == \
        _provenance_by_claim(f"sqlite:///{tmp_path / 'ref.sqlite'}", files)
