"""Which passages of the document a statement answers.

1. A named claimant ("denied Al Ezz’s allegations"): the sentences attributed to that
   person (direct quotes, reported speech, "he added" continuations, quote paragraphs after
   an intro naming them) that are about the responder (mention its organization/country or
   continue such a sentence; a topic shift such as "As for ..." ends the run).
2. A generic target ("the claim", "the new information", "the report", "claims that ..."):
   the nearest preceding disclosure ("According to ...", "X has disclosed/claimed ...") and
   the quote it introduces, the same claimant's other statements sharing its content words,
   and restatements elsewhere that name the responder and share its content words.
3. No target: the statement inherits the target of the same official's statement that
   names one; otherwise, for spokespeople and explicit response verbs only, the first
   earlier claim naming the responder's organization (then its country aliases).

Never linked: the statement's own sentences, statements of the same official or of the
same organization, journalists' questions, headings and other non-claim lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from api.provenance.attribution import Attribution
from api.provenance.entities import Entity, strip_stop
from api.provenance.officials import org_terms, terms_regex
from api.provenance.textview import DocView, Sentence

POSSESSIVE = re.compile(
    r"(?P<who>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})['’]s\s+(?:(?:recent|latest|new|"
    r"earlier|previous|latest)\s+)*(?P<noun>allegations?|claims?|accusations?|remarks?|"
    r"statements?|comments?|assertions?|charges?|words|report|story|interview)\b"
)
GENERIC = re.compile(
    r"\b(?:(?:the|these|those|this|such|that|a|an)\s+)?(?:(?:new|latest|recent|media|press|"
    r"earlier|previous|fresh)\s+)*(?P<noun>claims?|allegations?|accusations?|reports?|"
    r"information|materials?|revelations?|stor(?:y|ies)|article|interview|video|footage|"
    r"documents?|leaks?|rumou?rs?|charges?)\b(?:\s+that\s+(?P<that>[^.;]+))?"
)
DISCLOSURE = frozenset(
    {
        "disclosed",
        "revealed",
        "claimed",
        "claims",
        "alleged",
        "accused",
        "according to",
        "reported",
        "reports",
        "told",
        "said",
        "stated",
    }
)
TOPIC_SHIFT = re.compile(
    r"^\W*(?:As (?:for|to|regards)|Regarding|With regard to|Turning to|"
    r"On (?:the )?(?:subject|issue|question) of|Meanwhile|In the meantime|"
    r"Separately|Elsewhere)\b"
)
_STOP = frozenset(
    [
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
    ]
)


@dataclass(slots=True)
class Target:
    kind: str  # claimant | generic
    claimant: Entity | None = None
    that: str | None = None


def content_words(text: str) -> set[str]:
    out = set()
    for tok in re.findall(r"[a-z][a-z0-9\-]+", text.lower().replace("’", "'")):
        tok = tok.strip("-")
        if len(tok) < 3 or tok in _STOP:
            continue
        if tok.endswith("ies") and len(tok) > 5:
            tok = tok[:-3] + "y"
        elif tok.endswith("s") and not tok.endswith("ss") and len(tok) > 4:
            tok = tok[:-1]
        out.add(tok)
    return out


def claim_like(s: Sentence) -> bool:
    text = s.clean.rstrip(" *")
    if s.heading or text.endswith("?") or len(text.split()) < 6:
        return False
    return bool(re.search(r"[.!:”\"’)]$", text))


def is_bare_intro(s: Sentence) -> bool:
    return len(s.clean.split()) <= 4 and s.clean.rstrip().endswith((",", ":"))


def find_target(att: Attribution, intro: Sentence, verb_pos: int | None) -> Target | None:
    tail = intro.qview[verb_pos or 0 :]
    if (m := POSSESSIVE.search(tail)) is not None:
        who = strip_stop(m.group("who"))
        ent = att.registry.person(who) if who else None
        if ent is not None:
            return Target("claimant", claimant=ent)
    if (g := GENERIC.search(tail)) is not None:
        det = g.group(0).split()[0].lower()
        if det in {"the", "these", "those", "this", "such", "that"} or g.group("that"):
            return Target("generic", that=g.group("that"))
    return None


class Linker:
    """Answer resolution for the statements of one document."""

    def __init__(self, doc: DocView, att: Attribution) -> None:
        self.doc, self.att = doc, att
        df = Counter(w for s in doc.sentences for w in content_words(s.view))
        limit = max(4, int(0.4 * len(doc.sentences)))
        self.common = {w for w, n in df.items() if n > limit}

    def words(self, text: str, drop: set[str] | None = None) -> set[str]:
        return content_words(text) - self.common - (drop or set())

    def excluded(self, speaker: Entity, own: list[int]) -> set[int]:
        out = set(own)
        for i, said in enumerate(self.att.said):
            ent = said.entity
            if said.question or (
                ent is not None
                and ent.official
                and (ent is speaker or (speaker.organization and ent.organization == speaker.organization))
            ):
                out.add(i)
        return out

    def terms(self, speaker: Entity) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        own, aliases = org_terms(speaker.organization, speaker.country)
        return terms_regex(own), terms_regex(own + aliases)

    def claimant(self, speaker: Entity, who: Entity, excl: set[int]) -> list[int]:
        xs = [
            s
            for s in self.doc.sentences
            if self.att.said[s.idx].entity is who
            and s.idx not in excl
            and claim_like(s)
            and not is_bare_intro(s)
        ]
        _, about = self.terms(speaker)
        if about is None or not any(about.search(s.view) for s in xs):
            return [s.idx for s in xs]
        out: list[int] = []
        prev: Sentence | None = None
        for s in xs:
            shift = TOPIC_SHIFT.match(s.clean)
            follows = prev is not None and prev.idx in out and s.line - prev.line <= 2
            if not shift and (about.search(s.view) or follows):
                out.append(s.idx)
            prev = s
        return out

    def generic(self, speaker: Entity, first: int, that: str | None, excl: set[int]) -> list[int]:
        _, about = self.terms(speaker)
        drop = content_words(speaker.name or "")
        if that:
            return self._restatements(about, self.words(that, drop), excl, set())
        anchor = self._anchor(first, excl)
        if anchor is None:
            return []
        unit = self._unit(anchor)
        who = self.att.said[anchor].entity
        if who is not None:
            drop |= content_words(who.name or "")
        aw = self.words(
            self.doc.sentences[anchor].view,
            drop | (content_words(" ".join(o for o in org_terms(None, speaker.country)[1]))),
        )
        out = set(unit)
        if who is not None and who.kind == "person":
            out |= self._same_claimant(who, aw, excl)
        out |= self._restatements(about, aw, excl, out)
        return sorted(
            i
            for i in out
            if i not in excl
            and claim_like(self.doc.sentences[i])
            and not is_bare_intro(self.doc.sentences[i])
        )

    def _anchor(self, first: int, excl: set[int]) -> int | None:
        nearest = None
        for j in range(first - 1, max(-1, first - 14), -1):
            s = self.doc.sentences[j]
            if j in excl or not claim_like(s) or is_bare_intro(s):
                continue
            said = self.att.said[j]
            if nearest is None and claim_like(s):
                nearest = j
            if (
                said.how in {"verb", "according"}
                and said.verb in DISCLOSURE
                and said.entity is not None
                and not said.entity.official
            ):
                return j
        return nearest

    def _unit(self, anchor: int) -> list[int]:
        out = [anchor]
        for j in (anchor, anchor + 1):
            if j >= len(self.doc.sentences):
                break
            if j != anchor and not (
                is_bare_intro(self.doc.sentences[j])
                and self.att.said[j].entity is self.att.said[anchor].entity
            ):
                break
            out.append(j)
            out.extend(self.att.blocks.get(j, []))
        return sorted(set(out))

    def _same_claimant(self, who: Entity, aw: set[str], excl: set[int]) -> set[int]:
        units: dict[object, list[int]] = {}
        for s in self.doc.sentences:
            said = self.att.said[s.idx]
            if said.entity is who and s.idx not in excl:
                units.setdefault(said.block if said.block is not None else s.idx, []).append(s.idx)
        out: set[int] = set()
        for members in units.values():
            text = " ".join(self.doc.sentences[i].view for i in members)
            if len(self.words(text) & aw) >= 2:
                out.update(members)
        return out

    def _restatements(
        self, about: re.Pattern[str] | None, aw: set[str], excl: set[int], taken: set[int]
    ) -> set[int]:
        out: set[int] = set()
        if about is None or not aw:
            return out
        lines: dict[int, list[Sentence]] = {}
        for s in self.doc.sentences:
            if s.idx not in excl and s.idx not in taken and claim_like(s):
                lines.setdefault(s.line, []).append(s)
        for members in lines.values():
            line_words = self.words(" ".join(s.view for s in members))
            if len(line_words & aw) < 2:
                continue
            seeded = False
            for s in members:
                overlap = len(self.words(s.view) & aw)
                if about.search(s.view) and overlap >= 1:
                    seeded = True
                    out.add(s.idx)
                elif seeded and overlap >= 2:
                    out.add(s.idx)
        return out

    def fallback(self, speaker: Entity, first: int, excl: set[int]) -> list[int]:
        own, about = self.terms(speaker)
        for rx in (own, about):
            if rx is None:
                continue
            for s in self.doc.sentences[:first]:
                if s.idx not in excl and claim_like(s) and rx.search(s.view):
                    return [s.idx]
        return []
