"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api import __version__
from db.connection import current_revision, head_revision

router = APIRouter(tags=["operations"])
READY_RETRY_AFTER_S = 5  # seconds a probe is asked to wait when the database is unreachable


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/readyz", summary="Database reachable and migrations current")
def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, head = current_revision(engine), head_revision()
    except Exception as exc:
        return JSONResponse(
            {"status": "unavailable", "reason": type(exc).__name__},
            503,
            headers={"Retry-After": str(READY_RETRY_AFTER_S)},
        )
    ready = current == head
    body = {
        "status": "ready" if ready else "migrations_pending",
        "revision": current,
        "head": head,
        "passages_indexed": _indexed(request.app.state.index),
    }
    claim_index = getattr(request.app.state, "claim_index", None)
    if claim_index is not None:  # restatements: claims embedded so far, and the queue's lag
        body["claims_embedded"] = claim_index.embedded()
        body["embedding_lag"] = claim_index.pending()
    return JSONResponse(body, 200 if ready else 503)


def _indexed(index: object) -> int:
    """Passages in the in-memory index (a ``LiveIndex`` wraps the ``MatchEngine`` that counts)."""
    engine = getattr(index, "engine", index)
    return len(engine)  # type: ignore[arg-type]
