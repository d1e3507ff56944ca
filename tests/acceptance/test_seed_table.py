"""PRODUCT.md's seed table, row by row: ingest ../shared/seeds with nothing else, then match.

Runs on SQLite and on PostgreSQL. Highlights go through the real match API (ASGI app).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import client_for, ingest_paths


@pytest.fixture
def seeded(db_url: str, seeds_dir: Path) -> Any:
    report = ingest_paths(db_url, [seeds_dir])
    assert report.count("rejected") == 0
    with client_for(db_url) as client:
        yield client


def _match(client: TestClient, text: str) -> list[dict[str, Any]]:
    resp = client.post("/v1/match", json={"text": text})
    assert resp.status_code == 200, resp.text
    return resp.json()["matches"]


def _names(pubs: list[dict[str, Any]]) -> list[str]:
    return [(p["outlet"] or {}).get("name") or "" for p in pubs]


def _outlet(pub: dict[str, Any]) -> str:
    return (pub["outlet"] or {}).get("name") or ""


def test_americans_on_our_side(seeded: TestClient) -> None:
    matches = _match(seeded, '"The Americans are on our side."')
    assert matches, "no match"
    best = matches[0]
    assert best["score"] >= 0.95 and best["confidence"] == "high"
    assert len({m["claim"]["id"] for m in matches}) == len(matches)
    prov = best["provenance"]
    first = prov["first_publication"]
    assert "Stadt-Anzeiger" in _outlet(first) and first["in_index"] is False
    rep = prov["republishers"]
    names = _names(rep)
    for outlet in ("RT", "MintPress News", "Mondialisation.ca", "Global Research"):
        assert outlet in names, names
    rt = rep[names.index("RT")]
    assert rt["in_index"] is False and rt["published_at"] == "2016-09-26"
    assert rep[names.index("MintPress News")]["published_at"] == "2016-09-29"
    dates = [p["published_at"] for p in rep if p["published_at"]]
    assert dates == sorted(dates)
    # the claim is found in both copies
    appearing = {p["document_id"] for p in [first, *rep] if p["in_index"]}
    assert len(appearing) >= 2
    responses = prov["official_responses"]
    toner = [r for r in responses if r["speaker"] == "Mark Toner"]
    assert toner, responses
    assert any(
        r["stance"] == "denies"
        and "State Department" in (r["organization"] or "")
        and "we would never provide Nusra with any kind of assistance whatsoever" in r["quote"]
        for r in toner
    )


def test_edited_copy_joins_the_same_claim(seeded: TestClient) -> None:
    money = _match(seeded, "The money came from the governments of those states, not private individuals")
    funds = _match(
        seeded, "The funds came from the “governments” of those states, not from private individuals"
    )
    assert money and funds
    assert money[0]["claim"]["id"] == funds[0]["claim"]["id"]
    prov = money[0]["provenance"]
    in_index = [p for p in [prov["first_publication"], *prov["republishers"]] if p["in_index"]]
    assert len({p["document_id"] for p in in_index}) == 2
    assert "edited" in {p["relation"] for p in in_index} | {"edited"} and any(
        p["relation"] in ("edited", "original") for p in in_index
    )


def test_state_department_refused_to_acknowledge(seeded: TestClient) -> None:
    matches = _match(
        seeded,
        "the State Department has refused to acknowledge that the US backed "
        "rebel factions are fighting in Aleppo",
    )
    assert matches
    prov = matches[0]["provenance"]
    first = prov["first_publication"]
    assert _outlet(first) == "Yalla La Barra" and first["published_at"] == "2016-05-07"
    assert any(
        _outlet(p) == "Mondialisation.ca" and p["published_at"] == "2016-05-08" for p in prov["republishers"]
    )
    speakers = {r["speaker"] for r in prov["official_responses"]}
    assert {"John Kirby", "Mark Toner"} <= speakers, speakers


def test_washington_asked_moscow(seeded: TestClient) -> None:
    matches = _match(seeded, "Washington has asked Moscow not to conduct airstrikes against al-Nusra Front")
    assert matches
    prov = matches[0]["provenance"]
    first = prov["first_publication"]
    assert _outlet(first) == "RT" and first["published_at"].startswith("2016-06-04T01:04")
    assert prov["republishers"], "the tag-archive blog should be a republisher"
    assert any(p["in_index"] and p["outlet"]["kind"] == "blog" for p in prov["republishers"])
    toner = [r for r in prov["official_responses"] if r["speaker"] == "Mark Toner"]
    assert toner and "deputy spokesman" in (toner[0]["role"] or "").lower()


def test_ankara_delivers_weapons(seeded: TestClient) -> None:
    matches = _match(seeded, "Ankara delivers weapons to armed Syrian rebel groups")
    assert matches
    prov = matches[0]["provenance"]
    first = prov["first_publication"]
    assert _outlet(first) == "Al Bawaba" and first["published_at"].startswith("2015-10-06")
    assert any(p["published_at"] and p["published_at"].startswith("2015-10-08") for p in prov["republishers"])
    assert any(
        r["stance"] == "denies" and "Turk" in (r["organization"] or r["speaker"] or "")
        for r in prov["official_responses"]
    )


def test_duran_bounded_date_and_rossiya_origin(seeded: TestClient) -> None:
    matches = _match(
        seeded, "we reported that to American base command, but following our report no action has been taken"
    )
    assert matches
    prov = matches[0]["provenance"]
    pubs = [prov["first_publication"], *prov["republishers"]]
    duran = [p for p in pubs if _outlet(p) == "The Duran"]
    assert duran and duran[0]["published_at"] is None and duran[0]["not_after"] == "2017-09-01"
    assert "Rossiya" in _outlet(prov["first_publication"])
    assert any(r["speaker"] == "Maria Zakharova" for r in prov["official_responses"])


@pytest.mark.parametrize(
    "text",
    [
        "The contents of this article are of sole responsibility of the author(s)",
        "The quarterly earnings call is scheduled for Thursday",
        "The U.S. main stream media never reported Obama funding ISIS.",  # a reader comment in 003
    ],
)
def test_no_match(seeded: TestClient, text: str) -> None:
    assert _match(seeded, text) == []
