"""POST /v1/check: the moderators' repost check (issue 6, acceptance 1)."""

from __future__ import annotations

from pathlib import Path

from tests.factories import auth, client_for, ingest_paths, make_key


def test_check_a_copy_against_the_indexed_original(db_url: str, seeds_dir: Path) -> None:
    ingest_paths(db_url, [next(seeds_dir.glob("000_*"))])
    copy = next(seeds_dir.glob("001_*")).read_text(encoding="utf-8")
    with client_for(db_url, rate_limit_per_minute=0) as client:
        report = client.post("/v1/check", json={"text": copy}).json()
        assert report["already_indexed"] == []
        assert report["passages_checked"] > 20
        shared = {c["claim"]["text"] for c in report["claims"]}
        assert any("The Americans are on our side" in t for t in shared)
        assert any("governments" in t and "private individuals" in t for t in shared)
        for claim in report["claims"]:
            for span in claim["spans"]:
                assert report["text"][span["start"] : span["end"]] == span["text"]
        new = " ".join(p["text"] for p in report["new_parts"])
        assert "The fight is difficult" in new  # RT's copy has sentences MintPress cut
        assert "The Americans are on our side" not in new
        source = report["republishes"][0]
        assert source["outlet"]["name"] == "Mondialisation.ca"
        assert 0 < source["coverage"] < 1
        assert (
            len(report["new_parts"]) + sum(len(c["spans"]) for c in report["claims"])
            >= report["passages_checked"] * 0.9
        )


def test_check_an_indexed_document_reports_coverage_one(db_url: str, seeds_dir: Path) -> None:
    original = next(seeds_dir.glob("000_*"))
    ingest_paths(db_url, [original])
    with client_for(db_url, rate_limit_per_minute=0) as client:
        report = client.post("/v1/check", json={"text": original.read_text(encoding="utf-8")}).json()
        assert [d["coverage"] for d in report["already_indexed"]] == [1.0]
        assert report["already_indexed"][0]["outlet"]["name"] == "Mondialisation.ca"
        assert report["new_parts"] == []


def test_check_does_not_store_unless_asked(db_url: str) -> None:
    text = (
        "The harbour ferry will stop running in December, the port authority said on Monday, "
        "citing a shortage of qualified crews."
    )
    key = make_key(db_url, "ingest")
    with client_for(db_url, rate_limit_per_minute=0) as client:
        client.post("/v1/check", json={"text": text})
        assert client.get("/v1/documents").json()["items"] == []
        assert client.post("/v1/check", json={"text": text, "ingest": True}).status_code == 401
        stored = client.post("/v1/check", json={"text": text, "ingest": True}, headers=auth(key))
        assert stored.status_code == 200 and stored.json()["ingested"][0]["status"] == "added"
        assert len(client.get("/v1/documents").json()["items"]) == 1
        assert client.post("/v1/check", json={"text": " "}).status_code == 422
        assert client.post("/v1/check", json={"url": "http://127.0.0.1:1/x"}).status_code == 422
