"""The shortcuts of the extraction agree with the reference definitions they replace:
``glue_start`` with the ``_GLUE`` regex, the mention prefilters with the full scans."""

from __future__ import annotations

import random
import re

import pytest

from api.statements.bodies import _CAPITAL, _HEAD_KEYS, BODY_RE, INSTITUTION_HEADS, matches_from
from api.statements.officials import (
    _ORG_KEYS,
    _ROLE_KEYS,
    _WORD_START,
    COUNTRY_RE,
    ORG_RE,
    ROLE_RE,
    OfficialMention,
    _scan,
    country_mentions,
    find_official_mentions,
    may_mention,
)
from api.statements.textview import _GLUE, glue_start

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


def _spans(ms: list[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in ms]


def test_scans_from_word_starts_and_gates_agree_with_finditer() -> None:
    rng = random.Random(13)
    texts = PHRASES + [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 9))) for _ in range(3000)]
    for text in texts:
        roles = list(ROLE_RE.finditer(text))
        assert _spans(matches_from(ROLE_RE, _WORD_START, text)) == _spans(roles), text
        bodies = list(BODY_RE.finditer(text))
        assert _spans(matches_from(BODY_RE, _CAPITAL, text)) == _spans(bodies), text
        low = text.lower()
        assert not roles or any(k in low for k in _ROLE_KEYS) or "ſ" in text, text
        assert not list(ORG_RE.finditer(text)) or any(k in low for k in _ORG_KEYS), text
        assert not bodies or any(k in text for k in _HEAD_KEYS), text
