"""POST /v1/match/batch: many highlights, answered in order, work shared across the batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.provenance import answer
from tests.factories import client_for, ingest_paths

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo"
LEAD = "tests found lead levels three times above the federal limit"
VALVES = "replacement valves ordered in November were never installed"
NOTHING = "The quarterly earnings call is scheduled for Thursday"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('batch') / 'demo.sqlite'}"
    ingest_paths(url, [DEMO])
    with client_for(url, max_match_chars=300, rate_limit_per_minute=0) as c:
        yield c


def test_results_in_order_and_same_as_single(client) -> None:  # type: ignore[no-untyped-def]
    items = [{"text": LEAD}, {"text": NOTHING}, {"text": VALVES, "limit": 1}, {"text": LEAD}]
    resp = client.post("/v1/match/batch", json={"items": items})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert isinstance(body["took_ms"], float) and len(body["results"]) == 4
    lead, nothing, valves, lead_again = body["results"]
    assert nothing == {"matches": [], "page": None}
    assert lead == lead_again and len(valves["matches"]) == 1
    single = client.post("/v1/match", json={"text": LEAD}).json()
    assert [m["claim"]["id"] for m in lead["matches"]] == [m["claim"]["id"] for m in single["matches"]]
    assert lead["matches"][0]["provenance"] == single["matches"][0]["provenance"]
    assert lead["matches"][0]["provenance"]["first_publication"]["outlet"]["name"] == "Coastal Ledger"


def test_provenance_once_per_claim_and_identical_texts_once(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    searched: list[str] = []
    provenance_for: list[int] = []
    real_provenance = answer.claim_provenance

    def counting_provenance(*, session: Any, claim_id: int) -> dict[str, Any]:
        provenance_for.append(claim_id)
        return real_provenance(session=session, claim_id=claim_id)

    index = client.app.state.index
    real_search = index.search

    def counting_search(text: str, **kw: Any) -> Any:
        searched.append(text)
        return real_search(text, **kw)

    monkeypatch.setattr(answer, "claim_provenance", counting_provenance)
    monkeypatch.setattr(index, "search", counting_search)
    # the same claim reached from two different phrasings, and one text three times
    items = [{"text": LEAD}, {"text": "lead levels three times above the federal limit"}]
    items += [{"text": VALVES}] * 3
    resp = client.post("/v1/match/batch", json={"items": items})
    assert resp.status_code == 200
    assert len(searched) == 3
    assert len(provenance_for) == len(set(provenance_for))
    first_claims = [r["matches"][0]["claim"]["id"] for r in resp.json()["results"]]
    assert first_claims[0] == first_claims[1] and len(set(first_claims[2:])) == 1


@pytest.mark.parametrize(
    ("items", "status", "field"),
    [
        ([], 422, "items"),
        ([{"text": "fine"}, {"text": "fine"}, {"text": "fine"}, {"text": "  "}], 422, "items.3.text"),
        ([{"text": "fine", "limit": 0}], 422, "items.0.limit"),
        ([{"text": "fine"}] * 101, 413, "items"),
        ([{"text": "fine"}, {"text": "x" * 301}], 413, "items.1.text"),
    ],
)
def test_invalid_batches(client, items: list[dict[str, Any]], status: int, field: str) -> None:  # type: ignore[no-untyped-def]
    resp = client.post("/v1/match/batch", json={"items": items})
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert err["status"] == status and err["field"] == field


def test_one_hundred_items_are_fine(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.post("/v1/match/batch", json={"items": [{"text": f"{VALVES} {i}"} for i in range(100)]})
    assert resp.status_code == 200 and len(resp.json()["results"]) == 100
