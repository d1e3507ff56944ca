"""Reuse linking for a batch of freshly stored documents (the rules are in ``reuse``).

Ingesting one document at a time costs a dozen statements per document; a folder of ten
thousand articles needs the same rules applied with a fixed number of statements per batch.
So the batch is linked in three steps:

1. candidates: the batch joins the index, then one search finds for each passage what it
   repeats among the stored passages and the batch's earlier documents, so that a copy later
   in the same batch finds its original (and the claims come out as if the documents had been
   ingested one by one);
2. one lookup of the claims already stored that those candidates and exact copies point at;
3. claim assignment in memory, with *provisional* ids for claims born in this batch, then one
   insert of the new claims and one executemany of every passage's claim.

Merging two stored claims (a passage that repeats both) still writes at once: it is rare, and
the database must agree before the next document is linked.

Length: the three steps share the batch's in-memory state (provisional ids, redirects, the
per-document support counts of weaker links); split apart, each would pass it all around.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlmodel import Session

from api.matching.candidates import CANDIDATES_PER_TEXT, ReuseCandidates, reuse_candidates
from api.matching.engine import MatchEngine
from db.bulk import insert_returning_ids, insert_with_ids, one_of
from db.models import Claim, Passage, Response

CLAIM_KINDS = ("body", "quote", "heading")  # headlines are what people share and highlight most
INDEXED_KINDS = ("body", "quote", "heading")
# Fewer words than this and a sentence ("He said so.") says too little to be a claim on its own.
MIN_CLAIM_TOKENS = 4
# Edited copies ("The money came from ..." vs "The funds came from ...") stay above this;
# different sentences on the same topic stay well below it.
NEAR_DUPLICATE_SIMILARITY = 0.80
# The "maybe" band: a best candidate at or above this but below NEAR_DUPLICATE_SIMILARITY is
# not linked; it becomes a review suggestion for a moderator (api/moderation/review.py).
MAYBE_DUPLICATE_SIMILARITY = 0.65
# Rewritten wire copy: a sentence at least this similar to a candidate (below the
# near-duplicate bar) joins the candidate's claim when the two documents already share
# SUPPORTING_PASSAGES other passages (near-duplicates or excerpts): the document-level relation
# vouches for the weaker sentence link. Below the bar alone, a rewritten sentence of a story
# and a different sentence on the same topic cannot be told apart; with the support they can.
# METER dev half: reused sentences whose first publication is PA 87.3 -> 91.7 %, highlights of
# the newspaper's wording answered with the PA claim 85.6 -> 90.6 %, relation labels 90.1 ->
# 88.8 %; reverse-order membership differences were 195 -> 447 claims of ~8,900 until the
# candidates became symmetric (api.matching.symmetric), the link was checked whatever the best
# candidate, and the support was counted from both sides (``_support``): 19 (bench/RESULTS.md,
# "Order independence on METER").
SUPPORTED_SIMILARITY = MAYBE_DUPLICATE_SIMILARITY
SUPPORTING_PASSAGES = 2
# A supported link needs a sentence this long: formulaic lines ("The case was adjourned until
# 2.15pm") are similar across unrelated stories that happen to share two other lines.
SUPPORTED_MIN_TOKENS = 8
# Excerpts must be nearly verbatim and long enough not to be a stock phrase.
EXCERPT_SIMILARITY = 95.0
MIN_EXCERPT_TOKENS = 5
# Provisional ids sort after every stored id, in creation order, so "keep the oldest claim"
# means the same thing for stored and provisional claims.
_PROVISIONAL = 1 << 60
_IN_CHUNK = 2_000  # ids per IN (...) list

_P = Passage.__table__  # type: ignore[attr-defined]
_C = Claim.__table__  # type: ignore[attr-defined]
_R = Response.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class LinkPassage:
    id: int
    ordinal: int
    kind: str
    text: str
    norm: str
    norm_hash: str
    claim_id: int | None = None
    start: int = 0  # where the passage is in its document's text
    end: int = 0


@dataclass(slots=True)
class LinkDocument:
    """A stored document as linking needs it; ``responses`` are the extracted official
    statements (``api.statements.responses.ExtractedResponse``), ``previous`` maps the
    norm_hashes of an earlier version of the document to their claims."""

    id: int
    outlet_id: int | None
    url: str | None
    passages: list[LinkPassage]
    responses: list[Any] = field(default_factory=list)
    previous: dict[str, int] = field(default_factory=dict)
    # filled by linking: per claimable passage, its best near-duplicate candidate
    claimable: list[LinkPassage] = field(default_factory=list)
    candidates: list[tuple[int, float] | None] = field(default_factory=list)
    responses_stored: int = 0
    supported: set[int] = field(default_factory=set)  # passages linked by document support


# A document's headline (a heading as its first passage) is a claim from this many words ("Kleine
# Schafskunde"). Dev pages (bench/pages.py): headline recall 0.807 with 4 words, 0.871 with 2.
# Words of a headline are runs of letters and digits (HEADLINE_WORD_RE): a hyphenated compound
# ("Mandarinen-Schmand-Kuchen", "Forums-Regeln") is several words, as the matcher reads it.
MIN_HEADLINE_TOKENS = 2
HEADLINE_WORD_RE = re.compile(r"\w+")


def is_claimable(passage: LinkPassage) -> bool:
    if passage.kind not in CLAIM_KINDS:
        return False
    words = len(passage.norm.split())
    if passage.kind == "heading" and passage.ordinal == 0:
        return (
            words >= MIN_HEADLINE_TOKENS or len(HEADLINE_WORD_RE.findall(passage.norm)) >= MIN_HEADLINE_TOKENS
        )
    return words >= MIN_CLAIM_TOKENS


def link_batch(
    *,
    session: Session,
    docs: list[LinkDocument],
    engine: MatchEngine,
    add_to_index: bool,
    claims_by_text: dict[str, set[int]],
) -> tuple[set[int], set[int]]:
    """Link every claimable passage of ``docs`` (in this order) to the claims it repeats, or to
    a new claim; store the documents' official responses on the claims they answer. Returns
    the claims that gained appearances (their canonical text may have to change), and those of
    them that absorbed another stored claim.

    ``add_to_index`` adds each document to ``engine`` once searched (the caller must remove them
    again if the transaction fails); without it, documents of one batch do not see each other."""
    for doc in docs:
        # sentences make their claims before headings: claim ids as before (README's claims/1)
        doc.claimable = sorted(
            (p for p in doc.passages if is_claimable(p)), key=lambda p: p.kind == "heading"
        )
    found = _candidates(engine, docs, add_to_index)
    stored = _StoredClaims.load(session, docs, found, claims_by_text)
    assigner = _Assigner(session, stored)
    for doc, cands in zip(docs, found, strict=True):
        assigner.assign(doc, cands)
        doc.candidates = [r.best for r in cands]
    final = assigner.write()
    for doc in docs:
        for p in doc.passages:
            if p.claim_id is not None:
                p.claim_id = final(p.claim_id)
    _insert_passages(session, docs)
    for doc in docs:
        doc.responses_stored = _store_responses(session, doc)
    merged = {final(c) for c in assigner.redirect if c < _PROVISIONAL}
    return {final(c) for c in assigner.grown}, merged


def _candidates(
    engine: MatchEngine, docs: list[LinkDocument], add_to_index: bool
) -> list[list[ReuseCandidates]]:
    """Per document, per claimable passage: what it repeats among the stored passages and, with
    ``add_to_index``, among the batch's earlier documents.

    With ``add_to_index`` the whole batch joins the index first (one add: adding documents one
    by one would leave it a log of small segments to search), then one vectorized search finds,
    for each passage, only passages with a smaller id than its document's first: the stored
    ones and those of earlier documents of the batch (passage ids grow in document order)."""
    everything = [p for doc in docs for p in doc.claimable]
    if not add_to_index:
        found = _search(engine, everything)
    else:
        indexed = [(doc, p) for doc in docs for p in doc.passages if p.kind in INDEXED_KINDS]
        engine.add_many(
            [(p.id, p.text, doc.id, p.ordinal) for doc, p in indexed], norms=[p.norm for _, p in indexed]
        )
        firsts = [min((p.id for p in doc.passages), default=0) for doc in docs]
        below = [first for doc, first in zip(docs, firsts, strict=True) for _ in doc.claimable]
        # more candidates than usual: the passage itself and later documents take places
        found = _search(engine, everything, below=below, per_text=2 * CANDIDATES_PER_TEXT)
    cands = iter(found)
    return [[next(cands) for _ in doc.claimable] for doc in docs]


def _search(engine: MatchEngine, claimable: list[LinkPassage], **options: Any) -> list[ReuseCandidates]:
    if not claimable:
        return []
    return reuse_candidates(
        engine,
        [p.text for p in claimable],
        norms=[p.norm for p in claimable],
        min_similarity=MAYBE_DUPLICATE_SIMILARITY,
        excerpt_similarity=EXCERPT_SIMILARITY,
        min_excerpt_tokens=MIN_EXCERPT_TOKENS,
        **options,
    )


def chunks(ids: Iterable[Any], size: int = _IN_CHUNK) -> Iterable[list[Any]]:
    items = list(ids)
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(slots=True)
class _StoredClaims:
    """What is already stored that the batch's passages point at (one lookup per batch)."""

    by_hash: dict[str, set[int]]  # norm_hash -> claims of stored passages with that text
    claim_of: dict[int, int]  # stored passage id -> its claim
    existing: set[int]  # claims that exist

    @staticmethod
    def load(
        session: Session,
        docs: list[LinkDocument],
        found: list[list[ReuseCandidates]],
        by_hash: dict[str, set[int]],
    ) -> _StoredClaims:
        """``by_hash``: the claims of stored passages by text (``reuse`` looks them up with the
        boilerplate counts; the batch's own passages are not written yet, so have none)."""
        batch_pids = {p.id for d in docs for p in d.passages}
        hashes = {p.norm_hash for d in docs for p in d.claimable}
        linked = {
            pid
            for cands in found
            for r in cands
            for pid in ([r.best[0]] if r.best else []) + r.contained + r.near + [w for w, _, _ in r.weak]
        } - batch_pids
        by_hash = {h: by_hash[h] for h in hashes if h in by_hash}
        claim_of: dict[int, int] = {}
        for part in chunks(linked):
            claim_of.update(
                session.execute(
                    select(_P.c.id, _P.c.claim_id).where(
                        one_of(session, _P.c.id, part), _P.c.claim_id.is_not(None)
                    )
                ).all()
            )
        wanted = {c for cs in by_hash.values() for c in cs} | set(claim_of.values())
        wanted |= {c for d in docs for c in d.previous.values()}
        existing: set[int] = set()
        for part in chunks(wanted):
            existing.update(session.execute(select(_C.c.id).where(one_of(session, _C.c.id, part))).scalars())
        return _StoredClaims(by_hash, claim_of, existing)


