"""Settings, read from environment variables prefixed ``CLAIMSCOPE_``.

Every field here is documented in the README's configuration table; ``tests/test_settings.py``
checks that the two stay in step.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMSCOPE_", extra="ignore")

    database_url: str = Field(
        "sqlite:///claimscope.sqlite",
        description="SQLAlchemy URL. SQLite file by default; postgresql://... for PostgreSQL.",
    )
    require_key_for_read: bool = Field(
        False, description="When true, reading and matching also need an API key."
    )
    max_match_chars: int = Field(
        4000, description="Longest highlight accepted by /v1/match (characters); longer is 413."
    )
    max_document_bytes: int = Field(
        5_000_000, description="Largest document accepted by ingestion (bytes); larger is rejected."
    )
    ingest_batch_documents: int = Field(
        200,
        ge=1,
        le=5000,
        description="Documents stored per transaction when ingesting many (a folder, a JSONL file).",
    )
    ingest_workers: int = Field(
        1,
        ge=0,
        le=32,
        description="Processes that extract documents while the main one stores (0: none).",
    )
    max_request_bytes: int = Field(
        10_000_000, description="Largest HTTP request body accepted (bytes); larger is 413."
    )
    fetch_timeout_s: float = Field(10.0, description="Timeout for fetching a URL (seconds).")
    fetch_max_redirects: int = Field(5, description="Redirects followed when fetching a URL.")
    allow_private_fetch: bool = Field(
        False,
        description="Allow fetching URLs on loopback, private or link-local addresses.",
    )
    match_threshold: float = Field(
        0.80, description="Lowest score (0-1) returned as a match; below it, nothing."
    )
    restatements: bool = Field(
        True,
        description=(
            "Match restatements and translations of claims (sentence embeddings from models "
            "installed as packages), beside copies."
        ),
    )
    embed_worker: bool = Field(
        True, description="Embed new claims in a background thread of the API (else `claimscope embed`)."
    )
    index_sync_interval_ms: int = Field(
        0,
        description=(
            "How often (ms) a process checks the database for passages other processes added; "
            "0 checks before every match."
        ),
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Extra CORS origins allowed besides browser-extension origins.",
    )
    log_highlights: bool = Field(
        False, description="Log highlighted text (off by default for readers' privacy)."
    )
    rate_limit_per_minute: int = Field(
        600, description="Requests per minute per key (or per IP without a key); 0 disables."
    )
    redis_url: str | None = Field(
        None, description="Redis URL; when set, rate limits are shared between processes."
    )
    redis_prefix: str = Field(
        "claimscope", description="Prefix of every Redis key (several deployments, one Redis)."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
