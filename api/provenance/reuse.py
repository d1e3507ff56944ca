"""Reuse linking at ingestion: every new passage joins the claim of what it repeats.

A passage joins an existing claim when it is
- an exact copy (same normalized text, found by hash),
- an edited copy (full-text similarity >= NEAR_DUPLICATE_SIMILARITY, found by the match engine),
- or an excerpt / quotation: the shorter of the two is contained, nearly verbatim, in the
  longer (partial similarity >= EXCERPT_SIMILARITY and at least MIN_EXCERPT_TOKENS words).
A passage that links to several claims merges them, so the clusters do not depend on the order
documents arrive in. A passage that recurs verbatim in BOILERPLATE_RECURRENCE or more documents
of one outlet is that outlet's boilerplate, not a claim.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from api.provenance import review
from api.provenance.responses_store import store_extracted_responses
from db.models import Claim, Document, Passage, Response

CLAIM_KINDS = ("body", "quote")
# Fewer words than this and a sentence ("He said so.") says too little to be a claim on its own.
MIN_CLAIM_TOKENS = 4
# Edited copies ("The money came from ..." vs "The funds came from ...") stay above this;
# different sentences on the same topic stay well below it.
NEAR_DUPLICATE_SIMILARITY = 0.80
# The "maybe" band: a best candidate at or above this but below NEAR_DUPLICATE_SIMILARITY is
# not linked; it becomes a review suggestion for a moderator (api/provenance/review.py).
MAYBE_DUPLICATE_SIMILARITY = 0.65
# Excerpts must be nearly verbatim and long enough not to be a stock phrase.
EXCERPT_SIMILARITY = 95.0
MIN_EXCERPT_TOKENS = 5
BOILERPLATE_RECURRENCE = 3


def link_document(
    *, session: Session, document_id: int, index: Any, previous: dict[str, int] | None = None
) -> None:
    """Join each claimable passage of the document to the claims it repeats (or a new one).

    ``previous`` maps the normalized-text hashes of an earlier version of this document to
    their claims, so that an updated document keeps the claims of its unchanged passages."""
    document = session.get(Document, document_id)
    assert document is not None
    passages = list(
        session.exec(
            select(Passage).where(Passage.document_id == document_id).order_by(col(Passage.ordinal))
        ).all()
    )
    mark_recurring_boilerplate(session=session, document=document, passages=passages)
    claimable = [p for p in passages if p.kind in CLAIM_KINDS and len(p.norm.split()) >= MIN_CLAIM_TOKENS]
    candidates = index.engine.near_duplicates(
        [p.text for p in claimable], min_similarity=MAYBE_DUPLICATE_SIMILARITY
    ) if claimable else []
    duplicates = [d if d and d[1] >= NEAR_DUPLICATE_SIMILARITY else None for d in candidates]
    for passage, dup in zip(claimable, duplicates, strict=True):
        claim_ids = _linked_claims(session, index, passage, dup, document_id)
        carried = (previous or {}).get(passage.norm_hash)
        if carried is not None and session.get(Claim, carried) is not None:
            claim_ids.add(carried)
        passage.claim_id = _join_or_create(session, passage, claim_ids)
        session.add(passage)
        session.flush()
    store_extracted_responses(session=session, document=document, passages=passages)
    review.after_linking(session=session, document=document, passages=claimable,
                         candidates=candidates, confident=NEAR_DUPLICATE_SIMILARITY)
    for claim_id in {p.claim_id for p in claimable if p.claim_id is not None}:
        refresh_canonical(session=session, claim_id=claim_id)


def _linked_claims(
    session: Session, index: Any, passage: Passage, dup: tuple[int, float] | None, document_id: int
) -> set[int]:
    found: set[int] = set()
    same_text = session.exec(
        select(Passage.claim_id).where(
            Passage.norm_hash == passage.norm_hash,
            col(Passage.claim_id).is_not(None),
            Passage.id != passage.id,
        )
    ).all()
    found.update(c for c in same_text if c is not None)
    if dup is not None:
        other = session.get(Passage, dup[0])
        if other is not None and other.claim_id is not None and other.document_id != document_id:
            found.add(other.claim_id)
    # Excerpts are looked for even when a near-duplicate was found: a passage can hold two
    # stored ones (an intro and its quote printed as one paragraph elsewhere), and joining only
    # the first would make the clusters depend on the order documents arrive in.
    if len(passage.norm.split()) >= MIN_EXCERPT_TOKENS:
        found.update(_excerpt_claims(session, index, passage, document_id))
    return found


def _excerpt_claims(session: Session, index: Any, passage: Passage, document_id: int) -> set[int]:
    """Claims whose passage contains this one nearly verbatim, or is contained in it."""
    found: set[int] = set()
    for hit in index.engine.search(passage.text, limit=5, threshold=0.0):
        if hit.document_id == document_id:
            continue
        other = session.get(Passage, hit.passage_id)
        if other is None or other.claim_id is None:
            continue
        shorter, longer = sorted((passage.norm, other.norm), key=len)
        if len(shorter.split()) < MIN_EXCERPT_TOKENS:
            continue
        if fuzz.partial_ratio(shorter, longer) >= EXCERPT_SIMILARITY:
            found.add(other.claim_id)
    return found


def _join_or_create(session: Session, passage: Passage, claim_ids: set[int]) -> int:
    if not claim_ids:
        claim = Claim(text=passage.text, canonical_passage_id=passage.id)
        session.add(claim)
        session.flush()
        assert claim.id is not None
        return claim.id
    keep, *others = sorted(claim_ids)
    for other in others:
        merge_claims(session=session, keep=keep, drop=other)
    return keep


def merge_claims(*, session: Session, keep: int, drop: int) -> None:
    session.execute(update(Passage).where(col(Passage.claim_id) == drop).values(claim_id=keep))
    session.execute(update(Response).where(col(Response.claim_id) == drop).values(claim_id=keep))
    claim = session.get(Claim, drop)
    if claim is not None:
        session.delete(claim)
    session.flush()


def mark_recurring_boilerplate(
    *, session: Session, document: Document, passages: list[Passage]
) -> None:
    """Passages that an outlet repeats in many of its documents are its boilerplate."""
    if document.outlet_id is None:
        return
    for passage in passages:
        if passage.kind not in CLAIM_KINDS:
            continue
        count = session.exec(
            select(func.count(func.distinct(Passage.document_id)))
            .join(Document, col(Document.id) == Passage.document_id)
            .where(Passage.norm_hash == passage.norm_hash, Document.outlet_id == document.outlet_id)
        ).one()
        if count >= BOILERPLATE_RECURRENCE:
            session.execute(
                update(Passage)
                .where(col(Passage.norm_hash) == passage.norm_hash)
                .where(col(Passage.document_id).in_(
                    select(Document.id).where(Document.outlet_id == document.outlet_id)))
                .values(kind="boilerplate", claim_id=None)
            )
            passage.kind = "boilerplate"
    session.flush()


def refresh_canonical(*, session: Session, claim_id: int) -> None:
    """The claim's text is the text of its first dated appearance (order-independent)."""
    from api.provenance.timeline import earliest_passage

    claim = session.get(Claim, claim_id)
    if claim is None:
        return
    first = earliest_passage(session=session, claim_id=claim_id)
    if first is not None and first.id != claim.canonical_passage_id:
        claim.canonical_passage_id = first.id
        claim.text = first.text
        session.add(claim)
        session.flush()
