"""Bulk ingestion keeps PostgreSQL's planner statistics current (autovacuum may be off)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from api.pipeline.ingestor import Ingestor
from db import maintenance
from db.connection import get_engine
from tests.factories import make_settings


def _analyzed(engine, table: str) -> bool:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relid = to_regclass(:t)"),
            {"t": table},
        ).scalar_one()


def test_tables_grown_by_ingestion_are_analyzed(
    pg_url: str, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maintenance, "STALE_MIN_ROWS", 10)  # the seeds are small
    engine = get_engine(pg_url)
    assert not _analyzed(engine, "passage")
    report = Ingestor(engine, settings=make_settings(pg_url), batch_size=3).ingest_paths([seeds_dir])
    assert report.count("added") == 11
    # PostgreSQL publishes a connection's row counts at most once a second, and at the latest
    # when it closes (ingestion calls refresh_statistics after every batch of a long load)
    engine.dispose()
    analyzed: list[str] = []
    for _ in range(50):
        analyzed += maintenance.refresh_statistics(engine)
        if "passage" in analyzed:
            break
        time.sleep(0.1)
    assert {"passage", "claim", "document"} <= set(analyzed)
    assert _analyzed(engine, "passage") and _analyzed(engine, "claim")
    assert maintenance.refresh_statistics(engine) == []  # nothing changed since


def test_small_loads_and_sqlite_are_left_alone(sqlite_url: str, pg_url: str) -> None:
    assert maintenance.refresh_statistics(get_engine(sqlite_url)) == []
    assert maintenance.refresh_statistics(get_engine(pg_url)) == []  # under STALE_MIN_ROWS
