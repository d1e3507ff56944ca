"""POST /v1/check: is this text (or page) a repost of something known?"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import keys
from api.deps import AsyncReaderDep, app_settings, get_engine, get_index
from api.errors import BadInput, RejectedInput, TooLarge
from api.ingest import fetch as fetcher
from api.pipeline.ingestor import Ingestor
from api.provenance.check import check_text
from api.schemas import CheckIn
from api.text.types import RawDocument
from db.connection import read_engine

router = APIRouter(prefix="/v1", tags=["moderation"])


def raw_from(body: CheckIn, settings: Any) -> RawDocument:
    if body.text is not None:
        if not body.text.strip():
            raise BadInput("text is empty", field="text")
        if len(body.text.encode("utf-8")) > settings.max_document_bytes:
            raise TooLarge(f"text over the {settings.max_document_bytes} byte limit", field="text")
        return RawDocument(content=body.text, source_format="api", source_name="check", url=body.url)
    if not body.url:
        raise BadInput("give 'text' or a 'url' to check", field="text")
    final, ctype, page = fetcher.fetch(
        body.url,
        timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.max_document_bytes,
        max_redirects=settings.fetch_max_redirects,
        allow_private=settings.allow_private_fetch,
    )
    fmt = "html" if "html" in ctype or page.lstrip()[:1] == "<" else "txt"
    return RawDocument(content=page, source_format=fmt, source_name=final, url=final)


@router.post(
    "/check",
    summary="Check a text or URL against the index (repost check)",
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
            raw = raw_from(body, settings)
            try:
                report = check_text(
                    session=session,
                    index=index,
                    raw=raw,
                    threshold=settings.match_threshold,
                    base_url=base_url,
                    provenance_cache=cache.for_session(session),
                )
            except RejectedInput as exc:
                raise RejectedInput(exc.reason, field="text") from exc
        if key is not None:
            ingestor = Ingestor(engine, settings=settings, index=index, key_id=key.id, actor=key.name)
            report["ingested"] = [o.as_dict() for o in ingestor.ingest_raw(raw)]
        return JSONResponse(report)

    response: JSONResponse = await run_in_threadpool(run)
    return response  # type: ignore[return-value]  # plain JSON; the annotation documents the body
