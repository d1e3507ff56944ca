"""Reader comment sections: cut them from the article and keep them apart.

A comment section starts at a widget line ("What do you think?", "View all comments",
"Leave a reply", "12 comments", "Upvote Downvote", "Notify of") that is followed by dated
entries. Inside it every entry is: optional name line(s), a date line, then the comment body
(up to the next entry; a preview cut with "Read more »" ends there). Lines left after the
last entry are related-article links and belong to neither. The earliest comment date
bounds the article's own date from above ("no later than").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.ingest.dates import DateMatch, parse_date
from api.ingest.headers import is_title_like

# Widget lines that open (or belong to) a comment section.
COMMENT_MARKER_RE = re.compile(
    r"^(?:what do you think\??|view all comments|show comments|load comments|comments?\s*\(?\d*\)?|"
    r"\d+\s+(?:comments?|responses?|replies|commentaires?|kommentare)|leave a (?:comment|reply)|"
    r"join the discussion|discussion|notify of|inline feedbacks|upvote\s*downvote|"
    r"\d+\s+points?|commentaires?|kommentare|comentarios|oldest|newest|most voted)\s*:?$",
    re.IGNORECASE,
)
# "Reply to  tjoes", "In reply to X": reply threading, not text.
REPLY_RE = re.compile(r"^(?:in )?reply to\b", re.IGNORECASE)
# "… Read more »": a truncated preview of a long comment.
READ_MORE_TAIL_RE = re.compile(r"\s*(?:…|\.\.\.)?\s*read more\s*»?\s*$", re.IGNORECASE)
# How far after the first marker the first dated entry may come.
MARKER_LOOKAHEAD = 12
MAX_NAME_WORDS = 5


@dataclass(slots=True)
class Comment:
    text: str
    author: str | None = None
    date: DateMatch | None = None


@dataclass(slots=True)
class CommentSection:
    start: int  # index of the first line of the section (article lines end before it)
    comments: list[Comment] = field(default_factory=list)

    @property
    def earliest(self) -> DateMatch | None:
        dated = [c.date for c in self.comments if c.date is not None]
        return min(dated, key=lambda d: d.iso) if dated else None


def _date(line: str) -> DateMatch | None:
    found = parse_date(line) if len(line) <= 40 else None
    return found if found and found.precision in ("day", "minute") else None


def find_section_start(lines: list[str]) -> int | None:
    """Index of the first comment-widget line that is followed by dated entries."""
    for i, line in enumerate(lines):
        if COMMENT_MARKER_RE.match(line):
            window = lines[i + 1 : i + 1 + MARKER_LOOKAHEAD]
            if any(_date(w) for w in window):
                return i
    return None


def _author_lines(lines: list[str], date_index: int, floor: int) -> int:
    """Index where the name lines before a date line begin (== date_index when none)."""
    i = date_index
    while i - 1 >= floor and date_index - (i - 1) <= 2:
        prev = lines[i - 1]
        if REPLY_RE.match(prev) or (
            is_title_like(prev) and len(prev.split()) <= MAX_NAME_WORDS and not prev.endswith("!")
        ):
            i -= 1
        else:
            break
    return i


def parse_section(lines: list[str], start: int) -> CommentSection:
    section = CommentSection(start)
    body_start = start
    while body_start < len(lines) and COMMENT_MARKER_RE.match(lines[body_start]):
        body_start += 1
    dates = [i for i in range(body_start, len(lines)) if _date(lines[i])]
    heads = [_author_lines(lines, d, body_start) for d in dates]
    for n, d in enumerate(dates):
        names = [ln for ln in lines[heads[n] : d] if not REPLY_RE.match(ln)]
        end = heads[n + 1] if n + 1 < len(dates) else len(lines)
        body: list[str] = []
        truncated = False
        for line in lines[d + 1 : end]:
            if READ_MORE_TAIL_RE.search(line) and line.lower().rstrip(" »").endswith("read more"):
                body.append(READ_MORE_TAIL_RE.sub(" …", line).strip())
                truncated = True
                break
            body.append(line)
        if not truncated and n + 1 == len(dates):
            while body and is_title_like(body[-1]) and len(body) > 1:
                body.pop()  # trailing related-article links after the last comment
        text = "\n".join(b for b in body if b)
        if text:
            section.comments.append(Comment(text, names[0] if names else None, _date(lines[d])))
    return section


def split_comments(lines: list[str]) -> tuple[int, CommentSection | None]:
    """(number of article lines, the comment section or None)."""
    start = find_section_start(lines)
    if start is None:
        return len(lines), None
    return start, parse_section(lines, start)
