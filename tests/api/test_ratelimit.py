"""Rate limits: per key or per IP, 429 with Retry-After, exempt paths, shared through Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from api.ratelimit import InMemoryLimiter, RedisLimiter, identity_of, is_exempt
from tests.factories import auth, client_for, make_key

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:  # pragma: no cover - CI starts Redis
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


def test_in_memory_window_counts_and_resets() -> None:
    now = [60 * 16_667 + 20.0]  # 20 s into a window
    limiter = InMemoryLimiter(2, clock=lambda: now[0])
    assert [limiter.hit_sync("a").allowed for _ in range(3)] == [True, True, False]
    assert limiter.hit_sync("b").allowed  # another caller has its own budget
    assert limiter.hit_sync("a").retry_after == 40
    now[0] += 40  # next window
    assert limiter.hit_sync("a").allowed


def test_identity_is_the_key_else_the_ip() -> None:
    by_key = identity_of({"headers": [(b"authorization", b"Bearer cs_x_secret")], "client": ("1.2.3.4", 1)})
    assert by_key.startswith("key:") and "secret" not in by_key
    assert identity_of({"headers": [], "client": ("1.2.3.4", 5)}) == "ip:1.2.3.4"
    assert is_exempt("/healthz") and is_exempt("/static/site.css") and not is_exempt("/v1/match")


def test_over_the_limit_is_429_with_retry_after(sqlite_url: str) -> None:
    with client_for(sqlite_url, rate_limit_per_minute=3) as client:
        codes = [client.post("/v1/match", json={"text": "anything at all"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        resp = client.get("/v1/claims")
        assert resp.status_code == 429
        assert 1 <= int(resp.headers["Retry-After"]) <= 60
        err = resp.json()["error"]
        assert err["code"] == "rate_limited" and err["status"] == 429 and err["message"]
        # probes, metrics and docs are never limited
        for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/static/site.css"):
            assert client.get(path).status_code == 200, path


def test_each_key_has_its_own_budget(sqlite_url: str) -> None:
    key_a, key_b = make_key(sqlite_url, name="a"), make_key(sqlite_url, name="b")
    with client_for(sqlite_url, rate_limit_per_minute=2) as client:
        codes = [client.get("/v1/claims", headers=auth(key_a)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.get("/v1/claims", headers=auth(key_b)).status_code == 200
        assert client.get("/v1/claims").status_code == 200  # no key: counted per IP


def test_zero_disables(sqlite_url: str) -> None:
    with client_for(sqlite_url, rate_limit_per_minute=0) as client:
        assert all(client.get("/v1/claims").status_code == 200 for _ in range(20))


def test_redis_shares_the_count_between_apps(sqlite_url: str) -> None:
    redis_or_skip()
    prefix = f"cstest-{uuid.uuid4().hex[:10]}"  # one namespace per test run
    settings = {"rate_limit_per_minute": 4, "redis_url": REDIS_URL, "redis_prefix": prefix}
    with client_for(sqlite_url, **settings) as one, client_for(sqlite_url, **settings) as two:
        codes = [c.get("/v1/claims").status_code for c in (one, two, one, two, one, two)]
        assert codes == [200, 200, 200, 200, 429, 429]
        assert int(two.get("/v1/claims").headers["Retry-After"]) >= 1
    import redis

    r = redis.Redis.from_url(REDIS_URL)
    keys = r.keys(f"{prefix}:*")
    assert keys and all(r.ttl(k) > 0 for k in keys)  # counters expire by themselves
    r.delete(*keys)


def test_redis_down_fails_open() -> None:
    limiter = RedisLimiter("redis://127.0.0.1:1/0", 1, timeout_s=0.1)
    decisions = asyncio.run(_hits(limiter, 3))
    assert all(d.allowed for d in decisions)


async def _hits(limiter: RedisLimiter, n: int) -> list:  # type: ignore[type-arg]
    out = [await limiter.hit("ip:x") for _ in range(n)]
    await limiter.close()
    return out
