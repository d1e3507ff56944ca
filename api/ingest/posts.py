"""Pages holding several posts (blog front pages, tag and category archives).

The structure that gives them away is repetition: a title line, then a standalone date
line, then the post body; several times in a row. Each repetition becomes its own document.
Lines before the first post (archive header such as "Posted tagged ...") belong to no post.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.ingest.dates import DateMatch, parse_date
from api.ingest.headers import byline, is_title_like

MIN_POSTS = 2  # one "title, date, body" is an ordinary article
MIN_BODY_WORDS = 40  # a post has a body, not just a line (comment stamps, link lists do not)


@dataclass(slots=True)
class PostSlice:
    title_index: int
    date_index: int
    end: int  # exclusive
    date: DateMatch


def _standalone_date(line: str) -> DateMatch | None:
    found = parse_date(line) if len(line) <= 40 else None
    return found if found and found.precision in ("day", "minute") else None


def find_posts(lines: list[str]) -> list[PostSlice]:
    """The posts of a multi-post page; an empty list for an ordinary single article."""
    starts: list[tuple[int, DateMatch]] = []
    for i in range(len(lines) - 2):
        if starts and i <= starts[-1][0] + 1:
            continue
        date = _standalone_date(lines[i + 1])
        title = lines[i]
        if date and is_title_like(title) and not _standalone_date(title) and not byline(title):
            starts.append((i, date))
    posts = []
    for n, (i, date) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        posts.append(PostSlice(i, i + 1, end, date))
    posts = [p for p in posts if _body_words(lines, p) >= MIN_BODY_WORDS]
    return posts if len(posts) >= MIN_POSTS else []


def _body_words(lines: list[str], post: PostSlice) -> int:
    return sum(len(line.split()) for line in lines[post.date_index + 1 : post.end])
