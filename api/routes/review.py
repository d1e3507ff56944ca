"""The review queue: uncertain links waiting for a moderator (JSON API and the /review page).

Reading the queue through the API and deciding need a ``curate`` key. The page lists the queue
like the other pages (the one read rule, ``api.deps.reader``: open unless reads need a key, then
any valid key in ``Authorization``) and its plain HTML forms carry the curate key in a password
field, since a form cannot send an Authorization header.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api import keys
from api.deps import CurateKey, CursorQuery, IdPath, ReaderDep, SessionDep
from api.errors import ClaimScopeError, Unauthorized
from api.linking.suggestions import KINDS, STATUSES
from api.moderation.review import decide, list_suggestions, suggestion_json
from api.routes.pages import TEMPLATES
from api.schemas_out import Decision, SuggestionList

router = APIRouter(tags=["review"])
StatusQ = Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")$")]
KindQ = Annotated[str | None, Query(pattern="^(" + "|".join(KINDS) + ")$")]


@router.get("/v1/review", summary="Review suggestions, oldest first", response_model=SuggestionList)
def list_review(
    session: SessionDep,
    _: CurateKey,
    status: StatusQ = "pending",
    kind: KindQ = None,
    limit: int = Query(20, ge=1, le=100),
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    rows, next_cursor = list_suggestions(
        session=session, status=status, kind=kind, limit=limit, cursor=cursor
    )
    return {"items": [suggestion_json(s, session) for s in rows], "next_cursor": next_cursor}


@router.post("/v1/review/{suggestion_id}/confirm", summary="Confirm: apply the link", response_model=Decision)
def confirm(suggestion_id: IdPath, session: SessionDep, key: CurateKey) -> dict[str, Any]:
    return decide(session=session, suggestion_id=suggestion_id, confirm=True, key=key)


@router.post(
    "/v1/review/{suggestion_id}/reject", summary="Reject: never suggest it again", response_model=Decision
)
def reject(suggestion_id: IdPath, session: SessionDep, key: CurateKey) -> dict[str, Any]:
    return decide(session=session, suggestion_id=suggestion_id, confirm=False, key=key)


# --- the page ----------------------------------------------------------------------------------


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    request: Request,
    session: SessionDep,
    _: ReaderDep,
    status: str = "pending",
    kind: str = "",
    cursor: str | None = None,
    done: str = "",
    error: str = "",
) -> HTMLResponse:
    context: dict[str, Any] = {
        "status": status,
        "kind": kind,
        "items": [],
        "next_cursor": None,
        "done": done,
        "error": error,
        "statuses": STATUSES,
        "kinds": KINDS,
    }
    code = 200
    try:
        rows, context["next_cursor"] = list_suggestions(
            session=session,
            status=status if status in STATUSES else None,
            kind=kind if kind in KINDS else None,
            limit=50,
            cursor=cursor,
        )
        context["items"] = [suggestion_json(s, session) for s in rows]
    except ClaimScopeError as exc:
        context["error"], code = exc.message, exc.status
    return TEMPLATES.TemplateResponse(request, "review.html", context, status_code=code)


@router.post("/review/{suggestion_id}", response_class=HTMLResponse, include_in_schema=False)
def review_decide(
    suggestion_id: int,
    request: Request,
    session: SessionDep,
    key: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
) -> Any:
    try:
        row = keys.authenticate(
            session=session, authorization=f"Bearer {key.strip()}" if key.strip() else None
        )
        api_key = keys.require_scope(row, "curate")
        if decision not in ("confirm", "reject"):
            raise Unauthorized("choose confirm or reject")
        decide(session=session, suggestion_id=suggestion_id, confirm=decision == "confirm", key=api_key)
    except ClaimScopeError as exc:
        return TEMPLATES.TemplateResponse(
            request,
            "review.html",
            {
                "status": "pending",
                "kind": "",
                "items": [],
                "next_cursor": None,
                "done": "",
                "error": exc.message,
                "statuses": STATUSES,
                "kinds": KINDS,
            },
            status_code=exc.status,
        )
    return RedirectResponse(f"/review?done={decision}ed+{suggestion_id}", status_code=303)
