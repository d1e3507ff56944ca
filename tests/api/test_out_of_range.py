"""Ids the database cannot hold are the caller's mistake: 422 with the error shape, never 500."""

from __future__ import annotations

import pytest

from tests.factories import auth, client_for, make_key


@pytest.mark.parametrize(
    "path", ["/v1/claims/3000000000", "/v1/claims/9223372036854775808", "/v1/documents/9223372036854775808"]
)
def test_huge_ids_are_not_server_errors(db_url: str, path: str) -> None:
    with client_for(db_url) as client:
        resp = client.get(path)
    assert resp.status_code in (404, 422), resp.text
    assert resp.json()["error"]["status"] == resp.status_code


def test_huge_response_id_on_delete(db_url: str) -> None:
    key = make_key(db_url, "curate")
    with client_for(db_url) as client:
        resp = client.delete("/v1/claims/1/responses/9223372036854775808", headers=auth(key))
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "invalid_input"
