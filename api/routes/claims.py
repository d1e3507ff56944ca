"""Claims: read one with its full provenance; curate its official responses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from api.deps import AsyncReaderDep, CurateKey, CursorQuery, IdPath, ReaderDep, SessionDep, get_engine
from api.errors import BadInput, NotFound
from api.provenance.claims_view import claim_detail
from api.provenance.timeline import response_json
from api.schemas import ResponseIn, ResponsePatch
from api.schemas_out import ClaimDetail, ClaimList, OfficialResponse
from db import crud
from db.connection import read_engine
from db.models import Claim, Document, Response

router = APIRouter(prefix="/v1/claims", tags=["claims"])
RESPONSE_FIELDS = ("speaker", "role", "organization", "stance", "date", "quote", "source_url")


@router.get("", summary="Claims, newest first", response_model=ClaimList)
def list_claims(
    session: SessionDep,
    _: ReaderDep,
    limit: int = Query(20, ge=1, le=100),
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    query = select(Claim).order_by(col(Claim.id).desc())
    if cursor:
        try:
            (last,) = crud.decode_cursor(cursor)
            query = query.where(col(Claim.id) < int(last))
        except (ValueError, TypeError) as exc:
            raise BadInput("invalid cursor", field="cursor") from exc
    rows = list(session.exec(query.limit(limit + 1)).all())
    next_cursor = crud.encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return {"items": [{"id": c.id, "text": c.text} for c in rows[:limit]], "next_cursor": next_cursor}


@router.get("/{claim_id}", summary="A claim, its appearances and full provenance", response_model=ClaimDetail)
async def get_claim(claim_id: IdPath, request: Request, _: AsyncReaderDep) -> dict[str, Any]:
    """Async with one thread-pool call for all its database work (see api/routes/match.py)."""
    engine, cache = read_engine(get_engine(request)), request.app.state.provenance_cache
    base_url = str(request.base_url).rstrip("/")

    def read() -> JSONResponse:
        with Session(engine, expire_on_commit=False) as session:
            detail = claim_detail(
                session=session,
                claim_id=claim_id,
                base_url=base_url,
                provenance_cache=cache.for_session(session),
            )
        return JSONResponse(detail)  # plain JSON: skip the recursive encoder

    response: JSONResponse = await run_in_threadpool(read)
    return response  # type: ignore[return-value]  # plain JSON; the annotation documents the body


def _claim_or_404(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    return claim


def _response_or_404(session: Session, claim_id: int, response_id: int) -> Response:
    resp = session.get(Response, response_id)
    if resp is None or resp.claim_id != claim_id or resp.deleted:
        raise NotFound(f"no response {response_id} on claim {claim_id}")
    return resp


def _snapshot(resp: Response) -> dict[str, Any]:
    return {f: getattr(resp, f) for f in (*RESPONSE_FIELDS, "how", "deleted")}


@router.post(
    "/{claim_id}/responses",
    status_code=201,
    summary="Add an official response",
    response_model=OfficialResponse,
)
def add_response(claim_id: IdPath, body: ResponseIn, session: SessionDep, key: CurateKey) -> JSONResponse:
    _claim_or_404(session, claim_id)
    resp = Response(claim_id=claim_id, how="curated", created_by_key_id=key.id, **body.model_dump())
    session.add(resp)
    session.flush()
    crud.audit(
        session=session,
        actor=key.name,
        key_id=key.id,
        action="response.create",
        entity="response",
        entity_id=resp.id,
        after=_snapshot(resp),
    )
    session.commit()
    return JSONResponse(_json(session, resp), status_code=201)


@router.patch(
    "/{claim_id}/responses/{response_id}", summary="Correct a response", response_model=OfficialResponse
)
def edit_response(
    claim_id: IdPath, response_id: IdPath, body: ResponsePatch, session: SessionDep, key: CurateKey
) -> dict[str, Any]:
    resp = _response_or_404(session, claim_id, response_id)
    before = _snapshot(resp)
    changes = body.model_dump(exclude_unset=True)
    if "quote" in changes and not (changes["quote"] or "").strip():
        raise BadInput("quote is empty", field="quote")
    if "stance" in changes and changes["stance"] is None:
        raise BadInput("stance cannot be null", field="stance")
    for name, value in changes.items():
        setattr(resp, name, value)
    # An edited extracted response becomes curated, so re-ingestion never overwrites it.
    resp.how = "curated"
    resp.updated_at = datetime.now(UTC)
    session.add(resp)
    crud.audit(
        session=session,
        actor=key.name,
        key_id=key.id,
        action="response.update",
        entity="response",
        entity_id=resp.id,
        before=before,
        after=_snapshot(resp),
    )
    session.commit()
    return _json(session, resp)


@router.delete("/{claim_id}/responses/{response_id}", status_code=204, summary="Remove a response")
def delete_response(claim_id: IdPath, response_id: IdPath, session: SessionDep, key: CurateKey) -> None:
    resp = _response_or_404(session, claim_id, response_id)
    before = _snapshot(resp)
    resp.deleted = True
    resp.how = "curated"  # a curated removal: re-ingestion must not bring it back
    resp.updated_at = datetime.now(UTC)
    session.add(resp)
    crud.audit(
        session=session,
        actor=key.name,
        key_id=key.id,
        action="response.delete",
        entity="response",
        entity_id=resp.id,
        before=before,
        after=_snapshot(resp),
    )
    session.commit()


def _json(session: Session, resp: Response) -> dict[str, Any]:
    doc = session.get(Document, resp.document_id) if resp.document_id else None
    return response_json(resp, doc, session=session)
