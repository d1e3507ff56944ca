"""Fact-check ratings read as stances: schema.org ``Rating`` → denies | disputes | confirms | comments.

A ``ClaimReview``'s ``reviewRating`` is a fact-checker's statement about a claim; this module is
the one place its rating names and numbers are read. Fact-check import
(``api.moderation.factcheck``) writes the stance; the ClaimReview export
(``api.provenance.export``) reads back the original label kept in a response's evidence.
Imports: ``db.models`` only.
"""

from __future__ import annotations

import re
from typing import Any

from db.models import Response

DENIES = (
    "false",
    "fake",
    "pants on fire",
    "incorrect",
    "wrong",
    "fabricated",
    "hoax",
    "not true",
    "untrue",
    "baseless",
    "debunked",
    "four pinocchios",
    "scam",
)
DISPUTES = (
    "misleading",
    "mostly false",
    "half true",
    "half-true",
    "mixture",
    "mixed",
    "partly false",
    "partially false",
    "partly true",
    "partially true",
    "exaggerat",
    "missing context",
    "out of context",
    "lacks context",
    "unproven",
    "unsupported",
    "unverified",
    "distort",
    "needs context",
    "cherry",
)
CONFIRMS = ("true", "correct", "accurate", "mostly true", "confirmed", "verified")
RATING_LABEL = re.compile(r"reviewRating: (?P<label>.*)$")


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def stance_of_rating(rating: Any) -> str:
    """denies | disputes | confirms | comments, from a schema.org Rating (see module doc)."""
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    if not isinstance(rating, dict):
        return "comments"
    label = " ".join(
        str(rating.get("alternateName") or rating.get("name") or "").lower().replace("_", " ").split()
    )
    if label:
        for stance, words in (("disputes", DISPUTES), ("denies", DENIES), ("confirms", CONFIRMS)):
            if label in words:
                return stance
        for stance, words in (("disputes", DISPUTES), ("denies", DENIES), ("confirms", CONFIRMS)):
            if any(w in label for w in words):
                return stance
    value = _number(rating.get("ratingValue"))
    if value is None:
        return "comments"
    best, worst = _number(rating.get("bestRating")) or 5.0, _number(rating.get("worstRating"))
    worst = 1.0 if worst is None else worst
    if best == worst:
        return "comments"
    share = (value - worst) / (best - worst)
    return "denies" if share <= 1 / 3 else "confirms" if share >= 0.75 else "disputes"


def rating_label(response: Response) -> str | None:
    """The original rating of an imported fact-check (kept in its evidence)."""
    m = RATING_LABEL.search(response.evidence or "")
    return m.group("label") if m else None
