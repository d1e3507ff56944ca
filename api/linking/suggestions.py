"""The ingestion side of the review queue: links the engine is not sure of become suggestions.

Two kinds of suggestion are made at ingestion (``after_linking``, called by reuse linking):

- ``reuse``: a passage whose most similar indexed passage (of another document) lies in the
  "maybe" band — below the confident near-duplicate threshold, at or above
  ``batch.MAYBE_DUPLICATE_SIMILARITY`` — and belongs to another claim. It is not linked; the
  suggestion says "this passage may be an edited copy of that claim".
- ``response``: an extracted official response whose link to a claim is weak (see
  ``weak_response_link``). The response row is held back (its fields kept in the suggestion)
  instead of being attached to the claim.

Decisions already taken (``api.moderation.review``) are keyed by content, so re-ingesting a
document never asks again: a confirmed link is re-applied, a rejected one is left out.
Imports: ``api.linking.membership`` and ``db`` (it sits below moderation, which decides the
suggestions filed here).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, insert, or_
from sqlalchemy import select as sa_select  # sqlmodel's select is typed for at most 4 columns
from sqlmodel import Session, col, select

from api.linking.membership import join_claims
from db.bulk import one_of
from db.models import Document, Passage, Response, ReviewSuggestion

KINDS = ("reuse", "response")
STATUSES = ("pending", "confirmed", "rejected")
# A generic comment ("stance: comments") of an official is judged a weak answer to a claim
# when the claim sits this many passages or more away from the statement in the same document
# and the two share at most WEAK_RESPONSE_MAX_SHARED content words. Denials, confirmations and
# disputes, and links to nearby or overlapping passages, are applied as before.
WEAK_RESPONSE_DISTANCE = 40
WEAK_RESPONSE_MAX_SHARED = 1
RESPONSE_FIELDS = (
    "speaker",
    "role",
    "organization",
    "stance",
    "date",
    "quote",
    "source_url",
    "how",
    "evidence",
)
# What a re-ingested document refreshes on its pending suggestion (the content key stays).
REFRESHED_FIELDS = (
    "passage_id",
    "target_passage_id",
    "claim_id",
    "document_id",
    "similarity",
    "text",
    "target_text",
    "reason",
)
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    (
        "that",
        "this",
        "with",
        "from",
        "have",
        "been",
        "were",
        "they",
        "their",
        "there",
        "said",
        "says",
        "would",
        "which",
        "about",
        "after",
        "also",
        "into",
        "than",
        "them",
        "then",
        "what",
        "when",
        "will",
        "your",
        "more",
        "some",
        "only",
        "other",
        "such",
        "very",
        "just",
        "over",
        "here",
        "those",
        "these",
        "being",
    )
)


def _now() -> datetime:
    return datetime.now(UTC)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


# --- ingestion ---------------------------------------------------------------------------------


def after_linking(
    *,
    session: Session,
    document: Document,
    passages: list[Passage],
    candidates: list[tuple[int, float] | None],
    confident: float,
    reuse: bool = True,
) -> None:
    """Make (or re-apply) suggestions for one freshly linked document.

    ``passages`` are the claimable passages and ``candidates`` their best near-duplicate at
    the lower band's threshold (the list reuse linking computed); those at or above
    ``confident`` were linked already and are skipped here. ``reuse=False``: the caller made
    the reuse suggestions already (``suggest_reuse``)."""
    if reuse:
        for passage, cand in zip(passages, candidates, strict=True):
            if cand is not None and cand[1] < confident and passage.claim_id is not None:
                _reuse_candidate(session, document, passage, cand)
    _weak_responses(session, document, passages)


def suggest_reuse(session: Session, items: list[tuple[int, Any, tuple[int, float]]]) -> bool:
    """Reuse suggestions for a batch, in three statements: ``items`` are (document id, passage
    with ``id``/``claim_id``/``norm_hash``/``text``, its maybe-band candidate). Only while no
    reuse suggestion was ever decided (decisions are re-applied one by one, by
    ``after_linking``); returns False, doing nothing, otherwise."""
    if _any_decided(session, "reuse"):
        return False
    if not items:
        return True
    others = {
        r.id: r
        for r in session.execute(
            sa_select(
                col(Passage.id),
                col(Passage.claim_id),
                col(Passage.document_id),
                col(Passage.norm_hash),
                col(Passage.text),
            ).where(one_of(session, col(Passage.id), {cand[0] for _, _, cand in items}))
        )
    }
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for doc_id, passage, (other_id, similarity) in items:
        other = others.get(other_id)
        if (
            other is None
            or other.claim_id is None
            or other.document_id == doc_id
            or other.claim_id == passage.claim_id
        ):
            continue
        wanted[(passage.norm_hash, other.norm_hash)] = {
            "kind": "reuse",
            "status": "pending",
            "subject_hash": passage.norm_hash,
            "target_hash": other.norm_hash,
            "passage_id": passage.id,
            "target_passage_id": other.id,
            "claim_id": other.claim_id,
            "document_id": doc_id,
            "similarity": round(similarity, 4),
            "text": passage.text,
            "target_text": other.text,
            "reason": f"similarity {similarity:.2f}: below the confident threshold, in the review band",
            "payload": None,
            "created_at": _now(),
        }
    if not wanted:
        return True
    # By (kind, subject_hash), through the content index; the status is checked here: with it
    # in the condition SQLite (no statistics) took the status index and read every pending
    # suggestion per batch, which grew with the corpus (bench/RESULTS.md "Scale").
    same_subject = session.exec(
        select(ReviewSuggestion).where(
            ReviewSuggestion.kind == "reuse",
            one_of(session, col(ReviewSuggestion.subject_hash), {k[0] for k in wanted}),
        )
    ).all()
    pending = [row for row in same_subject if row.status == "pending"]
    for row in pending:  # a re-ingested document updates its pending suggestion
        fields = wanted.pop((row.subject_hash, row.target_hash), None)
        if fields is not None:
            for name in REFRESHED_FIELDS:
                setattr(row, name, fields[name])
            session.add(row)
    if wanted:
        session.execute(insert(ReviewSuggestion.__table__), list(wanted.values()))  # type: ignore[attr-defined]
    session.flush()
    return True


def _reuse_candidate(session: Session, document: Document, passage: Passage, cand: tuple[int, float]) -> None:
    other = session.get(Passage, cand[0])
    if other is None or other.claim_id is None or other.document_id == document.id:
        return
    if other.claim_id == passage.claim_id:
        return
    decided = _reuse_decision(session, passage.norm_hash, other.claim_id)
    if decided == "rejected":
        return
    if decided == "confirmed":
        join_claims(session=session, passage=passage, claim_id=other.claim_id)
        return
    _upsert_pending(
        session,
        ReviewSuggestion(
            kind="reuse",
            subject_hash=passage.norm_hash,
            target_hash=other.norm_hash,
            passage_id=passage.id,
            target_passage_id=other.id,
            claim_id=other.claim_id,
            document_id=document.id,
            similarity=round(cand[1], 4),
            text=passage.text,
            target_text=other.text,
            reason=f"similarity {cand[1]:.2f}: below the confident threshold, in the review band",
        ),
    )


def _any_decided(session: Session, kind: str) -> bool:
    """Whether a moderator ever decided a suggestion of this kind (asked once per session: a
    bulk ingestion session never sees one decided meanwhile, and most databases have none)."""
    cache = session.info
    if "review_decided" not in cache:
        # By status alone, through its index: decisions are made by hand and few. With the kind
        # in the condition both databases chose the content index and read every pending
        # suggestion of that kind (44 ms per batch at 1M passages, bench/provenance.py).
        cache["review_decided"] = set(
            session.exec(
                select(ReviewSuggestion.kind).where(col(ReviewSuggestion.status).in_(STATUSES[1:])).distinct()
            ).all()
        )
    return kind in cache["review_decided"]


def _reuse_decision(session: Session, subject_hash: str, claim_id: int) -> str | None:
    if not _any_decided(session, "reuse"):
        return None
    hashes = set(session.exec(select(Passage.norm_hash).where(Passage.claim_id == claim_id)).all())
    if not hashes:
        return None
    row = session.exec(
        select(ReviewSuggestion.status)
        .where(
            ReviewSuggestion.kind == "reuse",
            ReviewSuggestion.status != "pending",
            or_(
                and_(
                    col(ReviewSuggestion.subject_hash) == subject_hash,
                    col(ReviewSuggestion.target_hash).in_(hashes),
                ),
                and_(
                    col(ReviewSuggestion.target_hash) == subject_hash,
                    col(ReviewSuggestion.subject_hash).in_(hashes),
                ),
            ),
        )
        .order_by(col(ReviewSuggestion.decided_at).desc())
    ).first()
    return row


def _upsert_pending(session: Session, suggestion: ReviewSuggestion) -> None:
    """One pending suggestion per content key: a re-ingested document updates it."""
    existing = session.exec(
        select(ReviewSuggestion).where(
            ReviewSuggestion.kind == suggestion.kind,
            ReviewSuggestion.status == "pending",
            ReviewSuggestion.subject_hash == suggestion.subject_hash,
            ReviewSuggestion.target_hash == suggestion.target_hash,
        )
    ).first()
    if existing is None:
        session.add(suggestion)
    else:
        for name in (*REFRESHED_FIELDS, "payload"):
            setattr(existing, name, getattr(suggestion, name))
        session.add(existing)
    session.flush()


def response_hash(speaker: str | None, organization: str | None, quote: str) -> str:
    key = f"{(speaker or '').lower()}|{(organization or '').lower()}|{' '.join(quote.split())}"
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def weak_response_link(resp: Response, statement: Passage | None, claim_passages: list[Passage]) -> bool:
    """A generic comment linked to a far-away claim it shares (almost) no words with."""
    if resp.stance != "comments" or statement is None or not claim_passages:
        return False
    distance = min(abs(p.ordinal - statement.ordinal) for p in claim_passages)
    said = _words(f"{resp.evidence or ''} {resp.quote} {statement.text}")
    shared = said & set().union(*(_words(p.text) for p in claim_passages))
    return distance >= WEAK_RESPONSE_DISTANCE and len(shared) <= WEAK_RESPONSE_MAX_SHARED


def _weak_responses(session: Session, document: Document, passages: list[Passage]) -> None:
    rows = session.exec(
        select(Response).where(
            Response.document_id == document.id,
            Response.how == "extracted",
            Response.deleted == False,  # noqa: E712
        )
    ).all()
    if not rows:
        return
    by_id = {p.id: p for p in passages}
    for resp in rows:
        statement = by_id.get(resp.passage_id) or (
            session.get(Passage, resp.passage_id) if resp.passage_id else None
        )
        claim_passages = [p for p in passages if p.claim_id == resp.claim_id]
        if not weak_response_link(resp, statement, claim_passages):
            continue
        target = min(claim_passages, key=lambda p: abs(p.ordinal - statement.ordinal))  # type: ignore[union-attr]
        subject = response_hash(resp.speaker, resp.organization, resp.quote)
        decided = session.exec(
            select(ReviewSuggestion.status).where(
                ReviewSuggestion.kind == "response",
                ReviewSuggestion.status != "pending",
                ReviewSuggestion.subject_hash == subject,
                ReviewSuggestion.target_hash == target.norm_hash,
            )
        ).first()
        if decided == "confirmed":
            continue
        payload = {f: getattr(resp, f) for f in RESPONSE_FIELDS}
        session.delete(resp)
        session.flush()
        if decided == "rejected":
            continue
        who = resp.speaker or resp.organization or "an official"
        _upsert_pending(
            session,
            ReviewSuggestion(
                kind="response",
                subject_hash=subject,
                target_hash=target.norm_hash,
                passage_id=resp.passage_id,
                target_passage_id=target.id,
                claim_id=resp.claim_id,
                document_id=document.id,
                text=resp.quote,
                target_text=target.text,
                payload=payload,
                reason=f"{who}'s comment is {abs(target.ordinal - statement.ordinal)} passages "  # type: ignore[union-attr]
                "away from the claim and shares almost no words with it",
            ),
        )
