"""Ingestion: read -> extract -> split -> store -> link, one document per transaction.

The stages live in their own modules; this one only composes them and reports what happened.
A document that fails at any stage is reported with its reason and rolled back alone: the rest
of the batch goes in, and nothing already stored is touched. The same input twice changes
nothing (documents are identified by URL, or by the hash of their clean text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlmodel import Session

from api.errors import ClaimScopeError
from api.ingest import fetch as fetcher
from api.ingest.errors import RejectedInput
from api.ingest.extract import extract
from api.ingest.sources import SourceItem, iter_paths, read_path
from api.ingest.split import split_passages
from api.ingest.types import ExtractedDocument, RawDocument
from api.matching.normalize import normalize
from api.provenance.outlets import resolve_outlet
from api.provenance.reuse import link_document
from api.provenance.watch import enqueue_document_events
from api.settings import Settings
from db import crud
from db.models import Attribution, Document, Passage

INDEXED_KINDS = ("body", "quote", "heading")


@dataclass(slots=True)
class Outcome:
    """What happened to one input (or one post of a multi-post page)."""

    name: str
    status: str  # added | unchanged | updated | rejected
    document_id: int | None = None
    title: str | None = None
    passages: int = 0
    reason: str | None = None
    part: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


@dataclass(slots=True)
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def split_pages(self) -> int:
        return len({o.name for o in self.outcomes if o.part is not None})

    @property
    def passages(self) -> int:
        return sum(o.passages for o in self.outcomes if o.status in ("added", "updated"))

    def summary(self) -> dict[str, int]:
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "rejected": self.count("rejected"),
            "split_pages": self.split_pages,
            "passages": self.passages,
        }


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def norm_hash(norm: str) -> str:
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


def identity_of(doc: ExtractedDocument, text_hash: str, *, multipart: bool) -> str:
    if doc.url:
        suffix = f"#post-{doc.part_index}" if multipart and doc.part_index is not None else ""
        return doc.url.strip()[:560] + suffix
    return f"sha256:{text_hash}"


class Ingestor:
    """Stores documents and keeps the match index and claims in step with them."""

    def __init__(
        self,
        engine: Engine,
        *,
        settings: Settings,
        index: object | None = None,
        key_id: int | None = None,
        actor: str = "cli",
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.index = index  # a LiveIndex; created lazily when None
        self.key_id = key_id
        self.actor = actor

    # --- inputs ---------------------------------------------------------------------------
    def ingest_paths(
        self, paths: Iterable[str | Path], *, on_item: Callable[[Outcome], None] | None = None
    ) -> Report:
        report = Report()
        for path in iter_paths(list(paths)):
            for item in read_path(path, max_bytes=self.settings.max_document_bytes):
                for outcome in self.ingest_item(item):
                    report.outcomes.append(outcome)
                    if on_item:
                        on_item(outcome)
        return report

    def ingest_item(self, item: SourceItem) -> list[Outcome]:
        if item.raw is None:
            return [Outcome(item.name, "rejected", reason=item.rejected)]
        return self.ingest_raw(item.raw)

    def ingest_url(self, url: str) -> list[Outcome]:
        try:
            final, ctype, body = fetcher.fetch(
                url,
                timeout_s=self.settings.fetch_timeout_s,
                max_bytes=self.settings.max_document_bytes,
                max_redirects=self.settings.fetch_max_redirects,
                allow_private=self.settings.allow_private_fetch,
            )
        except ClaimScopeError as exc:
            return [Outcome(url, "rejected", reason=exc.message)]
        fmt = "html" if "html" in ctype or body.lstrip()[:1] == "<" else "txt"
        raw = RawDocument(content=body, source_format=fmt, source_name=url, url=final)
        return self.ingest_raw(raw)

    # --- one raw document -----------------------------------------------------------------
    def ingest_raw(self, raw: RawDocument) -> list[Outcome]:
        name = raw.source_name or raw.url or "(input)"
        if len(raw.content.encode("utf-8", errors="ignore")) > self.settings.max_document_bytes:
            limit = self.settings.max_document_bytes
            return [Outcome(name, "rejected", reason=f"document over the {limit} byte limit")]
        try:
            docs = extract(raw)
        except (RejectedInput, ClaimScopeError) as exc:
            return [Outcome(name, "rejected", reason=_reason(exc))]
        if not docs:
            return [Outcome(name, "rejected", reason="no article text found")]
        multipart = len(docs) > 1
        outcomes = []
        for doc in docs:
            try:
                outcomes.append(self._store_one(doc, raw, name=name, multipart=multipart))
            except ClaimScopeError as exc:
                outcomes.append(Outcome(name, "rejected", reason=exc.message, part=doc.part_index))
        return outcomes

    def _store_one(
        self, doc: ExtractedDocument, raw: RawDocument, *, name: str, multipart: bool
    ) -> Outcome:
        text_hash = content_hash(doc.text)
        identity = identity_of(doc, text_hash, multipart=multipart)
        part = doc.part_index if multipart else None
        with Session(self.engine, expire_on_commit=False) as session:
            existing = crud.document_by_identity(session=session, identity=identity)
            if existing is not None and existing.content_hash == text_hash:
                return Outcome(name, "unchanged", existing.id, existing.title, part=part)
            status, previous = "added", {}
            if existing is not None:
                # An update keeps the claims (and their curated responses) of unchanged text.
                previous = crud.claims_by_text(session=session, document_id=existing.id)
                crud.delete_document(session=session, document=existing, keep_claims=True)
                status = "updated"
            stored, n_passages = self._insert(session, doc, raw, identity, text_hash)
            assert stored.id is not None
            # Link against the index *before* it holds this document, so that a passage is
            # never found as its own duplicate; then publish the document to every index.
            index = self.live_index()
            link_document(session=session, document_id=stored.id, index=index, previous=previous)
            crud.delete_orphan_claims(session=session, claim_ids=set(previous.values()))
            enqueue_document_events(session=session, document_id=stored.id)
            crud.record_index_event(session=session, op="add", document_id=stored.id)
            crud.audit(
                session=session, actor=self.actor, key_id=self.key_id, action=f"document.{status}",
                entity="document", entity_id=stored.id, after={"identity": identity},
            )
            session.commit()
            index.refresh()
            return Outcome(name, status, stored.id, stored.title, n_passages, part=part)

    def _insert(
        self, session: Session, doc: ExtractedDocument, raw: RawDocument, identity: str,
        text_hash: str,
    ) -> tuple[Document, int]:
        outlet = resolve_outlet(session=session, name=doc.outlet, domain=doc.outlet_domain)
        stored = Document(
            identity=identity, content_hash=text_hash, url=doc.url, title=doc.title,
            outlet_id=outlet.id if outlet else None, author=doc.author,
            published_at=doc.published_at, date_precision=doc.date_precision,
            published_not_after=doc.published_not_after, date_evidence=doc.date_evidence,
            reposted_by=getattr(doc, "reposted_by", None),
            reposted_at=getattr(doc, "reposted_at", None),
            language=doc.language, text=doc.text, source_format=raw.source_format,
            source_name=raw.source_name,
            part_of=(raw.url or raw.source_name) if doc.part_index is not None else None,
            created_by_key_id=self.key_id,
        )
        session.add(stored)
        session.flush()
        assert stored.id is not None
        # One executemany, no model objects: passages are the bulk of every write.
        passages = [
            {"document_id": stored.id, "ordinal": i, "start": p.start, "end": p.end,
             "text": p.text, "norm": (n := normalize(p.text)), "norm_hash": norm_hash(n),
             "kind": p.kind}
            for i, p in enumerate(split_passages(doc))
        ]
        if passages:
            session.execute(insert(Passage), passages)
        for a in doc.attributions:
            cited = resolve_outlet(session=session, name=a.outlet)
            session.add(
                Attribution(
                    document_id=stored.id, outlet_id=cited.id if cited else None,
                    outlet_name=a.outlet, kind=a.kind, cited_date=a.cited_date,
                    cited_date_precision=a.cited_date_precision, evidence=a.evidence,
                    start=a.start, end=a.end,
                )
            )
        session.flush()
        return stored, len(passages)

    def live_index(self):  # type: ignore[no-untyped-def]
        if self.index is None:
            from api.matching.live import LiveIndex

            self.index = LiveIndex(self.engine)
            self.index.load()
        self.index.refresh()  # type: ignore[attr-defined]
        return self.index


def _reason(exc: Exception) -> str:
    return getattr(exc, "reason", None) or getattr(exc, "message", None) or str(exc)
