"""Fact-checks in: schema.org ``ClaimReview`` JSON-LD becomes fact-check responses.

Accepted input: one ClaimReview object, a list of them, a JSON-LD document with ``@graph``,
or a feed (``DataFeed.dataFeedElement`` / ``ItemList.itemListElement``), nested freely; other
objects are ignored. Each review becomes a ``Response`` with ``how = "factcheck"``:

- ``organization`` = ``author.name`` (the fact-checker), ``speaker`` = None; ``@id``
  references (``"author": {"@id": "#org"}``) are resolved across the whole input (``@graph``);
  the claimant (``itemReviewed.author.name``) is kept in the evidence (``claimant: …``);
- ``stance`` from ``reviewRating`` (see ``api.statements.ratings``: a table of normalized
  rating names in English and the languages fact-checkers publish in, negations read as
  such — "Inaccurate", "Not correct" deny, "Unconfirmed" disputes); otherwise the numeric
  ``ratingValue`` between ``worstRating`` (default 1) and ``bestRating`` (default 5): the
  lower third denies, the upper quarter confirms, the rest disputes; no rating → ``comments``;
- ``quote`` = "<alternateName>: <claimReviewed>", ``date`` = ``datePublished``,
  ``source_url`` = ``url``.

It is linked to every claim whose passages match ``claimReviewed`` with a score at or above
the match threshold (the same engine as /v1/match). Importing the same review again updates
its responses instead of adding more (a review is identified by its url, else by its author
and claimReviewed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from api.ingest.dates import is_valid_date
from api.matching.protocol import MatchIndex
from api.moderation import watch
from api.statements.ratings import stance_of_rating
from api.text.safety import is_web_url
from db import crud
from db.models import Passage, Response


@dataclass
class ReviewOutcome:
    claim_reviewed: str
    url: str | None
    status: str  # linked | updated | unchanged | unmatched | invalid
    claim_ids: list[int] = field(default_factory=list)
    stance: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type") or obj.get("type") or []
    values = t if isinstance(t, list) else [t]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values}


def find_claimreviews(data: Any) -> list[dict[str, Any]]:
    """Every ClaimReview object in a JSON-LD value (object, list, @graph, feed), with its
    ``{"@id": ...}`` references (an author, a claim, a rating given once in the ``@graph``)
    replaced by the objects they name anywhere in ``data``."""
    index: dict[str, dict[str, Any]] = {}
    _index_ids(data, index)
    return [_resolve(r, index, 0) for r in _find(data)]


# a reference chain longer than this is a cycle or nonsense: left as it is
MAX_REFERENCE_DEPTH = 8


def _index_ids(data: Any, index: dict[str, dict[str, Any]]) -> None:
    if isinstance(data, list):
        for item in data:
            _index_ids(item, index)
    elif isinstance(data, dict):
        ident = data.get("@id")
        if isinstance(ident, str) and len(data) > 1 and ident not in index:
            index[ident] = data
        for value in data.values():
            if isinstance(value, (dict, list)):
                _index_ids(value, index)


def _resolve(value: Any, index: dict[str, dict[str, Any]], depth: int) -> Any:
    if depth > MAX_REFERENCE_DEPTH:
        return value
    if isinstance(value, list):
        return [_resolve(v, index, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    ident = value.get("@id")
    if isinstance(ident, str) and set(value) <= {"@id", "@type"} and ident in index:
        value = index[ident]
    return {k: _resolve(v, index, depth + 1) if isinstance(v, (dict, list)) else v for k, v in value.items()}


def _find(data: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(data, list):
        for item in data:
            found += _find(item)
    elif isinstance(data, dict):
        if "ClaimReview" in _types(data):
            found.append(data)
            return found
        for key in ("@graph", "dataFeedElement", "itemListElement", "item", "mainEntity"):
            if key in data:
                found += _find(data[key])
    return found


def load_paths(paths: list[Path]) -> list[dict[str, Any]]:
    """ClaimReviews from .json / .jsonld files (or JSON Lines, one value a line) and folders."""
    reviews: list[dict[str, Any]] = []
    for path in paths:
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonld", ".jsonl"))
            if path.is_dir()
            else [path]
        )
        for f in files:
            text = f.read_text(encoding="utf-8")
            if f.suffix == ".jsonl":
                for line in text.splitlines():
                    if line.strip():
                        reviews += find_claimreviews(json.loads(line))
            else:
                reviews += find_claimreviews(json.loads(text))
    return reviews


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() or None if value else None


def _fields(review: dict[str, Any]) -> dict[str, Any] | None:
    claim = " ".join(str(review.get("claimReviewed") or "").split())
    if not claim:
        return None
    rating = review.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    label = (
        _name({"name": rating.get("alternateName") or rating.get("name")})
        if isinstance(rating, dict)
        else None
    )
    org = _name(review.get("author")) or _name(review.get("publisher"))
    item = review.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    claimant = _name(item.get("author")) if isinstance(item, dict) else None
    date = str(review.get("datePublished") or "").strip()[:40] or None
    if date is not None and not is_valid_date(date):
        date = None  # "yesterday-ish", "2024-02-30": the review stands, its date is unknown
    url = str(review.get("url") or "").strip()[:2000] or None
    return {
        "claim": claim,
        "organization": org[:300] if org else None,
        "stance": stance_of_rating(rating),
        "date": date,
        "source_url": url,
        "quote": f"{label}: {claim}" if label else claim,
        "evidence": f"ClaimReview by {org or 'an unnamed fact-checker'}; reviewRating: {label or 'none'}"
        + (f"; claimant: {' '.join(claimant.replace(';', ',').split())[:300]}" if claimant else ""),
    }


def matching_claims(*, index: MatchIndex, session: Session, text: str, threshold: float) -> list[int]:
    claims: list[int] = []
    for hit in index.search(text, limit=10, threshold=threshold):
        if hit.score < threshold:
            continue
        passage = session.get(Passage, hit.passage_id)
        if passage is not None and passage.claim_id is not None and passage.claim_id not in claims:
            claims.append(passage.claim_id)
    return claims


def import_claimreviews(
    *,
    session: Session,
    index: MatchIndex,
    reviews: list[dict[str, Any]],
    threshold: float,
    actor: str = "cli",
    key_id: int | None = None,
) -> list[ReviewOutcome]:
    """Store each review as fact-check responses on the claims it matches; commits."""
    outcomes: list[ReviewOutcome] = []
    for review in reviews:
        f = _fields(review)
        if f is None:
            outcomes.append(ReviewOutcome("", review.get("url"), "invalid", reason="no claimReviewed"))
            continue
        if f["source_url"] is not None and not is_web_url(f["source_url"]):
            reason = "url is not an http or https URL"
            outcomes.append(ReviewOutcome(f["claim"], f["source_url"], "invalid", reason=reason))
            continue
        out = ReviewOutcome(f["claim"], f["source_url"], "unmatched", stance=f["stance"])
        out.claim_ids = matching_claims(index=index, session=session, text=f["claim"], threshold=threshold)
        values = {k: f[k] for k in ("organization", "stance", "date", "quote", "source_url", "evidence")}
        statuses = []
        for claim_id in out.claim_ids:
            query = select(Response).where(Response.claim_id == claim_id, Response.how == "factcheck")
            query = (
                query.where(Response.source_url == f["source_url"])
                if f["source_url"]
                else query.where(Response.organization == f["organization"], Response.quote == f["quote"])
            )
            existing = session.exec(query).first()
            if existing is not None:
                before = {k: getattr(existing, k) for k in values}
                if before == values and not existing.deleted:
                    statuses.append("unchanged")
                    continue
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.deleted = False
                session.add(existing)
                crud.audit(
                    session=session,
                    actor=actor,
                    key_id=key_id,
                    action="factcheck.update",
                    entity="response",
                    entity_id=existing.id,
                    before=before,
                    after=values,
                )
                statuses.append("updated")
                continue
            resp = Response(claim_id=claim_id, how="factcheck", created_by_key_id=key_id, **values)
            session.add(resp)
            session.flush()
            crud.audit(
                session=session,
                actor=actor,
                key_id=key_id,
                action="factcheck.import",
                entity="response",
                entity_id=resp.id,
                after={"claim_id": claim_id, **values},
            )
            watch.enqueue_response(session=session, response=resp)
            statuses.append("linked")
        if statuses:
            out.status = next((s for s in ("linked", "updated") if s in statuses), "unchanged")
        else:
            out.reason = "no claim in the index matches claimReviewed"
        outcomes.append(out)
    session.commit()
    return outcomes
