"""The review queue: borderline edited copies and weak response links wait for a moderator."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from api.linking.suggestions import weak_response_link
from db.connection import get_engine
from db.models import AuditEntry, Passage, Response, ReviewSuggestion
from tests.factories import auth, ingest_paths, make_key
from tests.moderation.helpers import (
    BORDERLINE,
    ORIGINAL,
    app_client,
    borderline_doc,
    original_doc,
)


def _claim_of(db_url: str, text: str) -> int | None:
    with Session(get_engine(db_url)) as s:
        (claim_id,) = set(s.exec(select(Passage.claim_id).where(Passage.text == text)).all())
        return claim_id


def _pending(client, key: str) -> list[dict]:  # type: ignore[no-untyped-def]
    resp = client.get("/v1/review", headers=auth(key))
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def test_borderline_copy_is_suggested_and_confirming_joins_the_claims(db_url: str, tmp_path: Path) -> None:
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    ingest_paths(db_url, [borderline_doc(tmp_path / "in")])
    assert _claim_of(db_url, ORIGINAL) != _claim_of(db_url, BORDERLINE)  # not linked
    curate = make_key(db_url, scope="curate", name="moderator")
    ingest = make_key(db_url, scope="ingest", name="loader")
    with app_client(db_url) as client:
        assert client.get("/v1/review").status_code == 401
        assert client.get("/v1/review", headers=auth(ingest)).status_code == 403
        items = _pending(client, curate)
        assert len(items) == 1
        item = items[0]
        assert item["kind"] == "reuse" and item["status"] == "pending"
        assert 0.65 <= item["similarity"] < 0.80
        assert item["text"] == BORDERLINE and item["target_text"] == ORIGINAL
        assert item["claim"]["id"] == _claim_of(db_url, ORIGINAL)

        assert client.post(f"/v1/review/{item['id']}/confirm").status_code == 401
        denied = client.post(f"/v1/review/{item['id']}/confirm", headers=auth(ingest))
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
        done = client.post(f"/v1/review/{item['id']}/confirm", headers=auth(curate))
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "confirmed"
        assert _claim_of(db_url, ORIGINAL) == _claim_of(db_url, BORDERLINE)
        claim = client.get(f"/v1/claims/{_claim_of(db_url, ORIGINAL)}").json()
        assert {a["text"] for a in claim["appearances"]} == {ORIGINAL, BORDERLINE}
        again = client.post(f"/v1/review/{item['id']}/confirm", headers=auth(curate))
        assert again.status_code == 422
        assert _pending(client, curate) == []
        confirmed = client.get("/v1/review?status=confirmed&kind=reuse", headers=auth(curate))
        assert [i["id"] for i in confirmed.json()["items"]] == [item["id"]]
    with Session(get_engine(db_url)) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "review.confirm")).all()
        assert len(audit) == 1 and audit[0].actor == "moderator"
        assert audit[0].entity_id == item["id"] and audit[0].after["applied"]["claim_id"]
    # Re-ingesting an updated copy re-applies the confirmed link and asks nothing.
    ingest_paths(db_url, [borderline_doc(tmp_path / "in", extra="The mayor did not comment.")])
    assert _claim_of(db_url, ORIGINAL) == _claim_of(db_url, BORDERLINE)
    with Session(get_engine(db_url)) as s:
        assert s.exec(select(ReviewSuggestion).where(ReviewSuggestion.status == "pending")).all() == []


def test_rejected_suggestion_is_not_suggested_again(db_url: str, tmp_path: Path) -> None:
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    ingest_paths(db_url, [borderline_doc(tmp_path / "in")])
    curate = make_key(db_url, scope="curate", name="moderator")
    with app_client(db_url) as client:
        (item,) = _pending(client, curate)
        resp = client.post(f"/v1/review/{item['id']}/reject", headers=auth(curate))
        assert resp.status_code == 200 and resp.json()["status"] == "rejected"
    # the same text again (an updated document, and the original re-ingested after it)
    report = ingest_paths(db_url, [borderline_doc(tmp_path / "in", extra="The mayor did not comment.")])
    assert report.count("updated") == 1
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    with Session(get_engine(db_url)) as s:
        rows = s.exec(select(ReviewSuggestion)).all()
        assert [(r.status, r.kind) for r in rows] == [("rejected", "reuse")]
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "review.reject")).one()
    assert _claim_of(db_url, ORIGINAL) != _claim_of(db_url, BORDERLINE)


def test_review_page_lists_and_decides_with_a_key(db_url: str, tmp_path: Path) -> None:
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    ingest_paths(db_url, [borderline_doc(tmp_path / "in")])
    curate = make_key(db_url, scope="curate", name="moderator")
    with app_client(db_url) as client:
        page = client.get("/review")
        assert page.status_code == 200 and "harbour board" in page.text
        assert "<script" not in page.text
        with Session(get_engine(db_url)) as s:
            sid = s.exec(select(ReviewSuggestion.id)).one()
        bad = client.post(f"/review/{sid}", data={"key": "cs_x_y", "decision": "confirm"})
        assert bad.status_code == 401
        ok = client.post(
            f"/review/{sid}", data={"key": curate, "decision": "confirm"}, follow_redirects=False
        )
        assert ok.status_code == 303
        assert "Nothing to review" in client.get("/review").text
    assert _claim_of(db_url, ORIGINAL) == _claim_of(db_url, BORDERLINE)


def test_confirming_a_response_suggestion_attaches_the_response(db_url: str, tmp_path: Path) -> None:
    ingest_paths(db_url, [original_doc(tmp_path / "in")])
    claim_id = _claim_of(db_url, ORIGINAL)
    with Session(get_engine(db_url)) as s:
        target = s.exec(select(Passage).where(Passage.text == ORIGINAL)).one()
        s.add(
            ReviewSuggestion(
                kind="response",
                subject_hash="abc",
                target_hash=target.norm_hash,
                target_passage_id=target.id,
                claim_id=claim_id,
                text="We are reviewing the contract.",
                target_text=target.text,
                payload={
                    "speaker": "Ann Lee",
                    "role": "spokeswoman",
                    "organization": "Harbor Commission",
                    "stance": "comments",
                    "how": "extracted",
                    "quote": "We are reviewing the contract.",
                },
            )
        )
        s.commit()
    curate = make_key(db_url, scope="curate")
    with app_client(db_url) as client:
        (item,) = _pending(client, curate)
        assert item["kind"] == "response" and item["response"]["speaker"] == "Ann Lee"
        assert client.post(f"/v1/review/{item['id']}/confirm", headers=auth(curate)).status_code == 200
        responses = client.get(f"/v1/claims/{claim_id}").json()["provenance"]["official_responses"]
        assert [r["speaker"] for r in responses] == ["Ann Lee"]


def test_weak_response_judgement() -> None:
    statement = Passage(
        document_id=1,
        ordinal=50,
        start=0,
        end=1,
        norm="",
        norm_hash="x",
        text="Spokeswoman Ann Lee said the commission would publish its minutes.",
    )
    far = Passage(
        document_id=1,
        ordinal=3,
        start=0,
        end=1,
        norm="",
        norm_hash="y",
        text="Fishermen say the north channel will close for a month.",
    )
    near = Passage(document_id=1, ordinal=48, start=0, end=1, norm="", norm_hash="z", text=far.text)
    resp = Response(
        claim_id=1,
        stance="comments",
        quote="the commission would publish its minutes",
        evidence=statement.text,
    )
    assert weak_response_link(resp, statement, [far])
    assert not weak_response_link(resp, statement, [near])
    resp.stance = "denies"
    assert not weak_response_link(resp, statement, [far])
