"""Reuse linking at ingestion: every new passage joins the claim of what it repeats.

A passage joins an existing claim when it is
- an exact copy (same normalized text, found by hash),
- an edited copy (full-text similarity >= NEAR_DUPLICATE_SIMILARITY, found by the match engine),
- or an excerpt / quotation: the shorter of the two is contained, nearly verbatim, in the
  longer (partial similarity >= EXCERPT_SIMILARITY and at least MIN_EXCERPT_TOKENS words).
A passage that links to several claims merges them, so the clusters do not depend on the order
documents arrive in. A passage that recurs verbatim in BOILERPLATE_RECURRENCE or more documents
of one outlet is that outlet's boilerplate, not a claim.

``link_documents`` links a batch of stored documents (``api.linking.batch`` does the claim
work in memory); one document is a batch of one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, insert, select, update
from sqlmodel import Session

from api.linking import suggestions
from api.linking.batch import (
    CLAIM_KINDS,
    NEAR_DUPLICATE_SIMILARITY,
    LinkDocument,
    chunks,
    link_batch,
)
from api.linking.membership import refresh_canonical_grown
from db.bulk import one_of
from db.models import Claim, Document, IndexEvent, Passage

__all__ = [
    "BOILERPLATE_RECURRENCE",
    "link_documents",
]

BOILERPLATE_RECURRENCE = 3

_P = Passage.__table__  # type: ignore[attr-defined]
_D = Document.__table__  # type: ignore[attr-defined]
_C = Claim.__table__  # type: ignore[attr-defined]
_E = IndexEvent.__table__  # type: ignore[attr-defined]


def link_documents(*, session: Session, docs: list[LinkDocument], engine: Any, add_to_index: bool) -> None:
    """Boilerplate, claims, responses, review suggestions and canonical texts for a batch of
    freshly stored documents, in this order (see ``linker.link_batch`` for ``add_to_index``)."""
    stored = _stored_with_texts(session, docs)
    claims_by_text = mark_recurring_boilerplate(session=session, docs=docs, stored=stored)
    grown, merged = link_batch(
        session=session, docs=docs, engine=engine, add_to_index=add_to_index, claims_by_text=claims_by_text
    )
    maybe = [
        (doc.id, p, c)
        for doc in docs
        for p, c in zip(doc.claimable, doc.candidates, strict=True)
        if c is not None
        and c[1] < NEAR_DUPLICATE_SIMILARITY
        and p.claim_id is not None
        and p.id not in doc.supported
    ]
    batched = suggestions.suggest_reuse(session, maybe)
    for doc in docs:
        if doc.responses_stored or (not batched and _has_review_candidate(doc)):
            _review(session, doc, reuse=not batched)
    refresh_canonical_grown(session=session, grown=grown, merged=merged, docs=docs)


def _has_review_candidate(doc: LinkDocument) -> bool:
    return any(c is not None and c[1] < NEAR_DUPLICATE_SIMILARITY for c in doc.candidates)


def _review(session: Session, doc: LinkDocument, *, reuse: bool) -> None:
    """Review suggestions work on model objects; only the few documents that need one pay."""
    ids = [p.id for p in doc.claimable]
    loaded = (
        {
            p.id: p
            for p in session.execute(
                select(Passage).where(Passage.id.in_(ids)).execution_options(populate_existing=True)  # type: ignore[union-attr]
            ).scalars()
        }
        if ids
        else {}
    )
    document = session.get(Document, doc.id, populate_existing=True)
    assert document is not None
    suggestions.after_linking(
        session=session,
        document=document,
        passages=[loaded[i] for i in ids],
        candidates=doc.candidates,
        confident=NEAR_DUPLICATE_SIMILARITY,
        reuse=reuse,
    )


_Stored = dict[str, list[tuple[int, int | None]]]  # norm_hash -> (document, claim) of stored passages


def _stored_with_texts(session: Session, docs: list[LinkDocument]) -> _Stored:
    """The stored passages with the texts of the batch's body and quote passages: one lookup
    (through the norm_hash index) serves boilerplate counting and exact-copy claims."""
    texts = {p.norm_hash for doc in docs for p in doc.passages if p.kind in CLAIM_KINDS}
    stored: _Stored = {}
    for part in chunks(texts):
        for h, d, c in session.execute(
            select(_P.c.norm_hash, _P.c.document_id, _P.c.claim_id).where(
                one_of(session, _P.c.norm_hash, part)
            )
        ):
            stored.setdefault(h, []).append((d, c))
    return stored


def mark_recurring_boilerplate(
    *, session: Session, docs: list[LinkDocument], stored: _Stored
) -> dict[str, set[int]]:
    """Passages that an outlet repeats in many of its documents are its boilerplate: such a
    passage of the batch, and the outlet's stored ones with the same text, lose their claim.
    Returns, per text, the claims of the stored passages with that text that keep one.

    Counted from the passages with the batch's texts (``stored``, found through the norm_hash
    index), not from the outlet's documents: an outlet's share of a large corpus is too big to
    scan per batch."""
    wanted: dict[int, set[str]] = {}
    for doc in docs:
        if doc.outlet_id is not None:
            wanted.setdefault(doc.outlet_id, set()).update(
                p.norm_hash for p in doc.passages if p.kind in CLAIM_KINDS
            )
    recurring, outlet_of = _recurring(session, wanted, docs, stored)
    relabeled: set[int] = set()
    for outlet_id, found in recurring.items():
        for part in chunks(found):
            relabeled.update(
                session.execute(
                    update(_P)
                    .where(
                        one_of(session, _P.c.norm_hash, part),
                        _P.c.kind != "boilerplate",
                        # correlated: one primary-key probe per passage found by its text (an
                        # IN over the outlet's documents lists all of them, per statement: the
                        # cost grew with the outlet's size, bench/RESULTS.md "Scale")
                        exists().where(_D.c.id == _P.c.document_id, _D.c.outlet_id == outlet_id),
                    )
                    .values(kind="boilerplate", claim_id=None)
                    .returning(_P.c.document_id)
                ).scalars()
            )
    # Stored documents that just lost passages to boilerplate: every index re-reads them (the
    # batch's own documents are indexed after this, with their passages' new kinds).
    reread = sorted(relabeled - {doc.id for doc in docs})
    if reread:
        session.execute(
            insert(_E), [{"op": "add", "document_id": d, "at": datetime.now(UTC)} for d in reread]
        )
    for doc in docs:
        for p in doc.passages:
            if p.norm_hash in recurring.get(doc.outlet_id, ()):  # type: ignore[arg-type]
                p.kind, p.claim_id = "boilerplate", None
    claims: dict[str, set[int]] = {}
    for h, rows in stored.items():
        for d, c in rows:
            # a passage relabelled above lost its claim (its document's outlet repeats the text)
            if c is not None and h not in recurring.get(outlet_of.get(d), ()):  # type: ignore[arg-type]
                claims.setdefault(h, set()).add(c)
    return claims


def _recurring(
    session: Session, wanted: dict[int, set[str]], docs: list[LinkDocument], stored: _Stored
) -> tuple[dict[int, set[str]], dict[int, int | None]]:
    """Per outlet, the texts among ``wanted`` that it has in BOILERPLATE_RECURRENCE or more
    documents (stored ones, and the batch's, whose passages are written after linking); and
    the outlets of the documents holding a text that recurs at all."""
    texts = set().union(*wanted.values()) if wanted else set()
    docs_of: dict[str, set[int]] = {h: {d for d, _ in stored[h]} for h in texts if h in stored}
    for doc in docs:
        for p in doc.passages:
            if p.norm_hash in texts:
                docs_of.setdefault(p.norm_hash, set()).add(doc.id)
    often = {h: ds for h, ds in docs_of.items() if len(ds) >= BOILERPLATE_RECURRENCE}
    outlet_of: dict[int, int | None] = {}
    for part in chunks(set().union(*often.values()) if often else set()):
        outlet_of.update(
            session.execute(select(_D.c.id, _D.c.outlet_id).where(one_of(session, _D.c.id, part))).all()
        )
    recurring: dict[int, set[str]] = {}
    for outlet_id, hashes in wanted.items():
        found = {
            h
            for h in hashes & often.keys()
            if sum(1 for d in often[h] if outlet_of.get(d) == outlet_id) >= BOILERPLATE_RECURRENCE
        }
        if found:
            recurring[outlet_id] = found
    return recurring, outlet_of
