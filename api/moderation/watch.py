"""Watches: webhooks that tell a subscriber when a watched claim or outlet gets news.

Events (JSON, POSTed to the watch's URL):

- ``republication``: a new passage joined a watched claim (a new document carries it, or a
  moderator confirmed a review suggestion);
- ``document``: a new document of a watched outlet was ingested;
- ``response``: an official response or a fact-check was linked to a watched claim.

Nothing is sent during ingestion: ``enqueue_*`` only add ``WebhookDelivery`` rows in the
ingesting transaction; ``api.moderation.delivery`` sends them.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from api.errors import BadInput, NotFound
from api.ingest.fetch import check_url
from api.provenance.answer import document_json
from api.provenance.timeline import response_fields
from db.models import (
    ApiKey,
    Claim,
    Document,
    Outlet,
    Passage,
    Response,
    Watch,
    WebhookDelivery,
)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# --- subscriptions -----------------------------------------------------------------------------


def create_watch(
    *,
    session: Session,
    key: ApiKey,
    url: str,
    claim_id: int | None = None,
    outlet_id: int | None = None,
    secret: str | None = None,
    allow_private: bool = False,
) -> Watch:
    if (claim_id is None) == (outlet_id is None):
        raise BadInput("give exactly one of claim_id and outlet_id", field="claim_id")
    claim_hash = None
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise NotFound(f"no claim {claim_id}")
        canonical = session.get(Passage, claim.canonical_passage_id) if claim.canonical_passage_id else None
        claim_hash = canonical.norm_hash if canonical else None
    if outlet_id is not None and session.get(Outlet, outlet_id) is None:
        raise NotFound(f"no outlet {outlet_id}")
    url = check_url(url, allow_private=allow_private)
    row = Watch(
        claim_id=claim_id,
        claim_hash=claim_hash,
        outlet_id=outlet_id,
        url=url,
        secret=secret or secrets.token_urlsafe(24),
        key_id=key.id,
    )
    session.add(row)
    session.flush()
    return row


def visible_watches(session: Session, key: ApiKey) -> Any:
    query = select(Watch).where(Watch.active == True)  # noqa: E712
    return query if key.scope == "admin" else query.where(Watch.key_id == key.id)


def get_watch(session: Session, key: ApiKey, watch_id: int) -> Watch:
    row = session.exec(visible_watches(session, key).where(Watch.id == watch_id)).first()
    if row is None:
        raise NotFound(f"no watch {watch_id}")
    return row


def cancel_watch(*, session: Session, watch: Watch) -> None:
    watch.active = False
    session.add(watch)
    session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.watch_id) == watch.id,
            col(WebhookDelivery.status) == "pending",
        )
        .values(status="cancelled")
    )


def watch_json(w: Watch, *, with_secret: bool = False) -> dict[str, Any]:
    out = {
        "id": w.id,
        "claim_id": w.claim_id,
        "outlet_id": w.outlet_id,
        "url": w.url,
        "created_at": w.created_at.isoformat(),
    }
    if with_secret:
        out["secret"] = w.secret
    return out


def delivery_json(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "watch_id": d.watch_id,
        "event": d.event,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": _aware(d.next_attempt_at).isoformat(),
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "log": d.log,
        "created_at": _aware(d.created_at).isoformat(),
        "delivered_at": _aware(d.delivered_at).isoformat() if d.delivered_at else None,
        "body": json.loads(d.body),
    }


# --- events ------------------------------------------------------------------------------------


def _enqueue(session: Session, watch: Watch, event: str, data: dict[str, Any]) -> None:
    assert watch.id is not None, "a watch is stored before it gets events"
    body = {
        "id": uuid.uuid4().hex,
        "event": event,
        "watch_id": watch.id,
        "created_at": _now().isoformat(),
        **data,
    }
    session.add(
        WebhookDelivery(
            watch_id=watch.id,
            event=event,  # type: ignore[arg-type]
            body=json.dumps(body, ensure_ascii=False, sort_keys=True),
        )
    )


def _follow_merges(session: Session) -> None:
    """Watches whose claim was merged into another follow it (by the canonical passage)."""
    watches = session.exec(
        select(Watch).where(Watch.active == True, col(Watch.claim_id).is_not(None))  # noqa: E712
    ).all()
    if not watches:
        return
    alive = set(session.exec(select(Claim.id).where(col(Claim.id).in_({w.claim_id for w in watches}))).all())
    for w in (w for w in watches if w.claim_id not in alive):
        found = (
            session.exec(
                select(Passage.claim_id).where(
                    Passage.norm_hash == w.claim_hash, col(Passage.claim_id).is_not(None)
                )
            ).first()
            if w.claim_hash
            else None
        )
        if found is not None:
            w.claim_id = found
            session.add(w)
    session.flush()


def _claim_watches(session: Session, claim_ids: set[int]) -> list[Watch]:
    if not claim_ids:
        return []
    return list(
        session.exec(select(Watch).where(Watch.active == True, col(Watch.claim_id).in_(claim_ids))).all()  # noqa: E712
    )


def _document_json(session: Session, doc: Document) -> dict[str, Any]:
    return document_json(doc, session.get(Outlet, doc.outlet_id) if doc.outlet_id else None)


def _claim_json(session: Session, claim_id: int) -> dict[str, Any] | None:
    claim = session.get(Claim, claim_id)
    return {"id": claim.id, "text": claim.text} if claim else None


def _passage_json(p: Passage) -> dict[str, Any]:
    return {"id": p.id, "text": p.text, "start": p.start, "end": p.end}


def response_event_json(r: Response) -> dict[str, Any]:
    return {**response_fields(r), "source_url": r.source_url}


def watching(session: Session) -> bool:
    """Whether any watch is active (ingestion skips the event work when none is)."""
    return session.exec(select(Watch.id).where(Watch.active == True).limit(1)).first() is not None  # noqa: E712


def enqueue_document_events(*, session: Session, document_id: int) -> None:
    """Called at ingestion, after linking, in the same transaction: queue events only."""
    if not watching(session):
        return
    _follow_merges(session)
    doc = session.get(Document, document_id)
    if doc is None:
        return
    doc_json = _document_json(session, doc)
    if doc.outlet_id is not None:
        for w in session.exec(
            select(Watch).where(
                Watch.active == True,  # noqa: E712
                Watch.outlet_id == doc.outlet_id,
            )
        ).all():
            _enqueue(session, w, "document", {"document": doc_json})
    passages = session.exec(
        select(Passage)
        .where(Passage.document_id == document_id, col(Passage.claim_id).is_not(None))
        .order_by(col(Passage.ordinal))
    ).all()
    for w in _claim_watches(session, {p.claim_id for p in passages if p.claim_id is not None}):
        mine = [_passage_json(p) for p in passages if p.claim_id == w.claim_id]
        _enqueue(
            session,
            w,
            "republication",
            {
                "claim": _claim_json(session, w.claim_id),  # type: ignore[arg-type]
                "document": doc_json,
                "passages": mine,
            },
        )
    responses = session.exec(
        select(Response).where(Response.document_id == document_id, Response.deleted == False)  # noqa: E712
    ).all()
    for w in _claim_watches(session, {r.claim_id for r in responses}):
        for r in responses:
            if r.claim_id == w.claim_id:
                _enqueue(
                    session,
                    w,
                    "response",
                    {
                        "claim": _claim_json(session, r.claim_id),
                        "response": response_event_json(r),
                        "document": doc_json,
                    },
                )
    session.flush()


def enqueue_passage_joined(*, session: Session, passage: Passage, claim_id: int) -> None:
    _follow_merges(session)
    doc = session.get(Document, passage.document_id)
    for w in _claim_watches(session, {claim_id}):
        _enqueue(
            session,
            w,
            "republication",
            {
                "claim": _claim_json(session, claim_id),
                "passages": [_passage_json(passage)],
                "document": _document_json(session, doc) if doc else None,
            },
        )
    session.flush()


def enqueue_response(*, session: Session, response: Response) -> None:
    _follow_merges(session)
    doc = session.get(Document, response.document_id) if response.document_id else None
    for w in _claim_watches(session, {response.claim_id}):
        _enqueue(
            session,
            w,
            "response",
            {
                "claim": _claim_json(session, response.claim_id),
                "response": response_event_json(response),
                "document": _document_json(session, doc) if doc else None,
            },
        )
    session.flush()
