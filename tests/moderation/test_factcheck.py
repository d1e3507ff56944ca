"""Fact-checks in: ClaimReview JSON-LD becomes fact-check responses on the matching claims."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import DEMO_DIR
from api.cli import app as cli
from api.moderation.factcheck import find_claimreviews
from api.settings import get_settings
from api.statements.ratings import stance_of_rating
from tests.factories import auth, ingest_paths, make_key
from tests.moderation.helpers import app_client

REVIEWS = Path(__file__).parent / "data" / "claimreview_demo.jsonld"
LEAD = "tests found lead levels three times above the federal limit"


@pytest.mark.parametrize(
    ("rating", "stance"),
    [
        ({"alternateName": "False"}, "denies"),
        ({"alternateName": "Pants on Fire!"}, "denies"),
        ({"alternateName": "Mostly False"}, "disputes"),
        ({"alternateName": "Half True"}, "disputes"),
        ({"alternateName": "Misleading"}, "disputes"),
        ({"alternateName": "True"}, "confirms"),
        ({"alternateName": "Mostly true"}, "confirms"),
        ({"ratingValue": 1, "bestRating": 5, "worstRating": 1}, "denies"),
        ({"ratingValue": 3, "bestRating": 5}, "disputes"),
        ({"ratingValue": "5"}, "confirms"),
        ({}, "comments"),
        (None, "comments"),
    ],
)
def test_stance_of_rating(rating: object, stance: str) -> None:
    assert stance_of_rating(rating) == stance


def test_find_claimreviews_in_lists_graphs_and_feeds() -> None:
    one = {"@type": "ClaimReview", "claimReviewed": "x"}
    feed = {"@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": one}]}
    assert find_claimreviews(one) == [one]
    assert find_claimreviews([one, {"@type": "Article"}]) == [one]
    assert find_claimreviews({"@graph": [one, feed]}) == [one, one]
    assert find_claimreviews({"@type": ["schema:ClaimReview"], "claimReviewed": "y"})


def test_import_over_the_api_links_the_matching_claim(db_url: str) -> None:
    ingest_paths(db_url, [DEMO_DIR])
    curate = make_key(db_url, scope="curate", name="factchecks")
    body = json.loads(REVIEWS.read_text())
    with app_client(db_url) as client:
        assert client.post("/v1/factchecks", json=body).status_code == 401
        ingest = make_key(db_url, scope="ingest")
        assert client.post("/v1/factchecks", json=body, headers=auth(ingest)).status_code == 403
        resp = client.post("/v1/factchecks", json=body, headers=auth(curate))
        assert resp.status_code == 200, resp.text
        lead, earnings = resp.json()["items"]
        assert lead["status"] == "linked" and lead["stance"] == "denies" and lead["claim_ids"]
        assert earnings["status"] == "unmatched" and earnings["claim_ids"] == []
        match = client.post("/v1/match", json={"text": LEAD}).json()["matches"][0]
        assert match["claim"]["id"] in lead["claim_ids"]
        checks = [r for r in match["provenance"]["official_responses"] if r["how"] == "factcheck"]
        assert len(checks) == 1
        check = checks[0]
        assert check["organization"] == "Harbor Fact Check" and check["stance"] == "denies"
        assert check["date"] == "2024-03-10" and check["quote"].startswith("False: Tests found")
        assert check["source"]["url"] == "https://factcheck.example/2024/03/eastside-lead"
        again = client.post("/v1/factchecks", json=body, headers=auth(curate)).json()
        assert again["summary"]["unchanged"] == 1 and again["summary"]["linked"] == 0
        assert (
            client.post("/v1/factchecks", json={"@type": "Article"}, headers=auth(curate)).status_code == 422
        )


@pytest.fixture
def runner(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("CLAIMSCOPE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_import_claimreview_command(runner: CliRunner, sqlite_url: str) -> None:
    ingest_paths(sqlite_url, [DEMO_DIR])
    result = runner.invoke(cli, ["import-claimreview", str(REVIEWS), "--json"])
    assert result.exit_code == 0, result.output
    outcomes = json.loads(result.output)
    assert [o["status"] for o in outcomes] == ["linked", "unmatched"]
    result = runner.invoke(cli, ["import-claimreview", str(REVIEWS)])
    assert result.exit_code == 0 and "unchanged" in result.output


# Google's ClaimReview structured data: what every exported review must carry
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url", "author")


def _valid_for_google(review: dict) -> list[str]:
    missing = [k for k in GOOGLE_REQUIRED if not review.get(k)]
    if not (review.get("reviewRating") or {}).get("alternateName"):
        missing.append("reviewRating.alternateName")
    if not (review.get("author") or {}).get("name"):
        missing.append("author.name")
    return missing


GRAPH_WITH_REFERENCES = {
    "@context": "https://schema.org",
    "@graph": [
        {
            "@id": "#harbor",
            "@type": "Organization",
            "name": "Harbor Fact Check",
            "url": "https://factcheck.example",
        },
        {"@id": "#engineer", "@type": "Person", "name": "an Eastside engineer"},
        {"@id": "#rating", "@type": "Rating", "alternateName": "Inaccurate"},
        {
            "@type": "ClaimReview",
            "url": "https://factcheck.example/2024/03/eastside-lead-2",
            "datePublished": "2024-03-12",
            "author": {"@id": "#harbor"},
            "claimReviewed": (
                "Tests found lead levels three times above the federal limit in the Eastside reservoir."
            ),
            "itemReviewed": {"@type": "Claim", "author": {"@id": "#engineer"}},
            "reviewRating": {"@id": "#rating"},
        },
    ],
}


def test_references_are_resolved_across_the_graph() -> None:
    (review,) = find_claimreviews(GRAPH_WITH_REFERENCES)
    assert review["author"]["name"] == "Harbor Fact Check"
    assert review["itemReviewed"]["author"]["name"] == "an Eastside engineer"
    assert stance_of_rating(review["reviewRating"]) == "denies"
    cyclic = {
        "@graph": [{"@id": "#a", "@type": "ClaimReview", "claimReviewed": "x", "author": {"@id": "#a"}}]
    }
    assert find_claimreviews(cyclic)[0]["claimReviewed"] == "x"


def test_import_keeps_the_fact_checker_and_the_claimant_and_exports_for_google(db_url: str) -> None:
    ingest_paths(db_url, [DEMO_DIR])
    curate = make_key(db_url, scope="curate", name="factchecks")
    with app_client(db_url) as client:
        resp = client.post("/v1/factchecks", json=GRAPH_WITH_REFERENCES, headers=auth(curate))
        assert resp.status_code == 200, resp.text
        (outcome,) = resp.json()["items"]
        assert outcome["status"] == "linked" and outcome["stance"] == "denies"
        claim_id = outcome["claim_ids"][0]
        match = client.post("/v1/match", json={"text": LEAD}).json()["matches"][0]
        (check,) = [r for r in match["provenance"]["official_responses"] if r["how"] == "factcheck"]
        assert check["organization"] == "Harbor Fact Check"
        exported = client.get(f"/v1/claims/{claim_id}/export", params={"format": "jsonld"}).json()
    reviews = [g for g in exported["@graph"] if g.get("@type") == "ClaimReview"]
    assert reviews
    for review in reviews:
        assert _valid_for_google(review) == [], review
    (mine,) = [r for r in reviews if r["url"] == "https://factcheck.example/2024/03/eastside-lead-2"]
    assert mine["author"]["name"] == "Harbor Fact Check"
    assert mine["reviewRating"]["alternateName"] == "Inaccurate"
    assert mine["itemReviewed"]["author"]["name"] == "an Eastside engineer"
