"""Plain factory functions for tests: settings, apps, keys, ingested corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.app import create_app
from api.keys import create_key
from api.pipeline.ingestor import Ingestor, Report
from api.settings import Settings
from db.connection import get_engine


def make_settings(db_url: str, **overrides: object) -> Settings:
    return Settings(database_url=db_url, **overrides)  # type: ignore[arg-type]


def ingest_paths(db_url: str, paths: list[Path], **overrides: object) -> Report:
    settings = make_settings(db_url, **overrides)
    return Ingestor(get_engine(db_url), settings=settings).ingest_paths(paths)


VOLATILE_KEYS = {"id", "document_id", "passage_id", "claim_id", "url", "outlet_id"}


def _strip(value: Any) -> Any:
    """Drop database ids (they depend on insertion order) and sort what has no order."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in sorted(value.items()) if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def claims_snapshot(db_url: str) -> dict[str, Any]:
    """Every claim of a database, by canonical text: its appearances and its provenance, with
    the ids that depend on insertion order left out (to compare two ways of ingesting)."""
    from api.provenance.claims_view import claim_detail
    from db.models import Claim

    out: dict[str, Any] = {}
    with Session(get_engine(db_url)) as session:
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


def make_key(db_url: str, scope: str = "ingest", name: str = "test") -> str:
    with Session(get_engine(db_url)) as session:
        _, key = create_key(session=session, name=name, scope=scope)
    return key


def client_for(db_url: str, **overrides: object) -> TestClient:
    return TestClient(create_app(make_settings(db_url, **overrides)))


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
