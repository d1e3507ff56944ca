"""Response bodies of the HTTP API, as the OpenAPI schema documents them (issue 17).

Every ``/v1`` operation declares one of these as its ``response_model``. Routes that build plain
JSON themselves and answer a ``JSONResponse`` (match, claims, check: the fast paths) are not
validated again by FastAPI — the model documents the body; routes that return a dict are
validated and serialized through it. Fields are nullable exactly where the server may send
``null`` (a database column that may be empty, an outlet that is only named, ...); extra fields
are not declared as forbidden, so adding one is not a breaking change for clients.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class OutletRef(BaseModel):
    """An outlet as it appears inside other objects; ``id`` is null for an outlet that is only
    named (cited by a document, or a reposting page) and not in the registry."""

    id: int | None = None
    name: str | None
    domain: str | None
    kind: str


class OutletOut(OutletRef):
    domains: list[str]
    aliases: list[str]
    publisher: str | None


class OutletList(BaseModel):
    items: list[OutletOut]
    next_cursor: str | None


class ClaimRef(BaseModel):
    id: int
    text: str
    url: str = Field(description="The claim's HTML page")


class ClaimSummary(BaseModel):
    id: int
    text: str


class ClaimList(BaseModel):
    items: list[ClaimSummary]
    next_cursor: str | None


class DocumentRef(BaseModel):
    id: int
    title: str | None
    url: str | None
    published_at: str | None
    date_precision: str | None
    not_after: str | None
    outlet: OutletRef | None


class Publication(BaseModel):
    """One publication of a claim: the first, or a republisher."""

    outlet: OutletRef | None
    published_at: str | None
    date_precision: str | None
    not_after: str | None
    url: str | None
    title: str | None
    in_index: bool
    document_id: int | None
    relation: str
    attribution: str | None
    evidence: list[str]


class ResponseSource(BaseModel):
    document_id: int | None
    title: str | None
    url: str | None
    published_at: str | None = None
    outlet: OutletRef | None


class OfficialResponse(BaseModel):
    id: int | None = Field(description="null for a passage of an official outlet's own document")
    speaker: str | None
    role: str | None
    organization: str | None
    stance: str
    date: str | None
    quote: str
    how: str = Field(description="extracted | curated | official_document")
    evidence: str | None
    source: ResponseSource | None = Field(description="null when neither a document nor a URL is known")


class Provenance(BaseModel):
    first_publication: Publication | None
    republishers: list[Publication]
    official_responses: list[OfficialResponse]


class Appearance(BaseModel):
    passage_id: int
    text: str
    start: int
    end: int
    ordinal: int
    relation: str | None
    document: DocumentRef


class ClaimDetail(BaseModel):
    claim: ClaimRef
    appearances: list[Appearance]
    provenance: Provenance


class MatchedPassage(BaseModel):
    id: int
    document_id: int
    kind: str = Field(description="body | quote | heading (a title or subhead)")
    text: str
    start: int
    end: int
    match_start: int
    match_end: int
    query_start: int
    query_end: int


class Match(BaseModel):
    score: float
    match_type: str = Field(
        description="copy (an aligned span of the passage) | headline (a copy of a title or subhead) | "
        "restatement (the claim in other words) | "
        "translation (the claim in another language); for the last two the passage is the claim's "
        "first sentence and the span covers the whole highlight"
    )
    confidence: str = Field(description="high | suggestion")
    components: dict[str, float]
    is_current_page: bool
    claim: ClaimRef
    passage: MatchedPassage
    document: DocumentRef
    provenance: Provenance


class Page(BaseModel):
    """The reader's page, when it is itself indexed."""

    in_index: bool
    document_id: int
    title: str | None
    outlet: OutletRef | None
    republication_of: dict[str, Any] | None


class MatchResult(BaseModel):
    matches: list[Match]
    page: Page | None


class MatchOut(MatchResult):
    took_ms: float


class MatchBatchOut(BaseModel):
    results: list[MatchResult]
    took_ms: float


class DocumentSummary(BaseModel):
    id: int
    title: str | None
    url: str | None
    outlet: OutletRef | None
    author: str | None
    published_at: str | None
    date_precision: str | None
    not_after: str | None
    language: str | None
    source_format: str
    ingested_at: str | None


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    next_cursor: str | None


