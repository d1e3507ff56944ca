"""One read-access rule for the /v1 reads, the HTML pages and /metrics, tested as a matrix:
every route × no key / a read key (the lowest scope, ``ingest``) / a write key (``admin``)."""

from __future__ import annotations

from typing import Any

import pytest

from api.app import create_app
from api.observability import flat_routes
from tests.factories import make_key, make_settings
from tests.security.helpers import server_client
from tests.security.routes import KINDS, Route, fixture_ids, routes

KEYS = ("none", "read", "write")


def expected(kind: str, key: str, *, reads_need_key: bool, metrics_need_key: bool) -> int | None:
    """401/403 when access is refused; None when granted (then anything but 401/403/5xx)."""
    if kind == "open":
        return None
    if kind == "read" or kind == "metrics":
        need = reads_need_key if kind == "read" else metrics_need_key
        return 401 if need and key == "none" else None
    if kind == "form":  # the key travels in the form, never in Authorization
        return 401
    if key == "none":
        return 401
    if kind in ("curate", "admin") and key == "read":
        return 403
    return None


def _check(route: Route, key: str, resp: Any, want: int | None) -> str | None:
    where = f"{route.method} {route.url or route.path} with {key} key: {resp.status_code}"
    if want is not None:
        if resp.status_code != want:
            return f"{where}, expected {want}: {resp.text[:200]}"
        if route.kind == "form":  # the review page answers its form with the page and the error
            return None if "text/html" in resp.headers["content-type"] else f"{where}: not the page"
        if "application/json" not in resp.headers.get("content-type", ""):
            return f"{where}: not the JSON error shape: {resp.text[:100]}"
        error = resp.json()["error"]
        code = {401: "invalid_key", 403: "forbidden"}[want]
        if error["status"] != want or error["code"] != code:
            return f"{where}: error body {error}"
        return None
    if resp.status_code in (401, 403) or resp.status_code >= 500:
        return f"{where}, expected access: {resp.text[:200]}"
    if route.kind in ("open", "read", "metrics") and resp.status_code != 200:
        return f"{where}, expected 200: {resp.text[:200]}"
    return None


@pytest.mark.parametrize(
    ("reads_need_key", "metrics_setting"),
    [(True, None), (False, None), (True, False), (False, True)],
    ids=["reads-closed", "reads-open", "reads-closed-metrics-open", "reads-open-metrics-closed"],
)
def test_access_matrix(db_url: str, reads_need_key: bool, metrics_setting: bool | None) -> None:
    keys = {"none": None, "read": make_key(db_url, "ingest", "reader"), "write": make_key(db_url, "admin")}
    metrics_need = reads_need_key if metrics_setting is None else metrics_setting
    with server_client(db_url) as setup:
        ids = fixture_ids(setup, keys["write"])  # type: ignore[arg-type]
    failures = []
    with server_client(
        db_url, require_key_for_read=reads_need_key, metrics_require_key=metrics_setting
    ) as client:
        for route in routes(ids):
            for key in KEYS:
                want = expected(route.kind, key, reads_need_key=reads_need_key, metrics_need_key=metrics_need)
                problem = _check(route, key, route.call(client, keys[key]), want)
                if problem:
                    failures.append(problem)
    assert not failures, "\n".join(failures)


def test_review_page_lists_with_any_valid_key(sqlite_url: str) -> None:
    key = make_key(sqlite_url, "ingest", "reader")
    with server_client(sqlite_url, require_key_for_read=True) as client:
        assert client.get("/review").status_code == 401
        page = client.get("/review", headers={"Authorization": f"Bearer {key}"})
        assert page.status_code == 200 and "Review queue" in page.text
        bad = client.get("/review", headers={"Authorization": "Bearer cs_nope_nope"})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_key"


def test_the_table_lists_every_route(sqlite_url: str) -> None:
    app = create_app(make_settings(sqlite_url))
    in_app = set()
    for r in flat_routes(app.routes):
        for method in getattr(r, "methods", None) or {"GET"}:
            if method != "HEAD":
                in_app.add((method, r.path))
    table = routes({"claim": 1, "response": 1, "document": 1, "outlet": 1})
    assert {r.kind for r in table} <= set(KINDS)
    listed = {(r.method, r.path) for r in table}
    assert in_app == listed, {"not in the table": in_app - listed, "not in the app": listed - in_app}
