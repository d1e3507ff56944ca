"""Repost check for moderators: a whole text in; what it copies, which claims it carries,
and which parts are new, out. Nothing is stored unless the caller asks for it.

The submitted text goes through the same extraction and splitting as ingestion, so a pasted
article is cut into the same passages an ingested copy would be; each passage is matched
against the index with the same engine as a highlight.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from api.errors import BadInput, RejectedInput, TooLarge
from api.ingest import fetch as fetcher
from api.ingest.extract import extract
from api.ingest.prepare import content_hash
from api.matching.protocol import MatchIndex
from api.provenance.answer import claim_json, document_json
from api.provenance.timeline import claim_provenance
from api.text.split import split_passages
from api.text.types import RawDocument
from db.models import Claim, Document, Outlet, Passage

# A submitted text sharing this share of its passages with a document republishes it.
REPUBLICATION_COVERAGE = 0.5
CHECKED_KINDS = ("body", "quote")
MIN_CHECK_WORDS = 4


def raw_to_check(*, text: str | None, url: str | None, settings: Any) -> RawDocument:
    """What POST /v1/check and ``claimscope check`` check: the given text (its ``url`` kept as
    metadata), else the page fetched from ``url`` under the fetch rules of ``settings``."""
    if text is not None:
        if not text.strip():
            raise BadInput("text is empty", field="text")
        if len(text.encode("utf-8")) > settings.max_document_bytes:
            raise TooLarge(f"text over the {settings.max_document_bytes} byte limit", field="text")
        return RawDocument(content=text, source_format="api", source_name="check", url=url)
    if not url:
        raise BadInput("give 'text' or a 'url' to check", field="text")
    final, ctype, page = fetcher.fetch(
        url,
        timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.max_document_bytes,
        max_redirects=settings.fetch_max_redirects,
        allow_private=settings.allow_private_fetch,
    )
    fmt = "html" if "html" in ctype or page.lstrip()[:1] == "<" else "txt"
    return RawDocument(content=page, source_format=fmt, source_name=final, url=final)


def check_report(
    *,
    session: Session,
    index: Any,
    raw: RawDocument,
    settings: Any,
    base_url: str = "",
    provenance_cache: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The repost-check report of POST /v1/check and ``claimscope check`` (one function, so the
    two agree): ``check_text`` at the configured threshold, a refused text as RejectedInput."""
    try:
        return check_text(
            session=session,
            index=index,
            raw=raw,
            threshold=settings.match_threshold,
            base_url=base_url,
            provenance_cache=provenance_cache,
        )
    except RejectedInput as exc:
        raise RejectedInput(exc.reason, field="text") from exc


def check_text(
    *,
    session: Session,
    index: MatchIndex,
    raw: RawDocument,
    threshold: float,
    base_url: str = "",
    provenance_cache: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``provenance_cache`` (claim id -> provenance, see api.provenance.cache) is read and filled."""
    cache = provenance_cache if provenance_cache is not None else {}
    docs = extract(raw)
    text_hashes = {content_hash(d.text) for d in docs}
    already = session.exec(select(Document).where(Document.content_hash.in_(text_hashes))).all()  # type: ignore[attr-defined]
    new_parts: list[dict[str, Any]] = []
    per_doc: dict[int, set[int]] = defaultdict(set)
    per_claim: dict[Any, dict[str, Any]] = {}
    checked: list[tuple[dict[str, Any], list[Any]]] = []
    offset = 0
    for doc in docs:
        for p in split_passages(doc):
            if p.kind not in CHECKED_KINDS or len(p.text.split()) < MIN_CHECK_WORDS:
                continue
            span = {"start": offset + p.start, "end": offset + p.end, "text": p.text}
            checked.append((span, index.search(p.text, limit=5, threshold=threshold)))
        offset += len(doc.text) + 2
    # Two queries for the whole text: the claims of every hit, the documents of every claim.
    claim_of = _claims_of_passages(session, {h.passage_id for _, hits in checked for h in hits})
    carriers = _documents_carrying(session, set(claim_of.values()))
    total = len(checked)
    for number, (span, hits) in enumerate(checked, start=1):
        hit = next((h for h in hits if h.passage_id in claim_of), None)
        if hit is None:
            new_parts.append(span)
            continue
        claim_id = claim_of[hit.passage_id]
        for doc_id in carriers.get(claim_id, ()):
            per_doc[doc_id].add(number)
        claim_entry = per_claim.setdefault(claim_id, {"spans": [], "score": 0.0})
        claim_entry["spans"].append({**span, "score": round(hit.score, 4)})
        claim_entry["score"] = max(claim_entry["score"], hit.score)
    return {
        "already_indexed": [_doc(session, d, 1.0) for d in already],
        "republishes": _copied_documents(
            session, {d: m for d, m in per_doc.items() if d not in {a.id for a in already}}, total, cache
        ),
        "claims": [
            {
                "claim": claim_json(session.get_one(Claim, cid), base_url),
                "score": round(e["score"], 4),  # type: ignore[arg-type]
                "spans": e["spans"],
                "provenance": _provenance(session, cid, cache),
            }
            for cid, e in per_claim.items()
            if session.get(Claim, cid) is not None
        ],
        "new_parts": new_parts,
        "passages_checked": total,
        "text": "\n\n".join(d.text for d in docs),
    }


def _claims_of_passages(session: Session, ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.exec(
        select(Passage.id, Passage.claim_id).where(
            col(Passage.id).in_(ids), col(Passage.claim_id).is_not(None)
        )
    ).all()
    return {pid: cid for pid, cid in rows if cid is not None}  # type: ignore[misc]


def _documents_carrying(session: Session, claim_ids: set[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    if claim_ids:
        rows = session.exec(
            select(Passage.claim_id, Passage.document_id).where(col(Passage.claim_id).in_(claim_ids))
        ).all()
        for claim_id, doc_id in rows:
            out[claim_id].add(doc_id)  # type: ignore[index]
    return out


def _doc(session: Session, doc: Document, coverage: float) -> dict[str, Any]:
    outlet = session.get(Outlet, doc.outlet_id) if doc.outlet_id else None
    return {**document_json(doc, outlet), "coverage": round(coverage, 4)}


def _copied_documents(
    session: Session, per_doc: dict[int, set[int]], total: int, cache: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for doc_id, matched in per_doc.items():
        doc = session.get(Document, doc_id)
        if doc is None:
            continue
        coverage = len(matched) / max(total, 1)
        entry = _doc(session, doc, coverage)
        entry["relation"] = "republishes" if coverage >= REPUBLICATION_COVERAGE else "excerpts"
        entry["first_publication"] = _first_publication_of_document(session, doc_id, cache)
        out.append(entry)
    out.sort(key=lambda d: -d["coverage"])
    return out


def _first_publication_of_document(
    session: Session, doc_id: int, cache: dict[int, dict[str, Any]]
) -> dict[str, Any] | None:
    """The first publication of the document's most widely carried claim."""
    claim_ids = session.exec(
        select(Passage.claim_id)
        .where(col(Passage.document_id) == doc_id, col(Passage.claim_id).is_not(None))
        .order_by(col(Passage.ordinal))
    ).all()
    if not claim_ids:
        return None
    return _provenance(session, claim_ids[0], cache)["first_publication"]  # type: ignore[arg-type]


def _provenance(session: Session, claim_id: int, cache: dict[int, dict[str, Any]]) -> dict[str, Any]:
    if claim_id not in cache:
        cache[claim_id] = claim_provenance(session=session, claim_id=claim_id)
    return cache[claim_id]
