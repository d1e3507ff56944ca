"""Query helpers shared by the CLI, the API and the benchmarks (keyword-only arguments)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from db.models import (
    Attribution,
    AuditEntry,
    Claim,
    Document,
    IndexEvent,
    Outlet,
    Passage,
    Response,
)


def document_by_identity(*, session: Session, identity: str) -> Document | None:
    return session.exec(select(Document).where(Document.identity == identity)).first()


def record_index_event(*, session: Session, op: str, document_id: int) -> None:
    session.add(IndexEvent(op=op, document_id=document_id))


def audit(
    *,
    session: Session,
    actor: str,
    key_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            key_id=key_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )


def claims_by_text(*, session: Session, document_id: int) -> dict[str, int]:
    """norm_hash -> claim id of a document's passages (to carry claims over an update)."""
    rows = session.exec(
        select(Passage.norm_hash, Passage.claim_id).where(
            Passage.document_id == document_id, col(Passage.claim_id).is_not(None)
        )
    ).all()
    return {h: c for h, c in rows if c is not None}


def delete_orphan_claims(*, session: Session, claim_ids: set[int]) -> None:
    """Remove claims left with no passage, unless an editor curated a response on them."""
    for claim_id in claim_ids:
        remaining = session.exec(
            select(func.count()).select_from(Passage).where(Passage.claim_id == claim_id)
        ).one()
        if remaining or _has_curated(session, claim_id):
            continue
        session.execute(delete(Response).where(col(Response.claim_id) == claim_id))
        claim = session.get(Claim, claim_id)
        if claim is not None:
            session.delete(claim)
    session.flush()


def delete_document(*, session: Session, document: Document, keep_claims: bool = False) -> None:
    """Remove a document with its passages, attributions and extracted responses.

    Claims left with no passage are removed too (not when ``keep_claims``: an update carries
    them over to the new version); curated responses, and the claims they sit on, stay."""
    doc_id = document.id
    assert doc_id is not None
    claim_ids: set[int] = {
        cid
        for cid in session.exec(
            select(col(Passage.claim_id)).where(
                Passage.document_id == doc_id, col(Passage.claim_id).is_not(None)
            )
        ).all()
        if cid is not None
    }
    session.execute(
        update(Response)
        .where(col(Response.document_id) == doc_id, col(Response.how) != "curated")
        .values(deleted=True)
    )
    session.execute(
        update(Response).where(col(Response.document_id) == doc_id).values(document_id=None, passage_id=None)
    )
    session.execute(delete(Attribution).where(col(Attribution.document_id) == doc_id))
    session.execute(delete(Passage).where(col(Passage.document_id) == doc_id))
    session.delete(document)
    session.flush()
    if not keep_claims:
        delete_orphan_claims(session=session, claim_ids=claim_ids)
    record_index_event(session=session, op="remove", document_id=doc_id)


def _has_curated(session: Session, claim_id: int) -> bool:
    return (
        session.exec(
            select(Response.id).where(Response.claim_id == claim_id, Response.how == "curated")
        ).first()
        is not None
    )


# --- cursors ---------------------------------------------------------------------------------


# The largest id a row can have: primary keys are INTEGER columns (PostgreSQL's is 32-bit
# signed; SQLite's holds more, but the schema is the same on both).
MAX_ID = 2**31 - 1
# A page cursor is the id where the previous page ended, in decimal (what ``next_cursor`` gives);
# the OpenAPI declares this pattern, and every string matching it is accepted.
CURSOR_PATTERN = r"^[0-9]{1,20}$"
_CURSOR = re.compile(CURSOR_PATTERN)


def encode_cursor(values: Sequence[Any]) -> str:
    (last_id,) = values
    return str(int(last_id))


def decode_cursor(cursor: str) -> list[Any]:
    """``[id]`` of a cursor (ValueError unless it matches CURSOR_PATTERN); an id past MAX_ID is
    MAX_ID (no row is past it, so the page is the same)."""
    if not _CURSOR.match(cursor):
        raise ValueError("invalid cursor")
    return [min(int(cursor), MAX_ID)]


def list_documents(*, session: Session, limit: int, cursor: str | None) -> tuple[list[Document], str | None]:
    """Newest first (by ingestion, then id), keyset-paginated."""
    query = select(Document).order_by(col(Document.id).desc())
    if cursor:
        (last_id,) = decode_cursor(cursor)
        if not isinstance(last_id, int):
            raise ValueError("invalid cursor")
        query = query.where(col(Document.id) < last_id)
    rows = list(session.exec(query.limit(limit + 1)).all())
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def list_outlets(*, session: Session, limit: int, cursor: str | None) -> tuple[list[Outlet], str | None]:
    query = select(Outlet).order_by(col(Outlet.id))
    if cursor:
        (last_id,) = decode_cursor(cursor)
        query = query.where(col(Outlet.id) > int(last_id))
    rows = list(session.exec(query.limit(limit + 1)).all())
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def document_passages(*, session: Session, document_id: int) -> list[Passage]:
    return list(
        session.exec(
            select(Passage).where(Passage.document_id == document_id).order_by(col(Passage.ordinal))
        ).all()
    )


def document_attributions(*, session: Session, document_id: int) -> list[Attribution]:
    return list(
        session.exec(
            select(Attribution).where(Attribution.document_id == document_id).order_by(col(Attribution.id))
        ).all()
    )
