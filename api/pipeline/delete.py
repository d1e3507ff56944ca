"""Delete a document: it leaves the index and the provenance of every claim it was part of.

Used by ``DELETE /v1/documents/{id}`` and ``claimscope delete ID``. In one transaction: the
document's passages leave their claims (a claim left with no passage goes, unless an editor
curated a response on it), the responses extracted from it are withdrawn, the canonical text of
the claims that remain is derived again from their earliest remaining appearance, pending review
suggestions about it are dropped, and the deletion is audited. An index event ("remove") tells
every process's live index; this process's index is refreshed before returning.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, or_, update
from sqlmodel import Session, col, select

from api.errors import NotFound
from api.linking.membership import refresh_canonical_many
from db import crud
from db.models import Claim, Document, Passage, Republication, ReviewSuggestion

PENDING = "pending"


def delete_document(
    *, engine: Engine, index: Any, document_id: int, actor: str, key_id: int | None = None
) -> dict[str, Any]:
    """Remove the document; what went: ``{"document_id", "passages", "claims_removed",
    "claims_changed"}`` (claims that lost appearances but remain). NotFound when there is none."""
    with Session(engine, expire_on_commit=False) as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFound(f"no document {document_id}")
        before = {
            "title": doc.title,
            "url": doc.url,
            "outlet_id": doc.outlet_id,
            "content_hash": doc.content_hash,
        }
        rows = session.exec(
            select(Passage.id, Passage.claim_id).where(Passage.document_id == document_id)
        ).all()
        passage_ids = [int(pid) for pid, _ in rows if pid is not None]
        claim_ids = {int(cid) for _, cid in rows if cid is not None}
        _drop_references(session, document_id, passage_ids)
        crud.delete_document(session=session, document=doc)  # records the "remove" index event
        kept = (
            set(session.exec(select(Claim.id).where(col(Claim.id).in_(claim_ids))).all())
            if claim_ids
            else set()
        )
        removed = sorted(claim_ids - kept)  # type: ignore[operator]
        changed = sorted(kept)  # type: ignore[type-var]
        refresh_canonical_many(session=session, claim_ids=changed)  # type: ignore[arg-type]
        if passage_ids:
            # a claim kept for its curated responses alone has no canonical passage any more
            session.execute(
                update(Claim)
                .where(col(Claim.canonical_passage_id).in_(passage_ids))
                .values(canonical_passage_id=None)
            )
        if removed:
            session.execute(
                delete(ReviewSuggestion).where(
                    col(ReviewSuggestion.status) == PENDING, col(ReviewSuggestion.claim_id).in_(removed)
                )
            )
        crud.audit(
            session=session,
            actor=actor,
            key_id=key_id,
            action="document.deleted",
            entity="document",
            entity_id=document_id,
            before=before,
            after={"passages": len(passage_ids), "claims_removed": removed, "claims_changed": changed},
        )
        session.commit()
    index.refresh()
    return {
        "document_id": document_id,
        "passages": len(passage_ids),
        "claims_removed": removed,
        "claims_changed": changed,
    }


def _drop_references(session: Session, document_id: int, passage_ids: list[int]) -> None:
    """Rows that name the document or its passages and would point at nothing."""
    session.execute(
        delete(Republication).where(
            or_(
                col(Republication.document_id) == document_id,
                col(Republication.source_document_id) == document_id,
            )
        )
    )
    about = [col(ReviewSuggestion.document_id) == document_id]
    if passage_ids:
        about += [
            col(ReviewSuggestion.passage_id).in_(passage_ids),
            col(ReviewSuggestion.target_passage_id).in_(passage_ids),
        ]
    session.execute(delete(ReviewSuggestion).where(col(ReviewSuggestion.status) == PENDING, or_(*about)))
