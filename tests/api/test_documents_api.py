"""POST/GET /v1/documents through the ASGI app, with keys, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from api.keys import revoke_key
from db.connection import get_engine
from db.models import ApiKey, AuditEntry, Document
from tests.factories import auth, client_for, make_key

ARTICLE = (
    "## Port Authority Denies Dredging Cover-Up\n\nHarbor Tribune, 7 March 2024\n\n"
    "The port authority rejected reports that it hid dredging samples from inspectors.\n\n"
    "A spokesman said every sample had been published on the authority's website in May.\n"
)


def _count_documents(db_url: str) -> int:
    with Session(get_engine(db_url)) as s:
        return len(s.exec(select(Document)).all())


def test_write_needs_a_valid_key_of_the_right_scope(db_url: str) -> None:
    with client_for(db_url) as client:
        assert client.post("/v1/documents", json={"text": ARTICLE}).status_code == 401
        bad = client.post("/v1/documents", json={"text": ARTICLE}, headers=auth("cs_nope_x"))
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_key"
        key = make_key(db_url, scope="ingest", name="revoked")
        with Session(get_engine(db_url)) as s:
            row = s.exec(select(ApiKey).where(ApiKey.name == "revoked")).one()
            revoke_key(session=s, key_id=row.id)
        revoked = client.post("/v1/documents", json={"text": ARTICLE}, headers=auth(key))
        assert revoked.status_code == 401 and "revoked" in revoked.json()["error"]["message"]
        # ingest scope cannot curate
        ingest_key = make_key(db_url, scope="ingest")
        resp = client.post(
            "/v1/claims/1/responses", headers=auth(ingest_key), json={"stance": "denies", "quote": "no"}
        )
        assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"
    assert _count_documents(db_url) == 0


def test_ingest_one_document_then_unchanged(db_url: str) -> None:
    key = make_key(db_url, scope="ingest", name="loader")
    with client_for(db_url) as client:
        first = client.post(
            "/v1/documents", json={"text": ARTICLE, "url": "https://tribune.example/a"}, headers=auth(key)
        )
        assert first.status_code == 201, first.text
        doc_id = first.json()["documents"][0]["document_id"]
        again = client.post(
            "/v1/documents", json={"text": ARTICLE, "url": "https://tribune.example/a"}, headers=auth(key)
        )
        assert again.status_code == 200
        assert again.json()["documents"][0]["status"] == "unchanged"
        listing = client.get("/v1/documents").json()
        assert [d["id"] for d in listing["items"]] == [doc_id]
        detail = client.get(f"/v1/documents/{doc_id}").json()
        assert detail["title"] == "Port Authority Denies Dredging Cover-Up"
        assert detail["published_at"] == "2024-03-07"
        assert detail["url"] == "https://tribune.example/a"
        assert detail["passages"] and all(
            detail["text"][p["start"] : p["end"]] == p["text"] for p in detail["passages"]
        )
    with Session(get_engine(db_url)) as s:
        audit = s.exec(select(AuditEntry)).all()
    assert [a.actor for a in audit] == ["loader"]


def test_documents_are_paginated_newest_first(db_url: str) -> None:
    key = make_key(db_url)
    with client_for(db_url) as client:
        for i in range(5):
            text = f"Report number {i} says the bridge on route {i} was closed for repairs in May."
            assert client.post("/v1/documents", json={"text": text}, headers=auth(key)).status_code == 201
        page1 = client.get("/v1/documents", params={"limit": 2}).json()
        page2 = client.get("/v1/documents", params={"limit": 2, "cursor": page1["next_cursor"]}).json()
        page3 = client.get("/v1/documents", params={"limit": 2, "cursor": page2["next_cursor"]}).json()
        ids = [d["id"] for p in (page1, page2, page3) for d in p["items"]]
        assert ids == sorted(ids, reverse=True) and len(ids) == 5
        assert page3["next_cursor"] is None
        assert client.get("/v1/documents", params={"cursor": "!!"}).status_code == 422


def test_read_can_require_a_key(db_url: str) -> None:
    with client_for(db_url, require_key_for_read=True) as client:
        assert client.get("/v1/documents").status_code == 401
        assert client.post("/v1/match", json={"text": "anything at all here"}).status_code == 401
        key = make_key(db_url)
        assert client.get("/v1/documents", headers=auth(key)).status_code == 200


def test_bad_documents_get_clear_4xx_and_keep_what_is_stored(db_url: str, tmp_path: Path) -> None:
    key = make_key(db_url)
    with client_for(db_url, max_document_bytes=100_000) as client:
        ok = client.post("/v1/documents", json={"text": ARTICLE}, headers=auth(key))
        assert ok.status_code == 201
        cases = [
            ({"text": ""}, 422),
            ({"text": "   \n  "}, 422),
            ({"html": "<html><body><script>x()</script></body></html>"}, 422),
            ({"text": "x" * 200_000}, 413),
            ({"url": "http://127.0.0.1:9/secret"}, 422),
            ({"url": "http://10.0.0.1/"}, 422),
            ({"url": "file:///etc/passwd"}, 422),
            ({"bogus": 1}, 422),
            ({}, 422),
        ]
        for body, status in cases:
            resp = client.post("/v1/documents", json=body, headers=auth(key))
            assert resp.status_code == status, (body, resp.text)
            err = resp.json()["error"]
            assert err["status"] == status and err["message"], body
    assert _count_documents(db_url) == 1
