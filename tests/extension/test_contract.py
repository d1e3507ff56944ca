"""The extension's test stub and the card against what the real server sends.

The real app (``api.app.create_app``) runs in-process through its ASGI interface over a
SQLite file holding the demo corpus, the seed articles and one republication with a URL (so
the ``page`` block is filled). Its answers to ``POST /v1/match`` give, for every place in
the answer (``matches[].provenance.republishers[]``, ``page.republication_of``, …), the keys
the server really sends. Then:

- every stub answer uses only those keys (and, when the OpenAPI document describes the
  /v1/match response with a schema, validates against it), so the stub cannot drift;
- every field the card reads (``prov.first_publication``, ``source.title``, …: member reads
  on the variables card.js uses for parts of the answer) is a key the server sends there,
  so the card cannot be tested against a field that exists only in the stub.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .stub_server import (
    LONG_SENTENCE,
    StubServer,
    americans_answer,
    arabic_answer,
    hostile_answer,
    long_answer,
    page_in_index,
)

CARD_JS = Path(__file__).resolve().parents[2] / "extension" / "content" / "card.js"
REPUBLICATION_URL = "https://republisher.example/2017/americans-on-our-side"
NAMES_SOURCE_URL = "https://republisher.example/2018/harbour-pilots"
CONTEXT = {"prefix": "Al Ezz replied: “", "suffix": ".”"}
SEED_HIGHLIGHT = "The Americans are on our side"

# card.js variable -> the places in a /v1/match answer it holds (see card.js)
CARD_VARIABLES: dict[str, tuple[str, ...]] = {
    "data": ("",),
    "page": ("page",),
    "source": ("page.republication_of",),
    "origin": ("matches[].provenance.first_publication", "page.republication_of"),
    "match": ("matches[]",),
    "best": ("matches[]",),
    "m": ("matches[]",),
    "claim": ("matches[].claim",),
    "doc": ("matches[].document",),
    "passage": ("matches[].passage",),
    "prov": ("matches[].provenance",),
    "pub": ("matches[].provenance.first_publication", "matches[].provenance.republishers[]"),
    "r": ("matches[].provenance.official_responses[]",),
    "src": ("matches[].provenance.official_responses[].source",),
    "outlet": (
        "matches[].document.outlet",
        "matches[].provenance.first_publication.outlet",
        "matches[].provenance.republishers[].outlet",
        "page.outlet",
        "page.republication_of.outlet",
    ),
}
# members of JavaScript values, not fields of the answer
JS_MEMBERS = {"length", "trim", "slice", "map", "filter", "sort", "find", "join", "toLowerCase"}


# -- the shape of an answer ------------------------------------------------------------


def keys_by_place(value: Any, place: str = "", out: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """{"matches[].claim": {"id", "text", "url"}, ...} for one JSON value."""
    out = {} if out is None else out
    if isinstance(value, dict):
        out.setdefault(place, set()).update(value)
        for key, item in value.items():
            keys_by_place(item, f"{place}.{key}" if place else key, out)
    elif isinstance(value, list):
        for item in value:
            keys_by_place(item, f"{place}[]", out)
    return out


def merge(*shapes: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for shape in shapes:
        for place, keys in shape.items():
            out.setdefault(place, set()).update(keys)
    return out


def unknown_keys(answer: Any, real: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{place}.{key}"
        for place, keys in keys_by_place(answer).items()
        for key in keys
        if key not in real.get(place, set())
    )


def card_reads(source: str) -> set[tuple[str, str]]:
    """(variable, field) for every ``variable.field`` read of a mapped variable in card.js."""
    reads = set()
    for var, field in re.findall(r"(?<![\w.$])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\b", source):
        if var in CARD_VARIABLES and field not in JS_MEMBERS:
            reads.add((var, field))
    return reads


def unsent_reads(source: str, real: dict[str, set[str]]) -> list[str]:
    """The card's reads of a field the server sends in none of the places the variable holds."""
    bad = []
    for var, field in sorted(card_reads(source)):
        places = CARD_VARIABLES[var]
        if not any(field in real.get(place, set()) for place in places):
            bad.append(f"{var}.{field} (in {', '.join(places)})")
    return bad


