"""``api.client`` retry policy, on a scripted transport: 429 honours Retry-After, 503 backs off."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from api import client as client_mod
from api.client import AsyncClaimScopeClient, ClaimScopeAPIError, ClaimScopeClient

OK = {"matches": [], "page": None, "took_ms": 0.1}
LIMITED = {"error": {"code": "rate_limited", "message": "slow down", "status": 429}}


def scripted(*answers: httpx.Response) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    return seen, httpx.MockTransport(handler)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []
    monkeypatch.setattr(client_mod.time, "sleep", waited.append)
    return waited


def test_429_waits_retry_after_then_503_backs_off(sleeps: list[float]) -> None:
    seen, transport = scripted(
        httpx.Response(429, json=LIMITED, headers={"Retry-After": "7"}),
        httpx.Response(503, json={"error": {"code": "x", "message": "busy"}}),
        httpx.Response(200, json=OK),
    )
    with ClaimScopeClient("http://cs.test", api_key="cs_k_secret", transport=transport, backoff=0.5) as cs:
        assert cs.match("a highlight", limit=2) == OK
    assert len(seen) == 3 and sleeps[0] == 7 and 0.25 <= sleeps[1] <= 1.0
    assert seen[0].headers["Authorization"] == "Bearer cs_k_secret"
    assert seen[0].read() == b'{"text":"a highlight","limit":2}'


def test_gives_up_after_retries_with_the_error(sleeps: list[float]) -> None:
    _, transport = scripted(*[httpx.Response(429, json=LIMITED, headers={"Retry-After": "90"})] * 3)
    cs = ClaimScopeClient("http://cs.test", transport=transport, retries=2, max_wait=5)
    with cs, pytest.raises(ClaimScopeAPIError) as err:
        cs.documents()
    assert sleeps == [5, 5]  # Retry-After capped by max_wait
    assert err.value.status == 429 and err.value.code == "rate_limited" and err.value.message == "slow down"


def test_other_errors_are_not_retried(sleeps: list[float]) -> None:
    seen, transport = scripted(httpx.Response(500, text="boom"))
    cs = ClaimScopeClient("http://cs.test", transport=transport)
    with cs, pytest.raises(ClaimScopeAPIError) as err:
        cs.claim(1)
    assert len(seen) == 1 and not sleeps and err.value.status == 500 and err.value.message == "boom"


def test_connection_errors_are_retried(sleeps: list[float]) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"items": [], "next_cursor": None})

    with ClaimScopeClient("http://cs.test", transport=httpx.MockTransport(handler)) as cs:
        assert cs.documents(limit=5) == {"items": [], "next_cursor": None}
    assert len(calls) == 2 and calls[1].url.params["limit"] == "5" and "cursor" not in calls[1].url.params


def test_async_client_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(client_mod.asyncio, "sleep", fake_sleep)
    _, transport = scripted(
        httpx.Response(429, json=LIMITED, headers={"Retry-After": "2"}),
        httpx.Response(200, json={"results": [], "took_ms": 1}),
    )

    async def run() -> dict:  # type: ignore[type-arg]
        async with AsyncClaimScopeClient("http://cs.test", transport=transport) as cs:
            return await cs.match_batch(["one"])

    assert asyncio.run(run()) == {"results": [], "took_ms": 1} and waited == [2]
