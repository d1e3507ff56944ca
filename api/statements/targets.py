"""What an official statement is about: the target phrase after (or, in the passive, before)
its reporting verb.

- a named claimant: "denied Al Ezz’s allegations" (a registered person);
- a described claimant: "the engineer's allegations", "the whistleblower's claims", "claims
  by the opposition", "allegations made by a former employee", "the newspaper's report" —
  resolved by ``linking`` to the sentences whose speaker is that noun phrase;
- a generic target: "the claim", "the report", "reports that X", "suggestions that X";
- the claim itself after a stance verb: "denied that X", "confirmed that X".

A "that X" clause is matched against the document's sentences by content words and by its
predicate (``predicate_rx``): "concealed test results" must meet a sentence saying results
were concealed (or hidden, withheld, covered up), not just one sharing "test results".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from api.statements.entities import Entity, strip_stop
from api.statements.speakers import Attribution
from api.statements.stance import stance_of
from api.statements.textview import Sentence

# what a claim is called when an official answers it
CLAIM_NOUNS = (
    r"allegations?|claims?|accusations?|remarks?|statements?|comments?|assertions?|charges?|"
    r"words|reports?|story|stories|account|testimony|interview|article|findings|suggestions?|"
    r"insinuations?"
)
POSSESSIVE = re.compile(
    r"(?P<who>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})['’]s\s+(?:(?:recent|latest|new|"
    r"earlier|previous|latest)\s+)*(?P<noun>allegations?|claims?|accusations?|remarks?|"
    r"statements?|comments?|assertions?|charges?|words|report|story|interview)\b"
)
# "the engineer's allegations", "the activists' claims": a claimant described, not named
COMMON_POSSESSIVE = re.compile(
    r"\b(?:the|a|an|this|that)\s+(?P<np>(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*?)(?:['’]s|s['’])\s+"
    rf"(?:(?:recent|latest|new|earlier|previous|own)\s+)*(?:{CLAIM_NOUNS})\b"
)
# "claims by the opposition", "allegations made by a former employee", "the claims of the
# union": the noun phrase is cut at its first function word (see ``_head``)
BY_CLAIMANT = re.compile(
    rf"\b(?:{CLAIM_NOUNS})\s+(?:(?:made|levell?ed|raised|published|aired|voiced)\s+)?"
    r"(?:by|of|from)\s+(?:the|a|an)\s+(?P<np>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})"
)
# "this week's reports": a time, not a claimant
TIME_NOUNS = frozenset({"day", "week", "weekend", "month", "year", "today", "yesterday", "morning", "night"})
GENERIC = re.compile(
    r"\b(?:(?i:the|these|those|this|such|that|a|an)\s+)?(?:(?:new|latest|recent|media|press|"
    r"earlier|previous|fresh)\s+)*(?P<noun>claims?|allegations?|accusations?|reports?|"
    r"information|materials?|revelations?|stor(?:y|ies)|article|interview|video|footage|"
    r"documents?|leaks?|rumou?rs?|charges?|suggestions?|speculation|assertions?|"
    r"insinuations?|notion)\b(?:\s+that\s+(?P<that>[^.;]+))?"
)
# "denied that X" / "confirmed on Monday that X": the claim itself, after a stance verb
THAT_CLAUSE = re.compile(
    r"^\w+\s+(?:(?:on|last)\s+\w+\s+|yesterday\s+|again\s+|publicly\s+|strongly\s+)?"
    r"that\s+(?P<that>[^.;]+)"
)
# "said the officers had acted lawfully and denied that ...": a second, stance-bearing verb
COORDINATED_STANCE = re.compile(
    r"\b(?:and|but)\s+(?:also\s+|strongly\s+|flatly\s+)?(?P<verb>denied|rejected|dismissed|refuted|"
    r"confirmed|acknowledged|admitted|disputed)\b"
)
_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "they",
        "them",
        "their",
        "there",
        "here",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "us",
        "you",
        "your",
        "i",
        "me",
        "my",
        "not",
        "no",
        "yes",
        "so",
        "if",
        "than",
        "then",
        "also",
        "just",
        "only",
        "very",
        "more",
        "most",
        "some",
        "any",
        "all",
        "such",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "said",
        "says",
        "say",
        "added",
        "told",
        "stated",
        "according",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "why",
        "how",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "while",
        "because",
        "against",
        "during",
        "without",
        "within",
    }
)
_AUX = frozenset(
    {"had", "has", "have", "was", "were", "is", "are", "been", "being", "would", "will", "did", "does", "do",
     "be", "could"}
)  # fmt: skip
_IRREGULAR = frozenset(
    {
        "hid",
        "gave",
        "sent",
        "paid",
        "took",
        "sold",
        "stole",
        "knew",
        "kept",
        "struck",
        "fought",
        "bought",
        "brought",
        "built",
        "lied",
        "misled",
        "ran",
        "made",
        "shot",
        "hit",
        "found",
        "spent",
        "held",
        "withheld",
    }
)
# Verbs that say the same thing in other words; a "that X" clause whose verb is in a group
# matches a sentence using any verb of the group ("concealed" ~ "hid", "covered up").
VERB_GROUPS = (
    r"conceal\w*|hid|hide[sn]?|hiding|cover(?:ed|ing|s)?[\s-]+up|cover-?up|withh[eo]ld\w*|"
    r"suppress\w*|kept\s+(?:quiet|secret)",
    r"deliver\w*|suppl(?:y|ies|ied|ying)|provid\w*|sen[dt]s?|sending|giv(?:e|es|en|ing)|gave|"
    r"arm(?:s|ed|ing)?|ship(?:s|ped|ping)?|transfer\w*|smuggl\w*",
    r"fund(?:s|ed|ing)?|financ\w*|pa(?:y|ys|id|ying)|bankroll\w*",
    r"attack\w*|bomb\w*|strik\w*|struck|shell(?:s|ed|ing)|target\w*|hit(?:s|ting)?|raid\w*",
    r"kill\w*|murder\w*|execut\w*",
    r"l(?:ie|ied|ies|ying)|mislead\w*|misled|deceiv\w*",
    r"falsif\w*|fak(?:e|ed|ing)|fabricat\w*|doctor(?:ed|ing)|manipulat\w*|tamper\w*|"
    r"forg(?:e|ed|ing)",
    r"ignor\w*|disregard\w*|neglect\w*",
    r"spy|spied|spying|surveil\w*|monitor\w*|wiretap\w*",
    r"poison\w*|contaminat\w*|pollut\w*",
)


@dataclass(slots=True)
class Target:
    kind: str  # claimant | noun | generic
    claimant: Entity | None = None
    that: str | None = None
    noun: str | None = None  # head noun of a described claimant ("engineer", "opposition")
    fallback: Target | None = None  # used when a described claimant resolves to nothing


def content_words(text: str) -> set[str]:
    return set(content_word_set(text))


_WORD = re.compile(r"[a-z][a-z0-9\-]+")


@lru_cache(maxsize=16384)
def content_word_set(text: str) -> frozenset[str]:
    # each distinct word once (the result is a set); apostrophes never join words
    return frozenset(w for tok in set(_WORD.findall(text.lower())) if (w := _content_word(tok)))


@lru_cache(maxsize=65536)
def _content_word(tok: str) -> str:
    """The content word a token counts as ("" for none): words recur across documents."""
    tok = tok.strip("-")
    if len(tok) < 3 or tok in _STOP:
        return ""
    if tok.endswith("ies") and len(tok) > 5:
        return tok[:-3] + "y"
    if tok.endswith("s") and not tok.endswith("ss") and len(tok) > 4:
        return tok[:-1]
    return tok


def find_target(
    att: Attribution, intro: Sentence, verb_pos: int | None, *, passive: bool = False, verb: str | None = None
) -> Target | None:
    """The target of the statement whose reporting verb sits at ``verb_pos`` of ``intro``."""
    tail = intro.qview[: verb_pos or 0] if passive else intro.qview[verb_pos or 0 :]
    if (m := POSSESSIVE.search(tail)) is not None:
        who = strip_stop(m.group("who"))
        ent = att.registry.person(who) if who else None
        if ent is not None:
            return Target("claimant", claimant=ent)
    generic = None
    if (g := GENERIC.search(tail)) is not None:
        det = g.group(0).split()[0].lower()
        if det in {"the", "these", "those", "this", "such", "that"} or g.group("that"):
            generic = Target("generic", that=g.group("that"))
    described = [m for rx in (COMMON_POSSESSIVE, BY_CLAIMANT) if (m := rx.search(tail)) is not None]
    if described and (noun := _head(min(described, key=lambda m: m.start()).group("np"))):
        holders = {p.key: p for p in att.registry.persons if p.role and p.role.split()[-1] == noun}
        if len(holders) == 1:  # "the minister's claims": the one minister the document names
            return Target("claimant", claimant=next(iter(holders.values())))
        if noun not in TIME_NOUNS:
            return Target("noun", noun=noun, fallback=generic)
    if generic is not None:
        return generic
    stance_verb = not passive and verb is not None and stance_of(verb, "", "", "") != "comments"
    if stance_verb and (t := THAT_CLAUSE.match(tail)) is not None:
        return Target("generic", that=t.group("that"))
    if not passive and (c := COORDINATED_STANCE.search(tail, 1)) is not None:
        return find_target(att, intro, (verb_pos or 0) + c.start("verb"), verb=c.group("verb"))
    return None


def _head(np: str) -> str | None:
    """Head noun of a described claimant ("former employee" → "employee"), singular."""
    words: list[str] = []
    for w in np.split():
        if w in _STOP or w.endswith("ly"):
            break
        words.append(w)
    if not words:
        return None
    head = words[-1]
    return head[:-1] if head.endswith("s") and not head.endswith("ss") and len(head) > 4 else head


def predicate_rx(clause: str) -> re.Pattern[str] | None:
    """What a sentence must say to make the claim in ``clause``: the clause's verb or one of
    its synonyms (``VERB_GROUPS``); None when no verb is recognised."""
    tokens = re.findall(r"[A-Za-z][\w'’-]*", clause)[:10]
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if i == 0 or low in _AUX or low in _STOP or low.endswith("ly"):
            continue
        if tokens[i - 1].lower() in _AUX or low in _IRREGULAR or (low.endswith("ed") and len(low) > 4):
            return _verb_rx(low)
    return None


def _verb_rx(verb: str) -> re.Pattern[str] | None:
    for group in VERB_GROUPS:
        if re.fullmatch(group, verb):
            return re.compile(rf"\b(?:{group})\b", re.I)
    stem = re.sub(r"(?:ed|ing|es|s|d)$", "", verb)
    return re.compile(rf"\b{re.escape(stem)}\w*", re.I) if len(stem) >= 4 else None