class _Assigner:
    """Claim assignment for a batch, in memory (see module docstring)."""

    def __init__(self, session: Session, stored: _StoredClaims) -> None:
        self.session = session
        self.stored = stored
        self.redirect: dict[int, int] = {}  # merged claim -> the claim it was merged into
        self.firsts: dict[int, LinkPassage] = {}  # provisional claim -> its first passage
        self.by_hash: dict[str, set[int]] = {}  # claims given to this batch's texts so far
        self.claim_of: dict[int, int] = {}  # this batch's passage id -> claim
        self.grown: set[int] = set()  # claims that gained an appearance in this batch

    def resolve(self, claim_id: int) -> int:
        while claim_id in self.redirect:
            claim_id = self.redirect[claim_id]
        return claim_id

    def _claim_of(self, pid: int) -> int | None:
        return self.claim_of.get(pid, self.stored.claim_of.get(pid))

    def _linked_claims(
        self, doc: LinkDocument, p: LinkPassage, cand: ReuseCandidates, support: Counter[int]
    ) -> set[int]:
        ids = set(self.stored.by_hash.get(p.norm_hash, ())) | self.by_hash.get(p.norm_hash, set())
        if cand.best and cand.best[1] >= NEAR_DUPLICATE_SIMILARITY:
            ids.add(self._claim_of(cand.best[0]))  # type: ignore[arg-type]
            # every near-duplicate, not only the closest: two edited copies of one original
            # that arrived before it (each below the bar to the other) are two claims until
            # the original joins them both; joining only the closest kept them apart in that
            # order and not in the others (the demo corpus, files 3 and 4 before 1)
            ids.update(self._claim_of(pid) for pid in cand.near)  # type: ignore[misc]
        if len(p.norm.split()) >= SUPPORTED_MIN_TOKENS:
            # every weaker candidate in a document this one shares other passages with, not
            # only the closest, and also when a near-duplicate was found: a rule that asks
            # about the passage's *best* candidate depends on what is stored already (an
            # original arriving after two copies has the closer copy as its best, and the
            # other's supported link, made when the copy came second, was never looked at).
            # Both passages must be long enough: the rule is the same from either side.
            for pid, other, words in cand.weak:
                if words >= SUPPORTED_MIN_TOKENS and support[other] >= SUPPORTING_PASSAGES:
                    ids.add(self._claim_of(pid))  # type: ignore[arg-type]
                    doc.supported.add(p.id)
        # Excerpts count even when a near-duplicate was found: a passage can hold two stored
        # ones (an intro and its quote printed as one paragraph elsewhere), and joining only the
        # first would make the clusters depend on the order documents arrive in.
        ids.update(self._claim_of(pid) for pid in cand.contained)  # type: ignore[misc]
        carried = doc.previous.get(p.norm_hash)
        if carried is not None:
            ids.add(carried)
        resolved = {self.resolve(c) for c in ids if c is not None}
        return {c for c in resolved if c >= _PROVISIONAL or c in self.stored.existing}

    def assign(self, doc: LinkDocument, found: list[ReuseCandidates]) -> None:
        fresh: dict[str, int] = {}  # a repeated sentence within this document joins its twin
        support = _support(doc, found)
        for p, cand in zip(doc.claimable, found, strict=True):
            ids = self._linked_claims(doc, p, cand, support)
            if not ids:
                if p.norm_hash not in fresh:
                    fresh[p.norm_hash] = claim = _PROVISIONAL + len(self.firsts)
                    self.firsts[claim] = p
                p.claim_id = fresh[p.norm_hash]
                continue
            keep, *others = sorted(ids)
            for other in others:
                self._merge(keep, other)
            p.claim_id = keep
            self.grown.add(keep)
        for p in doc.claimable:
            assert p.claim_id is not None
            self.by_hash.setdefault(p.norm_hash, set()).add(p.claim_id)
            self.claim_of[p.id] = p.claim_id

    def _merge(self, keep: int, drop: int) -> None:
        if drop < _PROVISIONAL:  # a stored claim: its stored rows move in ``write``
            self.stored.existing.discard(drop)
        self.redirect[drop] = keep
        self.grown.add(keep)

    def write(self):  # type: ignore[no-untyped-def]
        """Insert the surviving new claims and every passage's claim; returns the function
        that maps a (provisional or merged) claim id to the stored one."""
        alive = [c for c in self.firsts if c not in self.redirect]
        now = datetime.now(UTC)
        stored_id: dict[int, int] = {}
        if alive:
            ids = insert_returning_ids(
                self.session,
                _C,
                [
                    {
                        "text": self.firsts[c].text,
                        "canonical_passage_id": self.firsts[c].id,
                        "created_at": now,
                    }
                    for c in alive
                ],
            )
            stored_id = dict(zip(alive, ids, strict=True))

        def final(claim_id: int) -> int:
            claim_id = self.resolve(claim_id)
            return stored_id.get(claim_id, claim_id)

        # A stored claim merged into another (kept claims are always the older, so stored):
        # its stored passages and responses move, before anything reads claims back.
        merge_many(self.session, {c: final(c) for c in self.redirect if c < _PROVISIONAL})
        # a new claim that later passages of the batch joined may need another canonical text
        sizes = Counter(self.resolve(c) for c in self.claim_of.values())
        self.grown |= {c for c in alive if sizes[c] > 1}
        return final


