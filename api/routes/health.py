"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api import __version__
from api.schemas_out import Health, Ready
from db.connection import current_revision, head_revision

router = APIRouter(tags=["operations"])
READY_RETRY_AFTER_S = 5  # seconds a probe is asked to wait when the database is unreachable


@router.get("/healthz", summary="The process is up", response_model=Health)
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get(
    "/readyz",
    summary="Database (and Redis, when rate limits use it) reachable; migrations current",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "Not ready; see Retry-After when unreachable"}},
)
def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, head = current_revision(engine), head_revision()
    except Exception as exc:
        return _unavailable(type(exc).__name__)
    # Rate limits shared through Redis: while it is unreachable the limiter lets every request
    # through (api/ratelimit.py), so the process is not ready to take traffic.
    ping = getattr(request.app.state.limiter, "ping_sync", None)
    redis_error = ping() if ping is not None else None
    if redis_error is not None:
        return _unavailable(f"redis: {redis_error}")
    ready = current == head
    body = {
        "status": "ready" if ready else "migrations_pending",
        "revision": current,
        "head": head,
        "passages_indexed": _indexed(request.app.state.index),
    }
    claim_index = getattr(request.app.state, "claim_index", None)
    service = getattr(request.app.state, "restatements", None)
    if service is not None and service.warming:
        body["restatements"] = "warming"  # copies are answered; restatements once built
    if claim_index is not None:  # restatements: claims embedded so far, and the queue's lag
        body["claims_embedded"] = claim_index.embedded()
        body["embedding_lag"] = claim_index.pending()
    return JSONResponse(body, 200 if ready else 503)


def _unavailable(reason: str) -> JSONResponse:
    return JSONResponse(
        {"status": "unavailable", "reason": reason},
        503,
        headers={"Retry-After": str(READY_RETRY_AFTER_S)},
    )


def _indexed(index: object) -> int:
    """Passages in the in-memory index (a ``LiveIndex`` wraps the ``MatchEngine`` that counts)."""
    engine = getattr(index, "engine", index)
    return len(engine)  # type: ignore[arg-type]
