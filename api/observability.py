"""Operations: one JSON log line per request, request ids, and Prometheus metrics.

``ObservabilityMiddleware`` (plain ASGI, outermost) gives every request an id (the caller's
``X-Request-ID`` when it is a sane token, else a fresh one), echoes it in the response header,
times the request and then

- writes one JSON line to the ``claimscope.access`` logger: ``ts``, ``request_id``, ``method``,
  ``route`` (the route *template*, e.g. ``/v1/claims/{claim_id}``), ``status``, ``duration_ms``,
  ``key_id`` (the API key's id when one authenticated, else null). Never the query string, the
  highlighted text or any request body: readers' highlights are private;
- counts it in ``claimscope_http_requests_total{method,route,status}`` and observes
  ``claimscope_http_request_duration_seconds{method,route,status}``, served at ``/metrics``.

Metrics live in one registry per app. With several worker processes set
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode) and ``/metrics`` adds up
every process; otherwise it shows the process that answered.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Mount

from api.deps import app_settings, metrics_need_key, read_key

access_log = logging.getLogger("claimscope.access")
REQUEST_ID_HEADER = "x-request-id"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The request counter and latency histogram of one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "claimscope_http_requests",
            "HTTP requests answered",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "claimscope_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ("method", "route", "status"),
            buckets=BUCKETS,
            registry=self.registry,
        )

        self.embedding_lag = Gauge(
            "claimscope_embedding_lag_claims",
            "Claims not embedded yet (the restatement queue), per model",
            ("model",),
            registry=self.registry,
        )
        self.ratelimit_backend_errors = Counter(
            "claimscope_ratelimit_backend_errors",
            "Rate-limit storage (Redis) round trips that failed; requests were let through unlimited",
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method, route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


async def metrics_endpoint(request: Request) -> Response:
    """``GET /metrics``: Prometheus text format; needs a key as ``api.deps.metrics_need_key`` says."""
    settings = app_settings(request)
    await read_key(request, request.headers.get("authorization"), required=metrics_need_key(settings))
    metrics = request.app.state.metrics
    claim_index = getattr(request.app.state, "claim_index", None)
    if claim_index is not None:  # the embedding queue's lag, read now (two counts, off the loop)
        try:
            for model, lag in (await run_in_threadpool(claim_index.pending)).items():
                metrics.embedding_lag.labels(model).set(lag)
        except SQLAlchemyError:  # the database is down: /metrics still answers, the lag as last read
            logging.getLogger("claimscope.metrics").info("embedding lag not read: database unavailable")
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


def configure_access_log() -> None:
    """Send ``claimscope.access`` lines, bare JSON, to stderr (once; other handlers may be added)."""
    if access_log.level == logging.NOTSET:
        access_log.setLevel(logging.INFO)
    if any(getattr(h, "claimscope_access", False) for h in access_log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.claimscope_access = True  # type: ignore[attr-defined]
    access_log.addHandler(handler)
    access_log.propagate = False  # the line is the whole record: no second, prefixed copy


def flat_routes(routes: Any) -> list[Any]:
    """Every leaf route, looking inside included routers (FastAPI wraps them since 0.16x)."""
    out: list[Any] = []
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        out.extend(flat_routes(inner) if inner is not None else [route])
    return out


def route_template(scope: dict[str, Any], routes: list[Any] | None = None) -> str:
    """The route's path template (``/v1/claims/{claim_id}``); ``unmatched`` when none matches.

    Taken from ``scope["route"]`` when the router set an API route there, else matched here
    against ``routes`` (plain Starlette routes, and requests answered before routing, such as
    429s). Templates, never raw paths, keep the metric label sets small.
    """
    route = scope.get("route")
    if getattr(route, "path", None) is None:
        route = None
        for candidate in routes or ():
            try:
                if candidate.matches(scope)[0] is Match.FULL:
                    route = candidate
                    break
            except Exception:  # a route type that cannot match this scope
                continue
    path = getattr(route, "path", None)
    if path is not None and isinstance(route, Mount):
        path = path.rstrip("/") + "/{path}"
    return str(path) if path else "unmatched"


def request_id_of(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1").strip()
            if _SANE_ID.match(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class ObservabilityMiddleware:
    """Plain ASGI middleware: request id, access log line, metrics (see module docstring)."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self._routes: list[Any] | None = None  # the app's routes, flattened on first use

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # routing rewrites root_path (mounts); keep what route matching needs, as it came in
        pristine = {k: scope.get(k) for k in ("type", "path", "root_path", "method", "app")}
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, pristine, request_id, status, time.perf_counter() - started)

    def _record(
        self, scope: dict[str, Any], pristine: dict[str, Any], request_id: str, status: int, seconds: float
    ) -> None:
        if self._routes is None and scope.get("app") is not None:
            self._routes = flat_routes(scope["app"].routes)
        route = route_template({**pristine, "route": scope.get("route")}, self._routes)
        method = scope.get("method", "")
        self.metrics.observe(method, route, status, seconds)
        if not access_log.isEnabledFor(logging.INFO):
            return
        state = scope.get("state") or {}
        line = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "error" if status >= 500 else "info",
            "event": "request",
            "request_id": request_id,
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "key_id": state.get("key_id"),
        }
        access_log.info(json.dumps(line, separators=(",", ":")))
