"""Stance of an official statement: denies | confirms | disputes | comments.

Read from the reporting verb whose subject is the official ("Toner denied", "Turkey denied",
"A Kremlin spokesman dismissed the report as fake", "Kirby confirmed"), then — when the verb
is neutral ("said", "called") — from "called it false" (disputes), a coordinated stance verb
("said ... and denied that ...") and explicit phrases in the official's own words. The author's gloss
("..., effectively admitting that ...") is not the official's speech act and is ignored.
"""

from __future__ import annotations

import re

VERB_STANCE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:den(?:y|ied|ies|ying)|reject\w*|dismiss\w*|refut\w*|rebuff\w*)$"), "denies"),
    (re.compile(r"^(?:confirm\w*|acknowledg\w*|admit\w*|conced\w*)$"), "confirms"),
    (re.compile(r"^(?:disput\w*|question\w*|challeng\w*|contest\w*)$"), "disputes"),
)
CALLED_FALSE = re.compile(
    r"\bcall(?:ed|s|ing)?\s+(?:it|them|this|that|the\s+\w+(?:\s+\w+)?|these\s+\w+)\s+"
    r"(?:as\s+)?(?:false|untrue|baseless|groundless|unfounded|fake|fabricated|misleading|"
    r"inaccurate|nonsense|absurd)",
    re.I,
)
# a neutral verb followed by a stance verb: "said the officers acted lawfully and denied ..."
COORDINATED = re.compile(
    r"\b(?:and|but)\s+(?:also\s+|strongly\s+|flatly\s+)?(?P<verb>denied|rejected|dismissed|"
    r"refuted|confirmed|acknowledged|admitted|disputed)\b"
)
DENY_WORDS = re.compile(
    r"\b(?:(?:is|was|were|are)\s+(?:completely\s+|totally\s+|entirely\s+|simply\s+)?false|"
    r"not true|untrue|absolutely not|categorically|baseless|groundless|unfounded|"
    r"fabricat\w+|fake news|we (?:would|will) never|we have never|we(?:’|')ve never|"
    r"never provided|no truth|without (?:any )?foundation|no basis)\b",
    re.I,
)
CONFIRM_WORDS = re.compile(
    r"\b(?:i can confirm|we can confirm|we confirm|it is true that|i(?:’|')m not disputing|"
    r"we(?:’|')re not disputing|we acknowledge|i acknowledge)\b",
    re.I,
)
DISPUTE_WORDS = re.compile(
    r"\b(?:no evidence|cannot confirm|can(?:’|')t confirm|unverified|dubious|"
    r"highly questionable)\b",
    re.I,
)
NEGATED = re.compile(r"\b(?:not|never|n[’']t|neither|refused to)\s+(?:\w+\s+){0,2}$", re.I)


def stance_of(verb: str | None, clause: str, verb_prefix: str, quote: str) -> str:
    """``verb``: the reporting verb; ``clause``: the reporting sentence (quotes blanked);
    ``verb_prefix``: the text before the verb; ``quote``: the official's own words."""
    if verb:
        head = verb.split()[0].lower()
        for rx, stance in VERB_STANCE:
            if rx.match(head):
                return "comments" if NEGATED.search(verb_prefix) else stance
    if CALLED_FALSE.search(clause):
        return "disputes"
    if (c := COORDINATED.search(clause[len(verb_prefix) :])) is not None:
        return stance_of(c.group("verb"), "", "", "")
    if DENY_WORDS.search(quote):
        return "denies"
    if CONFIRM_WORDS.search(quote):
        return "confirms"
    if DISPUTE_WORDS.search(quote):
        return "disputes"
    return "comments"