# -- a minimal JSON Schema check (the subset FastAPI's OpenAPI uses) ------------------


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> list[str]:
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return schema_errors(value, target, root, where)
    for combo in ("anyOf", "oneOf"):
        if combo in schema:
            options = [schema_errors(value, s, root, where) for s in schema[combo]]
            return [] if any(not o for o in options) else min(options, key=len)
    errors: list[str] = []
    for sub in schema.get("allOf", []):
        errors += schema_errors(value, sub, root, where)
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
    }
    kind = schema.get("type")
    if kind is not None:
        allowed = kind if isinstance(kind, list) else [kind]
        if not any(
            isinstance(value, types[k]) and not (k in ("integer", "number") and isinstance(value, bool))
            for k in allowed
        ):
            return [f"{where}: {type(value).__name__} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{where}: missing {key}")
        for key, item in value.items():
            if key in props:
                errors += schema_errors(item, props[key], root, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: {key} is not in the schema")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(item, schema["additionalProperties"], root, f"{where}.{key}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], root, f"{where}[{i}]")
    return errors


# -- the real server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The real app's OpenAPI document and its answers to the card's requests."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.pipeline.ingestor import Ingestor
    from api.settings import Settings
    from api.text.types import RawDocument
    from db.connection import get_engine
    from tests.conftest import require_seeds
    from tests.factories import make_settings
    from tests.live_server import load_demo

    seeds = require_seeds()
    db_url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'seeds.sqlite'}"
    load_demo(db_url, seeds)
    # A page the reader might be on: an indexed republication with a URL (no seed has one).
    Ingestor(get_engine(db_url), settings=Settings(database_url=db_url)).ingest_raw(
        RawDocument(
            content=(
                "Al-Nusra commander: the Americans are on our side\n\n"
                "The German journalist asked if US instructors were really present among the "
                "jihadists’ ranks. Al Ezz replied: “The Americans are on our side.”\n\n"
                "The original source of this article is RT."
            ),
            source_format="txt",
            source_name=REPUBLICATION_URL,
            url=REPUBLICATION_URL,
            title="Al-Nusra commander: the Americans are on our side",
            outlet="Republisher Example",
            published_at="2018-01-02",
        )
    )
    # and one that names its source, which the index does not hold
    Ingestor(get_engine(db_url), settings=Settings(database_url=db_url)).ingest_raw(
        RawDocument(
            content=(
                "Harbour pilots walked out at dawn\n\n"
                "The harbour pilots' union said its members would not guide tankers until the "
                "new shift rota is withdrawn.\n\nThe original source of this article is Example Wire"
            ),
            source_format="txt",
            source_name=NAMES_SOURCE_URL,
            url=NAMES_SOURCE_URL,
            title="Harbour pilots walked out at dawn",
            outlet="Republisher Example",
            published_at="2018-02-03",
        )
    )
    app = create_app(make_settings(db_url, rate_limit_per_minute=0))
    with TestClient(app) as client:

        def ask(**body: Any) -> Any:
            response = client.post("/v1/match", json={"limit": 5, **body})
            return response.status_code, response.json()

        answers = {
            "match": ask(text=SEED_HIGHLIGHT, **CONTEXT),
            "nomatch": ask(text="The quarterly earnings call is scheduled for Thursday"),
            "page": ask(text=SEED_HIGHLIGHT, page_url=REPUBLICATION_URL, **CONTEXT),
            "names_source": ask(
                text="would not guide tankers until the new shift rota is withdrawn",
                page_url=NAMES_SOURCE_URL,
            ),
            "too_long": ask(text="word " * 2000),
        }
        yield {"openapi": app.openapi(), "answers": answers}


def test_real_answers_cover_what_the_card_shows(real: dict[str, Any]) -> None:
    answers = real["answers"]
    assert answers["match"][0] == 200 and answers["match"][1]["matches"]
    assert answers["nomatch"][0] == 200 and answers["nomatch"][1]["matches"] == []
    page = answers["page"][1]["page"]
    assert page and page["in_index"] and page["republication_of"], page
    named = answers["names_source"][1]["page"]
    assert named and named["republication_of"] and named["republication_of"]["in_index"] is False, named
    assert answers["too_long"][0] == 413
    assert re.search(r"limit is \d+", answers["too_long"][1]["error"]["message"])


