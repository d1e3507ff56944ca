"""Provenance of a claim, derived from what is stored (never typed in by hand).

Appearances are the claim's passages in indexed documents. Each document may also name where
its text came from (Attribution rows): an outlet it copies (``republished_from``,
``original_source``, ``source_line``, ``via``) becomes a *cited* publication, with the date the
citing document gives for it; an interview or a correspondent's report the quotes come from
(``interview``, ``correspondent``) becomes the cited *origin*, undated, and comes before
everything that cites it. The first publication is that origin when there is one, else the
earliest dated publication; every other one is a republisher, in date order. Every entry carries
the evidence it rests on, so a reader can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from api.linking.chronology import UNDATED, compare_dates, date_key_of, precision_rank
from api.linking.outlets import outlet_json, outlet_key
from db.models import Attribution, Document, Outlet, Passage, Response

CARRIER_KINDS = ("republished_from", "original_source", "source_line", "via")
ORIGIN_KINDS = ("interview", "correspondent")
# A passage that reports speech (quotes, "said", "told") can come from an interview the
# document cites; a narrative sentence by the author cannot.
_REPORTED_SPEECH = re.compile(
    r"[\"“”«»]|\b(said|says|added|replied|told|stated|explained|claimed|according to)\b", re.I
)


@dataclass
class Publication:
    outlet: dict[str, Any] | None
    published_at: str | None
    date_precision: str | None = None
    not_after: str | None = None
    url: str | None = None
    title: str | None = None
    in_index: bool = True
    document_id: int | None = None
    relation: str = "verbatim"
    attribution: str | None = None
    evidence: list[str] = field(default_factory=list)
    origin: bool = False  # an undated cited origin (interview) that precedes its citers

    repost: bool = False  # a page carrying someone else's post

    def sort_key(self) -> tuple[int, str, int, int, str, str, str]:
        """Date order, compared at day precision first: on the same day, what is cited comes
        before what cites it, a repost comes after the post it carries, and a timestamped date
        before a date-only one (the day covers the timestamp: it is not earlier). What is still
        level is a tie (``_first_reason`` says so), listed by outlet name and URL, not by hash."""
        date = self.published_at or self.not_after or UNDATED
        rank = 2 if self.repost else (1 if self.attribution else 0)
        return (
            0 if self.origin else 1,
            date[:10],
            rank,
            precision_rank(self.published_at),
            date[:16],
            (self.outlet or {}).get("name") or "",
            self.url or "",
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "outlet": self.outlet,
            "published_at": self.published_at,
            "date_precision": self.date_precision,
            "not_after": self.not_after,
            "url": self.url,
            "title": self.title,
            "in_index": self.in_index,
            "document_id": self.document_id,
            "relation": self.relation,
            "attribution": self.attribution,
            "evidence": self.evidence,
        }


def date_key(doc: Document) -> tuple[str, int, str, str]:
    return date_key_of(doc.published_at, doc.published_not_after, doc.content_hash)


def earliest_passage(*, session: Session, claim_id: int) -> Passage | None:
    rows = session.exec(
        select(Passage, Document)
        .join(Document, col(Document.id) == Passage.document_id)
        .where(Passage.claim_id == claim_id)
    ).all()
    if not rows:
        return None
    return min(rows, key=lambda r: (date_key(r[1]), r[0].ordinal))[0]


def relation_to(canonical: Passage, passage: Passage) -> str:
    if passage.relation == "translation" and passage.id != canonical.id:
        return "translation"  # joined across languages by api.matching.embedding
    if passage.id == canonical.id or passage.norm == canonical.norm:
        return "verbatim"
    if abs(len(passage.norm) - len(canonical.norm)) > 0.3 * max(len(passage.norm), 1):
        return "excerpt"
    return "verbatim" if fuzz.ratio(passage.norm, canonical.norm) >= 99 else "edited"


def _outlets(session: Session, ids: set[int]) -> dict[int, Outlet]:
    if not ids:
        return {}
    return {o.id: o for o in session.exec(select(Outlet).where(col(Outlet.id).in_(ids))).all()}  # type: ignore[misc]


def claim_provenance(*, session: Session, claim_id: int) -> dict[str, Any]:
    rows = session.exec(
        select(Passage, Document)
        .join(Document, col(Document.id) == Passage.document_id)
        .where(Passage.claim_id == claim_id)
    ).all()
    if not rows:
        return {"first_publication": None, "republishers": [], "official_responses": []}
    canonical = min(rows, key=lambda r: (date_key(r[1]), r[0].ordinal))[0]
    docs: dict[int, tuple[Document, Passage]] = {}
    for passage, doc in sorted(rows, key=lambda r: r[0].ordinal):
        docs.setdefault(doc.id, (doc, passage))  # type: ignore[arg-type]
    attributions = list(
        session.exec(select(Attribution).where(col(Attribution.document_id).in_(list(docs)))).all()
    )
    outlets = _outlets(
        session,
        {d.outlet_id for d, _ in docs.values() if d.outlet_id}
        | {a.outlet_id for a in attributions if a.outlet_id},
    )
    pubs = _indexed_publications(docs, attributions, outlets, canonical)
    pubs += _cited_publications(docs, attributions, outlets, pubs)
    pubs.sort(key=Publication.sort_key)
    first, rest = pubs[0], pubs[1:]
    first.relation = "original" if first.in_index else "cited"
    first.evidence.append(_first_reason(first))
    for other in rest:
        if other.in_index and first.in_index and not first.origin:
            order, why = compare_dates(
                (first.published_at, first.date_precision, first.not_after),
                (other.published_at, other.date_precision, other.not_after),
            )
            if order == 0:
                name = (other.outlet or {}).get("name") or other.url or "another appearance"
                first.evidence.append(f"tie with {name}: {why}; listed first by its precision or outlet name")
    return {
        "first_publication": first.as_dict(),
        "republishers": [p.as_dict() for p in rest],
        "official_responses": claim_responses(session=session, claim_id=claim_id, docs=docs, outlets=outlets),
    }


def _indexed_publications(
    docs: dict[int, tuple[Document, Passage]],
    attributions: list[Attribution],
    outlets: dict[int, Outlet],
    canonical: Passage,
) -> list[Publication]:
    pubs = []
    for doc_id, (doc, passage) in docs.items():
        carrier = next((a for a in attributions if a.document_id == doc_id and a.kind in CARRIER_KINDS), None)
        evidence = [
            f"appears in “{doc.title or doc.source_name or 'untitled'}”, characters "
            f"{passage.start}-{passage.end}"
        ]
        if doc.date_evidence:
            evidence.append(f"date: {doc.date_evidence}")
        pubs.append(
            Publication(
                outlet=outlet_json(outlets.get(doc.outlet_id or -1)),
                published_at=doc.published_at,
                date_precision=doc.date_precision,
                not_after=doc.published_not_after,
                url=doc.url,
                title=doc.title,
                in_index=True,
                document_id=doc_id,
                relation=relation_to(canonical, passage),
                attribution=carrier.outlet_name if carrier else None,
                evidence=evidence,
            )
        )
        if doc.reposted_at or doc.reposted_by:
            pubs.append(_repost_publication(doc, evidence))
    return pubs


def _repost_publication(doc: Document, evidence: list[str]) -> Publication:
    """The page that carried a copy of someone else's post (a blog's tag archive)."""
    name = doc.reposted_by or "reposting page" + (f" ({doc.part_of})" if doc.part_of else "")
    original = (
        f"post date on the reposting page: {doc.reposted_at}"
        if doc.reposted_at
        else "reposting page, date unknown"
    )
    return Publication(
        outlet={"id": None, "name": name, "domain": None, "kind": "blog"},
        published_at=doc.reposted_at,
        date_precision="day" if doc.reposted_at else None,
        url=doc.url,
        title=doc.title,
        in_index=True,
        document_id=doc.id,
        relation="verbatim",
        evidence=[*evidence, original],
        repost=True,
    )


def _cited_publications(
    docs: dict[int, tuple[Document, Passage]],
    attributions: list[Attribution],
    outlets: dict[int, Outlet],
    indexed: list[Publication],
) -> list[Publication]:
    """Outlets named as a source by an appearing document but not themselves indexed with it."""
    have = {outlet_key(p.outlet["name"]) for p in indexed if p.outlet}
    cited: dict[str, Publication] = {}
    for a in attributions:
        doc, passage = docs[a.document_id]
        if a.kind in ORIGIN_KINDS and not _REPORTED_SPEECH.search(passage.text):
            continue
        if a.kind not in CARRIER_KINDS + ORIGIN_KINDS:
            continue
        outlet = outlets.get(a.outlet_id or -1)
        key = outlet_key(outlet.name if outlet else a.outlet_name)
        if key in have:
            continue
        citer = outlets.get(doc.outlet_id or -1)
        by = (citer.name if citer else None) or f"document {doc.id}"
        note = f"cited by {by}: {a.evidence.strip()[:200]}"
        pub = cited.get(key)
        if pub is None:
            pub = cited[key] = Publication(
                outlet=outlet_json(outlet) or {"name": a.outlet_name, "domain": None, "kind": "unknown"},
                published_at=None,
                in_index=False,
                relation="cited",
                evidence=[],
                origin=a.kind in ORIGIN_KINDS,
            )
        if a.cited_date and (pub.published_at is None or a.cited_date < pub.published_at):
            pub.published_at, pub.date_precision = a.cited_date, a.cited_date_precision
        if a.kind in ORIGIN_KINDS:
            pub.title = f"{a.kind} ({outlet.name if outlet else a.outlet_name})"
        if note not in pub.evidence:
            pub.evidence.append(note)
    for pub in cited.values():
        pub.evidence.sort()
        if pub.published_at:
            pub.origin = False  # a dated origin takes its place in date order
    return list(cited.values())


def _first_reason(first: Publication) -> str:
    if first.origin:
        return (
            "first publication: the cited origin (an interview or report) that the indexed "
            "copies quote; it has no known date but precedes every document citing it"
        )
    if first.published_at:
        return f"first publication: the earliest dated appearance ({first.published_at})"
    if first.not_after:
        return f"first publication: no known date, no later than {first.not_after}"
    return "first publication: no appearance has a known date; the first indexed one is shown"


def claim_responses(
    *,
    session: Session,
    claim_id: int,
    docs: dict[int, tuple[Document, Passage]],
    outlets: dict[int, Outlet],
) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Response)
        .where(Response.claim_id == claim_id, Response.deleted == False)  # noqa: E712
        .order_by(col(Response.id))
    ).all()
    out: list[dict[str, Any]] = []
    seen: set[tuple[str | None, str]] = set()
    source_docs = _docs_by_id(session, {r.document_id for r in rows if r.document_id})
    for r in rows:
        key = (r.speaker or r.organization, r.quote.strip()[:200])
        if key in seen:
            continue
        seen.add(key)
        out.append(response_json(r, source_docs.get(r.document_id or -1), session=session))
    for doc, passage in docs.values():  # documents published by officials are responses too
        outlet = outlets.get(doc.outlet_id or -1)
        if outlet is not None and outlet.kind == "official":
            out.append(
                {
                    "id": None,
                    "speaker": None,
                    "role": None,
                    "organization": outlet.name,
                    "stance": "comments",
                    "date": doc.published_at,
                    "quote": passage.text,
                    "how": "official_document",
                    "evidence": "a document of an official outlet",
                    "source": _source_json(doc, outlet),
                }
            )
    out.sort(key=lambda r: (r["date"] or UNDATED, r["speaker"] or ""))
    return out


def _docs_by_id(session: Session, ids: set[int | None]) -> dict[int, Document]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {d.id: d for d in session.exec(select(Document).where(col(Document.id).in_(wanted))).all()}  # type: ignore[misc]


def _source_json(doc: Document | None, outlet: Outlet | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    return {
        "document_id": doc.id,
        "title": doc.title,
        "url": doc.url,
        "published_at": doc.published_at,
        "outlet": outlet_json(outlet),
    }


def response_json(r: Response, doc: Document | None, *, session: Session) -> dict[str, Any]:
    outlet = session.get(Outlet, doc.outlet_id) if doc and doc.outlet_id else None
    source = _source_json(doc, outlet)
    if source is None and r.source_url:
        source = {"document_id": None, "title": None, "url": r.source_url, "outlet": None}
    return {**response_fields(r), "evidence": r.evidence, "source": source}


def response_fields(r: Response) -> dict[str, Any]:
    """What a response says, as the API and webhook events both show it."""
    return {
        "id": r.id,
        "speaker": r.speaker,
        "role": r.role,
        "organization": r.organization,
        "stance": r.stance,
        "date": r.date,
        "quote": r.quote,
        "how": r.how,
    }
