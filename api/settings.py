"""Settings, read from environment variables prefixed ``CLAIMSCOPE_``.

Every field here is documented in the README's configuration table; ``tests/test_settings.py``
checks that the two stay in step. Every number has bounds: a value out of them (for example
``CLAIMSCOPE_MATCH_THRESHOLD=1.5`` or ``CLAIMSCOPE_MAX_MATCH_CHARS=0``) is refused at start with
a :class:`SettingsError` naming the variable, never taken as given.

Who may read (one rule, ``api.deps.require_read``): with ``CLAIMSCOPE_REQUIRE_KEY_FOR_READ=true``
every read needs a valid API key (any scope): the ``/v1`` reads, the HTML pages (``/claims/{id}``,
``/search``, ``/check``, ``/review``) and ``/metrics``. ``CLAIMSCOPE_METRICS_REQUIRE_KEY``
overrides the rule for ``/metrics`` alone (``true``: always a key; ``false``: always open, for a
scraper on a private network; unset: as for every read). ``/healthz``, ``/readyz``, ``/docs``,
``/openapi.json`` and ``/static`` stay open (probes and documentation hold no data).

Redis outage (``CLAIMSCOPE_REDIS_URL`` set but unreachable): rate limiting fails *open* — requests
are served without limits, so an outage of the limiter's store never takes the API down — and it
is reported, not silent: ``/readyz`` answers 503 (``{"status": "unavailable", "reason": "redis:
<error>"}`` with Retry-After), so a load balancer stops routing to the unlimited process, and
``claimscope_ratelimit_backend_errors_total`` on ``/metrics`` counts every failed round trip.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

ENV_PREFIX = "CLAIMSCOPE_"


class SettingsError(ValueError):
    """A setting out of its bounds (or unreadable); the message names each variable."""


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error.get("loc", ()))
        shown = f"{ENV_PREFIX}{name.upper()}" if name else "settings"
        lines.append(f"{shown}={error.get('input')!s}: {error.get('msg')}")
    return "invalid setting: " + "; ".join(lines)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(_describe(exc)) from None

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _networks(cls, v: str) -> str:
        for item in (x.strip() for x in v.split(",")):
            if item and item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError as exc:
                    raise ValueError(f"{item!r} is not an IP address or CIDR network") from exc
        return v

    database_url: str = Field(
        "sqlite:///claimscope.sqlite",
        description="SQLAlchemy URL. SQLite file by default; postgresql://... for PostgreSQL.",
    )
    require_key_for_read: bool = Field(
        False,
        description="When true, every read (the /v1 reads and matching, the HTML pages, /metrics) "
        "needs an API key.",
    )
    metrics_require_key: bool | None = Field(
        None,
        description="Whether /metrics needs an API key: true or false; unset follows "
        "CLAIMSCOPE_REQUIRE_KEY_FOR_READ.",
    )
    max_match_chars: int = Field(
        4000,
        ge=1,
        le=1_000_000,
        description="Longest highlight accepted by /v1/match (characters); longer is 413.",
    )
    max_document_bytes: int = Field(
        5_000_000,
        ge=1,
        le=1_000_000_000,
        description="Largest document accepted by ingestion (bytes); larger is rejected.",
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
        10_000_000,
        ge=1,
        le=1_000_000_000,
        description="Largest HTTP request body accepted (bytes, counted as received); larger is 413.",
    )
    fetch_timeout_s: float = Field(10.0, gt=0, le=300, description="Timeout for fetching a URL (seconds).")
    fetch_max_redirects: int = Field(5, ge=0, le=20, description="Redirects followed when fetching a URL.")
    allow_private_fetch: bool = Field(
        False,
        description="Allow fetching URLs on loopback, private or link-local addresses.",
    )
    match_threshold: float = Field(
        0.80, ge=0.0, le=1.0, description="Lowest score (0-1) returned as a match; below it, nothing."
    )
    statement_parser: bool = Field(
        False,
        description=(
            "Read official statements with a spaCy dependency parse of the sentences holding a "
            "speech cue (better recall and speakers; ~0.5 s of CPU per article instead of ~2 ms)."
        ),
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
    index_dir: str = Field(
        "",
        description=(
            "Directory of the match index snapshots every process on this machine maps instead of "
            "rebuilding the index (see README, Scaling). Empty: beside a SQLite file "
            "(`claimscope.sqlite.index`), else under `$XDG_CACHE_HOME/claimscope/index/`; "
            "`off`: no snapshots, every process builds from the database."
        ),
    )
    index_sync_interval_ms: int = Field(
        0,
        ge=0,
        le=3_600_000,
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
        600,
        ge=0,
        le=10_000_000,
        description="Requests per minute per key (or per IP without a key); 0 disables.",
    )
    rate_limit_per_ip_per_minute: int = Field(
        6000,
        ge=0,
        le=100_000_000,
        description="Requests per minute per IP that carry an API key, counted before the key is "
        "looked up (invented keys share it); 0 disables this budget.",
    )
    forwarded_allow_ips: str = Field(
        "",
        description="Comma-separated proxy addresses/CIDRs (or *) whose X-Forwarded-For names the "
        "client for rate limits; empty: X-Forwarded-For is ignored.",
    )
    redis_url: str | None = Field(
        None,
        description="Redis URL; when set, rate limits are shared between processes. If it is "
        "unreachable requests are served unlimited, /readyz answers 503 and "
        "claimscope_ratelimit_backend_errors_total counts the failures.",
    )
    redis_prefix: str = Field(
        "claimscope", description="Prefix of every Redis key (several deployments, one Redis)."
    )


def index_directory(settings: Settings) -> Path | None:
    """Where this database's index snapshots live (``CLAIMSCOPE_INDEX_DIR``); None: none."""
    chosen = settings.index_dir.strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen).expanduser()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            return None  # an in-memory database has no history another process could share
        return Path(url.database + ".index")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    # one directory per database (the password is not part of what names it)
    key = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return cache / "claimscope" / "index" / key


@lru_cache
def get_settings() -> Settings:
    return Settings()
