"""POST /v1/match: a highlight in, the claims it comes from (with provenance) out.

POST /v1/match/batch: up to 100 highlights in one request, answered in order; identical items
are matched once and each claim's provenance is computed once for the whole batch.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import IndexDep, ReaderDep, SessionDep, SettingsDep
from api.errors import TooLarge
from api.provenance.answer import match_text
from api.responses import ErrorBody
from api.schemas import MAX_BATCH_ITEMS, MatchBatchRequest, MatchRequest

router = APIRouter(prefix="/v1", tags=["match"])
log = logging.getLogger("claimscope.match")


@router.post("/match", summary="Find the claims a highlight comes from, with provenance",
             responses={413: {"model": ErrorBody, "description": "Highlight over the size limit"},
                        422: {"model": ErrorBody, "description": "Empty or invalid input"}})
def match(
    body: MatchRequest, request: Request, session: SessionDep, index: IndexDep,
    settings: SettingsDep, _: ReaderDep,
) -> dict[str, Any]:
    if len(body.text) > settings.max_match_chars:
        raise TooLarge(f"text is {len(body.text)} characters; the limit is "
                       f"{settings.max_match_chars}", field="text")
    if settings.log_highlights:
        log.info("match text=%r", body.text)
    answer = match_text(
        session=session, index=index, text=body.text, prefix=body.prefix, suffix=body.suffix,
        page_url=body.page_url, limit=body.limit, threshold=settings.match_threshold,
        base_url=str(request.base_url).rstrip("/"),
        provenance_cache=request.app.state.provenance_cache.for_session(session),
    )
    # Already plain JSON types: skip FastAPI's recursive encoder, which cost more than the match.
    return JSONResponse(answer)  # type: ignore[return-value]


@router.post("/match/batch", summary="Match up to 100 highlights at once, answered in order",
             responses={413: {"model": ErrorBody,
                              "description": "Over 100 items, or one highlight over the size limit"},
                        422: {"model": ErrorBody,
                              "description": "Empty or invalid input; `field` names the item"}})
def match_batch(
    body: MatchBatchRequest, request: Request, session: SessionDep, index: IndexDep,
    settings: SettingsDep, _: ReaderDep,
) -> dict[str, Any]:
    started = time.perf_counter()
    if len(body.items) > MAX_BATCH_ITEMS:
        raise TooLarge(f"{len(body.items)} items; the limit is {MAX_BATCH_ITEMS}", field="items")
    for i, item in enumerate(body.items):
        if len(item.text) > settings.max_match_chars:
            raise TooLarge(f"items.{i}.text is {len(item.text)} characters; the limit is "
                           f"{settings.max_match_chars}", field=f"items.{i}.text")
    if settings.log_highlights:
        log.info("match batch texts=%r", [item.text for item in body.items])
    base_url = str(request.base_url).rstrip("/")
    # claim id -> provenance, shared by the batch (and the process, while the database is unchanged)
    provenance = request.app.state.provenance_cache.for_session(session)
    answered: dict[tuple[Any, ...], dict[str, Any]] = {}  # identical items are matched once
    results = []
    for item in body.items:
        key = (item.text, item.prefix, item.suffix, item.page_url, item.limit)
        if key not in answered:
            answer = match_text(
                session=session, index=index, text=item.text, prefix=item.prefix,
                suffix=item.suffix, page_url=item.page_url, limit=item.limit,
                threshold=settings.match_threshold, base_url=base_url, provenance_cache=provenance,
            )
            answered[key] = {"matches": answer["matches"], "page": answer["page"]}
        results.append(answered[key])
    return {"results": results, "took_ms": round((time.perf_counter() - started) * 1000, 2)}
