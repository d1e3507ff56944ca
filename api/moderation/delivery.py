"""Webhook delivery: send the ``WebhookDelivery`` rows that ``api.moderation.watch`` queued.

``deliver_pending`` sends what is due — from a background thread the app starts
(``start_worker``) or ``claimscope webhooks deliver`` — on a bounded pool (``Deliverer``): the
deliveries of one watch in order, different watches at once, so one slow receiver never delays
another watch's events. It signs the exact body with
HMAC-SHA256 and the watch's secret: ``X-ClaimScope-Signature: sha256=<hex>``. A failed attempt
(no answer, or a status outside 2xx) is retried with exponential backoff (BACKOFF_BASE_S,
doubling) up to MAX_ATTEMPTS; every attempt is kept in the delivery's log. Several workers may
run at once: an attempt is claimed with a conditional UPDATE first. Every attempt of one delivery
carries the same ``Idempotency-Key: claimscope-delivery-<id>`` (and ``X-ClaimScope-Delivery:
<id>``), so a receiver can drop a retry it already handled. An attempt may take TIMEOUT_S
(CONNECT_TIMEOUT_S to connect) and connects only to the address the URL check accepted
(``api.ingest.fetch.PinnedTransport``: no DNS rebinding).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from api.errors import ClaimScopeError
from api.ingest.fetch import PinnedTransport, check_url
from db.models import Watch, WebhookDelivery

log = logging.getLogger("claimscope.webhooks")
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 10.0  # 10 s, 20 s, 40 s, ... between attempts
# Per attempt: 5 s to connect, 30 s in all (a receiver may do real work before answering 2xx;
# the lease below stays longer than one attempt, so no second worker sends it meanwhile).
CONNECT_TIMEOUT_S = 5.0
TIMEOUT_S = 30.0
WORKER_INTERVAL_S = 2.0
LEASE_S = 60.0  # an attempt in flight is not picked up by another worker for this long
# Watches delivered to at once (one thread each; a watch's own deliveries go one at a time, in
# order): a slow receiver delays only its own watch, and at most this many threads are used.
MAX_PARALLEL_WATCHES = 8
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


# --- delivery ----------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))


class Deliverer:
    """Sends due deliveries on a bounded thread pool: one task per watch at a time.

    The deliveries of one watch are sent in order, one after another (a receiver sees its events
    in the order they happened); different watches are sent at once, up to MAX_PARALLEL_WATCHES,
    so a slow receiver holds up only its own watch. A watch whose task is still running is
    skipped by ``submit_due`` (the next pass picks its new deliveries up after it).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        allow_private: bool = False,
        transport: httpx.BaseTransport | None = None,
        max_watches: int = MAX_PARALLEL_WATCHES,
    ) -> None:
        self.engine = engine
        self.allow_private = allow_private
        self._transport = transport
        self._pool = ThreadPoolExecutor(max_workers=max_watches, thread_name_prefix="claimscope-webhook")
        self._lock = threading.Lock()
        self._busy: set[int] = set()  # watch ids with a task queued or running
        self._client: httpx.Client | None = None

    def _http(self) -> httpx.Client:
        with self._lock:  # built at the first due delivery: no TLS context for nothing
            if self._client is None:
                self._client = httpx.Client(
                    timeout=httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
                    follow_redirects=False,
                    # every connection to the checked address only (no DNS rebinding after check_url)
                    transport=self._transport or PinnedTransport(allow_private=self.allow_private),
                )
            return self._client

    def submit_due(self, *, now: datetime | None = None, limit: int = 100) -> list[Future[dict[str, int]]]:
        """Queue every due delivery (of watches not already being sent to); their futures."""
        now = now or _now()
        with Session(self.engine) as session:
            due = session.exec(
                select(WebhookDelivery.id, WebhookDelivery.watch_id)
                .where(WebhookDelivery.status == "pending", col(WebhookDelivery.next_attempt_at) <= now)
                .order_by(col(WebhookDelivery.id))
                .limit(limit)
            ).all()
        by_watch: dict[int, list[int]] = {}
        for delivery_id, watch_id in due:
            if delivery_id is not None:
                by_watch.setdefault(watch_id, []).append(delivery_id)
        futures = []
        for watch_id, ids in by_watch.items():
            with self._lock:
                if watch_id in self._busy:
                    continue
                self._busy.add(watch_id)
            futures.append(self._pool.submit(self._send_watch, watch_id, ids, now))
        return futures

    def _send_watch(self, watch_id: int, ids: list[int], now: datetime) -> dict[str, int]:
        counts = {"delivered": 0, "retry": 0, "failed": 0}
        try:
            client = self._http()
            with Session(self.engine, expire_on_commit=False) as session:
                for delivery_id in ids:
                    outcome = self._send_one(session, client, delivery_id, now)
                    if outcome is not None:
                        counts[outcome] += 1
        finally:
            with self._lock:
                self._busy.discard(watch_id)
        return counts

    def _send_one(
        self, session: Session, client: httpx.Client, delivery_id: int, now: datetime
    ) -> str | None:
        d = session.get(WebhookDelivery, delivery_id)
        if d is None or d.status != "pending":
            return None
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
            return None  # another worker has it
        watch = session.get(Watch, d.watch_id)
        session.refresh(d)
        outcome = _attempt(client, d, watch, allow_private=self.allow_private, now=now)
        session.add(d)
        session.commit()
        return outcome

    def close(self, *, wait: bool = True) -> None:
        """Stop taking work. ``wait=False`` (the app's shutdown) drops queued watches and lets an
        attempt in flight finish on its own timeout: its HTTP client is left open for it."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
        if not wait:
            return
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def deliver_pending(
    engine: Engine,
    *,
    now: datetime | None = None,
    allow_private: bool = False,
    limit: int = 100,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, int]:
    """One pass: send every due delivery once (watches at once, see ``Deliverer``); waits for
    all of them. Returns counts by outcome."""
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    deliverer = Deliverer(engine, allow_private=allow_private, transport=transport)
    try:
        for future in deliverer.submit_due(now=now, limit=limit):
            for outcome, n in future.result().items():
                counts[outcome] += n
    finally:
        deliverer.close()
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
    deliverer = Deliverer(engine, allow_private=allow_private)

    def run() -> None:
        while not stop.wait(interval_s):
            try:  # queues and goes on: a slow receiver holds up only its own watch
                deliverer.submit_due()
            except Exception:  # the worker must survive a bad pass; the log says why
                log.exception("webhook delivery pass failed")

    thread = threading.Thread(target=run, name="claimscope-webhooks", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=interval_s + 1)
        deliverer.close(wait=False)  # attempts in flight end on their own timeout; the lease covers them

    return halt


def start_app_worker(app: Any) -> Callable[[], None]:
    """The app's delivery thread (lifespan); ``app.state.webhook_worker = False`` turns it off."""
    if not getattr(app.state, "webhook_worker", True):
        return lambda: None
    return start_worker(app.state.engine, allow_private=app.state.settings.allow_private_fetch)
