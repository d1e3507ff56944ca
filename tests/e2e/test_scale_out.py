"""Stateless API processes: two uvicorns over one PostgreSQL schema, and one Redis rate budget."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.conftest import StartServer
from tests.factories import auth, make_key

pytestmark = pytest.mark.slow
REDIS_URL = "redis://127.0.0.1:6379/0"
ARTICLE = (
    "Port officials in Saltmere confirmed that the old lighthouse crane, code {marker}, will be "
    "dismantled in June after an inspection found cracks in all four of its legs.\n\n"
    "The harbour master said the work would close the north quay for two weeks."
)


def test_ingest_through_one_process_match_through_the_other(pg_url: str, start_server: StartServer) -> None:
    key = make_key(pg_url, "ingest", "writer")  # also migrates the schema before both servers start
    env = {"CLAIMSCOPE_INDEX_SYNC_INTERVAL_MS": "0", "CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0"}
    writer, reader = start_server(pg_url, **env), start_server(pg_url, **env)
    marker = uuid.uuid4().hex[:10]
    highlight = f"the old lighthouse crane, code {marker}, will be dismantled in June"
    with httpx.Client(timeout=20) as http:
        before = http.post(f"{reader.url}/v1/match", json={"text": highlight})
        assert before.status_code == 200 and before.json()["matches"] == []

        stored = http.post(
            f"{writer.url}/v1/documents",
            headers=auth(key),
            json={
                "text": ARTICLE.format(marker=marker),
                "title": "Crane to go",
                "outlet": "Saltmere Post",
                "published_at": "2024-04-02",
                "url": f"https://saltmere.example/crane-{marker}",
            },
        )
        assert stored.status_code == 201, stored.text
        document_id = stored.json()["documents"][0]["document_id"]

        after = http.post(f"{reader.url}/v1/match", json={"text": highlight})
        assert after.status_code == 200
        matches = after.json()["matches"]
        assert matches and matches[0]["passage"]["document_id"] == document_id
        first = matches[0]["provenance"]["first_publication"]
        assert first["outlet"]["name"] == "Saltmere Post" and first["published_at"] == "2024-04-02"
        claim = http.get(f"{reader.url}/v1/claims/{matches[0]['claim']['id']}")
        assert claim.status_code == 200 and claim.json()["appearances"]


def test_two_processes_share_one_redis_budget(demo_db_url: str, start_server: StartServer) -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:  # pragma: no cover - CI starts Redis
        pytest.skip(f"Redis not reachable: {exc}")
    prefix = f"cstest-{uuid.uuid4().hex[:10]}"
    env = {
        "CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "4",
        "CLAIMSCOPE_REDIS_URL": REDIS_URL,
        "CLAIMSCOPE_REDIS_PREFIX": prefix,
    }
    one, two = start_server(demo_db_url, **env), start_server(demo_db_url, **env)
    try:
        with httpx.Client(timeout=10) as http:
            answers = [http.get(f"{s.url}/v1/documents") for s in (one, two, one, two, one, two)]
            assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
            assert int(answers[-1].headers["Retry-After"]) >= 1
            assert answers[-1].json()["error"]["code"] == "rate_limited"
            assert http.get(f"{one.url}/healthz").status_code == 200  # probes are never limited
    finally:
        r = redis.Redis.from_url(REDIS_URL)
        keys = r.keys(f"{prefix}:*")
        if keys:
            r.delete(*keys)
