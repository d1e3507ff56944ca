"""The outlet registry: list and correct outlets (``curate`` scope to edit)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from api.deps import CurateKey, CursorQuery, IdPath, ReaderDep, SessionDep
from api.errors import BadInput, NotFound
from api.linking.outlets import outlet_json
from api.schemas import OutletPatch
from api.schemas_out import OutletList, OutletOut
from db import crud
from db.models import Outlet

# Fields a PATCH may set to null (the column is optional): ``publisher: null`` clears it.
NULLABLE = frozenset({"publisher"})

router = APIRouter(prefix="/v1/outlets", tags=["outlets"])


def _full(o: Outlet) -> dict[str, Any]:
    return {**(outlet_json(o) or {}), "domains": o.domains, "aliases": o.aliases, "publisher": o.publisher}


@router.get("", summary="Outlets in the registry", response_model=OutletList)
def list_outlets(
    session: SessionDep,
    _: ReaderDep,
    limit: int = Query(50, ge=1, le=200),
    cursor: CursorQuery = None,
) -> dict[str, Any]:
    try:
        rows, next_cursor = crud.list_outlets(session=session, limit=limit, cursor=cursor)
    except (ValueError, TypeError) as exc:
        raise BadInput("invalid cursor", field="cursor") from exc
    return {"items": [_full(o) for o in rows], "next_cursor": next_cursor}


@router.patch(
    "/{outlet_id}", summary="Correct an outlet (name, kind, domains, aliases)", response_model=OutletOut
)
def patch_outlet(outlet_id: IdPath, body: OutletPatch, session: SessionDep, key: CurateKey) -> dict[str, Any]:
    outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        raise NotFound(f"no outlet {outlet_id}")
    before = _full(outlet)
    for name, value in body.model_dump(exclude_unset=True).items():
        if value is None and name not in NULLABLE:
            raise BadInput(f"{name} cannot be null", field=name)
        setattr(outlet, name, value)
    session.add(outlet)
    crud.audit(
        session=session,
        actor=key.name,
        key_id=key.id,
        action="outlet.update",
        entity="outlet",
        entity_id=outlet.id,
        before=before,
        after=_full(outlet),
    )
    session.commit()
    return _full(outlet)
