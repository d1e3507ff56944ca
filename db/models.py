"""SQLModel tables of the claim index.

Outlet ─┬─< Document ─┬─< Passage >── Claim ──< Response
        │             ├─< Attribution (who the document says it comes from)
        │             └─< Republication (this document copies that one, with coverage)
        └─< Attribution.outlet
ApiKey ──< AuditEntry (every write, with before/after)
ClaimVector: sentence embeddings of claims (float32 blobs), written by the embedding worker.
IndexEvent: an append-only log of passage additions/removals that keeps in-memory
match indexes of several processes in step with the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Outlet(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=200)  # normalized name
    name: str = Field(max_length=300)
    kind: str = Field(default="unknown", max_length=30)  # news|state_media|official|blog|...
    domains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    publisher: str | None = Field(default=None, max_length=300)  # one publisher, several sites
    created_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    __table_args__ = (Index("ix_document_published", "published_at"),)

    id: int | None = Field(default=None, primary_key=True)
    identity: str = Field(index=True, unique=True, max_length=600)  # url or sha256 of content
    content_hash: str = Field(index=True, max_length=64)
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=1000)
    outlet_id: int | None = Field(default=None, foreign_key="outlet.id", index=True)
    author: str | None = Field(default=None, max_length=300)
    published_at: str | None = Field(default=None, max_length=40)  # ISO date or datetime
    date_precision: str | None = Field(default=None, max_length=10)  # year|month|day|minute
    published_not_after: str | None = Field(default=None, max_length=40)
    date_evidence: str | None = Field(default=None, sa_column=Column(Text))
    # A copy carried on someone else's page (a blog re-posting an RT story): who and when.
    reposted_by: str | None = Field(default=None, max_length=300)
    reposted_at: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    source_format: str = Field(max_length=20)  # txt|md|html|jsonl|url|api
    source_name: str | None = Field(default=None, max_length=2000)
    part_of: str | None = Field(default=None, max_length=600)  # identity of a multi-post page
    ingested_at: datetime = Field(default_factory=utcnow)
    created_by_key_id: int | None = Field(default=None, foreign_key="apikey.id")


class Passage(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("document_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    # no index of its own: the (document_id, ordinal) unique index leads with it
    document_id: int = Field(foreign_key="document.id")
    ordinal: int
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    norm: str = Field(sa_column=Column(Text, nullable=False))
    norm_hash: str = Field(index=True, max_length=16)  # exact-copy lookup across documents
    kind: str = Field(default="body", max_length=20)  # body|quote|comment|boilerplate|heading
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    relation: str | None = Field(default=None, max_length=20)  # original|verbatim|edited|...
    similarity: float | None = None  # to the claim's canonical passage


class Claim(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    canonical_passage_id: int | None = Field(default=None, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Attribution(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    outlet_id: int | None = Field(default=None, foreign_key="outlet.id", index=True)
    outlet_name: str = Field(max_length=300)
    kind: str = Field(max_length=30)  # original_source|republished_from|source_line|via|...
    cited_date: str | None = Field(default=None, max_length=40)
    cited_date_precision: str | None = Field(default=None, max_length=10)
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    start: int | None = None
    end: int | None = None


class Republication(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("document_id", "source_document_id"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    source_document_id: int = Field(foreign_key="document.id", index=True)
    coverage: float  # share of the copy's passages found in the source
    relation: str = Field(max_length=20)  # verbatim|edited|excerpt


class Response(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    speaker: str | None = Field(default=None, max_length=300)
    role: str | None = Field(default=None, max_length=300)
    organization: str | None = Field(default=None, max_length=300)
    stance: str = Field(max_length=20)  # denies|confirms|disputes|comments
    date: str | None = Field(default=None, max_length=40)
    quote: str = Field(sa_column=Column(Text, nullable=False))
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    passage_id: int | None = Field(default=None, foreign_key="passage.id")
    source_url: str | None = Field(default=None, max_length=2000)
    how: str = Field(default="extracted", max_length=20)  # extracted|curated|official_document
    evidence: str | None = Field(default=None, sa_column=Column(Text))
    deleted: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    created_by_key_id: int | None = Field(default=None, foreign_key="apikey.id")


class ApiKey(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    scope: str = Field(max_length=20)  # ingest|curate|admin
    prefix: str = Field(index=True, max_length=16)
    key_hash: str = Field(unique=True, max_length=128)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    key_id: int | None = Field(default=None, foreign_key="apikey.id")
    actor: str = Field(max_length=200)  # key name, or "cli"
    action: str = Field(max_length=50)
    entity: str = Field(max_length=50)
    entity_id: int | None = None
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class IndexEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    op: str = Field(max_length=10)  # add|remove
    document_id: int
    at: datetime = Field(default_factory=utcnow)


class ClaimVector(SQLModel, table=True):
    """One claim's sentence embedding by one model (``api.matching.semantic``): float32 bytes,
    L2-normalized. Written by the embedding worker (``api.matching.embedding``), off the
    ingestion path; the id orders them so that every process can read what is new."""

    __table_args__ = (UniqueConstraint("claim_id", "model", name="uq_claimvector_claim_model"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(index=True)
    model: str = Field(max_length=60)
    dim: int
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ReviewSuggestion(SQLModel, table=True):
    """A link the engine was not sure of, held for a moderator (``pending``), and once decided
    the decision itself (``confirmed`` / ``rejected``), keyed by content so that re-ingestion
    never asks again: ``subject_hash`` is the new passage's norm_hash (reuse) or a hash of the
    response (response); ``target_hash`` is the norm_hash of the passage it would join/answer.
    Passage and claim ids are plain columns (no foreign keys): documents are re-ingested and
    claims merge, so they are resolved again when the suggestion is decided."""

    __table_args__ = (Index("ix_reviewsuggestion_content", "kind", "subject_hash", "target_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # reuse|response
    status: str = Field(default="pending", max_length=20, index=True)  # pending|confirmed|rejected
    subject_hash: str = Field(max_length=64)
    target_hash: str = Field(max_length=64)
    passage_id: int | None = None  # reuse: the new passage; response: the statement passage
    target_passage_id: int | None = None  # the passage (of the claim) it would join / answer
    claim_id: int | None = None  # the target claim when suggested
    document_id: int | None = None
    similarity: float | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    target_text: str = Field(sa_column=Column(Text, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    decided_by_key_id: int | None = Field(default=None, foreign_key="apikey.id")


class Watch(SQLModel, table=True):
    """A webhook subscription to a claim or an outlet. ``claim_hash`` (the claim's canonical
    passage norm_hash) lets a watch follow its claim when claims merge."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int | None = Field(default=None, index=True)
    claim_hash: str | None = Field(default=None, max_length=16)
    outlet_id: int | None = Field(default=None, foreign_key="outlet.id", index=True)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=200)
    key_id: int | None = Field(default=None, foreign_key="apikey.id")
    active: bool = Field(default=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One event for one watch: the exact body that is signed and sent, and every attempt."""

    __table_args__ = (Index("ix_webhookdelivery_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="watch.id", index=True)
    event: str = Field(max_length=30)  # republication|document|response
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=20)  # pending|delivered|failed|cancelled
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    log: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None