def _support(doc: LinkDocument, found: list[ReuseCandidates]) -> Counter[int]:
    """Per other document, how many passages it shares with ``doc`` (exact, near-duplicate or
    excerpt): the larger of the two sides' counts of passages in a shared pair, so the same
    whichever of the two documents is linked second (one paragraph of one may hold two of the
    other's; counting only the arriving side's passages gave 1 in one order and 2 in the other).
    Passages too short to be searched themselves (MIN_CLAIM_TOKENS) do not count on either side."""
    mine: dict[int, set[int]] = {}
    theirs: dict[int, set[int]] = {}
    for p, cand in zip(doc.claimable, found, strict=True):
        if len(p.norm.split()) < MIN_CLAIM_TOKENS:
            continue
        for pid, other, words in cand.shared:
            if other != doc.id and words >= MIN_CLAIM_TOKENS:
                mine.setdefault(other, set()).add(p.id)
                theirs.setdefault(other, set()).add(pid)
    return Counter({d: max(len(mine[d]), len(theirs[d])) for d in mine})


def _insert_passages(session: Session, docs: list[LinkDocument]) -> None:
    """The batch's passages, with their kinds (boilerplate found meanwhile) and claims."""
    ids, rows = [], []
    for doc in docs:
        for p in doc.passages:
            ids.append(p.id)
            rows.append(
                {
                    "document_id": doc.id,
                    "ordinal": p.ordinal,
                    "start": p.start,
                    "end": p.end,
                    "text": p.text,
                    "norm": p.norm,
                    "norm_hash": p.norm_hash,
                    "kind": p.kind,
                    "claim_id": p.claim_id,
                }
            )
    insert_with_ids(session, _P, ids, rows)


