"""Watches: webhooks that tell a subscriber when a watched claim or outlet gets news.

Events (JSON, POSTed to the watch's URL):

- ``republication``: a new passage joined a watched claim (a new document carries it, or a
  moderator confirmed a review suggestion);
- ``document``: a new document of a watched outlet was ingested;
- ``response``: an official response or a fact-check was linked to a watched claim.

Nothing is sent during ingestion: ``enqueue_*`` only add ``WebhookDelivery`` rows in the
ingesting transaction. ``deliver_pending`` sends what is due — from a background thread the
app starts (``start_worker``) or ``claimscope webhooks deliver`` — and signs the exact body
with HMAC-SHA256 and the watch's secret: ``X-ClaimScope-Signature: sha256=<hex>``. A failed
attempt (no answer, or a status outside 2xx) is retried with exponential backoff
(BACKOFF_BASE_S, doubling) up to MAX_ATTEMPTS; every attempt is kept in the delivery's log.
Several workers may run at once: an attempt is claimed with a conditional UPDATE first.
Every attempt of one delivery carries the same ``Idempotency-Key: claimscope-delivery-<id>``
(and ``X-ClaimScope-Delivery: <id>``), so a receiver can drop a retry it already handled. An
attempt may take TIMEOUT_S (CONNECT_TIMEOUT_S to connect) and connects only to the address the
URL check accepted (``api.ingest.fetch.PinnedTransport``: no DNS rebinding).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from api.errors import BadInput, ClaimScopeError, NotFound
from api.ingest.fetch import PinnedTransport, check_url
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

log = logging.getLogger("claimscope.webhooks")
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 10.0  # 10 s, 20 s, 40 s, ... between attempts
# Per attempt: 5 s to connect, 30 s in all (a receiver may do real work before answering 2xx;
# the lease below stays longer than one attempt, so no second worker sends it meanwhile).
CONNECT_TIMEOUT_S = 5.0
TIMEOUT_S = 30.0
WORKER_INTERVAL_S = 2.0
LEASE_S = 60.0  # an attempt in flight is not picked up by another worker for this long
SIGNATURE_HEADER = "X-ClaimScope-Signature"
# The same value on every attempt of one delivery: a receiver that got an attempt whose answer
# was lost (timeout, reset) can tell the retry is not a new event.
IDEMPOTENCY_HEADER = "Idempotency-Key"


def idempotency_key(delivery_id: int | None) -> str:
    return f"claimscope-delivery-{delivery_id}"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


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


# --- delivery ----------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))


def deliver_pending(
    engine: Engine,
    *,
    now: datetime | None = None,
    allow_private: bool = False,
    limit: int = 100,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, int]:
    """One pass: send every due delivery once. Returns counts by outcome."""
    now = now or _now()
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    with Session(engine, expire_on_commit=False) as session:
        due = session.exec(
            select(WebhookDelivery)
            .where(WebhookDelivery.status == "pending", col(WebhookDelivery.next_attempt_at) <= now)
            .order_by(col(WebhookDelivery.id))
            .limit(limit)
        ).all()
        if not due:  # the common case: no client (and no TLS context) built for nothing
            return counts
        with httpx.Client(
            timeout=httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            follow_redirects=False,
            # every connection to the checked address only (no DNS rebinding after check_url)
            transport=transport or PinnedTransport(allow_private=allow_private),
        ) as client:
            for d in due:
                claimed = session.execute(
                    update(WebhookDelivery)
                    .where(
                        col(WebhookDelivery.id) == d.id,
                        col(WebhookDelivery.attempts) == d.attempts,
                        col(WebhookDelivery.status) == "pending",
                    )
                    .values(attempts=d.attempts + 1, next_attempt_at=now + timedelta(seconds=LEASE_S))
                )
                session.commit()
                if claimed.rowcount != 1:  # type: ignore[attr-defined]
                    continue  # another worker has it
                watch = session.get(Watch, d.watch_id)
                session.refresh(d)
                outcome = _attempt(client, d, watch, allow_private=allow_private, now=now)
                counts[outcome] += 1
                session.add(d)
                session.commit()
    return counts


def _attempt(
    client: httpx.Client,
    d: WebhookDelivery,
    watch: Watch | None,
    *,
    allow_private: bool,
    now: datetime,
) -> str:
    entry: dict[str, Any] = {"attempt": d.attempts, "at": now.isoformat()}
    code, error = None, None
    if watch is None or not watch.active:
        d.status, d.last_error = "cancelled", "the watch was removed"
        return "failed"
    body = d.body.encode("utf-8")
    try:
        check_url(watch.url, allow_private=allow_private)
        resp = client.post(
            watch.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "ClaimScope-Webhooks/1",
                "X-ClaimScope-Event": d.event,
                "X-ClaimScope-Delivery": str(d.id),
                IDEMPOTENCY_HEADER: idempotency_key(d.id),
                SIGNATURE_HEADER: sign(watch.secret, body),
            },
        )
        code = resp.status_code
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except ClaimScopeError as exc:
        error = exc.message
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    entry.update(status_code=code, error=error)
    d.log = [*(d.log or []), entry]
    d.last_status_code, d.last_error = code, error
    if error is None:
        d.status, d.delivered_at = "delivered", now
        return "delivered"
    if d.attempts >= MAX_ATTEMPTS:
        d.status = "failed"
        return "failed"
    d.next_attempt_at = now + backoff(d.attempts)
    return "retry"


def start_worker(
    engine: Engine,
    *,
    allow_private: bool = False,
    interval_s: float = WORKER_INTERVAL_S,
) -> Callable[[], None]:
    """A daemon thread delivering due webhooks every ``interval_s``; returns its stop function."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval_s):
            try:
                deliver_pending(engine, allow_private=allow_private)
            except Exception:  # the worker must survive a bad pass; the log says why
                log.exception("webhook delivery pass failed")

    thread = threading.Thread(target=run, name="claimscope-webhooks", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=TIMEOUT_S + 1)

    return halt


def start_app_worker(app: Any) -> Callable[[], None]:
    """The app's delivery thread (lifespan); ``app.state.webhook_worker = False`` turns it off."""
    if not getattr(app.state, "webhook_worker", True):
        return lambda: None
    return start_worker(app.state.engine, allow_private=app.state.settings.allow_private_fetch)
