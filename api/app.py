"""The FastAPI application: wiring only. Routes live in api/routes, the engine elsewhere."""

from __future__ import annotations

import logging
import os
import socket
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import __version__
from api.errors import ClaimScopeError, RateLimited, TooLarge, Unavailable
from api.matching.claims import ClaimIndex
from api.matching.embedding import EmbeddingWorker
from api.matching.live import LiveIndex
from api.moderation.delivery import start_app_worker
from api.observability import (
    Metrics,
    ObservabilityMiddleware,
    configure_access_log,
    flat_routes,
    metrics_endpoint,
)
from api.openapi import ERROR_RESPONSES
from api.pipeline.restatements import RestatementService
from api.provenance.cache import ProvenanceCache
from api.ratelimit import RateLimitMiddleware, RedisLimiter, make_limiter, parse_networks
from api.routes import (
    check,
    claims,
    docs,
    documents,
    export,
    factchecks,
    health,
    match,
    outlets,
    pages,
    review,
    watch,
)
from api.security import SecurityHeadersMiddleware
from api.security import header_dict as security_headers
from api.settings import Settings, get_settings, index_directory
from db.connection import get_engine

log = logging.getLogger("claimscope")
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Browser extensions call the API from their own origins; nothing broader is allowed by default.
EXTENSION_ORIGINS = r"^(chrome-extension|moz-extension|safari-web-extension)://[A-Za-z0-9._-]+$"


