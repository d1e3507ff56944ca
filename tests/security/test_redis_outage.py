"""Redis unreachable (issue 17): the rate limiter fails open, but not silently.

Chosen behaviour (documented in ``api/ratelimit.py`` and the README's CLAIMSCOPE_REDIS_URL row):
requests are still served (rate limiting alone never takes the service down), ``/readyz``
answers 503 with Retry-After and ``"reason": "redis: ..."`` so a load balancer stops routing to
the unlimited process, and ``claimscope_ratelimit_backend_errors_total`` counts every failure.
Redis is "taken away" by pointing CLAIMSCOPE_REDIS_URL at a loopback port nobody listens on.
"""

from __future__ import annotations

import socket
import uuid

from tests.api.test_ratelimit import REDIS_URL, redis_or_skip
from tests.factories import client_for


def closed_port() -> int:
    """A loopback TCP port that was free a moment ago and has no listener."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _errors(metrics: str) -> float:
    for line in metrics.splitlines():
        if line.startswith("claimscope_ratelimit_backend_errors_total "):
            return float(line.split()[1])
    raise AssertionError("claimscope_ratelimit_backend_errors_total is not on /metrics")


def test_redis_down_is_reported_by_readyz_and_a_metric(sqlite_url: str) -> None:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    with client_for(sqlite_url, rate_limit_per_minute=2, redis_url=url) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503, ready.text
        assert ready.json()["status"] == "unavailable"
        assert ready.json()["reason"].startswith("redis: ")
        assert int(ready.headers["Retry-After"]) >= 1
        # fail open: over the limit of 2, still served
        assert [client.get("/v1/claims").status_code for _ in range(4)] == [200] * 4
        assert _errors(client.get("/metrics").text) >= 4


def test_redis_up_is_ready(sqlite_url: str) -> None:
    redis_or_skip()
    prefix = f"cstest-{uuid.uuid4().hex[:10]}"
    with client_for(sqlite_url, rate_limit_per_minute=2, redis_url=REDIS_URL, redis_prefix=prefix) as client:
        assert client.get("/readyz").status_code == 200
        assert [client.get("/v1/claims").status_code for _ in range(3)] == [200, 200, 429]
        assert _errors(client.get("/metrics").text) == 0
