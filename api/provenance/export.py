"""Exports: one claim as JSON or schema.org ClaimReview JSON-LD, and the whole claim index as
CSV / JSON Lines rows streamed in constant memory.

The index export walks claims by id in batches (keyset pagination, BATCH_SIZE a batch, a fresh
session per batch) and loads each batch's appearances, attributions, outlets and responses in
a handful of queries; the first publication is derived with the same functions as the claim
API (``api.provenance.timeline``), so both agree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from api.provenance import timeline
from api.provenance.claims_view import claim_detail
from api.statements.ratings import claimant_of, rating_label
from db.models import Attribution, Claim, Document, Outlet, Passage, Response

BATCH_SIZE = 1000
COLUMNS = ("id", "text", "first_publication_outlet", "first_publication_date", "appearances", "responses")
STANCE_LABELS = {"denies": "Denied", "disputes": "Disputed", "confirms": "Confirmed", "comments": "Commented"}


# --- one claim ---------------------------------------------------------------------------------


def _creative_work(pub: dict[str, Any] | None) -> dict[str, Any] | None:
    if pub is None:
        return None
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if pub.get("url"):
        work["url"] = pub["url"]
    if pub.get("title"):
        work["headline"] = pub["title"]
    if pub.get("published_at"):
        work["datePublished"] = pub["published_at"]
    outlet = pub.get("outlet") or {}
    if outlet.get("name"):
        work["author"] = {"@type": "Organization", "name": outlet["name"]}
    return work


def claim_jsonld(*, session: Session, claim_id: int, base_url: str = "") -> dict[str, Any]:
    """A JSON-LD ``@graph``: one ClaimReview per response or fact-check of the claim, each
    reviewing the same ``Claim`` (its appearances and first appearance); the Claim alone when
    nobody responded yet."""
    detail = claim_detail(session=session, claim_id=claim_id, base_url=base_url)
    prov = detail["provenance"]
    appearances = []
    for a in detail["appearances"]:
        doc = a["document"]
        appearances.append(
            _creative_work(
                {
                    "url": doc.get("url"),
                    "title": doc.get("title"),
                    "published_at": doc.get("published_at"),
                    "outlet": doc.get("outlet"),
                }
            )
        )
    item: dict[str, Any] = {
        "@type": "Claim",
        "text": detail["claim"]["text"],
        "url": f"{base_url}/claims/{claim_id}" if base_url else None,
        "appearance": appearances,
        "firstAppearance": _creative_work(prov["first_publication"]),
    }
    item = {k: v for k, v in item.items() if v is not None}
    reviews = []
    for r in prov["official_responses"]:
        label = STANCE_LABELS.get(r["stance"], r["stance"])
        claimant = None
        if r.get("how") == "factcheck" and r.get("id"):
            row = session.get(Response, r["id"])
            label = (rating_label(row) if row else None) or label
            claimant = claimant_of(row) if row else None
        author = r.get("organization") or r.get("speaker")
        source = r.get("source") or {}
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "claimReviewed": detail["claim"]["text"],
            "itemReviewed": {**item, "author": {"@type": "Thing", "name": claimant}} if claimant else item,
            "reviewBody": r["quote"],
            "reviewRating": {"@type": "Rating", "alternateName": label},
        }
        if author:
            review["author"] = {
                "@type": "Person" if r.get("speaker") and not r.get("organization") else "Organization",
                "name": author,
            }
        else:
            # Google requires an author: the outlet that reported the statement, else ClaimScope
            outlet = (source.get("outlet") or {}) if isinstance(source.get("outlet"), dict) else {}
            review["author"] = {"@type": "Organization", "name": outlet.get("name") or "ClaimScope"}
        if r.get("date"):
            review["datePublished"] = r["date"]
        # Google requires the review's url: the page it was read from, else the claim's page
        review["url"] = source.get("url") or item.get("url") or f"{base_url}/claims/{claim_id}"
        reviews.append(review)
    return {"@context": "https://schema.org", "@graph": reviews or [item]}


# --- the whole index ---------------------------------------------------------------------------


def _first_publication(
    rows: list[tuple[Passage, Document]],
    attributions: list[Attribution],
    outlets: dict[int, Outlet],
) -> dict[str, Any] | None:
    canonical = min(rows, key=lambda r: (timeline.date_key(r[1]), r[0].ordinal))[0]
    docs: dict[int, tuple[Document, Passage]] = {}
    for passage, doc in sorted(rows, key=lambda r: r[0].ordinal):
        docs.setdefault(doc.id, (doc, passage))  # type: ignore[arg-type]
    mine = [a for a in attributions if a.document_id in docs]
    pubs = timeline._indexed_publications(docs, mine, outlets, canonical)
    pubs += timeline._cited_publications(docs, mine, outlets, pubs)
    pubs.sort(key=timeline.Publication.sort_key)
    return pubs[0].as_dict() if pubs else None


def _batch_rows(session: Session, claims: list[Claim]) -> list[dict[str, Any]]:
    ids = [c.id for c in claims]
    pairs = session.exec(
        select(Passage, Document)
        .join(Document, col(Document.id) == Passage.document_id)
        .where(col(Passage.claim_id).in_(ids))
        .options(defer(Document.text))  # type: ignore[arg-type]
    ).all()
    by_claim: dict[int, list[tuple[Passage, Document]]] = {}
    for p, d in pairs:
        by_claim.setdefault(p.claim_id, []).append((p, d))  # type: ignore[arg-type]
    doc_ids = {d.id for _, d in pairs}
    attributions = (
        list(session.exec(select(Attribution).where(col(Attribution.document_id).in_(doc_ids))).all())
        if doc_ids
        else []
    )
    outlet_ids = {d.outlet_id for _, d in pairs if d.outlet_id} | {
        a.outlet_id for a in attributions if a.outlet_id
    }
    outlets = (
        {o.id: o for o in session.exec(select(Outlet).where(col(Outlet.id).in_(outlet_ids))).all()}
        if outlet_ids
        else {}
    )
    responses: dict[int, set[tuple[str | None, str]]] = {}
    for claim_id, speaker, org, quote in session.exec(
        select(Response.claim_id, Response.speaker, Response.organization, Response.quote).where(
            col(Response.claim_id).in_(ids),
            Response.deleted == False,  # noqa: E712
        )
    ).all():
        responses.setdefault(claim_id, set()).add((speaker or org, quote.strip()[:200]))
    out = []
    for claim in claims:
        rows = by_claim.get(claim.id, [])  # type: ignore[arg-type]
        first = _first_publication(rows, attributions, outlets) if rows else None  # type: ignore[arg-type]
        official = {
            d.id for _, d in rows if d.outlet_id in outlets and outlets[d.outlet_id].kind == "official"
        }  # type: ignore[index]
        out.append(
            {
                "id": claim.id,
                "text": claim.text,
                "first_publication_outlet": ((first or {}).get("outlet") or {}).get("name"),
                "first_publication_date": (first or {}).get("published_at"),
                "appearances": len(rows),
                "responses": len(responses.get(claim.id, ())) + len(official),  # type: ignore[arg-type]
            }
        )
    return out


def iter_claim_rows(engine: Engine, *, batch_size: int = BATCH_SIZE) -> Iterator[dict[str, Any]]:
    """Every claim once, by id, as an export row; memory bounded by one batch."""
    last = 0
    while True:
        with Session(engine) as session:
            claims = list(
                session.exec(
                    select(Claim).where(col(Claim.id) > last).order_by(col(Claim.id)).limit(batch_size)
                ).all()
            )
            if not claims:
                return
            rows = _batch_rows(session, claims)
        yield from rows
        last = claims[-1].id  # type: ignore[assignment]


def iter_jsonl(
    engine: Engine, *, batch_size: int = BATCH_SIZE, on_row: Callable[[dict[str, Any]], None] | None = None
) -> Iterator[str]:
    for row in iter_claim_rows(engine, batch_size=batch_size):
        if on_row is not None:
            on_row(row)
        yield json.dumps(row, ensure_ascii=False) + "\n"


def iter_csv(
    engine: Engine, *, batch_size: int = BATCH_SIZE, on_row: Callable[[dict[str, Any]], None] | None = None
) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS)
    writer.writeheader()
    for row in iter_claim_rows(engine, batch_size=batch_size):
        if on_row is not None:
            on_row(row)
        writer.writerow(row)
        if buf.tell() > 64_000:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
