"""Every normalization rule, the offset map, and Unicode oddities."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.text.normalize import normalize, normalize_spans, normalize_with_map, tokens

RULES = [
    ("NFKC full width", "ＡＢＣ ﬁne", "abc fine"),
    ("curly double quotes", "“Yes,” he said", '"yes," he said'),
    ("curly single quotes", "it’s ‘fine’", "it's 'fine'"),
    ("guillemets", "« We Would Never »", '" we would never "'),
    ("dashes", "a – b — c ‐ d − e", "a - b - c - d - e"),
    ("ellipsis char", "so…", "so..."),
    ("nbsp", "a\u00a0b\u202fc", "a b c"),
    ("zero-width space", "zero\u200bwidth", "zerowidth"),
    ("soft hyphen", "hyphen\u00adated", "hyphenated"),
    ("bidi marks", "\u200fabc\u202b def\u202c\u2066", "abc def"),
    ("casefold", "STRASSE Straße", "strasse strasse"),
    ("collapsed whitespace", "  a \n\t b   c  ", "a b c"),
    ("html entities", "Tom &amp; Jerry&#8217;s &quot;x&quot;", 'tom & jerry\'s "x"'),
    ("editorial brackets dropped", "the opposition [in Syria], but", "the opposition, but"),
    ("markdown link keeps text", "By [RT](#) today", "by rt today"),
    ("emphasis asterisks", "the “*governments*” of", 'the "governments" of'),
    ("combining accent composes", "e\u0301cole", "école"),
    ("emoji kept, ZWJ dropped", "👨\u200d👩 ok", "👨👩 ok"),
    ("empty", "", ""),
    ("only spaces", " \u00a0 \u200b ", ""),
]


@pytest.mark.parametrize(("name", "raw", "expected"), RULES, ids=[r[0] for r in RULES])
def test_rule(name: str, raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert normalize_spans(raw).text == expected


@pytest.mark.parametrize(("name", "raw", "expected"), RULES, ids=[r[0] for r in RULES])
def test_map_points_at_source_characters(name: str, raw: str, expected: str) -> None:
    norm, starts = normalize_with_map(raw)
    assert norm == expected and len(starts) == len(norm)
    assert starts == sorted(starts)
    for i, ch in enumerate(norm):
        if ch.isascii() and ch.isalnum():  # letters come from the same letter
            assert raw[starts[i]].casefold() == ch or raw[starts[i]] in "&ＡＢＣﬁß"


def test_original_span_covers_whole_source_units() -> None:
    raw = "Tom &amp; “Jerry”"
    n = normalize_spans(raw)
    i = n.text.index("&")
    assert raw[slice(*n.original_span(i, i + 1))] == "&amp;"
    j = n.text.index('"jerry"')
    assert raw[slice(*n.original_span(j, j + 7))] == "“Jerry”"


def test_fast_and_mapped_paths_agree_on_seed_text(seeds_dir: Path) -> None:
    for path in seeds_dir.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert normalize(line) == normalize_spans(line).text


def test_rtl_text_survives() -> None:
    assert normalize("\u200fשלום עולם\u200e") == "שלום עולם"
    assert tokens(normalize("مرحبا بالعالم")) == ["مرحبا", "بالعالم"]


def test_tokens_split_on_punctuation() -> None:
    assert tokens("al-nusra's u.s. 50-50") == ["al", "nusra", "s", "u", "s", "50", "50"]
