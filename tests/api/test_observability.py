"""Operations: one JSON access-log line per request (no highlight), request ids, /metrics."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import auth, client_for, ingest_paths, make_key

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo"
SECRET_HIGHLIGHT = "tests found lead levels three times above the federal limit"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def access_lines() -> Iterator[list[str]]:
    handler = Lines()
    logger = logging.getLogger("claimscope.access")
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def demo_url(sqlite_url: str) -> str:
    ingest_paths(sqlite_url, [DEMO])
    return sqlite_url


def test_access_log_line_is_json_without_the_highlight(demo_url: str, access_lines: list[str]) -> None:
    key = make_key(demo_url, name="logger")
    with client_for(demo_url) as client:
        access_lines.clear()
        resp = client.post(
            "/v1/match",
            json={"text": SECRET_HIGHLIGHT, "prefix": "ctx-prefix"},
            headers={"X-Request-ID": "req-123", **auth(key)},
        )
        assert resp.status_code == 200 and resp.json()["matches"]
        assert resp.headers["X-Request-ID"] == "req-123"
    assert len(access_lines) == 1
    line = json.loads(access_lines[0])
    assert line["request_id"] == "req-123"
    assert line["method"] == "POST" and line["route"] == "/v1/match" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert isinstance(line["key_id"], int)
    assert "lead levels" not in access_lines[0] and "ctx-prefix" not in access_lines[0]


def test_request_id_generated_when_missing_or_insane(sqlite_url: str, access_lines: list[str]) -> None:
    with client_for(sqlite_url) as client:
        access_lines.clear()
        first = client.get("/v1/claims/12345")
        second = client.get("/v1/claims", headers={"X-Request-ID": "bad id\twith spaces"})
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(len(i) == 32 for i in ids) and ids[0] != ids[1]
    logged = [json.loads(x) for x in access_lines]
    assert [x["request_id"] for x in logged] == ids
    assert logged[0]["route"] == "/v1/claims/{claim_id}" and logged[0]["status"] == 404
    assert logged[0]["key_id"] is None


def test_metrics_count_the_match_route(demo_url: str) -> None:
    with client_for(demo_url) as client:
        for _ in range(2):
            client.post("/v1/match", json={"text": SECRET_HIGHLIGHT})
        client.get("/nowhere/at/all")
        text = client.get("/metrics").text
    assert 'claimscope_http_requests_total{method="POST",route="/v1/match",status="200"} 2.0' in text
    bucket = 'claimscope_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/v1/match"'
    assert bucket in text
    assert 'route="unmatched",status="404"' in text and "/nowhere" not in text
    assert "lead levels" not in text
