"""POST /v1/match behaviours beyond the seed table: page_url, context, limits."""

from __future__ import annotations

from pathlib import Path

from tests.factories import auth, client_for, make_key

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo"


def _ingest_demo_with_urls(client, key: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    urls = {}
    for path in sorted(DEMO.glob("*.md")):
        url = f"https://news.example/{path.stem}"
        resp = client.post(
            "/v1/documents", json={"text": path.read_text(encoding="utf-8"), "url": url}, headers=auth(key)
        )
        assert resp.status_code == 201, resp.text
        urls[path.stem] = url
    return urls


def test_page_url_marks_the_page_and_names_what_it_republishes(db_url: str) -> None:
    key = make_key(db_url)
    with client_for(db_url, rate_limit_per_minute=0) as client:
        urls = _ingest_demo_with_urls(client, key)
        text = "tests found lead levels three times above the federal limit in the Eastside reservoir"
        answer = client.post("/v1/match", json={"text": text, "page_url": urls["02_daily_relay"]}).json()
        assert answer["page"]["in_index"] is True
        assert answer["page"]["outlet"]["name"] == "Daily Relay"
        assert answer["page"]["republication_of"]["outlet"]["name"] == "Coastal Ledger"
        best = answer["matches"][0]
        assert best["is_current_page"] is True
        prov = best["provenance"]
        assert prov["first_publication"]["outlet"]["name"] == "Coastal Ledger"
        assert prov["first_publication"]["published_at"] == "2024-03-04"
        names = [p["outlet"]["name"] for p in prov["republishers"]]
        assert "Daily Relay" in names and "Civic Watch" in names
        assert {p["relation"] for p in prov["republishers"]} >= {"verbatim", "edited"}
        other = client.post("/v1/match", json={"text": text, "page_url": "https://elsewhere.example/"})
        assert other.json()["page"] is None
        assert other.json()["matches"][0]["is_current_page"] is False


def test_alignment_offsets_point_into_the_passage_and_the_query(db_url: str) -> None:
    key = make_key(db_url)
    with client_for(db_url, rate_limit_per_minute=0) as client:
        _ingest_demo_with_urls(client, key)
        query = "  Residents have COMPLAINED about discoloured tap-water since the summer…  "
        best = client.post("/v1/match", json={"text": query}).json()["matches"][0]
        passage = best["passage"]
        assert passage["text"].startswith("Residents have complained")
        matched = passage["text"][passage["match_start"] : passage["match_end"]]
        assert "discoloured tap water" in matched
        assert query[passage["query_start"] : passage["query_end"]].strip().startswith("Residents")
        assert 0 < best["score"] <= 1 and best["confidence"] in ("high", "suggestion")
        assert set(best["components"]) and all(0 <= v <= 1.0001 for v in best["components"].values())


def test_limit_and_took_ms(db_url: str) -> None:
    with client_for(db_url, rate_limit_per_minute=0) as client:
        answer = client.post("/v1/match", json={"text": "nothing is indexed yet at all", "limit": 3}).json()
        assert answer["matches"] == [] and answer["took_ms"] >= 0
