"""Exports: one claim as JSON or ClaimReview JSON-LD; the claim index as streamed JSON Lines."""

from __future__ import annotations

import itertools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import Engine

from api.deps import IdPath, ReaderDep, SessionDep, get_engine
from api.provenance.claims_view import claim_detail
from api.provenance.export import claim_jsonld, iter_jsonl
from api.schemas_out import ClaimDetail

router = APIRouter(tags=["export"])
EngineDep = Annotated[Engine, Depends(get_engine)]


@router.get(
    "/v1/claims/{claim_id}/export",
    summary="A claim as JSON or schema.org JSON-LD",
    response_model=ClaimDetail,  # format=json; JSON-LD is schema.org's ClaimReview/Claim graph
    responses={200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}}},
)
def export_claim(
    claim_id: IdPath,
    request: Request,
    session: SessionDep,
    _: ReaderDep,
    format: str = Query("json", pattern="^(json|jsonld)$"),
) -> Any:
    base = str(request.base_url).rstrip("/")
    if format == "jsonld":
        return JSONResponse(
            claim_jsonld(session=session, claim_id=claim_id, base_url=base), media_type="application/ld+json"
        )
    return claim_detail(session=session, claim_id=claim_id, base_url=base)


@router.get(
    "/v1/export/claims.jsonl",
    summary="Every claim, one JSON object a line (streamed)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
)
def export_claims(engine: EngineDep, _: ReaderDep) -> StreamingResponse:
    # The first line is read before answering: a database that cannot be reached is a 503 (the
    # error hook in api/app.py), not a 200 with an empty body. Past it, the stream is committed.
    lines = iter_jsonl(engine)
    first = list(itertools.islice(lines, 1))
    return StreamingResponse(
        itertools.chain(first, lines),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="claims.jsonl"'},
    )
