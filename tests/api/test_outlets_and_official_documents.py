"""The outlet registry is editable, and documents published by official outlets are responses."""

from __future__ import annotations

from tests.factories import auth, client_for, make_key

REPORT = (
    "## Bridge Cracks Hidden, Inspector Says\n\nHarbor Tribune, 7 March 2024\n\n"
    "Inspectors found cracks in two support beams of the Marlow bridge last winter, "
    "an inspector told the Harbor Tribune.\n"
)
STATEMENT = {
    "text": "Inspectors found cracks in two support beams of the Marlow bridge last winter. "
    "The ministry has ordered repairs and the bridge remains safe for light traffic.",
    "outlet": "U.S. Department of State",
    "title": "Statement on the Marlow bridge",
    "published_at": "2024-03-09",
    "url": "https://www.state.gov/marlow",
}
HIGHLIGHT = "Inspectors found cracks in two support beams of the Marlow bridge"


def test_official_outlet_documents_are_responses_and_outlets_are_editable(db_url: str) -> None:
    ingest, curate = make_key(db_url, "ingest"), make_key(db_url, "curate", "editor")
    with client_for(db_url, rate_limit_per_minute=0) as client:
        assert client.post("/v1/documents", json={"text": REPORT}, headers=auth(ingest)).status_code == 201
        assert client.post("/v1/documents", json=STATEMENT, headers=auth(ingest)).status_code == 201
        prov = client.post("/v1/match", json={"text": HIGHLIGHT}).json()["matches"][0]["provenance"]
        official = [r for r in prov["official_responses"] if r["how"] == "official_document"]
        assert official and official[0]["organization"] == "U.S. Department of State"
        assert official[0]["date"] == "2024-03-09"
        assert official[0]["source"]["url"] == "https://www.state.gov/marlow"

        outlets = {o["name"]: o for o in client.get("/v1/outlets", params={"limit": 200}).json()["items"]}
        tribune = outlets["Harbor Tribune"]
        assert tribune["kind"] == "unknown"
        assert (
            client.patch(
                f"/v1/outlets/{tribune['id']}", json={"kind": "news"}, headers=auth(ingest)
            ).status_code
            == 403
        )
        changed = client.patch(
            f"/v1/outlets/{tribune['id']}",
            headers=auth(curate),
            json={"kind": "news", "domains": ["tribune.example"], "aliases": ["The Tribune"]},
        )
        assert changed.status_code == 200 and changed.json()["domain"] == "tribune.example"
        prov = client.post("/v1/match", json={"text": HIGHLIGHT}).json()["matches"][0]["provenance"]
        first = prov["first_publication"]
        assert first["outlet"]["name"] == "Harbor Tribune" and first["outlet"]["kind"] == "news"
        bad = client.patch(f"/v1/outlets/{tribune['id']}", headers=auth(curate), json={"kind": "tabloid"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "kind"
