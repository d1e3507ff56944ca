"""The statement tests measure the parse-based reading, which is opt-in (CLAIMSCOPE_STATEMENT_PARSER)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.settings import get_settings


@pytest.fixture(autouse=True)
def statement_parser_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CLAIMSCOPE_STATEMENT_PARSER", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