class AttributionOut(BaseModel):
    outlet: str
    outlet_id: int | None
    kind: str
    cited_date: str | None
    cited_date_precision: str | None
    evidence: str
    start: int | None
    end: int | None


class PassageOut(BaseModel):
    id: int
    ordinal: int
    start: int
    end: int
    text: str
    kind: str
    claim_id: int | None


class ReusedDocument(BaseModel):
    id: int
    title: str | None
    url: str | None
    published_at: str | None
    outlet: OutletRef | None


class Reuse(BaseModel):
    relation: str = Field(description="republishes | republished_by | quotes | quoted_by")
    coverage: float
    shared_passages: int
    document: ReusedDocument


class DocumentDetail(DocumentSummary):
    text: str
    date_evidence: str | None
    attributions: list[AttributionOut]
    passages: list[PassageOut]
    reuse: list[Reuse]


class IngestOutcome(BaseModel):
    name: str
    status: str = Field(description="added | unchanged | updated | rejected")
    document_id: int | None
    title: str | None
    passages: int
    reason: str | None
    part: int | None


class IngestOut(BaseModel):
    documents: list[IngestOutcome]


class DeletedDocument(BaseModel):
    document_id: int
    passages: int
    claims_removed: list[int]
    claims_changed: list[int]


class CheckSpan(BaseModel):
    start: int
    end: int
    text: str


class CheckSpanScored(CheckSpan):
    score: float


class CheckedDocument(DocumentRef):
    coverage: float


class CheckedRepublished(CheckedDocument):
    relation: str = Field(description="republishes | excerpts")
    first_publication: Publication | None


class CheckClaim(BaseModel):
    claim: ClaimRef
    score: float
    spans: list[CheckSpanScored]
    provenance: Provenance


class CheckOut(BaseModel):
    already_indexed: list[CheckedDocument]
    republishes: list[CheckedRepublished]
    claims: list[CheckClaim]
    new_parts: list[CheckSpan]
    passages_checked: int
    text: str
    ingested: list[IngestOutcome] | None = Field(None, description="With ingest=true only")


class Suggestion(BaseModel):
    id: int
    kind: str
    status: str
    similarity: float | None
    text: str
    target_text: str
    reason: str | None
    passage_id: int | None
    target_passage_id: int | None
    claim_id: int | None
    document_id: int | None
    response: dict[str, Any] | None
    created_at: str | None
    decided_at: str | None
    decided_by_key_id: int | None
    claim: ClaimSummary | None = None


class SuggestionList(BaseModel):
    items: list[Suggestion]
    next_cursor: str | None


class Decision(Suggestion):
    applied: dict[str, Any] | None = Field(description="What a confirmation changed; null on reject")


class WatchOut(BaseModel):
    id: int
    claim_id: int | None
    outlet_id: int | None
    url: str
    created_at: str


class WatchCreated(WatchOut):
    secret: str = Field(description="The HMAC key; shown this once")


class WatchList(BaseModel):
    items: list[WatchOut]
    next_cursor: str | None


class DeliveryOut(BaseModel):
    id: int
    watch_id: int
    event: str
    status: str
    attempts: int
    next_attempt_at: str
    last_status_code: int | None
    last_error: str | None
    log: list[dict[str, Any]]
    created_at: str
    delivered_at: str | None
    body: dict[str, Any]


class DeliveryList(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class FactcheckSummary(BaseModel):
    linked: int
    updated: int
    unchanged: int
    unmatched: int
    invalid: int


class FactcheckOutcome(BaseModel):
    claim_reviewed: str
    url: str | None
    status: str = Field(description="linked | updated | unchanged | unmatched | invalid")
    claim_ids: list[int]
    stance: str | None
    reason: str | None


class FactcheckOut(BaseModel):
    summary: FactcheckSummary
    items: list[FactcheckOutcome]


class Health(BaseModel):
    status: str
    version: str


class Ready(BaseModel):
    status: str = Field(description="ready | migrations_pending | unavailable")
    revision: str | None = None
    head: str | None = None
    passages_indexed: int | None = None
    reason: str | None = Field(None, description="Why it is unavailable")
