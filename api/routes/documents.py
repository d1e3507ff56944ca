"""Documents: ingest one (write, ``ingest`` scope), list, read one, delete one (``admin`` scope)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.deps import AdminKey, CursorQuery, IdPath, IndexDep, IngestKey, ReaderDep, SessionDep, SettingsDep
from api.errors import BadInput, NotFound, RejectedInput, TooLarge
from api.ingest.sources import record_to_raw
from api.linking.outlets import outlet_json
from api.pipeline.delete import delete_document
from api.pipeline.ingestor import Ingestor, Outcome
from api.provenance.documents import reuse_relations
from api.schemas import DocumentIn
from api.schemas_out import DeletedDocument, DocumentDetail, DocumentList, IngestOut
from db import crud
from db.models import Document, Outlet

router = APIRouter(prefix="/v1/documents", tags=["documents"])


def summary_json(doc: Document, outlet: Outlet | None) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "url": doc.url,
        "outlet": outlet_json(outlet),
        "author": doc.author,
        "published_at": doc.published_at,
        "date_precision": doc.date_precision,
        "not_after": doc.published_not_after,
        "language": doc.language,
        "source_format": doc.source_format,
        "ingested_at": doc.ingested_at.isoformat() if doc.ingested_at else None,
    }


@router.post(
    "",
    status_code=201,
    summary="Ingest one document (text, HTML or a URL)",
    response_model=IngestOut,
    responses={
        200: {"model": IngestOut, "description": "Already stored, unchanged"},
        201: {"description": "Stored"},
        401: {},
        403: {},
        413: {},
        422: {},
    },
)
def post_document(body: DocumentIn, request: Request, key: IngestKey, settings: SettingsDep) -> JSONResponse:
    content = body.html or body.text
    if content is not None and len(content.encode("utf-8")) > settings.max_document_bytes:
        raise TooLarge(f"document over the {settings.max_document_bytes} byte limit", field="text")
    ingestor = Ingestor(
        request.app.state.engine,
        settings=settings,
        index=request.app.state.index,
        key_id=key.id,
        actor=key.name,
    )
    if content is None:
        if not body.url:
            raise BadInput("give 'text', 'html' or a 'url' to fetch", field="text")
        outcomes = ingestor.ingest_url(body.url)
    else:
        try:
            raw = record_to_raw(body.model_dump(exclude_none=True), source_name="api", source_format="api")
        except ValueError as exc:
            raise BadInput(str(exc), field="text") from exc
        outcomes = ingestor.ingest_raw(raw)
    return _outcomes_response(outcomes)


def _outcomes_response(outcomes: list[Outcome]) -> JSONResponse:
    rejected = [o for o in outcomes if o.status == "rejected"]
    if rejected and len(rejected) == len(outcomes):
        raise RejectedInput(rejected[0].reason or "rejected", field="text")
    status = 200 if all(o.status == "unchanged" for o in outcomes) else 201
    return JSONResponse({"documents": [o.as_dict() for o in outcomes]}, status_code=status)


@router.get("", summary="Documents, newest first", response_model=DocumentList)
def list_documents(
    session: SessionDep,
    _: ReaderDep,
    limit: int = Query(20, ge=1, le=100),
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    try:
        docs, next_cursor = crud.list_documents(session=session, limit=limit, cursor=cursor)
    except ValueError as exc:
        raise BadInput(str(exc), field="cursor") from exc
    return {
        "items": [summary_json(d, session.get(Outlet, d.outlet_id) if d.outlet_id else None) for d in docs],
        "next_cursor": next_cursor,
    }


@router.get(
    "/{document_id}", summary="One document: metadata, attributions, passages", response_model=DocumentDetail
)
def get_document(document_id: IdPath, session: SessionDep, index: IndexDep, _: ReaderDep) -> dict[str, Any]:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"no document {document_id}")
    outlet = session.get(Outlet, doc.outlet_id) if doc.outlet_id else None
    attributions = crud.document_attributions(session=session, document_id=document_id)
    passages = crud.document_passages(session=session, document_id=document_id)
    return {
        **summary_json(doc, outlet),
        "text": doc.text,
        "date_evidence": doc.date_evidence,
        "attributions": [
            {
                "outlet": a.outlet_name,
                "outlet_id": a.outlet_id,
                "kind": a.kind,
                "cited_date": a.cited_date,
                "cited_date_precision": a.cited_date_precision,
                "evidence": a.evidence,
                "start": a.start,
                "end": a.end,
            }
            for a in attributions
        ],
        "passages": [
            {
                "id": p.id,
                "ordinal": p.ordinal,
                "start": p.start,
                "end": p.end,
                "text": p.text,
                "kind": p.kind,
                "claim_id": p.claim_id,
            }
            for p in passages
        ],
        "reuse": reuse_relations(session=session, document_id=document_id, index=index),
    }


@router.delete(
    "/{document_id}",
    summary="Delete a document: it leaves the index and every claim's provenance",
    response_model=DeletedDocument,
    responses={401: {}, 403: {}, 404: {}},
)
def remove_document(document_id: IdPath, request: Request, key: AdminKey) -> dict[str, Any]:
    """Its passages leave their claims (a claim left empty is removed, unless it has curated
    responses), the claims' text is derived again, and the deletion is audited. Answers what
    went: ``{"document_id", "passages", "claims_removed", "claims_changed"}``."""
    return delete_document(
        engine=request.app.state.engine,
        index=request.app.state.index,
        document_id=document_id,
        actor=key.name,
        key_id=key.id,
    )
