"""Fact-check ratings read as stances: schema.org ``Rating`` → denies | disputes | confirms | comments.

A ``ClaimReview``'s ``reviewRating`` is a fact-checker's statement about a claim; this module is
the one place its rating names and numbers are read. Fact-check import
(``api.moderation.factcheck``) writes the stance; the ClaimReview export
(``api.provenance.export``) reads back the original label kept in a response's evidence.

A rating name is normalized (lower case, accents folded, punctuation dropped) and looked up
in ``TABLE``; a name not in it is read as a negation of a known name ("Not correct", "Not
entirely accurate", "No es cierto") or by the known names it holds as whole words
("False and misleading"); never by substring, so "Inaccurate" is not "accurate" and
"Unconfirmed" not "confirmed". Without a known name the numeric ``ratingValue`` between
``worstRating`` and ``bestRating`` decides; with neither, ``comments``.
Imports: ``db.models`` only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from db.models import Response

# The rating names fact-checkers publishing ClaimReview use (English, Spanish, Portuguese,
# French, German, Italian, Dutch, Polish), read as a fact-checker reads them: the claim is
# false (denies); partly false, misleading, out of context, exaggerated or unproven (disputes);
# true (confirms); no verdict on its truth (comments: satire, opinion, research in progress).
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
    "bottomless pinocchio",
    "scam",
    "inaccurate",
    "fake news",
    "altered",
    "doctored",
    "manipulated",
    "misattributed",
    "fiction",
    "imposter",
    "falso",
    "falsa",
    "totalmente falso",
    "bulo",
    "mentira",
    "montaje",
    "faux",
    "completement faux",
    "intox",
    "falsch",
    "frei erfunden",
    "nieprawda",
    "falsz",
    "fałsz",
    "onwaar",
    "nepravda",
    "false context",
    "incorrect attribution",
    "falsified",
    "fake quote",
    "fabricated quote",
    "pinocchio",
)
DISPUTES = (
    "misleading",
    "mostly false",
    "half true",
    "mixture",
    "mixed",
    "partly false",
    "partially false",
    "partly true",
    "partially true",
    "exaggerated",
    "exaggeration",
    "missing context",
    "out of context",
    "lacks context",
    "needs context",
    "unproven",
    "unsupported",
    "unverified",
    "unconfirmed",
    "distorted",
    "distortion",
    "cherry picks",
    "cherry picked",
    "three pinocchios",
    "two pinocchios",
    "miscaptioned",
    "outdated",
    "spin",
    "unsubstantiated",
    "no evidence",
    "engañoso",
    "enganador",
    "impreciso",
    "imprecisa",
    "exagerado",
    "exagerada",
    "parcialmente falso",
    "parcialmente verdadero",
    "parcialmente verdadeiro",
    "verdad a medias",
    "sin evidencia",
    "sem provas",
    "insustentavel",
    "distorcido",
    "distorsionado",
    "descontextualizado",
    "sacado de contexto",
    "fuera de contexto",
    "fora de contexto",
    "trompeur",
    "exagere",
    "partiellement faux",
    "plutot faux",
    "sorti du contexte",
    "manque de contexte",
    "irrefuhrend",
    "fehlender kontext",
    "teilweise falsch",
    "unbelegt",
    "ingannevole",
    "fuorviante",
    "fuori contesto",
    "ce di piu",
    "parzialmente falso",
    "misleidend",
    "half waar",
    "deels onwaar",
    "manipulacja",
    "czesciowa prawda",
    "unclear",
)
CONFIRMS = (
    "true",
    "correct",
    "accurate",
    "mostly true",
    "confirmed",
    "verified",
    "one pinocchio",
    "geppetto checkmark",
    "correct attribution",
    "legit",
    "real",
    "verdadero",
    "verdadeiro",
    "cierto",
    "verdad",
    "vrai",
    "wahr",
    "richtig",
    "vero",
    "waar",
    "prawda",
    "mostly correct",
    "mostly accurate",
    "largely accurate",
)
COMMENTS = (
    "satire", "labeled satire", "opinion", "research in progress", "legend", "no rating", "not rated",
    "explainer", "satira", "parodie", "parody",
)  # fmt: skip
# a negation before a known name: "Not correct", "No es cierto", "Não é verdade", "Nicht wahr"
NEGATION = re.compile(r"^(?:not|no|non|nao|nicht|niet|nie|n est pas|ne)(?:\s+(?:es|e|is|ist|est|jest))?\s+")
# "Not entirely true": a qualified negation leaves part of the claim standing
QUALIFIED = re.compile(r"^(?:entirely|completely|fully|quite|totally|exactly|wholly|del todo|totalmente)\s+")


def normalize(label: str) -> str:
    """Lower case, accents folded ("Engañoso" → "enganoso"), punctuation and "!" dropped."""
    folded = unicodedata.normalize("NFKD", label.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]|_", " ", folded).split())


TABLE: dict[str, str] = {
    normalize(name): stance
    for stance, names in (
        ("denies", DENIES),
        ("disputes", DISPUTES),
        ("confirms", CONFIRMS),
        ("comments", COMMENTS),
    )
    for name in names
}
_WHOLE_WORDS = sorted(TABLE, key=len, reverse=True)
RATING_LABEL = re.compile(r"reviewRating: (?P<label>[^;]*)")


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def stance_of_label(label: str) -> str | None:
    """The stance a rating name states, or None when it names no known verdict."""
    key = normalize(label)
    if not key:
        return None
    if key in TABLE:
        return TABLE[key]
    if (m := NEGATION.match(key)) is not None:
        rest = key[m.end() :]
        qualified = QUALIFIED.match(rest)
        base = stance_of_label(rest[qualified.end() :] if qualified else rest)
        if base == "confirms":
            return "disputes" if qualified else "denies"
        if base in ("denies", "disputes"):
            return "disputes"  # "not false", "not misleading": no clean bill, no denial
        return None
    found = {TABLE[w] for w in _WHOLE_WORDS if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", key)}
    for stance in ("disputes", "denies", "confirms", "comments"):
        if stance in found:
            # "False and misleading": both say the claim does not stand; a verdict mixing
            # true with false words ("true but misleading") disputes
            if stance == "disputes" or len(found - {"comments"}) <= 1:
                return stance
            return "disputes"
    return None


def stance_of_rating(rating: Any) -> str:
    """denies | disputes | confirms | comments, from a schema.org Rating (see module doc)."""
    if isinstance(rating, list):
        rating = rating[0] if rating else None
    if isinstance(rating, str):
        rating = {"alternateName": rating}
    if not isinstance(rating, dict):
        return "comments"
    for key in ("alternateName", "name"):
        label = rating.get(key)
        if label and (stance := stance_of_label(str(label))) is not None:
            return stance
    value = _number(rating.get("ratingValue"))
    if value is None:
        return "comments"
    best, worst = _number(rating.get("bestRating")) or 5.0, _number(rating.get("worstRating"))
    worst = 1.0 if worst is None else worst
    if best == worst:
        return "comments"
    share = (value - worst) / (best - worst)
    # the lower third of the scale denies, the upper quarter confirms (PolitiFact's six steps
    # on 1..6: 1-2 deny, 3-4 dispute, 5-6 confirm… as the table reads their names)
    return "denies" if share <= 1 / 3 else "confirms" if share >= 0.75 else "disputes"


def rating_label(response: Response) -> str | None:
    """The original rating of an imported fact-check (kept in its evidence)."""
    m = RATING_LABEL.search(response.evidence or "")
    return m.group("label").strip() if m else None


CLAIMANT = re.compile(r"claimant: (?P<name>[^;]*)")


def claimant_of(response: Response) -> str | None:
    """Who made the reviewed claim (``itemReviewed.author``), kept in an imported review's evidence."""
    m = CLAIMANT.search(response.evidence or "")
    return m.group("name").strip() or None if m else None
