"""Watches: webhook subscriptions to a claim or an outlet, and their delivery logs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlmodel import col, select

from api.deps import CurateKey, CursorQuery, IdPath, SessionDep, SettingsDep
from api.errors import BadInput
from api.moderation import watch
from api.schemas import RequestModel
from api.schemas_out import DeliveryList, WatchCreated, WatchList
from db import crud
from db.crud import MAX_ID
from db.models import Watch, WebhookDelivery

router = APIRouter(prefix="/v1/watches", tags=["watches"])


class WatchIn(RequestModel):
    claim_id: int | None = Field(None, ge=1, le=MAX_ID, description="Watch this claim")
    outlet_id: int | None = Field(None, ge=1, le=MAX_ID, description="…or this outlet")
    url: str = Field(..., max_length=2000, description="Where events are POSTed")
    secret: str | None = Field(
        None,
        min_length=8,
        max_length=200,
        description="HMAC-SHA256 key for X-ClaimScope-Signature; "
        "generated (and returned once) when not given",
    )


def _page(query: Any, id_col: Any, limit: int, cursor: str | None) -> Any:
    """Newest first, keyset-paginated by id (one row more than asked, to know if more)."""
    if cursor:
        try:
            (last,) = crud.decode_cursor(cursor)
            query = query.where(id_col < int(last))
        except (ValueError, TypeError) as exc:
            raise BadInput("invalid cursor", field="cursor") from exc
    return query.order_by(id_col.desc()).limit(limit + 1)


@router.post(
    "", status_code=201, summary="Subscribe a webhook to a claim or an outlet", response_model=WatchCreated
)
def create(body: WatchIn, session: SessionDep, key: CurateKey, settings: SettingsDep) -> JSONResponse:
    row = watch.create_watch(
        session=session,
        key=key,
        url=body.url,
        claim_id=body.claim_id,
        outlet_id=body.outlet_id,
        secret=body.secret,
        allow_private=settings.allow_private_fetch,
    )
    crud.audit(
        session=session,
        actor=key.name,
        key_id=key.id,
        action="watch.create",
        entity="watch",
        entity_id=row.id,
        after=watch.watch_json(row),
    )
    session.commit()
    return JSONResponse(watch.watch_json(row, with_secret=True), status_code=201)


@router.get("", summary="Your watches, newest first (admin keys see all)", response_model=WatchList)
def list_watches(
    session: SessionDep,
    key: CurateKey,
    limit: int = Query(20, ge=1, le=100),
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    query = _page(watch.visible_watches(session, key), col(Watch.id), limit, cursor)
    rows = list(session.exec(query).all())
    nxt = crud.encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return {"items": [watch.watch_json(w) for w in rows[:limit]], "next_cursor": nxt}


@router.delete("/{watch_id}", status_code=204, summary="Remove a watch (pending events dropped)")
def delete(watch_id: IdPath, session: SessionDep, key: CurateKey) -> None:
    row = watch.get_watch(session, key, watch_id)
    watch.cancel_watch(session=session, watch=row)
    crud.audit(
        session=session,
        actor=key.name,
        key_id=key.id,
        action="watch.delete",
        entity="watch",
        entity_id=row.id,
        before=watch.watch_json(row),
    )
    session.commit()


@router.get(
    "/{watch_id}/deliveries", summary="The delivery log of a watch, newest first", response_model=DeliveryList
)
def deliveries(
    watch_id: IdPath,
    session: SessionDep,
    key: CurateKey,
    limit: int = Query(20, ge=1, le=100),
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    watch.get_watch(session, key, watch_id)
    query = _page(
        select(WebhookDelivery).where(WebhookDelivery.watch_id == watch_id),
        col(WebhookDelivery.id),
        limit,
        cursor,
    )
    rows = list(session.exec(query).all())
    nxt = crud.encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return {"items": [watch.delivery_json(d) for d in rows[:limit]], "next_cursor": nxt}
