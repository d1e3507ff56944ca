"""Issue 14: dates as intervals, same-day ties, identity by (outlet, text hash), migration race.

Each runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from api.ingest.sources import record_to_raw
from api.linking.chronology import compare_dates
from api.matching.live import LiveIndex
from api.pipeline.ingestor import Ingestor
from api.provenance.documents import reuse_relations
from api.provenance.timeline import claim_provenance
from db.connection import current_revision, get_engine, head_revision
from db.models import Document, Passage
from tests.factories import make_settings

ROOT = Path(__file__).resolve().parents[2]

STORY = (
    "A family timber firm was fined a record sum on Monday after a teenage worker lost his arm in a silo.\n\n"
    "The company pleaded guilty last month to three health and safety offences at the Crown Court.\n\n"
    "The judge said the firm had failed to assess the risks to its young employees properly."
)


def _ingest(db_url: str, records: list[dict[str, str]]) -> list[str]:
    ingestor = Ingestor(get_engine(db_url), settings=make_settings(db_url))
    statuses = []
    for i, rec in enumerate(records):
        for outcome in ingestor.ingest_raw(record_to_raw(rec, source_name=f"r{i}")):
            statuses.append(outcome.status)
    return statuses


def test_date_only_copy_is_not_earlier_than_timestamped_original(db_url: str) -> None:
    copy = {
        "text": STORY,
        "outlet": "Daily Paper",
        "published_at": "1999-07-13",
        "url": "https://p.example/1",
    }
    wire = {
        "text": STORY,
        "outlet": "Press Association",
        "published_at": "1999-07-13T11:29",
        "url": "https://pa.example/1",
    }
    _ingest(db_url, [copy, wire])  # the copy arrives first
    engine = get_engine(db_url)
    with Session(engine) as session:
        claim_id = session.exec(select(Passage.claim_id).where(Passage.claim_id.is_not(None))).first()  # type: ignore[union-attr]
        prov = claim_provenance(session=session, claim_id=claim_id)  # type: ignore[arg-type]
        assert prov["first_publication"]["url"] == "https://pa.example/1"
        assert any("tie" in e for e in prov["first_publication"]["evidence"])
        paper = session.exec(select(Document).where(Document.url == "https://p.example/1")).one()
        index = LiveIndex(engine)
        index.load()
        rels = reuse_relations(session=session, document_id=paper.id, index=index)  # type: ignore[arg-type]
        assert rels and rels[0]["document"]["url"] == "https://pa.example/1"
        assert rels[0]["tie"] is True
        assert any("tie" in e for e in rels[0]["evidence"])


def test_compare_dates_intervals() -> None:
    day, stamp = ("1999-07-13", "day", None), ("1999-07-13T11:29", "minute", None)
    assert compare_dates(day, stamp)[0] == 0
    assert compare_dates(stamp, day)[0] == 0
    assert compare_dates(("1999-07-12T23:59", "minute", None), day)[0] == -1
    assert compare_dates(("1999-07-14", "day", None), stamp)[0] == 1
    assert compare_dates((None, None, None), stamp)[0] == 0


def test_two_outlets_with_identical_text_are_two_documents(db_url: str) -> None:
    a = {"text": STORY, "outlet": "Daily Paper", "published_at": "1999-07-13"}
    b = {"text": STORY, "outlet": "Evening Sheet", "published_at": "1999-07-13"}
    assert _ingest(db_url, [a, b, a]) == ["added", "added", "unchanged"]
    with Session(get_engine(db_url)) as session:
        assert len(session.exec(select(Document)).all()) == 2


def test_concurrent_migrations_on_a_fresh_database_are_serialized(db_url: str) -> None:
    script = (
        "import sys; from db.connection import get_engine, current_revision; "
        "e = get_engine(sys.argv[1]); print(current_revision(e))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, db_url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()[-2000:]
        assert out.decode().strip() == head_revision()
    assert current_revision(get_engine(db_url)) == head_revision()
    json.dumps([r[0].decode() for r in results])
