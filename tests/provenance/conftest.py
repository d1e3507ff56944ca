"""Fixtures for the response-extraction tests: seed documents in both passage layouts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from api.statements.responses import ExtractedResponse, extract_responses
from api.text.types import SplitPassage
from tests.provenance.helpers import merge_intros, seed_doc, split

Extracted = tuple[list[ExtractedResponse], list[SplitPassage]]


@pytest.fixture(params=["sentences", "intro_with_quote"])
def extract_seed(request: pytest.FixtureRequest, seeds_dir: Path) -> Callable[[str], Extracted]:
    """Run the extraction on one seed article, with either passage layout."""

    def run(name: str) -> Extracted:
        text, published = seed_doc(seeds_dir, name)
        passages = split(text)
        if request.param == "intro_with_quote":
            passages = merge_intros(text, passages)
        return extract_responses(text, passages, published_at=published), passages

    return run