def _store_responses(session: Session, doc: LinkDocument) -> int:
    """One response row per claim a statement answers. A statement that answers nothing in
    this document is kept out: linking it to every claim would be worse than nothing."""
    rows = []
    now = datetime.now(UTC)
    for resp in doc.responses:
        claim_ids = {
            doc.passages[i].claim_id
            for i in resp.answers
            if 0 <= i < len(doc.passages) and doc.passages[i].claim_id is not None
        }
        statement = doc.passages[resp.passage_ordinals[0]] if resp.passage_ordinals else None
        for claim_id in sorted(c for c in claim_ids if c is not None):
            rows.append(
                {
                    "claim_id": claim_id,
                    "speaker": resp.speaker,
                    "role": resp.role,
                    "organization": resp.organization,
                    "stance": resp.stance,
                    "date": resp.date,
                    "quote": resp.quote,
                    "document_id": doc.id,
                    "passage_id": statement.id if statement else None,
                    "source_url": doc.url,
                    "how": "extracted",
                    "evidence": resp.evidence,
                    "deleted": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    if rows:
        session.execute(insert(_R), rows)
    return len(rows)


def merge_many(session: Session, into: dict[int, int]) -> None:
    """Merge each stored claim of ``into`` (its keys) into its value, in three statements."""
    if not into:
        return
    moves = [{"_drop": drop, "_keep": keep} for drop, keep in into.items()]
    for table in (_P, _R):
        session.execute(
            update(table).where(table.c.claim_id == bindparam("_drop")).values(claim_id=bindparam("_keep")),
            moves,
        )
    for part in chunks(into):
        session.execute(delete(_C).where(one_of(session, _C.c.id, part)))


def merge_claims(*, session: Session, keep: int, drop: int) -> None:
    """One merge, in a session that may hold claims and passages as objects (review
    decisions): pending changes go first, and the objects are read again after."""
    session.flush()
    merge_many(session, {drop: keep})
    session.expire_all()
