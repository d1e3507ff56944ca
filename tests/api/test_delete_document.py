"""Deleting a document (DELETE /v1/documents/{id}, ``claimscope delete ID``): it leaves the
match index and every claim's provenance, empty claims go, and the deletion is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app as cli
from api.settings import get_settings
from db.connection import get_engine
from db.models import AuditEntry, Claim, Passage
from tests.factories import auth, client_for, make_key

COPIED = "tests found lead levels three times above the federal limit in the Eastside reservoir last autumn"
OWN = "The Marlow ferry will run an extra evening crossing from June, the harbour master announced."
BODY = {
    "title": "Ferry and water",
    "outlet": "Marlow Gazette",
    "published_at": "2024-03-12",
    "text": f"{OWN} Last week the Coastal Ledger reported that {COPIED}. Council members want an audit.",
}


def _document_ids(provenance: dict[str, Any]) -> set[int]:
    pubs = [provenance.get("first_publication") or {}, *provenance.get("republishers", [])]
    return {p["document_id"] for p in pubs if p.get("document_id") is not None}


def _ingest_demo_and_copy(client: Any, key: str) -> int:
    from api.cli import DEMO_DIR

    for path in sorted(DEMO_DIR.iterdir()):
        text = path.read_text(encoding="utf-8")
        resp = client.post("/v1/documents", json={"text": text}, headers=auth(key))
        assert resp.status_code == 201, resp.text
    resp = client.post("/v1/documents", json=BODY, headers=auth(key))
    assert resp.status_code == 201, resp.text
    return int(resp.json()["documents"][0]["document_id"])


def test_delete_through_the_api(db_url: str) -> None:
    ingest_key, admin_key = make_key(db_url, "ingest"), make_key(db_url, "admin", name="admin")
    with client_for(db_url) as client:
        doc_id = _ingest_demo_and_copy(client, ingest_key)
        before = client.post("/v1/match", json={"text": COPIED}).json()["matches"][0]
        claim_id = before["claim"]["id"]
        assert doc_id in _document_ids(before["provenance"])
        assert client.post("/v1/match", json={"text": OWN}).json()["matches"]
        own_claim = client.post("/v1/match", json={"text": OWN}).json()["matches"][0]["claim"]["id"]

        assert client.delete(f"/v1/documents/{doc_id}").status_code == 401
        assert client.delete(f"/v1/documents/{doc_id}", headers=auth(ingest_key)).status_code == 403
        resp = client.delete(f"/v1/documents/{doc_id}", headers=auth(admin_key))
        assert resp.status_code == 200, resp.text
        report = resp.json()
        assert report["document_id"] == doc_id and report["passages"] >= 2
        assert own_claim in report["claims_removed"] and claim_id in report["claims_changed"]

        assert client.post("/v1/match", json={"text": OWN}).json()["matches"] == []
        after = client.post("/v1/match", json={"text": COPIED}).json()["matches"][0]
        assert after["claim"]["id"] == claim_id and doc_id not in _document_ids(after["provenance"])
        detail = client.get(f"/v1/claims/{claim_id}").json()
        assert doc_id not in {a["document"]["id"] for a in detail["appearances"]}
        assert doc_id not in _document_ids(detail["provenance"])
        assert client.get(f"/v1/claims/{own_claim}").status_code == 404
        assert client.get(f"/v1/documents/{doc_id}").status_code == 404
        again = client.delete(f"/v1/documents/{doc_id}", headers=auth(admin_key))
        assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
        huge = client.delete("/v1/documents/9223372036854775808", headers=auth(admin_key))
        assert huge.status_code in (404, 422)

    with Session(get_engine(db_url)) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "document.deleted")).one()
        assert entry.entity_id == doc_id and entry.actor == "admin"
        assert not session.exec(select(Passage).where(Passage.document_id == doc_id)).all()
        claim = session.get(Claim, claim_id)
        assert claim is not None and COPIED.lower() in claim.text.lower()


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("CLAIMSCOPE_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_delete_through_the_cli(runner: CliRunner, db_url: str) -> None:
    import json

    with client_for(db_url) as client:
        doc_id = _ingest_demo_and_copy(client, make_key(db_url, "ingest"))
    claim_id = json.loads(runner.invoke(cli, ["match", "--json", COPIED]).output)["matches"][0]["claim"]["id"]
    done = runner.invoke(cli, ["delete", str(doc_id)])
    assert done.exit_code == 0, done.output
    assert f"document {doc_id} deleted" in done.output
    assert "No match" in runner.invoke(cli, ["match", OWN]).output
    shown = json.loads(runner.invoke(cli, ["claim", "--json", str(claim_id)]).output)
    assert doc_id not in {a["document"]["id"] for a in shown["appearances"]}
    assert doc_id not in _document_ids(shown["provenance"])
    missing = runner.invoke(cli, ["delete", str(doc_id)])
    assert missing.exit_code == 1 and f"no document {doc_id}" in missing.output
    with Session(get_engine(db_url)) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "document.deleted")).one()
        assert entry.actor == "cli"
