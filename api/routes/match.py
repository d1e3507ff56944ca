"""POST /v1/match: a highlight in, the claims it comes from (with provenance) out.

POST /v1/match/batch: up to 100 highlights in one request, answered in order; identical items
are matched once and each claim's provenance is computed once for the whole batch.

Both endpoints are ``async`` and do all their database work in *one* thread-pool call: FastAPI
runs every plain ``def`` dependency in the thread pool, and the eight hand-offs of the
``SessionDep``/``ReaderDep`` chain cost more than the match itself. The API-key check keeps its
place before body validation (``_reader``, which only leaves the loop when there is a key to
look up) and reuses ``api.deps``. Matching only reads: its sessions use ``db.connection.read_engine``
(no BEGIN/ROLLBACK round trips on PostgreSQL).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.deps import AsyncReaderDep, app_settings, get_claim_index, get_engine, get_index
from api.errors import TooLarge
from api.matching.claims import ClaimIndex
from api.matching.protocol import MatchIndex
from api.openapi import ErrorBody
from api.provenance.answer import match_text
from api.provenance.cache import Synced
from api.schemas import MAX_BATCH_ITEMS, MatchBatchRequest, MatchRequest
from api.schemas_out import MatchBatchOut, MatchOut
from db.connection import read_engine

router = APIRouter(prefix="/v1", tags=["match"])
log = logging.getLogger("claimscope.match")


@router.post(
    "/match",
    summary="Find the claims a highlight comes from, with provenance",
    response_model=MatchOut,  # documents the body; the JSONResponse answered is not re-validated
    responses={
        413: {"model": ErrorBody, "description": "Highlight over the size limit"},
        422: {"model": ErrorBody, "description": "Empty or invalid input"},
    },
)
async def match(body: MatchRequest, request: Request, _: AsyncReaderDep) -> dict[str, Any]:
    settings = app_settings(request)
    if len(body.text) > settings.max_match_chars:
        raise TooLarge(
            f"text is {len(body.text)} characters; the limit is {settings.max_match_chars}", field="text"
        )
    if settings.log_highlights:
        log.info("match text=%r", body.text)
    engine, index = read_engine(get_engine(request)), get_index(request)
    cache = request.app.state.provenance_cache
    base_url = str(request.base_url).rstrip("/")

    def answer() -> JSONResponse:
        with Session(engine, expire_on_commit=False) as session:
            synced = cache.sync(session, index)
            result = _match_one(
                session, index, synced, body, settings.match_threshold, base_url, get_claim_index(request)
            )
        # Already plain JSON types: skip FastAPI's recursive encoder, which cost more than the match.
        return JSONResponse(result)

    response: JSONResponse = await run_in_threadpool(answer)
    return response  # type: ignore[return-value]  # plain JSON; the annotation documents the body


@router.post(
    "/match/batch",
    summary="Match up to 100 highlights at once, answered in order",
    response_model=MatchBatchOut,
    responses={
        413: {"model": ErrorBody, "description": "Over 100 items, or one highlight over the size limit"},
        422: {"model": ErrorBody, "description": "Empty or invalid input; `field` names the item"},
    },
)
async def match_batch(body: MatchBatchRequest, request: Request, _: AsyncReaderDep) -> dict[str, Any]:
    started = time.perf_counter()
    settings = app_settings(request)
    if len(body.items) > MAX_BATCH_ITEMS:
        raise TooLarge(f"{len(body.items)} items; the limit is {MAX_BATCH_ITEMS}", field="items")
    for i, item in enumerate(body.items):
        if len(item.text) > settings.max_match_chars:
            raise TooLarge(
                f"items.{i}.text is {len(item.text)} characters; the limit is {settings.max_match_chars}",
                field=f"items.{i}.text",
            )
    if settings.log_highlights:
        log.info("match batch texts=%r", [item.text for item in body.items])
    engine, index = read_engine(get_engine(request)), get_index(request)
    claim_index = get_claim_index(request)
    cache = request.app.state.provenance_cache
    base_url = str(request.base_url).rstrip("/")

    def answer() -> list[dict[str, Any]]:
        with Session(engine, expire_on_commit=False) as session:
            # claim id -> provenance, shared by the batch (and the process, while the database
            # is unchanged)
            synced = cache.sync(session, index)
            answered: dict[tuple[Any, ...], dict[str, Any]] = {}  # identical items are matched once
            results = []
            for item in body.items:
                key = (item.text, item.prefix, item.suffix, item.page_url, item.limit)
                if key not in answered:
                    found = _match_one(
                        session, index, synced, item, settings.match_threshold, base_url, claim_index
                    )
                    answered[key] = {"matches": found["matches"], "page": found["page"]}
                results.append(answered[key])
            return results

    results = await run_in_threadpool(answer)
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    # Plain JSON already: answered as is, not validated again through MatchBatchOut (it documents it).
    return JSONResponse({"results": results, "took_ms": took_ms})  # type: ignore[return-value]


def _match_one(
    session: Session,
    index: MatchIndex,
    synced: Synced,
    item: MatchRequest,
    threshold: float,
    base_url: str,
    claims: ClaimIndex | None = None,
) -> dict[str, Any]:
    """One highlight (a request, or an item of a batch) against the index and its caches."""
    return match_text(
        session=session,
        index=index,
        text=item.text,
        prefix=item.prefix,
        suffix=item.suffix,
        page_url=item.page_url,
        limit=item.limit,
        threshold=threshold,
        base_url=base_url,
        provenance_cache=synced.claims,
        hit_cache=synced.hits,
        refresh_index=not synced.index_current,
        claims=claims,
    )
