"""POST /v1/match: a highlight in, the claims it comes from (with provenance) out."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request

from api.deps import IndexDep, ReaderDep, SessionDep, SettingsDep
from api.errors import TooLarge
from api.provenance.answer import match_text
from api.schemas import MatchRequest

router = APIRouter(prefix="/v1", tags=["match"])
log = logging.getLogger("claimscope.match")


@router.post("/match", summary="Find the claims a highlight comes from, with provenance",
             responses={413: {"description": "Highlight over the size limit"},
                        422: {"description": "Empty or invalid input"}})
def match(
    body: MatchRequest, request: Request, session: SessionDep, index: IndexDep,
    settings: SettingsDep, _: ReaderDep,
) -> dict[str, Any]:
    if len(body.text) > settings.max_match_chars:
        raise TooLarge(f"text is {len(body.text)} characters; the limit is "
                       f"{settings.max_match_chars}", field="text")
    if settings.log_highlights:
        log.info("match text=%r", body.text)
    return match_text(
        session=session, index=index, text=body.text, prefix=body.prefix, suffix=body.suffix,
        page_url=body.page_url, limit=body.limit, threshold=settings.match_threshold,
        base_url=str(request.base_url).rstrip("/"),
    )
