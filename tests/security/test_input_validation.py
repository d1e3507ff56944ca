"""Input the store cannot hold is the caller's mistake: 422 JSON naming the field, never a 500
and never stored as given. Settings out of their bounds are refused at start."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, select

from api.settings import Settings, SettingsError
from db.connection import get_engine
from db.models import Document
from tests.factories import auth, make_key
from tests.security.helpers import ARTICLE, ingest_article, post_raw, server_client

SURROGATE = "\\ud800"  # as written in JSON: json.loads makes it a lone surrogate

SURROGATE_BODIES = [  # @S@ stands for SURROGATE
    ("/v1/check", '{"text": "hello @S@ world"}', "text"),
    ("/v1/documents", '{"text": "hello @S@ world", "title": "t"}', "text"),
    ("/v1/documents", '{"text": "hello world", "title": "t@S@"}', "title"),
    ("/v1/match", '{"text": "hello @S@ world"}', "text"),
    ("/v1/match/batch", '{"items": [{"text": "a @S@ b"}]}', "items.0.text"),
    (
        "/v1/factchecks",
        '{"@type": "ClaimReview", "claimReviewed": "a @S@ b", "url": "https://x.example/r"}',
        "claimReviewed",
    ),
    ("/v1/documents", '{"text": "hello", "ti@S@tle": "t"}', None),  # an unknown key
]


def _error(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 422, (resp.status_code, resp.text)
    body = resp.json()["error"]
    assert body["status"] == 422 and body["code"] == "invalid_input"
    return body


@pytest.mark.parametrize(("path", "body", "field"), SURROGATE_BODIES)
def test_lone_surrogate_is_422_naming_the_field(sqlite_url: str, path: str, body: str, field: Any) -> None:
    key = make_key(sqlite_url, "admin")
    with server_client(sqlite_url) as client:
        error = _error(post_raw(client, path, body.replace("@S@", SURROGATE), key))
    if field is not None:
        assert error["field"] == field, error
        assert "surrogate" in error["message"] or "unicode" in error["message"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"outlet": "Harbor\x00Tribune"}, "outlet"),
        ({"text": ARTICLE.replace("engineer", "engi\x00neer")}, "text"),
        ({"language": "x" * 33}, "language"),
        ({"language": "en\x00"}, "language"),
        ({"published_at": "yesterday-ish"}, "published_at"),
        ({"published_at": "0000-00-00"}, "published_at"),
        ({"published_at": "2024-02-30"}, "published_at"),
        ({"published_at": "2024-13-45"}, "published_at"),
    ],
)
def test_document_fields_refused_not_stored(db_url: str, extra: dict[str, str], field: str) -> None:
    key = make_key(db_url, "ingest")
    with server_client(db_url) as client:
        error = _error(client.post("/v1/documents", json={"text": ARTICLE, **extra}, headers=auth(key)))
    assert error["field"] == field, error
    with Session(get_engine(db_url)) as session:
        assert session.exec(select(Document)).first() is None


@pytest.mark.parametrize("date", ["2024", "2024-03", "2024-03-07", "2024-03-07T10:00:00Z", "March 7, 2024"])
def test_real_dates_still_accepted(sqlite_url: str, date: str) -> None:
    key = make_key(sqlite_url, "ingest")
    with server_client(sqlite_url) as client:
        r = client.post("/v1/documents", json={"text": ARTICLE, "published_at": date}, headers=auth(key))
    assert r.status_code == 201, r.text


def test_response_fields_refused(db_url: str) -> None:
    ingest, curate = make_key(db_url, "ingest"), make_key(db_url, "curate", "editor")
    with server_client(db_url) as client:
        claim_id = ingest_article(client, ingest)
        path = f"/v1/claims/{claim_id}/responses"
        base = {"stance": "denies", "quote": "No."}
        for extra, field in [
            ({"date": "2024-13-45"}, "date"),
            ({"date": "2024-02-30"}, "date"),
            ({"speaker": "Ma\x00ria"}, "speaker"),
            ({"quote": "N\x00o."}, "quote"),
        ]:
            error = _error(client.post(path, json={**base, **extra}, headers=auth(curate)))
            assert error["field"] == field, (extra, error)
        with_role = json.dumps(base)[:-1] + ', "role": "x' + SURROGATE + '"}'
        error = _error(post_raw(client, path, with_role, curate))
        assert error["field"] == "role"
        ok = client.post(path, json={**base, "date": "2024-03-09"}, headers=auth(curate))
        assert ok.status_code == 201, ok.text
        patch = client.patch(f"{path}/{ok.json()['id']}", json={"date": "2024-13-45"}, headers=auth(curate))
        assert _error(patch)["field"] == "date"


def test_factcheck_junk_date_is_not_stored(sqlite_url: str) -> None:
    ingest, curate = make_key(sqlite_url, "ingest"), make_key(sqlite_url, "curate", "editor")
    with server_client(sqlite_url) as client:
        claim_id = ingest_article(client, ingest)
        review = {
            "@type": "ClaimReview",
            "url": "https://factcheck.example/lead",
            "claimReviewed": "tests found lead levels three times above the federal limit "
            "in the Eastside reservoir",
            "author": {"@type": "Organization", "name": "Example Fact Check"},
            "datePublished": "yesterday-ish",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        }
        r = client.post("/v1/factchecks", json=review, headers=auth(curate))
        assert r.status_code == 200 and r.json()["summary"]["linked"] == 1, r.text
        detail = client.get(f"/v1/claims/{claim_id}").json()
    checks = [x for x in detail["provenance"]["official_responses"] if x["how"] == "factcheck"]
    assert checks and checks[0]["date"] is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MATCH_THRESHOLD", "1.5"),
        ("MATCH_THRESHOLD", "-0.1"),
        ("MAX_MATCH_CHARS", "0"),
        ("MAX_REQUEST_BYTES", "0"),
        ("MAX_DOCUMENT_BYTES", "-1"),
        ("FETCH_TIMEOUT_S", "0"),
        ("RATE_LIMIT_PER_MINUTE", "-5"),
        ("INDEX_SYNC_INTERVAL_MS", "-1"),
    ],
)
def test_out_of_range_setting_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"CLAIMSCOPE_{name}", value)
    with pytest.raises(SettingsError, match=f"CLAIMSCOPE_{name}={value}"):
        Settings()


def test_in_range_settings_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_MATCH_THRESHOLD", "1.0")
    monkeypatch.setenv("CLAIMSCOPE_MAX_MATCH_CHARS", "1")
    s = Settings()
    assert s.match_threshold == 1.0 and s.max_match_chars == 1


def test_check_page_form_and_watch_fields_refused(db_url: str) -> None:
    """The HTML form of /check answers a 422 page, and a watch's fields are checked like the rest."""
    key = make_key(db_url, "admin")
    with server_client(db_url) as client:
        page = client.post("/check", data={"text": "tests found lead \x00 levels"})
        assert page.status_code == 422 and "NUL" in page.text
        page = client.post("/check", data={"url": "javascript:alert(1)"})
        assert page.status_code == 422 and "http" in page.text
        claim_id = ingest_article(client, key)
        body = {"claim_id": claim_id, "url": "https://hooks.example/h", "secret": "abcdefgh\x00"}
        error = _error(client.post("/v1/watches", json=body, headers=auth(key)))
        assert error["field"] == "secret"
