"""Answers for the public contract: a highlight in, matched claims with provenance out.

Shared by ``POST /v1/match``, ``claimscope match`` and the benchmarks. Plain Python.
"""

from __future__ import annotations

import re
import time
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from api.ingest.language import STOPWORDS, detect_language
from api.linking.outlets import outlet_json
from api.matching.claims import ClaimHit, ClaimIndex
from api.matching.engine import NEAR_TIE  # the engine's own tie margin: one definition
from api.matching.protocol import MatchIndex
from api.provenance.documents import document_sources
from api.provenance.timeline import claim_provenance
from db.models import Claim, Document, Outlet, Passage


def document_json(doc: Document, outlet: Outlet | None) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "url": doc.url,
        "published_at": doc.published_at,
        "date_precision": doc.date_precision,
        "not_after": doc.published_not_after,
        "outlet": outlet_json(outlet),
    }


def claim_json(claim: Claim, base_url: str = "") -> dict[str, Any]:
    return {"id": claim.id, "text": claim.text, "url": f"{base_url}/claims/{claim.id}"}


def _page_document(session: Session, page_url: str | None) -> Document | None:
    if not page_url:
        return None
    url = page_url.strip().split("#", 1)[0]
    return session.exec(
        select(Document).where(col(Document.url).in_([url, url.rstrip("/"), url + "/"]))
    ).first()


def _claims_of_document(session: Session, doc_id: int) -> set[int]:
    rows = session.exec(
        select(Passage.claim_id).where(Passage.document_id == doc_id, col(Passage.claim_id).is_not(None))
    ).all()
    return {r for r in rows if r is not None}


def match_text(
    *,
    session: Session,
    index: MatchIndex,
    text: str,
    prefix: str | None = None,
    suffix: str | None = None,
    page_url: str | None = None,
    limit: int = 5,
    threshold: float | None = None,
    base_url: str = "",
    provenance_cache: dict[int, dict[str, Any]] | None = None,
    refresh_index: bool = True,
    hit_cache: dict[int, HitRow | None] | None = None,
    claims: ClaimIndex | None = None,
) -> dict[str, Any]:
    """``provenance_cache`` (claim id -> provenance), when given, is read and filled, so a batch
    of highlights computes each claim's provenance once; ``hit_cache`` (passage id -> what a
    match shows of it) likewise saves the hits' query. Both must belong to one generation of the
    database (``ProvenanceCache.sync``). ``refresh_index=False`` tells a ``LiveIndex`` it need
    not check the database for changes (the caller just did).

    Copies (``match_type: "copy"``, from ``index``) come first; with ``claims`` and no confident
    copy, the places left up to ``limit`` go to restatements and translations of other claims (``match_type``
    ``"restatement"`` / ``"translation"``; their passage is the claim's first sentence, its
    whole text, and ``query_start:query_end`` the whole highlight)."""
    started = time.perf_counter()
    extra = {} if refresh_index else {"refresh": False}
    hits = index.search(
        text, prefix=prefix, suffix=suffix, limit=max(limit * 3, 10), threshold=threshold, **extra
    )
    page_doc = _page_document(session, page_url)
    page_claims = _claims_of_document(session, page_doc.id) if page_doc and page_doc.id else set()
    matches: list[dict[str, Any]] = []
    seen_claims: set[int] = set()
    rows = _hit_rows(session, hits, hit_cache)
    # a hit's claim (None for boilerplate and short passages: _hit_rows keeps claims only)
    claim_of: dict[int, int | None] = {pid: row.claim_id for pid, row in rows.items()}
    for hit in hits:
        row = rows.get(hit.passage_id)
        if row is None or row.claim_id in seen_claims:
            continue
        seen_claims.add(row.claim_id)
        matches.append(
            {
                "score": round(hit.score, 4),
                # the contract's vocabulary: "headline" where a title or subhead matched, else "copy"
                # (restatements and translations are built by _restatement_match)
                "match_type": "headline" if row.passage.get("kind") == "heading" else "copy",
                "confidence": _confidence(hit, hits, claim_of),
                "components": {k: round(v, 4) for k, v in hit.components.items()},
                "is_current_page": row.claim_id in page_claims,
                "claim": {
                    "id": row.claim_id,
                    "text": row.claim_text,
                    "url": f"{base_url}/claims/{row.claim_id}",
                },  # claim_json
                "passage": {
                    **row.passage,
                    "match_start": hit.passage_start,
                    "match_end": hit.passage_end,
                    "query_start": hit.query_start,
                    "query_end": hit.query_end,
                },
                "document": row.document,
                "provenance": _provenance(session, row.claim_id, provenance_cache),
            }
        )
        if len(matches) >= limit:
            break
    # A confident copy is the answer, as before restatements (and without the query embedding's
    # cost); beside weaker copies only confident restatements are added.
    confident_copy = any(m["confidence"] == "high" for m in matches)
    if claims is not None and len(matches) < limit and not confident_copy:
        found = claims.search(text, limit=limit + len(seen_claims), language=language_of(text))
        found = [
            h for h in found if h.claim_id not in seen_claims and (not matches or h.confidence == "high")
        ][: limit - len(matches)]
        claim_rows = _claim_rows(session, [h.claim_id for h in found])
        for ch in found:
            row = claim_rows.get(ch.claim_id)
            if row is not None:
                restated = _restatement_json(session, ch, row, text, base_url, provenance_cache)
                restated["is_current_page"] = ch.claim_id in page_claims
                matches.append(restated)
    return {
        "matches": matches,
        "page": page_json(session, page_doc, index),
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }


