"""The review queue: links the engine is not sure of wait for a moderator.

Suggestions (``reuse``: a passage that may be an edited copy of another claim; ``response``: an
official response weakly linked to a claim) are filed at ingestion by ``api.linking.suggestions``.

A moderator confirms (the passage joins the claim: the two claims merge; the response is
attached) or rejects. Decisions are kept keyed by content — the passage's norm_hash and the
norm_hash of the passage it would join (any passage of the target claim counts, in either
direction), or a hash of the response and the norm_hash of the claim passage it answers — so
re-ingesting a document never asks again: a confirmed link is re-applied, a rejected one is
left out. Every decision is written to the audit trail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.errors import BadInput, NotFound
from api.linking.membership import join_claims
from api.linking.suggestions import RESPONSE_FIELDS
from api.moderation import watch
from db import crud
from db.models import ApiKey, Claim, Document, Passage, Response, ReviewSuggestion


def _now() -> datetime:
    return datetime.now(UTC)


# --- applying ----------------------------------------------------------------------------------


def _target_claim(session: Session, s: ReviewSuggestion) -> int | None:
    """The claim the suggestion points at now (claims merge; documents are re-ingested)."""
    target = session.get(Passage, s.target_passage_id) if s.target_passage_id else None
    if target is not None and target.norm_hash == s.target_hash and target.claim_id is not None:
        return target.claim_id
    return session.exec(
        select(Passage.claim_id).where(Passage.norm_hash == s.target_hash, col(Passage.claim_id).is_not(None))
    ).first()


def _apply(session: Session, s: ReviewSuggestion, key: ApiKey) -> dict[str, Any]:
    claim_id = _target_claim(session, s)
    if claim_id is None:
        raise BadInput("the passage this suggestion points at is no longer in the index")
    if s.kind == "reuse":
        passage = session.get(Passage, s.passage_id) if s.passage_id else None
        if passage is None or passage.norm_hash != s.subject_hash:
            passage = session.exec(select(Passage).where(Passage.norm_hash == s.subject_hash)).first()
        if passage is None:
            raise BadInput("the suggested passage is no longer in the index")
        keep = join_claims(session=session, passage=passage, claim_id=claim_id)
        watch.enqueue_passage_joined(session=session, passage=passage, claim_id=keep)
        return {"claim_id": keep, "passage_id": passage.id}
    payload = dict(s.payload or {})
    kept: dict[str, Any] = {f: payload[f] for f in RESPONSE_FIELDS if payload.get(f) is not None}
    resp = Response(
        claim_id=claim_id,
        document_id=s.document_id,
        passage_id=s.passage_id,
        created_by_key_id=key.id,
        **kept,
    )
    if s.document_id is not None and session.get(Document, s.document_id) is None:
        resp.document_id, resp.passage_id = None, None
    session.add(resp)
    session.flush()
    watch.enqueue_response(session=session, response=resp)
    return {"claim_id": claim_id, "response_id": resp.id}


def decide(*, session: Session, suggestion_id: int, confirm: bool, key: ApiKey) -> dict[str, Any]:
    """Confirm (apply) or reject one suggestion; audited; committed."""
    s = session.get(ReviewSuggestion, suggestion_id)
    if s is None:
        raise NotFound(f"no review suggestion {suggestion_id}")
    if s.status != "pending":
        raise BadInput(f"suggestion {suggestion_id} is already {s.status}")
    before = suggestion_json(s)
    applied = _apply(session, s, key) if confirm else None
    s.status = "confirmed" if confirm else "rejected"
    s.decided_at, s.decided_by_key_id = _now(), key.id
    session.add(s)
    # Other pending suggestions with the same content are answered by this decision.
    session.execute(
        delete(ReviewSuggestion).where(
            col(ReviewSuggestion.id) != s.id,
            col(ReviewSuggestion.status) == "pending",
            col(ReviewSuggestion.kind) == s.kind,
            col(ReviewSuggestion.subject_hash) == s.subject_hash,
            col(ReviewSuggestion.target_hash) == s.target_hash,
        )
    )
    after = {**suggestion_json(s), "applied": applied}
    crud.audit(
        session=session,
        actor=key.name,
        key_id=key.id,
        action=f"review.{'confirm' if confirm else 'reject'}",
        entity="review",
        entity_id=s.id,
        before=before,
        after=after,
    )
    session.commit()
    return after


# --- reading -----------------------------------------------------------------------------------


def list_suggestions(
    *,
    session: Session,
    status: str | None,
    kind: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[ReviewSuggestion], str | None]:
    """Oldest first (the queue order), keyset-paginated by id."""
    query = select(ReviewSuggestion).order_by(col(ReviewSuggestion.id))
    if status:
        query = query.where(ReviewSuggestion.status == status)
    if kind:
        query = query.where(ReviewSuggestion.kind == kind)
    if cursor:
        try:
            (last,) = crud.decode_cursor(cursor)
            query = query.where(col(ReviewSuggestion.id) > int(last))
        except (ValueError, TypeError) as exc:
            raise BadInput("invalid cursor", field="cursor") from exc
    rows = list(session.exec(query.limit(limit + 1)).all())
    next_cursor = crud.encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def suggestion_json(s: ReviewSuggestion, session: Session | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.id,
        "kind": s.kind,
        "status": s.status,
        "similarity": s.similarity,
        "text": s.text,
        "target_text": s.target_text,
        "reason": s.reason,
        "passage_id": s.passage_id,
        "target_passage_id": s.target_passage_id,
        "claim_id": s.claim_id,
        "document_id": s.document_id,
        "response": s.payload if s.kind == "response" else None,
        "created_at": s.created_at.isoformat() if s.created_at else None,
        "decided_at": s.decided_at.isoformat() if s.decided_at else None,
        "decided_by_key_id": s.decided_by_key_id,
    }
    if session is not None:
        claim_id = _target_claim(session, s)
        claim = session.get(Claim, claim_id) if claim_id else None
        out["claim_id"] = claim_id
        out["claim"] = {"id": claim.id, "text": claim.text} if claim else None
    return out
