"""Curating official responses: add, edit, delete; audit trail; re-ingestion keeps curation."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from db.connection import get_engine
from db.models import AuditEntry
from tests.factories import auth, client_for, make_key

URL = "https://tribune.example/water"
ARTICLE = (
    "## Water Authority Denies Reservoir Cover-Up\n\nHarbor Tribune, 7 March 2024\n\n"
    "An engineer had claimed that tests found lead levels three times above the federal limit "
    "in the Eastside reservoir last autumn.\n\n"
    "Water Authority spokeswoman Maria Keller denied the engineer's allegations on Wednesday, "
    "saying: “Every sample taken in October was below the federal action level.”\n\n"
    "The council's oversight committee said it would review the sampling records next week.\n"
)
HIGHLIGHT = "tests found lead levels three times above the federal limit in the Eastside reservoir"


def _best(client: TestClient) -> dict[str, Any]:
    matches = client.post("/v1/match", json={"text": HIGHLIGHT}).json()["matches"]
    assert matches
    return matches[0]


def _responses(client: TestClient) -> list[dict[str, Any]]:
    return _best(client)["provenance"]["official_responses"]


def test_curation_round_trip(db_url: str) -> None:
    ingest, curate = make_key(db_url, "ingest", "loader"), make_key(db_url, "curate", "editor")
    with client_for(db_url) as client:
        assert (
            client.post("/v1/documents", json={"text": ARTICLE, "url": URL}, headers=auth(ingest)).status_code
            == 201
        )
        claim_id = _best(client)["claim"]["id"]
        extracted = [r for r in _responses(client) if r["how"] == "extracted"]
        assert extracted and extracted[0]["speaker"] == "Maria Keller"
        assert extracted[0]["stance"] == "denies"

        added = client.post(
            f"/v1/claims/{claim_id}/responses",
            headers=auth(curate),
            json={
                "speaker": "Tom Reyes",
                "role": "mayor",
                "organization": "Harbor City",
                "stance": "disputes",
                "date": "2024-03-09",
                "quote": "The samples will be re-tested.",
            },
        )
        assert added.status_code == 201, added.text
        rid = added.json()["id"]
        assert any(r["id"] == rid and r["how"] == "curated" for r in _responses(client))

        edited = client.patch(
            f"/v1/claims/{claim_id}/responses/{rid}", headers=auth(curate), json={"stance": "confirms"}
        )
        assert edited.status_code == 200 and edited.json()["stance"] == "confirms"
        assert {r["stance"] for r in _responses(client) if r["id"] == rid} == {"confirms"}

        # correcting an extracted response makes it curated
        fixed = client.patch(
            f"/v1/claims/{claim_id}/responses/{extracted[0]['id']}",
            headers=auth(curate),
            json={"role": "chief spokeswoman"},
        )
        assert fixed.json()["how"] == "curated"

        # re-ingesting a changed version of the article keeps both curated responses
        changed = ARTICLE.replace("next week", "on Friday")
        assert (
            client.post("/v1/documents", json={"text": changed, "url": URL}, headers=auth(ingest)).json()[
                "documents"
            ][0]["status"]
            == "updated"
        )
        after = {r["id"]: r for r in _responses(client)}
        assert after[rid]["stance"] == "confirms"
        assert after[extracted[0]["id"]]["role"] == "chief spokeswoman"

        assert (
            client.delete(f"/v1/claims/{claim_id}/responses/{rid}", headers=auth(curate)).status_code == 204
        )
        assert rid not in {r["id"] for r in _responses(client)}
        assert (
            client.delete(f"/v1/claims/{claim_id}/responses/{rid}", headers=auth(curate)).status_code == 404
        )

    with Session(get_engine(db_url)) as s:
        trail = s.exec(select(AuditEntry).where(AuditEntry.entity == "response")).all()
    actions = [(a.action, a.actor) for a in trail]
    assert ("response.create", "editor") in actions and ("response.delete", "editor") in actions
    update = next(a for a in trail if a.action == "response.update" and a.entity_id == rid)
    assert update.before["stance"] == "disputes" and update.after["stance"] == "confirms"
    assert update.at is not None


def test_bad_curation_input(db_url: str) -> None:
    curate = make_key(db_url, "curate")
    ingest = make_key(db_url, "ingest")
    with client_for(db_url) as client:
        client.post("/v1/documents", json={"text": ARTICLE}, headers=auth(ingest))
        claim_id = _best(client)["claim"]["id"]
        missing = client.post(
            "/v1/claims/999999/responses", headers=auth(curate), json={"stance": "denies", "quote": "No."}
        )
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        assert client.get("/v1/claims/999999").status_code == 404
        no_quote = client.post(
            f"/v1/claims/{claim_id}/responses", headers=auth(curate), json={"stance": "denies"}
        )
        assert no_quote.status_code == 422 and no_quote.json()["error"]["field"] == "quote"
        blank = client.post(
            f"/v1/claims/{claim_id}/responses",
            headers=auth(curate),
            json={"stance": "denies", "quote": "   "},
        )
        assert blank.status_code == 422 and blank.json()["error"]["field"] == "quote"
        stance = client.post(
            f"/v1/claims/{claim_id}/responses",
            headers=auth(curate),
            json={"stance": "maybe", "quote": "Perhaps."},
        )
        assert stance.status_code == 422 and stance.json()["error"]["field"] == "stance"
