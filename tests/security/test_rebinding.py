"""DNS rebinding: a host that resolves to a public address when the URL is checked and to
loopback when the connection is made must not reach loopback. The fetch and the webhook
deliveries connect only to the address they checked (``api.ingest.fetch.PinnedTransport``).

The resolver is the one part replaced here (a test cannot run a hostile DNS server for the
host's resolver): ``socket.getaddrinfo`` answers ``rebind.test`` with a public address first,
then with 127.0.0.1, where a real HTTP server counts the requests that reach it.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from api.errors import FetchFailed
from api.ingest import fetch
from api.moderation.delivery import IDEMPOTENCY_HEADER, deliver_pending
from db.connection import get_engine
from db.models import Watch, WebhookDelivery

PUBLIC = "93.184.216.34"
REAL_GETADDRINFO = socket.getaddrinfo


class Target:
    """A loopback HTTP server that records every request reaching it."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str, dict[str, str]]] = []
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                target.hits.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                body = b"<html><body><p>internal secret page</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def target() -> Iterator[Target]:
    t = Target()
    yield t
    t.close()


def rebinding_resolver(monkeypatch: pytest.MonkeyPatch, public_answers: int) -> list[str]:
    """``rebind.test`` is public for the first ``public_answers`` lookups, loopback after."""
    answers: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        address = PUBLIC if len(answers) < public_answers else "127.0.0.1"
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_fetch_does_not_follow_a_rebinding_host_to_loopback(
    monkeypatch: pytest.MonkeyPatch, target: Target
) -> None:
    answers = rebinding_resolver(monkeypatch, public_answers=1)
    with pytest.raises(FetchFailed, match=r"127\.0\.0\.1"):
        fetch.fetch(
            f"http://rebind.test:{target.port}/admin",
            timeout_s=5,
            max_bytes=100_000,
            max_redirects=2,
            allow_private=False,
        )
    assert answers[0] == PUBLIC and "127.0.0.1" in answers  # the check, then the connection
    assert target.hits == []


def test_pinned_connection_goes_to_the_checked_address(target: Target) -> None:
    """With private addresses allowed, the pinned transport still connects (to what it resolved)."""
    _, _, text = fetch.fetch(
        f"http://localhost:{target.port}/page",
        timeout_s=5,
        max_bytes=100_000,
        max_redirects=0,
        allow_private=True,
    )
    assert "internal secret page" in text and target.hits[0][1] == "/page"


def test_webhook_delivery_does_not_follow_a_rebinding_host(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, target: Target
) -> None:
    engine = get_engine(sqlite_url)
    with Session(engine) as session:
        watch = Watch(claim_id=1, url=f"http://rebind.test:{target.port}/hook", secret="s" * 16)
        session.add(watch)
        session.commit()
        session.add(WebhookDelivery(watch_id=watch.id or 0, event="response", body="{}"))
        session.commit()
    answers = rebinding_resolver(monkeypatch, public_answers=1)  # the attempt's check_url
    counts = deliver_pending(engine, allow_private=False)
    assert counts["retry"] == 1 and counts["delivered"] == 0, counts
    assert answers[0] == PUBLIC and "127.0.0.1" in answers
    assert target.hits == []
    with Session(engine) as session:
        delivery = session.exec(select(WebhookDelivery)).one()
        assert "127.0.0.1" in (delivery.last_error or "")


def test_webhook_retries_carry_one_idempotency_key(sqlite_url: str, target: Target) -> None:
    from datetime import UTC, datetime, timedelta

    engine = get_engine(sqlite_url)
    with Session(engine) as session:
        watch = Watch(claim_id=1, url=f"http://127.0.0.1:{target.port}/hook", secret="s" * 16)
        session.add(watch)
        session.commit()
        session.add(WebhookDelivery(watch_id=watch.id or 0, event="response", body="{}"))
        session.add(WebhookDelivery(watch_id=watch.id or 0, event="response", body="{}"))
        session.commit()
    assert deliver_pending(engine, allow_private=True)["delivered"] == 2
    with Session(engine) as session:  # send the first one again, as a retry would
        first = session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).first()  # type: ignore[arg-type]
        assert first is not None
        first.status, first.next_attempt_at = "pending", datetime.now(UTC) - timedelta(seconds=1)
        session.add(first)
        session.commit()
    deliver_pending(engine, allow_private=True)
    keys = [h[2].get(IDEMPOTENCY_HEADER.lower()) for h in target.hits]
    assert len(keys) == 3 and all(keys)
    assert keys[0] == keys[2] != keys[1]  # one key per delivery, the same on every attempt
