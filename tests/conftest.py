"""Shared fixtures: a real SQLite file per test and the real PostgreSQL server, one schema per test.

Storage tests take ``db_url`` and run once per backend. PostgreSQL is the server on
127.0.0.1:5432 (database ``test``); every test gets its own schema, dropped afterwards, so
concurrent runs never collide. Set ``CLAIMSCOPE_TEST_PG_URL`` to point elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from db.connection import dispose_engines

PG_URL = os.environ.get("CLAIMSCOPE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():  # CI clones main with shared/ beside it
    SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def require_seeds(seeds: Path = SEEDS, *, ci: bool | None = None) -> Path:
    """The seed articles (``shared/seeds`` beside the clone). A clone without them skips the
    tests that need them, saying what is missing; CI (``CI=true``), which has them, fails."""
    if seeds.is_dir():
        return seeds
    in_ci = os.environ.get("CI", "").lower() == "true" if ci is None else ci
    message = (
        f"seed articles not found at {seeds}: these tests need the shared seed corpus "
        "(shared/seeds beside the clone)"
    )
    if in_ci:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return require_seeds()


def _pg_schema_url(schema: str) -> str:
    # search_path in the connection options puts every table (and alembic_version) in the schema
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(schema)
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(autouse=True, scope="session")
def _index_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Index snapshots of PostgreSQL test schemas go under ``$XDG_CACHE_HOME``: a temporary one
    for the session, not the user's cache (a SQLite file's snapshots sit beside it in tmp)."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'claimscope.sqlite'}"
    dispose_engines()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on a fresh SQLite file and once on a fresh PostgreSQL schema."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return request.getfixturevalue(name)
