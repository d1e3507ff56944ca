"""Webhook deliveries to different watches do not wait on each other (issue 17).

Two real receivers on loopback: the slow one takes longer to answer than the fast one's whole
run. Before, one thread delivered in id order, so the fast watch's event waited behind the slow
receiver; now each watch has its own task on a bounded pool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api.moderation.delivery import MAX_PARALLEL_WATCHES, Deliverer, deliver_pending
from db.connection import get_engine
from tests.factories import auth, ingest_paths, make_key
from tests.moderation.helpers import app_client, original_doc
from tests.moderation.test_watch import _claim, _copy

SLOW_S = 3.0  # the slow receiver's answer time; the fast one must be done well before it


class TimedReceiver:
    """A loopback HTTP server that answers 204 after ``delay_s`` and records when each POST came."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.arrived: list[float] = []
        self.answered: list[float] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.arrived.append(time.monotonic())
                time.sleep(receiver.delay_s)
                self.send_response(204)
                self.end_headers()
                receiver.answered.append(time.monotonic())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[tuple[TimedReceiver, TimedReceiver]]:
    slow, fast = TimedReceiver(SLOW_S), TimedReceiver()
    yield slow, fast
    slow.close()
    fast.close()


def _watch_both(db_url: str, tmp_path: Path, slow: TimedReceiver, fast: TimedReceiver) -> None:
    """The slow watch first (its delivery has the lower id), then the fast one; one event each."""
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    claim_id = _claim(db_url)
    curate = make_key(db_url, scope="curate", name="watcher")
    with app_client(db_url, allow_private_fetch=True) as client:
        for receiver in (slow, fast):
            made = client.post(
                "/v1/watches", headers=auth(curate), json={"claim_id": claim_id, "url": receiver.url}
            )
            assert made.status_code == 201, made.text
    assert ingest_paths(db_url, [_copy(tmp_path / "in")]).count("added") == 1


def test_a_slow_receiver_does_not_delay_another_watch(
    db_url: str, tmp_path: Path, receivers: tuple[TimedReceiver, TimedReceiver]
) -> None:
    slow, fast = receivers
    _watch_both(db_url, tmp_path, slow, fast)
    started = time.monotonic()
    counts = deliver_pending(get_engine(db_url), allow_private=True)
    assert counts == {"delivered": 2, "retry": 0, "failed": 0}
    assert len(slow.arrived) == len(fast.answered) == 1
    # the fast receiver had its event and answered while the slow one was still working on its own
    assert fast.answered[0] - started < SLOW_S / 2
    assert fast.answered[0] < slow.answered[0]


def test_the_worker_keeps_delivering_while_a_receiver_is_slow(
    db_url: str, tmp_path: Path, receivers: tuple[TimedReceiver, TimedReceiver]
) -> None:
    """The app's worker queues per watch and goes on: the slow watch's task still runs when the
    fast watch's event is sent, and the slow watch is not given a second task meanwhile."""
    slow, fast = receivers
    _watch_both(db_url, tmp_path, slow, fast)
    deliverer = Deliverer(get_engine(db_url), allow_private=True)
    try:
        started = time.monotonic()
        first = deliverer.submit_due()
        assert len(first) == 2
        while not fast.answered and time.monotonic() - started < SLOW_S:
            time.sleep(0.02)
        assert fast.answered and fast.answered[0] - started < SLOW_S / 2
        assert deliverer.submit_due() == []  # the slow watch is busy; nothing else is due
        assert sum(f.result()["delivered"] for f in first) == 2
        assert len(slow.arrived) == 1  # sent once, not again while it was still answering
    finally:
        deliverer.close()
    assert 1 < MAX_PARALLEL_WATCHES <= 16  # bounded threads
