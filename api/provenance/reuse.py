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

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from api.matching.reuse import ReuseCandidates, reuse_candidates
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
    their claims, so that an updated document keeps the claims of its unchanged passages.
    Every lookup is batched per document: a handful of queries, whatever its length."""
    document = session.get(Document, document_id)
    assert document is not None
    passages = list(
        session.exec(
            select(Passage).where(Passage.document_id == document_id).order_by(col(Passage.ordinal))
        ).all()
    )
    mark_recurring_boilerplate(session=session, document=document, passages=passages)
    claimable = [p for p in passages if p.kind in CLAIM_KINDS and len(p.norm.split()) >= MIN_CLAIM_TOKENS]
    found = reuse_candidates(
        index.engine, [p.text for p in claimable], min_similarity=MAYBE_DUPLICATE_SIMILARITY,
        excerpt_similarity=EXCERPT_SIMILARITY, min_excerpt_tokens=MIN_EXCERPT_TOKENS,
    ) if claimable else []
    by_hash = _claims_by_hash(session, {p.norm_hash for p in claimable}, document_id)
    linked = {pid for r in found for pid in ([r.best[0]] if r.best else []) + r.contained}
    claim_of = _claims_of_passages(session, linked, document_id)
    joined = _assign_claims(session, claimable, found, by_hash, claim_of, previous or {})
    store_extracted_responses(session=session, document=document, passages=passages)
    candidates = [r.best for r in found]
    review.after_linking(session=session, document=document, passages=claimable,
                         candidates=candidates, confident=NEAR_DUPLICATE_SIMILARITY)
    refresh_canonical_many(session=session, claim_ids=joined)


def _claims_by_hash(session: Session, hashes: set[str], document_id: int) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    if not hashes:
        return out
    rows = session.exec(
        select(Passage.norm_hash, Passage.claim_id).where(
            col(Passage.norm_hash).in_(hashes), col(Passage.claim_id).is_not(None),
            Passage.document_id != document_id,
        )
    ).all()
    for h, c in rows:
        out.setdefault(h, set()).add(c)  # type: ignore[arg-type]
    return out


def _claims_of_passages(session: Session, ids: set[int], document_id: int) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.exec(
        select(Passage.id, Passage.claim_id).where(
            col(Passage.id).in_(ids), col(Passage.claim_id).is_not(None),
            Passage.document_id != document_id,
        )
    ).all()
    return {pid: cid for pid, cid in rows if cid is not None}  # type: ignore[misc]


def _assign_claims(
    session: Session, claimable: list[Passage], found: list[ReuseCandidates],
    by_hash: dict[str, set[int]], claim_of: dict[int, int], previous: dict[str, int],
) -> set[int]:
    """Set ``claim_id`` on every claimable passage; return the existing claims that grew.

    New claims and the passages' claim ids are written with two executemany statements, not
    object by object: this runs for every passage ingested."""
    redirect: dict[int, int] = {}  # merged claim -> the claim it was merged into
    existing = _existing_claims(
        session, {c for cs in by_hash.values() for c in cs} | set(claim_of.values())
        | set(previous.values()))
    joined: set[int] = set()
    assigned: dict[int, int] = {}  # index in claimable -> existing claim id
    first_of_text: dict[str, int] = {}  # a repeated sentence within this document joins its twin
    for i, (passage, cand) in enumerate(zip(claimable, found, strict=True)):
        ids = set(by_hash.get(passage.norm_hash, ()))
        if cand.best and cand.best[1] >= NEAR_DUPLICATE_SIMILARITY and cand.best[0] in claim_of:
            ids.add(claim_of[cand.best[0]])
        # Excerpts count even when a near-duplicate was found: a passage can hold two stored
        # ones (an intro and its quote printed as one paragraph elsewhere), and joining only the
        # first would make the clusters depend on the order documents arrive in.
        ids.update(claim_of[pid] for pid in cand.contained if pid in claim_of)
        carried = previous.get(passage.norm_hash)
        if carried is not None:
            ids.add(carried)
        ids = {i for i in (_resolve(redirect, c) for c in ids) if i in existing}
        if not ids:
            first_of_text.setdefault(passage.norm_hash, i)
            continue
        keep, *others = sorted(ids)
        for other in others:
            merge_claims(session=session, keep=keep, drop=other)
            redirect[other] = keep
        assigned[i] = keep
        joined.add(keep)
    new_ids = _insert_claims(session, [claimable[i] for i in first_of_text.values()])
    claim_by_text = dict(zip(first_of_text, new_ids, strict=True))
    updates = []
    for i, passage in enumerate(claimable):
        claim_id = _resolve(redirect, assigned[i]) if i in assigned else \
            claim_by_text[passage.norm_hash]
        updates.append({"pid": passage.id, "cid": claim_id})
        set_committed_value(passage, "claim_id", claim_id)
    if updates:
        table = Passage.__table__  # type: ignore[attr-defined]
        session.execute(update(table).where(table.c.id == bindparam("pid"))
                        .values(claim_id=bindparam("cid")), updates)
    return {_resolve(redirect, j) for j in joined}


def _insert_claims(session: Session, firsts: list[Passage]) -> list[int]:
    if not firsts:
        return []
    table = Claim.__table__  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    rows = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [{"text": p.text, "canonical_passage_id": p.id, "created_at": now} for p in firsts],
    ).all()
    return [r[0] for r in rows]


def _existing_claims(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.exec(select(Claim.id).where(col(Claim.id).in_(ids))).all())  # type: ignore[arg-type]


def _resolve(redirect: dict[int, int], claim_id: int) -> int:
    while claim_id in redirect:
        claim_id = redirect[claim_id]
    return claim_id


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
    hashes = {p.norm_hash for p in passages if p.kind in CLAIM_KINDS}
    if document.outlet_id is None or not hashes:
        return
    recurring = set(session.exec(
        select(Passage.norm_hash)
        .join(Document, col(Document.id) == Passage.document_id)
        .where(col(Passage.norm_hash).in_(hashes), Document.outlet_id == document.outlet_id)
        .group_by(Passage.norm_hash)
        .having(func.count(func.distinct(Passage.document_id)) >= BOILERPLATE_RECURRENCE)
    ).all())
    if not recurring:
        return
    session.execute(
        update(Passage)
        .where(col(Passage.norm_hash).in_(recurring))
        .where(col(Passage.document_id).in_(
            select(Document.id).where(Document.outlet_id == document.outlet_id)))
        .values(kind="boilerplate", claim_id=None)
        .execution_options(synchronize_session=False)
    )
    for passage in passages:
        if passage.norm_hash in recurring:
            passage.kind, passage.claim_id = "boilerplate", None
    session.flush()


def refresh_canonical_many(*, session: Session, claim_ids: set[int]) -> None:
    """Re-derive the canonical text of claims that gained appearances (one query)."""
    from api.provenance.timeline import date_key

    if not claim_ids:
        return
    rows = session.exec(
        select(Passage, Document).join(Document, col(Document.id) == Passage.document_id)
        .where(col(Passage.claim_id).in_(claim_ids))
    ).all()
    earliest: dict[int, tuple[tuple[str, str], int, Passage]] = {}
    for passage, doc in rows:
        key = (date_key(doc), passage.ordinal, passage)
        cur = earliest.get(passage.claim_id)  # type: ignore[arg-type]
        if cur is None or key[:2] < cur[:2]:
            earliest[passage.claim_id] = key  # type: ignore[index]
    for claim_id, (_, _, first) in earliest.items():
        claim = session.get(Claim, claim_id)
        if claim is not None and claim.canonical_passage_id != first.id:
            claim.canonical_passage_id, claim.text = first.id, first.text
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
