"""Stored XSS through links: a document ``url``, a response ``source_url`` or a ClaimReview
``url`` of ``javascript:``/``data:``/``vbscript:`` must neither be stored nor rendered as a link,
and bidi override characters must not reach a rendered page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from api.ingest.extract import extract
from api.text.types import RawDocument
from db.connection import get_engine
from db.models import Document, Response
from tests.factories import auth, client_for, make_key
from tests.security.helpers import ARTICLE, HOSTILE_URLS, ingest_article, links_of

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("bad", HOSTILE_URLS)
def test_post_document_refuses_non_web_url(sqlite_url: str, bad: str) -> None:
    key = make_key(sqlite_url, "ingest")
    with client_for(sqlite_url) as client:
        r = client.post("/v1/documents", json={"text": ARTICLE, "url": bad}, headers=auth(key))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "url"
    assert r.json()["error"]["code"] == "invalid_input"


def test_curated_responses_refuse_non_web_source_url(db_url: str) -> None:
    ingest, curate = make_key(db_url, "ingest"), make_key(db_url, "curate", "editor")
    with client_for(db_url) as client:
        claim_id = ingest_article(client, ingest)
        body = {"stance": "denies", "quote": "No.", "source_url": "https://ok.example/a"}
        ok = client.post(f"/v1/claims/{claim_id}/responses", json=body, headers=auth(curate))
        assert ok.status_code == 201, ok.text
        for bad in HOSTILE_URLS:
            r = client.post(
                f"/v1/claims/{claim_id}/responses", json={**body, "source_url": bad}, headers=auth(curate)
            )
            assert r.status_code == 422 and r.json()["error"]["field"] == "source_url", (bad, r.text)
            r = client.patch(
                f"/v1/claims/{claim_id}/responses/{ok.json()['id']}",
                json={"source_url": bad},
                headers=auth(curate),
            )
            assert r.status_code == 422 and r.json()["error"]["field"] == "source_url", (bad, r.text)
    with Session(get_engine(db_url)) as session:
        urls = {r.source_url for r in session.exec(select(Response)).all()}
    assert not any(u and not u.startswith("http") for u in urls), urls


def test_factcheck_import_records_non_web_url_invalid(db_url: str) -> None:
    ingest, curate = make_key(db_url, "ingest"), make_key(db_url, "curate", "editor")
    with client_for(db_url) as client:
        ingest_article(client, ingest)
        review = {
            "@type": "ClaimReview",
            "url": "javascript:alert(1)",
            "claimReviewed": "tests found lead levels three times above the federal limit "
            "in the Eastside reservoir",
            "author": {"@type": "Organization", "name": "Example Fact Check"},
            "datePublished": "2024-03-10",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        }
        r = client.post("/v1/factchecks", json=review, headers=auth(curate))
        assert r.status_code == 200, r.text
        assert r.json()["summary"]["invalid"] == 1 and r.json()["summary"]["linked"] == 0
        assert "http" in r.json()["items"][0]["reason"]
    with Session(get_engine(db_url)) as session:
        assert not [r for r in session.exec(select(Response)).all() if r.how == "factcheck"]


def test_ingestion_drops_non_web_canonical_url() -> None:
    html = (
        '<html><head><title>T</title><link rel="canonical" href="javascript:alert(1)"></head><body>'
        "<article><h1>Water Authority Denies Cover-Up</h1>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[2:])
        + "</article></body></html>"
    )
    for raw in (
        RawDocument(content=html, source_format="html", source_name="page.html"),
        RawDocument(content=ARTICLE, source_format="txt", source_name="a.txt", url="data:text/html,x"),
    ):
        assert all(d.url is None for d in extract(raw))


def test_claim_page_links_only_web_urls_and_strips_bidi(db_url: str) -> None:
    """Rows stored before the checks (or by other paths) still never render as a live link."""
    ingest, curate = make_key(db_url, "ingest"), make_key(db_url, "curate", "editor")
    with client_for(db_url, rate_limit_per_minute=0) as client:
        claim_id = ingest_article(client, ingest)
        added = client.post(
            f"/v1/claims/{claim_id}/responses",
            json={"stance": "denies", "quote": "No.", "source_url": "https://ok.example/a"},
            headers=auth(curate),
        )
        assert added.status_code == 201
        engine = get_engine(db_url)
        title = "Water \u202eylno sknil\u202c Authority \u2066isolated\u2069"
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE document SET url = :u, title = :t"),
                {"u": "javascript:alert(document.cookie)", "t": title},
            )
            conn.execute(text("UPDATE response SET source_url = :u"), {"u": "data:text/html,<b>x</b>"})
        with Session(engine) as session:
            assert session.exec(select(Document)).first().url.startswith("javascript:")  # type: ignore[union-attr]
        page = client.get(f"/claims/{claim_id}")
    assert page.status_code == 200
    links = links_of(page.text)
    assert links.urls
    for url in links.urls:
        assert urlsplit(url).scheme in ("", "http", "https"), url
    assert "javascript:" not in page.text.lower() and "data:text" not in page.text.lower()
    assert not any(c in page.text for c in BIDI)
    assert "ylno sknil" in page.text  # the title is still shown, only without the controls
