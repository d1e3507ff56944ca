"""The shortcuts of the extraction agree with the reference definitions they replace:
``glue_start`` with the ``_GLUE`` regex, the mention prefilters with the full scans."""

from __future__ import annotations

import random

import pytest

from api.provenance.attribution import _GLUE, glue_start
from api.provenance.bodies import INSTITUTION_HEADS
from api.provenance.officials import (
    COUNTRY_RE,
    OfficialMention,
    _scan,
    country_mentions,
    find_official_mentions,
    may_mention,
)

_GLUE_TOKENS = ["has", "had", " ", ",", "x", "on", "Monday", "once", "_", "1", "é", "\u00a0", "to", "."]


def test_glue_start_matches_regex() -> None:
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice(_GLUE_TOKENS) for _ in range(rng.randint(0, 9)))
        assert glue_start(text) == _GLUE.search(text).start(), repr(text)  # type: ignore[union-attr]


PHRASES = [
    "the deputy spokeswoman said",
    "a Spokesperson for the city",
    "the deputy press secretary",
    "the Press Officer",
    "the deputy foreign minister",
    "the defence minister",
    "the interior minister",
    "the Prime Minister",
    "the foreign secretary",
    "the deputy secretary of state",
    "Russia's ambassador to the United Nations",
    "the envoy",
    "the President",
    "the chancellor",
    "a senior official",
    "the State Dept. said",
    "the Department of State",
    "the Pentagon",
    "the Department of Defence",
    "the White House",
    "the Kremlin",
    "the Foreign Office",
    "the Russian ministry of foreign affairs",
    "the Turkish foreign affairs ministry",
    "the Iranian ministry of the interior",
    "the French justice ministry",
    "the American embassy",
    "the German government",
    "the Turkish cabinet",
    "the Russian administration",
    "the Turkish presidency",
    "the Russian presidential administration",
    *(f"the Harbor Bay {head} said" for head in INSTITUTION_HEADS),
    "the Ministry of Health said",
    "the Office for National Statistics",
]


def _fields(ms: list[OfficialMention]) -> list[tuple[object, ...]]:
    return [
        (m.start, m.end, m.role, m.organization, m.country, m.name, m.former, m.generic, m.outsider)
        for m in ms
    ]


@pytest.mark.parametrize("text", PHRASES)
def test_prefilter_lets_every_lexicon_phrase_through(text: str) -> None:
    assert _scan(text), text
    assert may_mention(text)
    assert _fields(find_official_mentions(text)) == _fields(_scan(text))
    assert may_mention(text.upper())


_WORDS = [
    "the", "a", "said", "Ministry", "ministry", "Spokesman", "OFFICIAL", "officials", "Police", "of",
    "Health", "Water", "Authority", "US", "U.S.", "Moscow", "Washington", "John", "Smith", "İ", "ſpokesman",
    "Turkish", "Embassy", "for", ",", "former", "Acme", "Council", "City", "Hall", "’s", "envoy", "Navy",
]  # fmt: skip


def test_prefilters_agree_with_full_scans() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        text = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 8)))
        assert _fields(find_official_mentions(text)) == _fields(_scan(text)), text
        spans = [(m.start(), m.end()) for m in COUNTRY_RE.finditer(text)]
        assert [(a, b) for a, b, _ in country_mentions(text)] == spans, text


def test_mentions_are_copies() -> None:
    text = "the Russian Foreign Ministry said"
    find_official_mentions(text)[0].organization = "changed"
    assert find_official_mentions(text)[0].organization == "Russian Foreign Ministry"
