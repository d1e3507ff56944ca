"""Fact-checks in: schema.org ClaimReview JSON-LD linked to the claims it reviews."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from api.deps import CurateKey, IndexDep, SessionDep, SettingsDep
from api.errors import BadInput
from api.moderation.factcheck import find_claimreviews, import_claimreviews
from api.schemas_out import FactcheckOut
from api.text.safety import first_unsafe

router = APIRouter(prefix="/v1/factchecks", tags=["factchecks"])


@router.post(
    "",
    summary="Import ClaimReview JSON-LD (an object, a list, @graph or a feed)",
    response_model=FactcheckOut,
)
def import_factchecks(
    session: SessionDep,
    key: CurateKey,
    index: IndexDep,
    settings: SettingsDep,
    body: Any = Body(
        ...,
        examples=[
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": "https://factcheck.example/lead",
                "claimReviewed": "…",
                "author": {"@type": "Organization", "name": "Example Fact Check"},
                "datePublished": "2024-03-10",
                "reviewRating": {"@type": "Rating", "alternateName": "False"},
            }
        ],
    ),
) -> dict[str, Any]:
    unsafe = first_unsafe(body)
    if unsafe is not None:
        where, problem = unsafe
        field = where.encode("utf-8", "backslashreplace").decode("utf-8") or None
        raise BadInput(f"{field or 'the body'} {problem}", field=field)
    reviews = find_claimreviews(body)
    if not reviews:
        raise BadInput("no ClaimReview object found in the body")
    outcomes = import_claimreviews(
        session=session,
        index=index,
        reviews=reviews,
        threshold=settings.match_threshold,
        actor=key.name,
        key_id=key.id,
    )
    summary = {
        s: sum(1 for o in outcomes if o.status == s)
        for s in ("linked", "updated", "unchanged", "unmatched", "invalid")
    }
    return {"summary": summary, "items": [o.as_dict() for o in outcomes]}