class HitRow(NamedTuple):
    """What a match shows of a passage that belongs to a claim (plain JSON parts, cacheable)."""

    claim_id: int
    claim_text: str
    passage: dict[str, Any]  # id, document_id, text, start, end, kind
    document: dict[str, Any]  # document_json


def _hit_rows(
    session: Session, hits: list[Any], cache: dict[int, HitRow | None] | None = None
) -> dict[int, HitRow]:
    """Passage, claim, document and outlet of every hit that belongs to a claim: one query for
    those not in ``cache`` (which remembers passages without a claim as None)."""
    out: dict[int, HitRow] = {}
    missing: list[int] = []
    for hit in hits:
        pid = hit.passage_id
        if cache is not None and pid in cache:
            cached = cache[pid]
            if cached is not None:
                out[pid] = cached
        else:
            missing.append(pid)
    if not missing:
        return out
    rows = session.exec(
        select(Passage, Claim, Document, Outlet)
        .join(Claim, col(Claim.id) == Passage.claim_id)
        .join(Document, col(Document.id) == Passage.document_id)
        .join(Outlet, col(Outlet.id) == Document.outlet_id, isouter=True)
        .where(col(Passage.id).in_(missing))
    ).all()
    for p, c, d, o in rows:
        assert c.id is not None  # joined from a stored row
        out[p.id] = HitRow(  # type: ignore[index]
            c.id,
            c.text,  # type: ignore[arg-type]
            {
                "id": p.id,
                "document_id": p.document_id,
                "text": p.text,
                "start": p.start,
                "end": p.end,
                "kind": p.kind,
            },
            document_json(d, o),
        )
    if cache is not None:
        for pid in missing:
            cache[pid] = out.get(pid)
    return out


def language_of(text: str) -> str | None:
    """``detect_language``, or for a highlight too short for it (fewer than three function
    words) the language whose function words alone it contains most of."""
    found = detect_language(text)
    if found:
        return found
    words = set(re.findall(r"[^\W\d_]+", text.casefold()))
    votes = sorted(((len(words & sw), lang) for lang, sw in STOPWORDS.items()), reverse=True)
    return votes[0][1] if votes[0][0] and votes[0][0] > votes[1][0] else None


def _claim_rows(session: Session, claim_ids: list[int]) -> dict[int, HitRow]:
    """Each claim's first sentence (its canonical passage), document and outlet: one query."""
    if not claim_ids:
        return {}
    rows = session.exec(
        select(Passage, Claim, Document, Outlet)
        .join(Claim, col(Claim.canonical_passage_id) == Passage.id)
        .join(Document, col(Document.id) == Passage.document_id)
        .join(Outlet, col(Outlet.id) == Document.outlet_id, isouter=True)
        .where(col(Claim.id).in_(claim_ids))
    ).all()
    out: dict[int, HitRow] = {}
    for p, c, d, o in rows:
        assert c.id is not None
        out[c.id] = HitRow(
            c.id,
            c.text,
            {"id": p.id, "document_id": p.document_id, "text": p.text, "start": p.start, "end": p.end},
            document_json(d, o),
        )
    return out


def _restatement_json(
    session: Session,
    hit: ClaimHit,
    row: HitRow,
    text: str,
    base_url: str,
    provenance_cache: dict[int, dict[str, Any]] | None,
) -> dict[str, Any]:
    """A match that says a claim in other words (or another language): the claim sentence it
    restates, no aligned span (the whole passage, the whole highlight)."""
    return {
        "score": round(hit.score, 4),
        "match_type": hit.match_type,
        "confidence": hit.confidence,
        "components": dict(hit.components),
        "is_current_page": False,
        "claim": {"id": row.claim_id, "text": row.claim_text, "url": f"{base_url}/claims/{row.claim_id}"},
        "passage": {
            **row.passage,
            "match_start": 0,
            "match_end": len(row.passage["text"]),
            "query_start": 0,
            "query_end": len(text),
        },
        "document": row.document,
        "provenance": _provenance(session, row.claim_id, provenance_cache),
    }


def _confidence(hit: Any, hits: list[Any], claim_of: dict[int, int | None]) -> str:
    """The engine calls a short highlight a suggestion when several passages match it about
    equally; when all of them are copies of one claim, the answer is not ambiguous."""
    if hit.confidence != "suggestion":
        return hit.confidence
    rivals = {claim_of.get(h.passage_id) for h in hits if h.score >= hit.score - NEAR_TIE}
    rivals.discard(None)  # boilerplate and short passages are no claims: they compete with nothing
    return "high" if len(rivals) == 1 and hit.score >= 0.9 else "suggestion"


def _provenance(session: Session, claim_id: int, cache: dict[int, dict[str, Any]] | None) -> dict[str, Any]:
    if cache is None:
        return claim_provenance(session=session, claim_id=claim_id)
    if claim_id not in cache:
        cache[claim_id] = claim_provenance(session=session, claim_id=claim_id)
    return cache[claim_id]


def page_json(session: Session, doc: Document | None, index: Any = None) -> dict[str, Any] | None:
    """When the reader's page is itself indexed: what it is a republication of."""
    if doc is None or doc.id is None:
        return None
    outlet = session.get(Outlet, doc.outlet_id) if doc.outlet_id else None
    sources = document_sources(session=session, document_id=doc.id, index=index)
    return {
        "in_index": True,
        "document_id": doc.id,
        "title": doc.title,
        "outlet": outlet_json(outlet),
        "republication_of": sources[0] if sources else None,
    }