def _real_shape(real: dict[str, Any]) -> dict[str, set[str]]:
    return merge(*(keys_by_place(body) for status, body in real["answers"].values() if status == 200))


def _stub_answers() -> dict[str, Any]:
    base = "http://127.0.0.1:1"
    with_page = americans_answer(base)
    with_page["page"] = page_in_index()
    return {
        "match": americans_answer(base),
        "page": with_page,
        "hostile": hostile_answer(base),
        "arabic": arabic_answer(base),
        "long": long_answer(base),
        "nomatch": StubServer().answer({"text": "nothing like it"}),
    }


def test_stub_sends_only_what_the_server_sends(real: dict[str, Any]) -> None:
    shape = _real_shape(real)
    problems = {name: unknown_keys(answer, shape) for name, answer in _stub_answers().items()}
    assert not any(problems.values()), f"stub fields the real server never sends: {problems}"


def test_stub_validates_against_the_openapi_response_schema(real: dict[str, Any]) -> None:
    openapi = real["openapi"]
    content = openapi["paths"]["/v1/match"]["post"]["responses"]["200"].get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    resolved: Any = schema
    if "$ref" in schema:
        resolved = openapi
        for part in schema["$ref"].lstrip("#/").split("/"):
            resolved = resolved[part]
    if not resolved.get("properties"):
        pytest.skip("no response model for /v1/match in the OpenAPI yet (shape checked against real answers)")
    for name, answer in _stub_answers().items():
        if name == "hostile":  # deliberately carries types the server never sends (string ids, null kinds)
            continue
        assert schema_errors(answer, schema, openapi) == [], name
    for name, (status, body) in real["answers"].items():
        if status == 200:
            assert schema_errors(body, schema, openapi) == [], f"real answer {name}"


def test_card_reads_only_fields_the_server_sends(real: dict[str, Any]) -> None:
    source = CARD_JS.read_text(encoding="utf-8")
    reads = card_reads(source)
    # the check sees the card's reads at all (a renamed variable would hide them)
    assert {("prov", "first_publication"), ("pub", "in_index"), ("page", "republication_of")} <= reads
    assert unsent_reads(source, _real_shape(real)) == []


def test_the_check_catches_a_field_only_the_stub_had(real: dict[str, Any]) -> None:
    """The old card read ``page.first_publication``, which only the stub ever sent."""
    shape = _real_shape(real)
    assert unsent_reads("const first = page.first_publication;", shape) == [
        "page.first_publication (in page)"
    ]
    old_stub_page = {"page": {**page_in_index(), "first_publication": None}}
    assert "page.first_publication" in unknown_keys(old_stub_page, shape)


def test_long_answer_is_long() -> None:
    prov = long_answer("http://x")["matches"][0]["provenance"]
    assert len(prov["republishers"]) > 20 and LONG_SENTENCE


def test_the_schema_check_works() -> None:
    """The validator used once /v1/match has a response model, on a schema of that shape."""
    root = {
        "components": {
            "schemas": {
                "Outlet": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "domain": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    },
                    "required": ["name"],
                    "additionalProperties": False,
                },
                "Answer": {
                    "type": "object",
                    "properties": {
                        "took_ms": {"type": "number"},
                        "matches": {"type": "array", "items": {"$ref": "#/components/schemas/Outlet"}},
                    },
                    "required": ["matches"],
                },
            }
        }
    }
    ref = {"$ref": "#/components/schemas/Answer"}
    assert schema_errors({"took_ms": 1, "matches": [{"name": "RT", "domain": None}]}, ref, root) == []
    assert schema_errors({"matches": [{"name": "RT", "first_publication": None}]}, ref, root) == [
        "$.matches[0]: first_publication is not in the schema"
    ]
    assert schema_errors({"took_ms": "fast", "matches": [{"domain": 3}]}, ref, root) == [
        "$.took_ms: str is not number",
        "$.matches[0]: missing name",
        "$.matches[0].domain: int is not string",
    ]
