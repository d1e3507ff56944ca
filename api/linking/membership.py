"""A claim's membership and text outside the batch path: a passage joining a claim, and the
claim's canonical text (the text of its first dated appearance, so it does not depend on the
order documents arrived in).

Used by reuse linking after each batch, by the review queue when a moderator (or a decision
kept from before) joins a passage to a claim, and by curation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from api.linking.batch import LinkDocument, chunks, merge_claims
from api.linking.chronology import date_key_of
from db.bulk import one_of
from db.models import Claim, Document, Passage

_P = Passage.__table__  # type: ignore[attr-defined]
_D = Document.__table__  # type: ignore[attr-defined]
_C = Claim.__table__  # type: ignore[attr-defined]


def join_claims(*, session: Session, passage: Passage, claim_id: int) -> int:
    """The passage joins the claim: its claim and the target merge (the lower id is kept)."""
    if passage.claim_id is None:
        passage.claim_id = claim_id
        session.add(passage)
        session.flush()
        keep = claim_id
    elif passage.claim_id == claim_id:
        keep = claim_id
    else:
        keep, drop = sorted((passage.claim_id, claim_id))
        merge_claims(session=session, keep=keep, drop=drop)
        session.refresh(passage)
    refresh_canonical(session=session, claim_id=keep)
    return keep


def _canonical_columns() -> list[Any]:
    return [
        _P.c.id,
        _P.c.claim_id,
        _P.c.ordinal,
        _P.c.text,
        _D.c.published_at,
        _D.c.published_not_after,
        _D.c.content_hash,
        _C.c.canonical_passage_id,
        _P.c.kind,
    ]


def refresh_canonical_many(*, session: Session, claim_ids: Iterable[int]) -> None:
    """The claim's text is the text of its first dated appearance (order-independent):
    re-derive it for claims that gained appearances, with one query per chunk of claims."""
    rows: list[Any] = []
    for part in chunks(set(claim_ids)):
        rows += session.execute(
            select(*_canonical_columns())
            .join(_D, _D.c.id == _P.c.document_id)
            .join(_C, _C.c.id == _P.c.claim_id)
            .where(one_of(session, _P.c.claim_id, part))
        ).all()
    _set_earliest(session, rows)


class _Appearance(NamedTuple):
    id: int
    claim_id: int
    ordinal: int
    text: str
    published_at: str | None
    published_not_after: str | None
    content_hash: str
    canonical_passage_id: int | None
    kind: str | None


def refresh_canonical_grown(
    *, session: Session, grown: set[int], merged: set[int], docs: list[LinkDocument]
) -> None:
    """``refresh_canonical_many`` for claims that gained passages of the batch ``docs``: the
    earliest of a claim's current canonical passage and its new passages, without reading all
    its passages. Claims that absorbed another stored claim (``merged``), or whose canonical
    passage is gone or moved, are derived in full."""
    full = set(merged)
    current: dict[int, Any] = {}
    for part in chunks(grown - full):
        for r in session.execute(
            select(*_canonical_columns(), _C.c.id.label("owner"))
            .select_from(_C)
            .join(_P, _P.c.id == _C.c.canonical_passage_id, isouter=True)
            .join(_D, _D.c.id == _P.c.document_id, isouter=True)
            .where(one_of(session, _C.c.id, part))
        ):
            if r.claim_id != r.owner:  # no canonical passage, or it left the claim
                full.add(r.owner)
            else:
                current[r.owner] = r
    dated = {
        r.id: r
        for r in session.execute(
            select(_D.c.id, _D.c.published_at, _D.c.published_not_after, _D.c.content_hash).where(
                one_of(session, _D.c.id, [d.id for d in docs])
            )
        )
    }
    rows = list(current.values())  # first: a stored passage wins a tie
    for doc in docs:
        d = dated[doc.id]
        rows += [
            _Appearance(
                p.id,
                p.claim_id,
                p.ordinal,
                p.text,
                d.published_at,
                d.published_not_after,
                d.content_hash,
                current[p.claim_id].canonical_passage_id,
                p.kind,
            )
            for p in doc.passages
            if p.claim_id in current
        ]
    _set_earliest(session, rows)
    refresh_canonical_many(session=session, claim_ids=full)


def _set_earliest(session: Session, rows: list[Any]) -> None:
    """Per claim, the earliest of ``rows`` becomes its canonical passage (the first row wins a
    tie: stored rows come before new ones). A sentence is preferred to a heading: a headline
    that quotes a claim ("Commander: 'The Americans are on our side'") is an appearance of it,
    but the claim's text (what readers see, and what restatements are embedded from) is the
    sentence."""
    earliest: dict[int, tuple[Any, ...]] = {}
    for r in rows:
        key = (
            r.kind == "heading",
            date_key_of(r.published_at, r.published_not_after, r.content_hash),
            r.ordinal,
        )
        cur = earliest.get(r.claim_id)
        if cur is None or key < cur[0]:
            earliest[r.claim_id] = (key, r)
    changed = [
        {"cid": cid, "pid": r.id, "text": r.text}
        for cid, (_, r) in earliest.items()
        if r.canonical_passage_id != r.id
    ]
    if changed:
        session.execute(
            update(_C)
            .where(_C.c.id == bindparam("cid"))
            .values(canonical_passage_id=bindparam("pid"), text=bindparam("text")),
            changed,
        )
        session.expire_all()  # claims loaded as objects must not keep the old text


def refresh_canonical(*, session: Session, claim_id: int) -> None:
    session.flush()
    refresh_canonical_many(session=session, claim_ids=[claim_id])
