"""FastAPI dependencies: settings, database session, match index, API key checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import keys
from api.errors import Unauthorized
from api.matching.claims import ClaimIndex
from api.matching.protocol import MatchIndex
from api.settings import Settings
from db.crud import CURSOR_PATTERN, MAX_ID
from db.models import ApiKey

# Path ids and page cursors as the OpenAPI declares them: an id is what a primary key can hold
# (db.crud.MAX_ID), a cursor the decimal id a page ended at (db.crud.CURSOR_PATTERN).
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description=f"An id (1 to {MAX_ID})")]
CursorQuery = Annotated[
    str | None,
    Query(pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page (a decimal id)"),
]


def app_settings(request: Request) -> Settings:
    """The settings the app was made with (tests make apps with their own)."""
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def get_index(request: Request) -> MatchIndex:
    return request.app.state.index


def get_claim_index(request: Request) -> ClaimIndex | None:
    """Restatements and translations (None when the settings turn them off)."""
    return getattr(request.app.state, "claim_index", None)


def current_key(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    authorization: Annotated[str | None, Header()] = None,
) -> ApiKey | None:
    key = keys.authenticate(session=session, authorization=authorization)
    if key is not None:
        request.state.key_id = key.id  # for the access log (api/observability.py)
    return key


def require_read_key(key: ApiKey | None, *, required: bool) -> ApiKey | None:
    """The one read-access rule: when ``required``, reading needs a valid key (any scope)."""
    if required and key is None:
        raise Unauthorized("this server requires an API key for reading (Authorization: Bearer)")
    return key


def metrics_need_key(settings: Settings) -> bool:
    """``/metrics`` follows the read rule unless ``CLAIMSCOPE_METRICS_REQUIRE_KEY`` says otherwise."""
    if settings.metrics_require_key is not None:
        return settings.metrics_require_key
    return settings.require_key_for_read


def reader(
    key: Annotated[ApiKey | None, Depends(current_key)],
    settings: Annotated[Settings, Depends(app_settings)],
) -> ApiKey | None:
    """Every read: the ``/v1`` reads, matching, and the HTML pages."""
    return require_read_key(key, required=settings.require_key_for_read)


def ingester(key: Annotated[ApiKey | None, Depends(current_key)]) -> ApiKey:
    return keys.require_scope(key, "ingest")


def curator(key: Annotated[ApiKey | None, Depends(current_key)]) -> ApiKey:
    return keys.require_scope(key, "curate")


def admin(key: Annotated[ApiKey | None, Depends(current_key)]) -> ApiKey:
    return keys.require_scope(key, "admin")


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
IndexDep = Annotated[MatchIndex, Depends(get_index)]
ReaderDep = Annotated[ApiKey | None, Depends(reader)]
IngestKey = Annotated[ApiKey, Depends(ingester)]
CurateKey = Annotated[ApiKey, Depends(curator)]
AdminKey = Annotated[ApiKey, Depends(admin)]


async def read_key(request: Request, authorization: str | None, *, required: bool) -> ApiKey | None:
    """:func:`require_read_key` for async endpoints: no thread-pool hop when there is no key."""
    if not authorization:  # keys.authenticate answers None without touching the database
        return require_read_key(None, required=required)

    def check() -> ApiKey | None:
        with Session(get_engine(request), expire_on_commit=False) as session:
            return require_read_key(current_key(request, session, authorization), required=required)

    return await run_in_threadpool(check)


async def async_reader(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> ApiKey | None:
    """``api.deps.reader`` without a thread-pool hop when there is no key to look up."""
    return await read_key(request, authorization, required=app_settings(request).require_key_for_read)


AsyncReaderDep = Annotated[ApiKey | None, Depends(async_reader)]
