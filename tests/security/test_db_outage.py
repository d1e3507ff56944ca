"""The database going away mid-run: every route that needs it answers 503 JSON with
Retry-After (never a 500 or a hang), the others go on answering, and everything recovers once
it is back. PostgreSQL is reached through a loopback TCP proxy the test cuts and restores."""

from __future__ import annotations

from typing import Any

from tests.conftest import PG_URL
from tests.factories import make_key
from tests.security.helpers import server_client
from tests.security.routes import Route, fixture_ids, routes
from tests.security.tcp_proxy import TcpProxy

DB_FREE = {
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/healthz",
    "/static",
    "/static/docs/{name}",
    "/favicon.ico",
}
# ...and these, when no key is to be looked up (reads are open here)
DB_FREE_WITHOUT_KEY = {("GET", "/check"), ("GET", "/metrics")}


def _call(route: Route, client: Any, key: str) -> Any:
    if route.kind == "form":  # the review form carries its key in a field
        return client.request(route.method, route.url or route.path, data={**(route.data or {}), "key": key})
    return route.call(client, key)


def _pg_port() -> int:
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).port or 5432


def test_outage_answers_503_everywhere_then_recovers(pg_url: str) -> None:
    with TcpProxy(("127.0.0.1", _pg_port())) as proxy:
        url = pg_url.replace(f":{_pg_port()}/", f":{proxy.port}/", 1)
        assert url != pg_url
        admin = make_key(url, "admin")
        with server_client(url) as client:
            ids = fixture_ids(client, admin)
            table = routes(ids)
            before = {(r.method, r.path): _call(r, client, admin).status_code for r in table}
            assert all(s < 500 for s in before.values()), before

            proxy.cut()
            failures = []
            for route in table:
                calls: list[tuple[str | None, Any]] = [(admin, _call(route, client, admin))]
                if route.kind in ("read", "metrics", "open"):
                    calls.append((None, route.call(client, None)))  # no key: nothing to look up first
                for key, resp in calls:
                    where = f"{route.method} {route.url or route.path} (key: {bool(key)}): {resp.status_code}"
                    no_db = route.path in DB_FREE or (
                        key is None and (route.method, route.path) in DB_FREE_WITHOUT_KEY
                    )
                    if no_db:
                        if resp.status_code != 200:
                            failures.append(f"{where}, expected 200 (needs no database)")
                        continue
                    if resp.status_code != 503 or resp.headers.get("retry-after") is None:
                        failures.append(f"{where}, expected 503 with Retry-After: {resp.text[:150]}")
                        continue
                    body = resp.json()
                    if route.path == "/readyz":
                        ok = body.get("status") == "unavailable"
                    else:
                        ok = body["error"]["code"] == "unavailable" and body["error"]["status"] == 503
                    if not ok:
                        failures.append(f"{where}: body {body}")
            assert not failures, "\n".join(failures)

            proxy.restore()
            after = {(r.method, r.path): _call(r, client, admin).status_code for r in table}
            changed = {k: (before[k], after[k]) for k in before if after[k] >= 500}
            assert not changed, changed
            assert client.get("/readyz").status_code == 200
