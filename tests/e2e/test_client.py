"""``api.client`` against a real uvicorn serving the demo corpus."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from api.client import AsyncClaimScopeClient, ClaimScopeAPIError, ClaimScopeClient
from tests.e2e.conftest import StartServer
from tests.live_server import LiveServer

LEAD = "tests found lead levels three times above the federal limit"
pytestmark = pytest.mark.slow


def test_sync_client_round_trip(live_server: LiveServer, ingest_key: str) -> None:
    with ClaimScopeClient(live_server.url, api_key=ingest_key, timeout=10) as cs:
        best = cs.match(LEAD, limit=3)["matches"][0]
        assert best["provenance"]["first_publication"]["outlet"]["name"] == "Coastal Ledger"
        claim = cs.claim(best["claim"]["id"])
        assert claim["claim"]["id"] == best["claim"]["id"] and len(claim["appearances"]) >= 3

        batch = cs.match_batch([LEAD, {"text": "The quarterly earnings call is scheduled", "limit": 1}])
        assert [len(r["matches"]) > 0 for r in batch["results"]] == [True, False]

        docs = cs.documents(limit=2)
        assert len(docs["items"]) == 2 and docs["next_cursor"]
        assert cs.document(docs["items"][0]["id"])["passages"]

        marker = uuid.uuid4().hex[:8]
        text = (
            f"Harbor City opened a new desalination pier, code {marker}, on Tuesday morning. "
            "The pier will supply the Marlow district from next spring, officials said."
        )
        stored = cs.ingest(
            text, title=f"Pier {marker}", outlet="Client Test Gazette", published_at="2024-05-02"
        )
        assert stored["documents"][0]["status"] == "added"
        assert (
            cs.ingest(text, title=f"Pier {marker}", outlet="Client Test Gazette", published_at="2024-05-02")[
                "documents"
            ][0]["status"]
            == "unchanged"
        )

        report = cs.check(f"Someone wrote: {LEAD} in the Eastside reservoir last autumn.")
        assert report["claims"] and report["claims"][0]["claim"]["id"] == best["claim"]["id"]


def test_errors_carry_the_json_error(live_server: LiveServer) -> None:
    with ClaimScopeClient(live_server.url) as cs:
        with pytest.raises(ClaimScopeAPIError) as missing:
            cs.claim(987654)
        assert missing.value.status == 404 and missing.value.code == "not_found"
        with pytest.raises(ClaimScopeAPIError) as unauthorized:
            cs.ingest("No key, no ingestion.")
        assert unauthorized.value.status == 401 and unauthorized.value.body["error"]["code"] == "invalid_key"
        with pytest.raises(ClaimScopeAPIError) as empty:
            cs.match("   ")
        assert empty.value.status == 422 and empty.value.field == "text"


def test_async_client(live_server: LiveServer) -> None:
    async def run() -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
        async with AsyncClaimScopeClient(live_server.url) as cs:
            return await asyncio.gather(cs.match(LEAD), cs.documents(), cs.match_batch([LEAD]))

    single, docs, batch = asyncio.run(run())
    assert single["matches"][0]["provenance"]["first_publication"]["outlet"]["name"] == "Coastal Ledger"
    assert docs["items"] and batch["results"][0]["matches"][0]["claim"] == single["matches"][0]["claim"]


def test_rate_limited_server_answers_429(demo_db_url: str, start_server: StartServer) -> None:
    server = start_server(demo_db_url, CLAIMSCOPE_RATE_LIMIT_PER_MINUTE="2")
    with ClaimScopeClient(server.url, retries=0) as cs:
        cs.documents()
        cs.documents()
        with pytest.raises(ClaimScopeAPIError) as limited:
            cs.documents()
    assert limited.value.status == 429 and limited.value.code == "rate_limited"
