"""Official responses are attached to the claims they answer, and only to those."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import client_for, ingest_paths


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Any:
    url = f"sqlite:///{tmp_path_factory.mktemp('links') / 'db.sqlite'}"
    ingest_paths(url, [seeds_dir])
    with client_for(url) as c:
        yield c


def _speakers(client: TestClient, text: str) -> set[str]:
    matches = client.post("/v1/match", json={"text": text}).json()["matches"]
    assert matches, text
    return {r["speaker"] or r["organization"] for r in matches[0]["provenance"]["official_responses"]}


@pytest.mark.parametrize(
    "text",
    [
        "The Americans are on our side.",
        "Yes, the US supports the opposition [in Syria], but not directly.",
        "No, the missiles were given to us directly.",
        "The funds came from the governments of those states, not from private individuals",
    ],
)
def test_toner_answers_the_us_support_claims(client: TestClient, text: str) -> None:
    assert "Mark Toner" in _speakers(client, text)


@pytest.mark.parametrize(
    "text",
    [
        "to see proof that there is a genuine desire to separate US-allied rebel groups "
        "from the Al-Nusra Front",
        "investigative journalist Peter Osborne showed that military aid from the United Kingdom and "
        "United States to so-called moderate rebel groups",
        "The weapons migrate along the line to the more radical elements.",
    ],
)
def test_toner_does_not_answer_churkin_or_the_bbc_report(client: TestClient, text: str) -> None:
    assert "Mark Toner" not in _speakers(client, text)


@pytest.mark.parametrize(
    "text",
    [
        "we reported that to American base command, but following our report no action has been taken",
        "And he was selling all sorts of weapons our unit possessed, US-made small arms",
    ],
)
def test_zakharova_answers_the_weapons_sold_to_isis_claims(client: TestClient, text: str) -> None:
    assert "Maria Zakharova" in _speakers(client, text)


def test_zakharova_does_not_answer_the_refugee_camp_claim(client: TestClient) -> None:
    speakers = _speakers(
        client,
        "There’s a refugee camp, Rukhban, for example, located some 20 "
        "kilometres from the American military base.",
    )
    assert "Maria Zakharova" not in speakers
