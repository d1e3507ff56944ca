"""POST /v1/check: is this text (or page) a repost of something known?"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import keys
from api.deps import AsyncReaderDep, app_settings, get_engine, get_index
from api.pipeline.ingestor import Ingestor
from api.provenance.check import check_report, raw_to_check
from api.schemas import CheckIn
from api.schemas_out import CheckOut
from db.connection import read_engine

router = APIRouter(prefix="/v1", tags=["moderation"])


@router.post(
    "/check",
    summary="Check a text or URL against the index (repost check)",
    response_model=CheckOut,  # documents the body; the JSONResponse answered is not re-validated
    responses={401: {}, 403: {}, 413: {}, 422: {}},
)
async def check(
    body: CheckIn,
    request: Request,
    _: AsyncReaderDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Async with one thread-pool call for all its work (see api/routes/match.py)."""
    settings, index = app_settings(request), get_index(request)
    engine, cache = get_engine(request), request.app.state.provenance_cache
    base_url = str(request.base_url).rstrip("/")

    def run() -> JSONResponse:
        # Checking only reads: autocommit reads on PostgreSQL (see db.connection.read_engine).
        with Session(read_engine(engine), expire_on_commit=False) as session:
            key = None
            if body.ingest:
                key = keys.require_scope(
                    keys.authenticate(session=session, authorization=authorization), "ingest"
                )
            raw = raw_to_check(text=body.text, url=body.url, settings=settings)
            report = check_report(
                session=session,
                index=index,
                raw=raw,
                settings=settings,
                base_url=base_url,
                provenance_cache=cache.for_session(session),
            )
        if key is not None:
            ingestor = Ingestor(engine, settings=settings, index=index, key_id=key.id, actor=key.name)
            report["ingested"] = [o.as_dict() for o in ingestor.ingest_raw(raw)]
        return JSONResponse(report)

    response: JSONResponse = await run_in_threadpool(run)
    return response  # type: ignore[return-value]  # plain JSON; the annotation documents the body
