"""Exports: the seeds' claim index once per claim (CLI and streamed API), one claim as JSON-LD."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.cli import app as cli
from api.provenance.claims_view import claim_detail
from api.provenance.export import iter_claim_rows
from api.settings import get_settings
from db.connection import get_engine
from db.models import Claim
from tests.factories import ingest_paths
from tests.moderation.helpers import app_client

TONER = "we would never provide Nusra with any kind of assistance whatsoever"


def _claim_ids(db_url: str) -> list[int]:
    with Session(get_engine(db_url)) as s:
        return list(s.exec(select(Claim.id).order_by(col(Claim.id))).all())  # type: ignore[arg-type]


def test_seed_export_has_every_claim_once(db_url: str, seeds_dir: Path) -> None:
    ingest_paths(db_url, [seeds_dir])
    ids = _claim_ids(db_url)
    assert len(ids) > 50
    rows = list(iter_claim_rows(get_engine(db_url), batch_size=17))  # several keyset batches
    assert [r["id"] for r in rows] == ids
    with Session(get_engine(db_url)) as s:
        for row in rows[:: max(len(rows) // 8, 1)]:  # agrees with the claim API
            detail = claim_detail(session=s, claim_id=row["id"])
            first = detail["provenance"]["first_publication"]
            assert row["appearances"] == len(detail["appearances"])
            assert row["first_publication_date"] == first["published_at"]
            assert row["first_publication_outlet"] == (first["outlet"] or {}).get("name")
    with app_client(db_url) as client:
        resp = client.get("/v1/export/claims.jsonl")
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/x-ndjson")
        streamed = [json.loads(line) for line in resp.text.splitlines()]
        assert [r["id"] for r in streamed] == ids

        americans = client.post("/v1/match", json={"text": "The Americans are on our side."}).json()
        claim_id = americans["matches"][0]["claim"]["id"]
        plain = client.get(f"/v1/claims/{claim_id}/export?format=json").json()
        assert plain["claim"]["id"] == claim_id
        ld = client.get(f"/v1/claims/{claim_id}/export?format=jsonld")
        assert ld.headers["content-type"].startswith("application/ld+json")
        graph = ld.json()["@graph"]
        assert ld.json()["@context"] == "https://schema.org"
        assert all(r["@type"] == "ClaimReview" for r in graph)
        toner = [r for r in graph if TONER in r["reviewBody"]]
        assert toner and toner[0]["reviewRating"]["alternateName"] == "Denied"
        item = toner[0]["itemReviewed"]
        assert item["@type"] == "Claim" and item["firstAppearance"]["@type"] == "CreativeWork"
        assert len(item["appearance"]) == len(plain["appearances"])
        assert any(a.get("author", {}).get("name") == "Global Research" for a in item["appearance"])
        assert client.get(f"/v1/claims/{claim_id}/export?format=xml").status_code == 422
        assert client.get("/v1/claims/999999/export?format=jsonld").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_command(fmt: str, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    try:
        doc = tmp_path / "in" / "a.md"
        doc.parent.mkdir()
        doc.write_text(
            "## Bridge Closed\n\nHarbor Tribune, 7 March 2024\n\n"
            "The Marlow bridge was closed on Tuesday after inspectors found cracks.\n\n"
            "A city engineer said repairs would take at least six weeks to finish.\n"
        )
        ingest_paths(sqlite_url, [doc])
        out = tmp_path / f"claims.{fmt}"
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        rows = (
            list(csv.DictReader(text.splitlines()))
            if fmt == "csv"
            else [json.loads(line) for line in text.splitlines()]
        )
        assert [int(r["id"]) for r in rows] == _claim_ids(sqlite_url)
        assert {r["first_publication_outlet"] for r in rows} == {"Harbor Tribune"}
        assert {str(r["first_publication_date"]) for r in rows} == {"2024-03-07"}
        assert CliRunner().invoke(cli, ["export", "--format", "xml"]).exit_code == 2
    finally:
        get_settings.cache_clear()
