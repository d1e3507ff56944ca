"""Test helpers: a simple local splitter and the seed documents cut to one article each.

The splitter (blank lines → paragraphs → ``sentencex`` sentences) stands in for the ingest
splitter another module owns; ``merge_intros`` rebuilds the other layout that splitter may
produce (a sentence ending in ":" kept together with the quote paragraph that follows).
"""

from __future__ import annotations

import re
from pathlib import Path

import sentencex

from api.text.types import SplitPassage

_END = re.compile(r"[.!?:”\"’)]\**\s*$")


def split(text: str, language: str = "en") -> list[SplitPassage]:
    out: list[SplitPassage] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        body = para.group(0)
        if not body.strip():
            continue
        heading = body.lstrip().startswith("#") or (not _END.search(body) and len(body.split()) < 16)
        cursor = para.start()
        for piece in sentencex.segment(language, body):
            piece = piece.strip()
            if not piece:
                continue
            start = text.index(piece, cursor)
            cursor = start + len(piece)
            out.append(SplitPassage(start, cursor, piece, "heading" if heading else "body"))
    return out


def merge_intros(text: str, passages: list[SplitPassage]) -> list[SplitPassage]:
    """Join a passage ending in ":" with the passages of the next paragraph."""
    out: list[SplitPassage] = []
    i = 0
    while i < len(passages):
        p = passages[i]
        j = i + 1
        if p.text.rstrip(" *").endswith(":") and j < len(passages):
            gap = text[p.end : passages[j].start]
            if "\n" in gap:
                line_end = text.find("\n", passages[j].start)
                line_end = len(text) if line_end < 0 else line_end
                while j < len(passages) and passages[j].start < line_end:
                    j += 1
                end = passages[j - 1].end
                p = SplitPassage(p.start, end, text[p.start : end], p.kind)
        out.append(p)
        i = j if j > i + 1 else i + 1
    return out


def seed_text(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def cut(text: str, start_line: str, end_line: str | None, *, include_end: bool = False) -> str:
    """The text from the first line equal to ``start_line`` up to the line ``end_line``."""
    start = text.index(start_line)
    if end_line is None:
        return text[start:]
    end = text.index(end_line, start + len(start_line))
    if include_end:
        end = text.index("\n", end) if "\n" in text[end:] else len(text)
    return text[start:end]


SEED_DOCS: dict[str, tuple[str, str | None, str | None, bool, str | None]] = {
    # name: (seed prefix, first line, last line, include last line, published_at)
    "000": ("000", None, None, False, "2016-09-30"),
    "001": ("001", None, None, False, "2017-03-20"),
    "002": ("002", None, None, False, "2016-05-08"),
    "003": ("003", None, "Russia had repeatedly condemned", True, None),
    "004_rt": (
        "004",
        "US asks Russia not to target Al-Qaeda branch in Syria",
        "Ceasefire after 5 years of Syrian civil war?",
        False,
        "2016-06-04",
    ),
    "004_bawaba": (
        "004",
        "A leaked German document confirms what we already know",
        "By Hayat Norimine",
        True,
        "2015-10-06",
    ),
}


def seed_doc(seeds_dir: Path, name: str) -> tuple[str, str | None]:
    prefix, first, last, include, published = SEED_DOCS[name]
    text = seed_text(seeds_dir, prefix)
    if first is not None or last is not None:
        text = cut(text, first or text[:20], last, include_end=include)
    return text, published
