"""Which passages of the document a statement answers.

1. A named claimant ("denied Al Ezz’s allegations"): the sentences attributed to that
   person (direct quotes, reported speech, "he added" continuations, quote paragraphs after
   an intro naming them) that are about the responder (mention its organization/country or
   continue such a sentence; a topic shift such as "As for ..." ends the run).
2. A described claimant ("the engineer's allegations", "claims by the opposition"): the
   sentences whose speaker is that noun phrase ("An engineer had claimed ...", "According
   to the engineer", "..., the engineer told ...") and their continuations (the quote they
   open, "He added ..."). Nothing found: the generic target of the same phrase, if any.
3. A generic target ("the claim", "the new information", "the report"): the nearest
   preceding disclosure ("According to ...", "X has disclosed/claimed ...") and the quote
   it introduces, the same claimant's other statements sharing its content words, and
   restatements elsewhere that name the responder and share its content words. With a
   clause ("reports that X", "denied that X"): the sentences that make claim X — two shared
   content words and X's predicate (or a synonym) — and restatements naming the responder.
4. No target: the statement inherits the target of the same official's statement that
   names one; otherwise, for spokespeople and explicit response verbs only, the first
   earlier claim naming the responder's organization (then its country aliases).

Never linked: the statement's own sentences, statements of the same official or of the
same organization, journalists' questions, headings and other non-claim lines.
"""

from __future__ import annotations

import re
from collections import Counter

from api.statements.entities import Entity
from api.statements.officials import COUNTRIES, FIXED_ORGS, ORG_TYPES
from api.statements.speakers import VERB_RE, Attribution, subject_texts
from api.statements.targets import Target, content_word_set, content_words, find_target, predicate_rx
from api.statements.textview import DocView, Sentence

__all__ = ["Linker", "Target", "claim_like", "content_words", "find_target", "is_bare_intro"]

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
# "He added that ...", "She also said ...": the previous speaker goes on
_PRONOUN_SAYS = re.compile(rf"^\W*(?:He|She|They)\s+(?:\w+\s+){{0,2}}?(?:{VERB_RE.pattern})")
TOPIC_SHIFT = re.compile(
    r"^\W*(?:As (?:for|to|regards)|Regarding|With regard to|Turning to|"
    r"On (?:the )?(?:subject|issue|question) of|Meanwhile|In the meantime|"
    r"Separately|Elsewhere)\b"
)


def claim_like(s: Sentence) -> bool:
    text = s.clean.rstrip(" *")
    if s.heading or text.endswith("?") or len(text.split()) < 6:
        return False
    return bool(re.search(r"[.!:”\"’)]$", text))


def is_bare_intro(s: Sentence) -> bool:
    return len(s.clean.split()) <= 4 and s.clean.rstrip().endswith((",", ":"))


class Linker:
    """Answer resolution for the statements of one document."""

    def __init__(self, doc: DocView, att: Attribution) -> None:
        self.doc, self.att = doc, att
        self._common: set[str] | None = None

    @property
    def common(self) -> set[str]:
        """Words in more than 40% of the sentences (at least 4): read on first use, as many
        statements resolve without comparing words."""
        if self._common is None:
            df: Counter[str] = Counter()
            for s in self.doc.sentences:
                df.update(content_word_set(s.view))
            limit = max(4, int(0.4 * len(self.doc.sentences)))
            self._common = {w for w, n in df.items() if n > limit}
        return self._common

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
            restated = self._restatements(about, self.words(that, drop), excl, set())
            return sorted(restated | self.making(that, excl))
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

    def making(self, clause: str, excl: set[int]) -> set[int]:
        """Sentences that make the claim in ``clause``: at least two shared content words and
        the clause's predicate (or a synonym) when one is recognised."""
        want, pred = self.words(clause), predicate_rx(clause)
        return {
            s.idx
            for s in self.doc.sentences
            if s.idx not in excl
            and claim_like(s)
            and not is_bare_intro(s)
            and len(self.words(s.view) & want) >= 2
            and (pred is None or pred.search(s.view))
        }

    def described(self, noun: str, excl: set[int]) -> list[int]:
        """Sentences spoken by the claimant described as ``noun`` ("an engineer") and their
        continuations (the quote they open, "He added ...", unattributed quotes after them)."""
        post = r"(?:\s+(?:of|at|from|with|for|in)\s+(?:the\s+|an?\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,3})?"
        det = r"(?:an?|the|one|this|that|another)\s+(?:[\w’'-]+\s+){0,3}?"
        np_end = re.compile(rf"(?i)\b{det}{noun}s?{post}\s*$")
        np_start = re.compile(rf"(?i)^\s*(?:an?|the|one|this|that)\s+(?:[\w’'-]+\s+){{0,3}}?{noun}s?\b")
        by = re.compile(rf"(?i)\baccording\s+to\s+(?:an?|the)\s+(?:[\w’'-]+\s+){{0,3}}?{noun}s?\b")
        hits = []
        for s in self.doc.sentences:
            before, after = subject_texts(s)
            if (
                any(np_end.search(t) for t in before)
                or any(np_start.search(t) for t in after)
                or by.search(s.qview)
            ):
                hits.append(s.idx)
        out = set(hits)
        for h in hits:
            out.update(self.att.blocks.get(h, []))
            out.update(self._continuation(h, set(hits)))
        return sorted(
            i
            for i in out
            if i not in excl
            and claim_like(self.doc.sentences[i])
            and not is_bare_intro(self.doc.sentences[i])
        )

    def _continuation(self, h: int, hits: set[int]) -> list[int]:
        out: list[int] = []
        for j in range(h + 1, min(h + 4, len(self.doc.sentences))):
            s, said = self.doc.sentences[j], self.att.said[j]
            if j in hits or said.question or s.line - self.doc.sentences[j - 1].line > 1:
                break
            same = said.entity is None or said.entity is self.att.said[h].entity
            quote = s.view.lstrip()[:1] in '“"' and same
            if not (quote or _PRONOUN_SAYS.match(s.qview)):
                break
            out.append(j)
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


def org_terms(organization: str | None, country: str | None) -> tuple[list[str], list[str]]:
    """(own names, country aliases) used to find passages about an organization."""
    own: list[str] = []
    for _, name, _, names in FIXED_ORGS:
        if organization and name in organization:
            own.extend(names)
    for _pattern, name in ORG_TYPES:
        if organization and name in organization and name != "Government":
            own.append(name)
    aliases: list[str] = []
    if country in COUNTRIES:
        names, adjs, mets = COUNTRIES[country]
        aliases = [*names, *adjs, *[a + "s" for a in adjs if a[-1].islower()], *mets]
    return own, aliases


def terms_regex(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternation = "|".join(re.escape(w) for w in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")
