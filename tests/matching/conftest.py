"""Fixtures of the matching tests: seed sentences (real text) in a MatchEngine."""

from __future__ import annotations

from pathlib import Path

import pytest
from sentencex import segment

from api.matching.engine import MatchEngine

AMERICANS_LONG = (
    "The German journalist asked if US instructors were really present among the "
    "jihadists’ ranks. Al Ezz replied: “The Americans are on our side.”"
)
AMERICANS_SHORT = '"The Americans are on our side."'


def seed_sentences(seeds_dir: Path) -> list[tuple[int, str]]:
    """(document index, sentence) for every sentence of the seed articles."""
    out = []
    for doc, path in enumerate(sorted(seeds_dir.glob("*.txt"))):
        for para in path.read_text(encoding="utf-8").split("\n"):
            out.extend((doc, s.strip()) for s in segment("en", para) if s.strip())
    return out


@pytest.fixture(scope="session")
def seed_rows(seeds_dir: Path) -> list[tuple[int, str, int, int]]:
    rows, ordinal, last_doc = [], 0, -1
    for pid, (doc, sent) in enumerate(seed_sentences(seeds_dir), start=1):
        ordinal = ordinal + 1 if doc == last_doc else 0
        last_doc = doc
        rows.append((pid, sent, doc + 1, ordinal))
    rows.append((10_001, AMERICANS_LONG, 100, 0))
    rows.append((10_002, AMERICANS_SHORT, 101, 0))
    return rows


@pytest.fixture(scope="session")
def seed_engine(seed_rows: list[tuple[int, str, int, int]]) -> MatchEngine:
    engine = MatchEngine()
    engine.add_many(seed_rows)
    return engine


@pytest.fixture(scope="session")
def texts(seed_rows: list[tuple[int, str, int, int]]) -> dict[int, str]:
    return {pid: text for pid, text, _, _ in seed_rows}
