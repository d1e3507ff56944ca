"""Watches: a local receiver gets signed events; failures are retried and logged."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import Session, select

from api.moderation.delivery import MAX_ATTEMPTS, deliver_pending, verify
from db.connection import get_engine
from db.models import Outlet, Passage, WebhookDelivery
from tests.factories import auth, ingest_paths, make_key
from tests.moderation.helpers import ORIGINAL, app_client, article, original_doc, write


class Receiver:
    """An HTTP server on 127.0.0.1 that records POSTs and fails the first ``fail`` of them."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                failing = len(receiver.requests) <= receiver.fail
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _copy(folder: Path) -> Path:
    return write(
        folder,
        "copy.md",
        article(
            "Dredging Contract Approved",
            "Harbor Tribune, 9 March 2024",
            ORIGINAL,
            "The work is due to start in April.",
        ),
    )


def _claim(db_url: str) -> int:
    with Session(get_engine(db_url)) as s:
        return s.exec(select(Passage.claim_id).where(Passage.text == ORIGINAL)).first()  # type: ignore[return-value]


def test_signed_events_reach_the_receiver(db_url: str, tmp_path: Path, receiver: Receiver) -> None:
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    claim_id = _claim(db_url)
    curate = make_key(db_url, scope="curate", name="watcher")
    with app_client(db_url, allow_private_fetch=True) as client:
        assert client.post("/v1/watches", json={"claim_id": claim_id, "url": receiver.url}).status_code == 401
        made = client.post(
            "/v1/watches",
            headers=auth(curate),
            json={"claim_id": claim_id, "url": receiver.url, "secret": "s3cret-s3cret"},
        )
        assert made.status_code == 201, made.text
        watch_id = made.json()["id"]
        with Session(get_engine(db_url)) as s:
            tribune = s.exec(select(Outlet).where(Outlet.name == "Coastal Ledger")).one()
        by_outlet = client.post(
            "/v1/watches", headers=auth(curate), json={"outlet_id": tribune.id, "url": receiver.url}
        )
        assert by_outlet.status_code == 201 and len(by_outlet.json()["secret"]) > 10
        listed = client.get("/v1/watches", headers=auth(curate)).json()
        assert {w["id"] for w in listed["items"]} == {watch_id, by_outlet.json()["id"]}
        assert all("secret" not in w for w in listed["items"])

        report = ingest_paths(db_url, [_copy(tmp_path / "in")])  # a republication
        assert report.count("added") == 1
        assert receiver.requests == []  # ingestion only queues
        counts = deliver_pending(get_engine(db_url), allow_private=True)
        assert counts == {"delivered": 1, "retry": 0, "failed": 0}
        ((headers, body),) = receiver.requests
        assert headers["x-claimscope-signature"].startswith("sha256=")
        assert verify("s3cret-s3cret", body, headers["x-claimscope-signature"])
        assert not verify("other-secret", body, headers["x-claimscope-signature"])
        event = json.loads(body)
        assert event["event"] == "republication" and event["claim"]["id"] == claim_id
        assert event["document"]["title"] == "Dredging Contract Approved"
        assert [p["text"] for p in event["passages"]] == [ORIGINAL]
        log = client.get(f"/v1/watches/{watch_id}/deliveries", headers=auth(curate)).json()
        (delivery,) = log["items"]
        assert delivery["status"] == "delivered" and delivery["attempts"] == 1
        assert delivery["log"][0]["status_code"] == 204

        # a new document of the watched outlet
        write(
            tmp_path / "more",
            "c.md",
            article(
                "Budget Vote Delayed",
                "Coastal Ledger, 12 March 2024",
                "The city council postponed its vote on the water budget until the end of April.",
            ),
        )
        ingest_paths(db_url, [tmp_path / "more"])
        deliver_pending(get_engine(db_url), allow_private=True)
        assert json.loads(receiver.requests[-1][1])["event"] == "document"

        assert client.delete(f"/v1/watches/{watch_id}", headers=auth(curate)).status_code == 204
        assert client.get(f"/v1/watches/{watch_id}/deliveries", headers=auth(curate)).status_code == 404


def test_failing_receiver_is_retried_with_backoff(db_url: str, tmp_path: Path) -> None:
    receiver = Receiver(fail=2)
    try:
        ingest_paths(db_url, [original_doc(tmp_path / "in")])
        curate = make_key(db_url, scope="curate")
        with app_client(db_url, allow_private_fetch=True) as client:
            made = client.post(
                "/v1/watches", headers=auth(curate), json={"claim_id": _claim(db_url), "url": receiver.url}
            )
            watch_id = made.json()["id"]
            ingest_paths(db_url, [_copy(tmp_path / "in")])
            engine = get_engine(db_url)
            now = datetime.now(UTC)
            assert deliver_pending(engine, allow_private=True, now=now)["retry"] == 1
            # not due yet: the backoff holds it back
            assert deliver_pending(engine, allow_private=True, now=now + timedelta(seconds=1)) == {
                "delivered": 0,
                "retry": 0,
                "failed": 0,
            }
            assert deliver_pending(engine, allow_private=True, now=now + timedelta(minutes=2))["retry"] == 1
            assert (
                deliver_pending(engine, allow_private=True, now=now + timedelta(minutes=10))["delivered"] == 1
            )
            (d,) = client.get(f"/v1/watches/{watch_id}/deliveries", headers=auth(curate)).json()["items"]
            assert d["status"] == "delivered" and d["attempts"] == 3
            assert [a["status_code"] for a in d["log"]] == [500, 500, 204]
            assert d["log"][0]["error"] == "HTTP 500"
            assert len(receiver.requests) == 3
            assert len({b for _, b in receiver.requests}) == 1  # the same signed body each time
    finally:
        receiver.close()


def test_attempts_are_bounded(db_url: str, tmp_path: Path) -> None:
    receiver = Receiver(fail=100)
    try:
        ingest_paths(db_url, [original_doc(tmp_path / "in")])
        curate = make_key(db_url, scope="curate")
        with app_client(db_url, allow_private_fetch=True) as client:
            client.post(
                "/v1/watches", headers=auth(curate), json={"claim_id": _claim(db_url), "url": receiver.url}
            )
        ingest_paths(db_url, [_copy(tmp_path / "in")])
        later = datetime.now(UTC)
        for _ in range(MAX_ATTEMPTS + 2):
            later += timedelta(days=1)
            deliver_pending(get_engine(db_url), allow_private=True, now=later)
        with Session(get_engine(db_url)) as s:
            (d,) = s.exec(select(WebhookDelivery)).all()
            assert d.status == "failed" and d.attempts == MAX_ATTEMPTS == len(d.log)
    finally:
        receiver.close()


def test_private_urls_are_refused_unless_allowed(db_url: str, tmp_path: Path) -> None:
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    curate = make_key(db_url, scope="curate")
    with app_client(db_url) as client:
        resp = client.post(
            "/v1/watches",
            headers=auth(curate),
            json={"claim_id": _claim(db_url), "url": "http://127.0.0.1:9/hook"},
        )
        assert resp.status_code == 422 and resp.json()["error"]["field"] == "url"
        bad = client.post(
            "/v1/watches", headers=auth(curate), json={"claim_id": 999999, "url": "https://example.org/hook"}
        )
        assert bad.status_code == 404
        both = client.post("/v1/watches", headers=auth(curate), json={"url": "https://example.org/h"})
        assert both.status_code == 422
