"""The OpenAPI schema is as strict as the server, and the server sends what it declares (issue 17).

Every ``/v1`` operation declares a response schema for its 2xx answers; real answers of every
route (tests/security/routes.py) are checked against it — no undeclared field, no null where the
schema says there is none; ids are bounded to what the database holds; the cursor format the
schema documents is accepted; a method a path does not serve is a 405 with ``Allow``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from api.app import create_app
from db.crud import MAX_ID
from tests.factories import auth, make_key, make_settings
from tests.security.helpers import server_client
from tests.security.routes import MISSING, fixture_ids, routes

JSON_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _strict(components: dict[str, Any]) -> dict[str, Any]:
    """The component schemas with ``additionalProperties: false`` wherever properties are
    listed and nothing else is said: an undeclared field is a failure here."""
    out = copy.deepcopy(components)
    for schema in out.values():
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
    return out


def violations(value: Any, schema: dict[str, Any], components: dict[str, Any], where: str = "$") -> list[str]:
    """A small JSON Schema check ($ref, anyOf, type, properties, required, items)."""
    if "$ref" in schema:
        return violations(value, components[schema["$ref"].rsplit("/", 1)[-1]], components, where)
    if "anyOf" in schema:
        options = [violations(value, s, components, where) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else min(options, key=len)
    kind = schema.get("type")
    if kind is not None:
        if isinstance(value, bool) and kind in ("integer", "number"):
            return [f"{where}: {value!r} is not {kind}"]
        if not isinstance(value, JSON_TYPES[kind]):
            return [f"{where}: {type(value).__name__} {str(value)[:40]!r} is not {kind}"]
    problems: list[str] = []
    if isinstance(value, dict):
        props = schema.get("properties", {})
        problems += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                problems += violations(v, props[k], components, f"{where}.{k}")
            elif extra is False:
                problems.append(f"{where}: undeclared field {k!r}")
            elif isinstance(extra, dict):
                problems += violations(v, extra, components, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += violations(item, schema["items"], components, f"{where}[{i}]")
    return problems


def _v1_operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in openapi["paths"].items()
        if path.startswith("/v1/")
        for method, op in item.items()
    ]


def test_every_v1_operation_declares_its_success_body(sqlite_url: str) -> None:
    openapi = create_app(make_settings(sqlite_url)).openapi()
    missing = []
    for method, path, op in _v1_operations(openapi):
        ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        assert ok, f"{method} {path}: no 2xx response"
        for code, response in ok.items():
            if code == "204":
                assert "content" not in response, f"{method} {path}: a 204 has no body"
                continue
            for media, content in response.get("content", {}).items():
                schema = content.get("schema", {})
                if media == "application/json" and "$ref" not in schema:
                    missing.append(f"{method} {path} {code}: {schema}")
    assert not missing, "\n".join(missing)


def test_path_ids_are_bounded_as_the_database_holds_them(sqlite_url: str) -> None:
    openapi = create_app(make_settings(sqlite_url)).openapi()
    for method, path, op in _v1_operations(openapi):
        for param in op.get("parameters", []):
            if param["in"] == "path" and param["name"].endswith("_id"):
                schema = param["schema"]
                assert (schema.get("minimum"), schema.get("maximum")) == (1, MAX_ID), (method, path, param)


def test_real_answers_conform_to_the_declared_schemas(db_url: str) -> None:
    admin = make_key(db_url, "admin")
    with server_client(db_url, allow_private_fetch=True) as client:
        openapi = client.get("/openapi.json").json()
        components = _strict(openapi["components"]["schemas"])
        ids = fixture_ids(client, admin)
        made = client.post(
            "/v1/watches",
            headers=auth(admin),
            json={"claim_id": ids["claim"], "url": "https://example.org/h"},
        )
        assert made.status_code == 201
        extra = [
            ("POST", "/v1/watches", made),
            (
                "GET",
                "/v1/watches/{watch_id}/deliveries",
                client.get(f"/v1/watches/{made.json()['id']}/deliveries", headers=auth(admin)),
            ),
            ("POST", "/v1/check", client.post("/v1/check", json={"text": "x " * 50}, headers=auth(admin))),
        ]
        answers = [(r.method, r.path, r.call(client, admin)) for r in routes(ids)] + extra
        answers.append(
            (
                "DELETE",
                "/v1/documents/{document_id}",
                client.delete(f"/v1/documents/{ids['document']}", headers=auth(admin)),
            )
        )
        checked, problems = 0, []
        for method, path, resp in answers:
            op = openapi["paths"].get(path, {}).get(method.lower())
            if op is None or not path.startswith("/v1/") or not 200 <= resp.status_code < 300:
                continue
            declared = op["responses"].get(str(resp.status_code))
            assert declared is not None, f"{method} {path}: {resp.status_code} is not declared"
            schema = declared.get("content", {}).get("application/json", {}).get("schema")
            if schema is None or resp.status_code == 204:
                continue
            checked += 1
            problems += [f"{method} {path}: {p}" for p in violations(resp.json(), schema, components)]
        assert checked >= 15
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/v1/claims", "/v1/documents", "/v1/outlets", "/v1/review", "/v1/watches"])
def test_the_documented_cursor_format_is_accepted(sqlite_url: str, path: str) -> None:
    admin = make_key(sqlite_url, "admin")
    with server_client(sqlite_url) as client:
        for cursor in ("0000", "1", str(MAX_ID), "9" * 20):
            resp = client.get(path, params={"cursor": cursor}, headers=auth(admin))
            assert resp.status_code == 200, (cursor, resp.text)
        assert client.get(path, params={"cursor": "!!"}, headers=auth(admin)).status_code == 422


def test_ids_out_of_range_are_422_not_a_database_error(sqlite_url: str) -> None:
    admin = make_key(sqlite_url, "admin")
    with server_client(sqlite_url) as client:
        for bad in (0, -1, MAX_ID + 1, 2**63):
            resp = client.get(f"/v1/claims/{bad}", headers=auth(admin))
            assert resp.status_code == 422 and resp.json()["error"]["field"] == "claim_id", resp.text
        assert client.get(f"/v1/claims/{MAX_ID}", headers=auth(admin)).status_code == 404
        resp = client.post(
            "/v1/watches", headers=auth(admin), json={"claim_id": 2**40, "url": "https://e.org/h"}
        )
        assert resp.status_code == 422


def test_unsupported_methods_are_405_with_allow(sqlite_url: str) -> None:
    with server_client(sqlite_url) as client:
        resp = client.request("TRACE", "/v1/claims")
        assert resp.status_code == 405 and resp.json()["error"]["code"] == "method_not_allowed"
        assert set(resp.headers["Allow"].replace(" ", "").split(",")) == {"GET"}
        resp = client.request("PUT", f"/v1/claims/1/responses/{MISSING}")
        assert resp.status_code == 405
        assert set(resp.headers["Allow"].replace(" ", "").split(",")) == {"PATCH", "DELETE"}


def test_nullable_exactly_where_the_server_takes_null(sqlite_url: str) -> None:
    """``publisher: null`` clears it (it was declared nullable and refused); the fields that
    cannot be null are declared without null (they were declared nullable and refused)."""
    from tests.live_server import load_demo

    load_demo(sqlite_url)
    admin = make_key(sqlite_url, "admin")
    with server_client(sqlite_url) as client:
        schemas = client.get("/openapi.json").json()["components"]["schemas"]
        outlet_patch, response_patch = (
            schemas["OutletPatch"]["properties"],
            schemas["ResponsePatch"]["properties"],
        )
        outlet_id = client.get("/v1/outlets", headers=auth(admin)).json()["items"][0]["id"]
        for name, prop in outlet_patch.items():
            nullable = {"type": "null"} in prop.get("anyOf", [])
            resp = client.patch(f"/v1/outlets/{outlet_id}", json={name: None}, headers=auth(admin))
            assert (resp.status_code == 200) == nullable, (name, prop, resp.text)
        for name in ("stance", "quote"):
            assert "anyOf" not in response_patch[name] and response_patch[name]["type"] == "string"
        resp = client.patch(f"/v1/outlets/{outlet_id}", json={"publisher": None}, headers=auth(admin))
        assert resp.status_code == 200 and resp.json()["publisher"] is None
