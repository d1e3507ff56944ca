"""The README's endpoint table names every operation of the OpenAPI schema."""

from __future__ import annotations

import re
from pathlib import Path

from api.app import create_app
from tests.factories import make_settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
PARAM = re.compile(r"\{[^}]*\}")
OPTIONAL_TAIL = re.compile(r"(\S+?)\[(/[^\]]+)\]")  # /responses[/{rid}]: with and without the tail


def _table() -> str:
    start = README.index("| endpoint | what |")
    return README[start : README.index("\n\n", start)]


def _documented() -> set[tuple[str, str]]:
    found = set()
    for row in _table().splitlines()[2:]:
        cell = re.split(r"(?<!\\)\|", row)[1]  # a cell may hold an escaped \|
        for methods, path in re.findall(r"`([A-Z/]+) (/[^`?\s]*)", cell):
            paths = [path]
            tail = OPTIONAL_TAIL.fullmatch(path)
            if tail:
                paths = [tail.group(1), tail.group(1) + tail.group(2)]
            for method in methods.split("/"):
                found |= {(method, PARAM.sub("{}", p)) for p in paths}
    return found


def test_every_operation_is_in_the_endpoint_table(sqlite_url: str) -> None:
    schema = create_app(make_settings(sqlite_url)).openapi()
    operations = {
        (method.upper(), PARAM.sub("{}", path)) for path, ops in schema["paths"].items() for method in ops
    }
    documented = _documented()
    missing = sorted(operations - documented)
    assert not missing, f"README's endpoint table misses {missing}"
