"""Every error path answers the same JSON shape: {"error": {"code", "message", "status"}}."""

from __future__ import annotations

import pytest

from tests.factories import client_for


@pytest.fixture
def client(sqlite_url: str):  # type: ignore[no-untyped-def]
    with client_for(sqlite_url, max_match_chars=500) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/v1/claims/999999", None, 404),
        ("get", "/v1/documents/999999", None, 404),
        ("get", "/v1/documents/abc", None, 422),
        ("get", "/nowhere", None, 404),
        ("post", "/v1/match", {"text": ""}, 422),
        ("post", "/v1/match", {"text": "   "}, 422),
        ("post", "/v1/match", {"text": "x " * 400}, 413),
        ("post", "/v1/match", {"text": "ok text", "limit": 0}, 422),
        ("post", "/v1/match", {"text": "ok text", "limit": 51}, 422),
        ("post", "/v1/match", {"nope": 1}, 422),
        ("post", "/v1/documents", {"text": "x"}, 401),
        ("patch", "/v1/outlets/1", {"kind": "news"}, 401),
    ],
)
def test_error_shape(client, method: str, path: str, body: object, status: int) -> None:  # type: ignore[no-untyped-def]
    resp = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert set(err) >= {"code", "message", "status"}
    assert err["status"] == status and isinstance(err["message"], str) and err["message"]


def test_invalid_json_body_is_422(client) -> None:  # type: ignore[no-untyped-def]
    resp = client.post("/v1/match", content=b"{not json", headers={"content-type": "application/json"})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "invalid_input"
