"""Engine and session factory for SQLite (default) and PostgreSQL, and self-upgrade on start."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and pick the psycopg 3 driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


SQLITE_CACHE_KIB = 65_536
SQLITE_CHECKPOINT_PAGES = 16_384  # of 4 KiB


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def _enable_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        # WAL lets readers (API processes) go on while one writer ingests.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of page cache instead of 2: ingestion inserts into the passage indexes
        # (norm_hash is random) and re-reads them per batch; past ~100k passages they no longer
        # fit in 2 MiB and every lookup went to the OS (bench/provenance.py).
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        # Checkpoint the WAL every 64 MiB rather than every 4: a batch of ingestion dirties
        # pages all over the passage indexes, and each checkpoint wrote them back and synced
        # (a fifth of ingestion's time at 400k passages); fewer checkpoints write each page once
        # for several batches.
        cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
        cur.close()


def build_engine(url: str) -> Engine:
    url = normalize_url(url)
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _enable_sqlite_pragmas(engine)
    else:
        # No pre-ping round trip on every checkout (it was a tenth of a match); connections are
        # recycled instead, and a dropped one fails one request and is replaced.
        engine = create_engine(url, pool_recycle=1800, pool_size=10, max_overflow=10)
    return engine


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


# PostgreSQL advisory lock key held around migrations (any constant; "CSMIGRAT" in ASCII).
MIGRATION_LOCK_KEY = 0x43534D4947524154


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent). Serialized between processes:
    two that start on a fresh database at once would both create the tables ("table apikey
    already exists", a UniqueViolation on alembic_version); the second one now waits for the
    first and then finds the schema at head. PostgreSQL: a transaction-level advisory lock
    (per database, so every schema of it migrates one at a time: migrations are short);
    SQLite: an exclusive lock on a file beside the database (in-memory databases need none)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with _migration_file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextmanager
def _migration_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    import fcntl

    with open(f"{database}.migrate-lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # released when the file closes
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(url: str) -> Engine:
    """One migrated engine per URL and process (kept until ``dispose_engines``)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = build_engine(url)
            upgrade(engine)
            _ENGINES[url] = engine
        return engine


def dispose_engines() -> None:
    """Close the pooled connections of every engine ``get_engine`` made, and forget them (at
    shutdown, and between tests that each use a database of their own)."""
    with _ENGINES_LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    read_engine.cache_clear()
    for engine in engines:
        engine.dispose()


@lru_cache(maxsize=8)
def read_engine(engine: Engine) -> Engine:
    """``engine`` for read-only request paths (``/v1/match``): on PostgreSQL each statement runs
    in autocommit, which saves a ``BEGIN`` and a ``ROLLBACK`` round trip per request; under READ
    COMMITTED (the default) a transaction gave each statement its own snapshot anyway. Same pool.
    Other databases (SQLite: one snapshot per transaction) get ``engine`` itself."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