# Seconds a client is asked to wait when the database cannot be reached (Retry-After).
DB_RETRY_AFTER_S = 5
# What SQLAlchemy raises when the database is down, unreachable, or its pool is exhausted.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def error_response(exc: ClaimScopeError) -> JSONResponse:
    headers = {}
    if isinstance(exc, RateLimited | Unavailable):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` once a body passes the limit. An HTTPException so that FastAPI's
    body reading lets it through (it turns other errors into a 400); answered as ``TooLarge``."""

    def __init__(self, error: TooLarge) -> None:
        super().__init__(status_code=error.status, detail=error.message)
        self.error = error


class BodySizeLimitMiddleware:
    """Plain ASGI middleware: 413 (JSON error body) when a request body is over ``max_bytes``.

    ``Content-Length`` over the limit is refused before anything is read. A body without one
    (``Transfer-Encoding: chunked``), or one longer than it said, is counted as it is received:
    the request ends with a 413 at the first chunk past the limit, so at most ``max_bytes`` plus
    one chunk is ever held, however much the client goes on sending.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` costs a
    task and a pair of memory streams per request, for a header check.
    """

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                length = value.decode("latin-1")
                if length.isdigit() and int(length) > self.max_bytes:
                    response = error_response(
                        TooLarge(f"request body is {length} bytes; the limit is {self.max_bytes}")
                    )
                    await response(scope, receive, send)
                    return
                break
        received = 0
        started = False

        async def counting_receive() -> dict[str, Any]:
            nonlocal received
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(
                        TooLarge(f"request body over the {self.max_bytes} byte limit (counted as received)")
                    )
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:  # read outside FastAPI's routing (a middleware, ...)
            if started:
                raise
            await error_response(exc.error)(scope, receive, send)


def _printable(value: object) -> str:
    """``str(value)`` that encodes as UTF-8: a lone surrogate (in an unknown field's name, ...)
    is shown escaped rather than failing the whole error answer."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {}
    loc = [_printable(p) for p in first.get("loc", []) if p not in ("body", "query", "path")]
    field = ".".join(loc) or None
    msg = _printable(first.get("msg", "invalid input")).removeprefix("Value error, ")
    message = f"{field}: {msg}" if field else msg
    body: dict[str, Any] = {
        "error": {
            "code": "invalid_input",
            "message": message,
            "status": 422,
            "field": field,
            "details": [
                {"field": ".".join(map(_printable, e.get("loc", []))), "message": _printable(e.get("msg"))}
                for e in errors
            ],
        }
    }
    return JSONResponse(body, status_code=422)


def allowed_methods(request: Request) -> str:
    """``Allow`` for a 405: every method some route serves at this path (Starlette's own header
    names only the first route that matched the path, e.g. PATCH where PATCH and DELETE are)."""
    methods: set[str] = set()
    for route in flat_routes(request.app.routes):
        regex, served = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and served and regex.match(request.url.path):
            methods |= set(served)
    return ", ".join(sorted(methods))


def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if isinstance(exc, BodyTooLarge):
        return error_response(exc.error)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # RFC 9110: a 405 names the methods the resource supports
        headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
    return JSONResponse(
        {"error": {"code": code, "message": str(exc.detail), "status": exc.status_code}},
        status_code=exc.status_code,
        headers=headers,
    )


def _out_of_range(_: Request, exc: Exception) -> JSONResponse:
    """A value the database cannot hold (an id past 64 bits, ...): the input's fault, not ours."""
    log.info("input out of range for the database: %s", type(exc).__name__)
    return JSONResponse(
        {
            "error": {
                "code": "invalid_input",
                "status": 422,
                "message": "a value in the request is out of range",
            }
        },
        status_code=422,
    )


def _database_down(_: Request, exc: Exception) -> JSONResponse:
    """The database cannot be reached (down, restarting, network, pool exhausted): 503 with
    Retry-After, on every route; the pool replaces the broken connections once it is back."""
    log.warning("database unavailable: %s", type(exc).__name__)
    return error_response(
        Unavailable("the database is unavailable; try again shortly", retry_after=DB_RETRY_AFTER_S)
    )


def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return JSONResponse(
        {"error": {"code": "internal", "message": "internal error; see the server log", "status": 500}},
        status_code=500,
        headers=security_headers(),  # answered outside the middlewares: they cannot add them
    )


def enable_tcp_nodelay() -> int:
    """Set ``TCP_NODELAY`` on this process's server TCP sockets (listening, or bound and not yet
    listening); returns how many.

    ``uvicorn --workers N`` binds its socket itself (``socket.socket(family)``, protocol 0), and
    asyncio only sets ``TCP_NODELAY`` on connections whose socket says ``IPPROTO_TCP``: so every
    worker answered with Nagle's algorithm on. The h11 server writes a response's head and body
    separately, and the body then waited for the client's delayed ACK: about 40 ms on every
    request (2 workers answered slower than 1). Accepted sockets inherit the option from the
    listening socket (Linux), so setting it there, before serving, covers every connection.
    Connected sockets (database, Redis) are left alone.
    """
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux: nothing to find this way
        return 0
    done = 0
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            with socket.socket(fileno=os.dup(fd)) as sock:
                if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
                    continue
                if not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                    if sock.getsockname()[1] == 0:
                        continue  # not bound: nobody's server socket
                    try:
                        sock.getpeername()
                        continue  # connected: a client connection, not ours to change
                    except OSError:
                        pass  # bound, not connected: a server socket before listen()
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                done += 1
        except OSError:  # closed meanwhile, ...
            continue
    return done


def _load_index(app: FastAPI, settings: Settings) -> None:
    engine = get_engine(settings.database_url)
    app.state.engine = engine
    index = LiveIndex(
        engine, sync_interval_ms=settings.index_sync_interval_ms, snapshot_dir=index_directory(settings)
    )
    index.load()
    app.state.index = index
    app.state.provenance_cache = ProvenanceCache()
    app.state.claim_index = None
    app.state.restatements = None


def _start_restatements(app: FastAPI, settings: Settings) -> Any:
    """Restatements (``api.pipeline.restatements``); returns their stop."""
    if not settings.restatements:
        return lambda: None

    def ready(claim_index: ClaimIndex, worker: EmbeddingWorker | None) -> None:
        app.state.claim_index = claim_index
        app.state.embedding_worker = worker

    service = RestatementService(app.state.engine, embed_worker=settings.embed_worker, on_ready=ready)
    app.state.restatements = service
    service.start()
    return service.stop


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        enable_tcp_nodelay()  # before uvicorn serves: see its docstring
        _load_index(app, settings)
        stop_webhooks = start_app_worker(app)
        stop_embedding = _start_restatements(app, settings)
        yield
        stop_embedding()
        stop_webhooks()
        close = getattr(app.state.limiter, "close", None)
        if close is not None:
            await close()

    app = FastAPI(
        title="ClaimScope",
        version=__version__,
        description="Where did this text come from? Match a highlight against the claim index "
        "and get its provenance: first publication, republishers, official responses.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc come from api/routes/docs.py, with no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    # Settings come from app.state (api.deps.app_settings), not dependency_overrides: FastAPI
    # re-inspects an overridden dependency's signature on every request.
    limiter = app.state.limiter = make_limiter(settings)
    if limiter is not None:  # innermost of the middlewares: a 429 still gets CORS headers and a log line
        app.add_middleware(
            RateLimitMiddleware,
            limiter=limiter,
            ip_limit=settings.rate_limit_per_ip_per_minute,
            proxies=parse_networks(settings.forwarded_allow_ips),
        )
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=EXTENSION_ORIGINS,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)

    app.add_exception_handler(ClaimScopeError, lambda r, e: error_response(e))  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(OverflowError, _out_of_range)  # SQLite
    app.add_exception_handler(DataError, _out_of_range)  # PostgreSQL: integer out of range, ...
    for down in DATABASE_DOWN:
        app.add_exception_handler(down, _database_down)
    app.add_exception_handler(Exception, _unexpected)

    for module in (
        health,
        documents,
        match,
        claims,
        outlets,
        check,
        pages,
        review,
        watch,
        factchecks,
        export,
        docs,
    ):
        # every API operation documents the error answers it can give (api/openapi.py)
        plain = module in (health, pages, docs)
        app.include_router(module.router, responses=None if plain else ERROR_RESPONSES)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.state.metrics = Metrics()
    if isinstance(limiter, RedisLimiter):  # a Redis outage shows on /metrics (and /readyz)
        limiter.on_error = app.state.metrics.ratelimit_backend_errors.inc
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    configure_access_log()
    # outside the others: a 413, a 429 and a CORS preflight answer carry the headers too
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics)  # outermost
    return app
