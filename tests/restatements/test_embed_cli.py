"""``claimscope embed``: the embedding queue run to the end from the command line, and the API's
worker thread doing the same in the background (``/readyz`` shows the lag going to 0)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from tests.factories import client_for, ingest_paths

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TEXT = (
    "## Bridge Closed After Inspection\n\nHarbor Tribune, 7 March 2024\n\n"
    "The Marlow bridge was closed on Tuesday after inspectors found cracks in two support beams.\n\n"
    "A city engineer said repairs would take at least six weeks and cost about two million dollars.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "bridge.md"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def runner(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("CLAIMSCOPE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_embed_command_empties_the_queue(runner: CliRunner, sqlite_url: str, article: Path) -> None:
    ingest_paths(sqlite_url, [article])
    result = runner.invoke(app, ["embed"])
    assert result.exit_code == 0, result.output
    assert "still pending: {'all-MiniLM-L6-v2-int8': 0, 'use-multilingual-v3': 0}" in result.output
    with client_for(sqlite_url, embed_worker=False) as client:
        found = client.post(
            "/v1/match", json={"text": "Inspectors discovered cracked beams, so the bridge was shut"}
        )
        assert found.json()["matches"][0]["match_type"] == "restatement"


def test_the_api_worker_embeds_in_the_background(sqlite_url: str, article: Path) -> None:
    ingest_paths(sqlite_url, [article])
    with client_for(sqlite_url) as client:
        deadline = time.monotonic() + 60
        while any(client.get("/readyz").json()["embedding_lag"].values()):
            assert time.monotonic() < deadline, "the worker did not catch up"
            time.sleep(0.2)


def test_two_processes_embedding_at_once_store_each_vector_once(sqlite_url: str, article: Path) -> None:
    """Two API workers may embed the same claims: the second insert keeps the first's vectors."""
    import numpy as np
    from sqlalchemy import func, select

    from api.matching.embedding import _store
    from db.connection import get_engine
    from db.models import Claim, ClaimVector

    ingest_paths(sqlite_url, [article])
    db = get_engine(sqlite_url)
    with db.connect() as conn:
        ids = conn.execute(select(Claim.id)).scalars().all()  # type: ignore[call-overload]
    vec = np.ones(4, dtype=np.float32).tobytes()
    rows = [{"claim_id": i, "model": "m", "dim": 4, "vector": vec} for i in ids]
    assert len(_store(db, rows[:1])) == 1
    assert len(_store(db, rows)) == len(ids) - 1
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ClaimVector)).scalar() == len(ids)
