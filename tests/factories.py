"""Plain factory functions for tests: settings, apps, keys, ingested corpora."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from api.ingest.pipeline import Ingestor, Report
from api.keys import create_key
from api.settings import Settings
from db.engine import get_engine


def make_settings(db_url: str, **overrides: object) -> Settings:
    return Settings(database_url=db_url, **overrides)  # type: ignore[arg-type]


def ingest_paths(db_url: str, paths: list[Path], **overrides: object) -> Report:
    settings = make_settings(db_url, **overrides)
    return Ingestor(get_engine(db_url), settings=settings).ingest_paths(paths)


def make_key(db_url: str, scope: str = "ingest", name: str = "test") -> str:
    with Session(get_engine(db_url)) as session:
        _, key = create_key(session=session, name=name, scope=scope)
    return key


def client_for(db_url: str, **overrides: object) -> TestClient:
    return TestClient(create_app(make_settings(db_url, **overrides)))


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
