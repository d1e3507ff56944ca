"""Who says each sentence: speech-verb subjects, "According to X", transcript lines, quote
regions, intros ending in ":" and the paragraph(s) they introduce, pronoun continuations.

``attribute`` returns one ``Said`` per sentence (entity or None) plus the intro blocks, so
that both claims (what X said) and official statements can be read from the same pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from api.statements.entities import (
    NAME_RE,
    Entity,
    Registry,
    last_name_match,
    may_name_person,
    names_with,
    role_anaphor,
    strip_stop,
)
from api.statements.officials import (
    OfficialMention,
    country_mentions,
    may_hold_mention,
    official_mentions,
)
from api.statements.said import TRANSCRIPT_RE, Attribution, Said, Trace
from api.statements.spread import spread
from api.statements.textview import DocView, Sentence, glue_start, passive_end, quote_end

VERBS = (
    r"said|says|say|told|tells|stated|states|added|adds|explained|noted|stressed|"
    r"emphasi[sz]ed|insisted|replied|responded|answered|clarified|denied|denies|deny|"
    r"rejected|rejects|dismissed|dismisses|refuted|rebuffed|confirmed|confirms|"
    r"acknowledged|acknowledges|admitted|admits|conceded|disputed|disputes|questioned|"
    r"challenged|claimed|claims|alleged|warned|announced|declared|asserted|argued|reasoned|"
    r"wrote|commented|continued|reported|reports|disclosed|revealed|accused|called\s+on|"
    r"called|urged|maintained|reiterated|went\s+on\s+to\s+add|talking|speaking"
)
WEAK_VERBS = frozenset({"talking", "speaking", "continued"})
_SKIPPED_WEAK = WEAK_VERBS - {"continued"}  # weak verbs that need an intro colon


def by_first_letter(alternatives: str) -> str:
    """The alternation ``alternatives`` grouped by first letter, the order inside each group
    kept: the same matches, but a word start tries the one group of its letter instead of
    all seventy branches (the verb scan was the single costliest regex of attribution)."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives.split("|"):
        groups.setdefault(alt[0], []).append(alt[1:])
    return "|".join(f"{first}(?:{'|'.join(rest)})" for first, rest in groups.items())


VERB_RE = re.compile(rf"\b(?P<verb>{by_first_letter(VERBS)})\b")
_APPOS = re.compile(r",\s+(?:who|which|a|an|the)\b[^,;]{0,120}(?:,[^,;]{0,80})?,\s*$")
_PRONOUN = re.compile(r"\b(?:he|she|He|She)\s*$")
_DESCR = re.compile(r"\b[Tt]he\s+(?:[a-z-]+\s+){0,2}?(?P<noun>[a-z-]+)\s*$")
_NOT_PERSON = frozenset(
    [
        "following", "report", "reports", "document", "documents", "article", "study", "paper",
        "data", "information", "evidence", "video", "footage", "material", "materials", "poll",
    ]
)  # fmt: skip
# "was denied by the ministry": the agent of a passive reporting verb is its speaker
_BY_AGENT = re.compile(r"\s+(?:\w+ly\s+)?by\s+")
_ACCORDING = re.compile(r"\b[Aa]ccording\s+to\s+(?P<src>[^,:;.]{2,80})")
_ANAPHOR_AFTER = re.compile(r"\s*the\s+(?P<noun>ministry|department|embassy|government)\b")
_MR = re.compile(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+(?P<sur>[A-Z][\w’'\-]+)\s*$")
_INDEFINITE = re.compile(r"(?i)an?\s")
_PREP_END = re.compile(r"\b(?:the|of|in|to|from|by|with)\s*$")
_LOWER_WORD = re.compile(r"[a-z-]+")


def _person_mentions(reg: Registry, s: Sentence, keys: frozenset[str]) -> list[tuple[int, Entity]]:
    """(end, person) of the registered persons named in ``s``; a name whose last token is
    no person's last token (``keys``) is not looked up: it would match nobody."""
    out: list[tuple[int, Entity]] = []
    for m in official_mentions(s.qview):
        if m.name and reg.may_be_person(m.name, keys) and (ent := reg.person(m.name)):
            out.append((m.end, ent))
    for end, name in names_with(s.qview, keys):
        if (
            reg.may_be_person(name, keys)
            and (ent := reg.person(name))
            and all(e is not ent or abs(p - end) > 40 for p, e in out)
        ):
            out.append((end, ent))
    return sorted(out, key=lambda t: t[0])


def _last_person(att: Attribution, sid: int, pos: int, want: str | None = None) -> Entity | None:
    """Most recent person mentioned before ``pos`` of sentence ``sid`` (back 6 sentences)."""
    ent = _find_last_person(att, sid, pos, want)
    if att.registry.log is not None:
        att.registry.log.append(("last", sid, pos, want, ent))
    return ent


def _find_last_person(att: Attribution, sid: int, pos: int, want: str | None) -> Entity | None:
    for j in range(sid, max(-1, sid - 7), -1):
        for p, ent in reversed(att.person_mentions[j]):
            if j == sid and p > pos:
                continue
            if want is None or (ent.official and ent.role and want in _canon(ent.role)):
                return ent
    return None


def _canon(role: str) -> str:
    return role_anaphor(role) or role


def _subject_before(att: Attribution, sid: int, heads: tuple[str, ...], keyed: bool) -> Entity | None:
    for head in heads:
        ent = _resolve_tail(att, sid, head, keyed)
        if ent is not None:
            return ent
    return None


@dataclass(frozen=True, slots=True)
class _Tail:
    """What the end of a subject text names, read once per text (registry-free)."""

    mention: OfficialMention | None  # the first official mention ending the text
    mr: str | None  # "Mr Toner" → "Toner"
    pronoun: bool
    country: str | None  # a country or capital ending the text, not after "the/of/..."
    noun: str | None  # "the engineer" → "engineer"
    name: str | None  # a capitalized name ending the text


@lru_cache(maxsize=8192)
def _tail(head: str, keyed: bool) -> _Tail:
    """``keyed``: whether the sentence ``head`` starts holds a mention key (``may_hold_mention``);
    without one, neither does ``head``. Each regex below searches the whole text for a
    match at its end: a cheap test of what that match needs comes first."""
    n = len(head)
    mention = next((m for m in official_mentions(head) if m.end == n), None) if keyed else None
    mr = _MR.search(head) if "Mr" in head or "Ms" in head or "Dr" in head else None
    country = next(
        (c for start, end, c in country_mentions(head) if end == n and not _PREP_END.search(head[:start])),
        None,
    )
    rest = head.rstrip()
    last = rest.rsplit(None, 1)[-1] if rest else ""
    # the described noun is the whole last word, lowercase, after "the"/"The"
    d = _DESCR.search(head) if "he" in head and _LOWER_WORD.fullmatch(last) else None
    last_name = last_name_match(head)
    name = strip_stop(last_name.group(0)) if last_name is not None and last_name.end() == n else None
    return _Tail(
        mention,
        mr.group("sur") if mr else None,
        rest.endswith(("he", "He")) and _PRONOUN.search(head) is not None,
        country,
        d.group("noun") if d else None,
        name or None,
    )


def _resolve_tail(att: Attribution, sid: int, head: str, keyed: bool) -> Entity | None:
    reg = att.registry
    tail = _tail(head, keyed)
    if (m := tail.mention) is not None:
        org, country = reg.expand(m.organization, m.country, sid, m.generic)
        if m.name:
            return reg.person(m.name)
        if m.role is None and org:
            return reg.org(org, country)
        if m.former or m.outsider:
            return None  # a former official, a company's spokesman: not officialdom
        indefinite = _INDEFINITE.match(head[m.start :]) is not None
        found = None if indefinite else _last_person(att, sid, len(head), _canon(m.role or ""))
        return found or reg.anonymous(m.role or "official", org, country)
    if tail.mr is not None:
        return reg.person(tail.mr)
    if tail.pronoun:
        return _last_person(att, sid, len(head))
    if tail.country is not None:
        return reg.org(f"Government of {tail.country}", tail.country, kind="government")
    if tail.noun is not None:
        if tail.noun in _NOT_PERSON:
            return None
        return _descriptive(att, sid, tail.noun, len(head))
    if tail.name:
        return reg.person_or_new(tail.name)
    return None


def _descriptive(att: Attribution, sid: int, noun: str, pos: int) -> Entity | None:
    if noun in {"ministry", "department", "embassy", "statement", "government"}:
        if att.registry.log is not None:
            att.registry.log.append(("said", sid))
        for j in range(sid - 1, max(-1, sid - 4), -1):
            ent = att.said[j].entity if j < len(att.said) else None
            if ent is not None and ent.kind in {"org", "government"}:
                return ent
            if ent is not None and ent.organization:
                return att.registry.org(ent.organization, ent.country)
        return None
    role = role_anaphor(noun)
    if role:
        return _last_person(att, sid, pos, role)
    return _last_person(att, sid, pos)


@dataclass(frozen=True, slots=True)
class _Verb:
    """A reporting verb of a sentence and the registry-free facts about it."""

    verb: str
    start: int
    end: int
    passive: bool  # "was denied": its subject is what was said
    agent: int | None  # passive: where the agent after "by" starts
    heads: tuple[str, ...]  # active: texts whose end may name the speaker (glue cut off)
    before: str  # active: the text before the verb with the glue cut off
    quote_before: bool  # a quote ends right before the verb ("”, said the engineer")


@lru_cache(maxsize=8192)
def _verbs(qview: str, view: str) -> tuple[_Verb, ...]:
    out = []
    for m in VERB_RE.finditer(qview):
        verb = " ".join(m.group("verb").split())
        prefix = qview[: m.start()]
        quote_before = quote_end(view[: m.start()])
        if not verb.endswith("ing") and passive_end(prefix):
            by = _BY_AGENT.match(qview[m.end() :])
            agent = m.end() + by.end() if by else None
            out.append(_Verb(verb, m.start(), m.end(), True, agent, (), "", quote_before))
            continue
        cut = prefix[: glue_start(prefix)]
        ends = [cut]
        # an apposition ends the prefix with a comma: only then is it searched for
        if prefix.rstrip().endswith(",") and (appos := _APPOS.search(prefix)) is not None:
            ends.append(prefix[: appos.start()])
        heads = tuple(h for e in ends if (h := e.rstrip()) and not h.endswith(("”", '"')))
        out.append(_Verb(verb, m.start(), m.end(), False, None, heads, cut.rstrip(), quote_before))
    return tuple(out)


def reporting_verbs(s: Sentence) -> tuple[_Verb, ...]:
    """The reporting verbs of ``s`` with what ``_by_verb`` reads around them."""
    return _verbs(s.qview, s.view)


def _by_verb(att: Attribution, s: Sentence) -> Said | None:
    verbs = _verbs(s.qview, s.view)
    keyed = bool(verbs) and may_hold_mention(s.qview)  # heads and afters are pieces of qview
    for v in verbs:
        if v.verb in _SKIPPED_WEAK and not s.ends_with_intro_colon():
            continue
        if v.passive:
            agent = _subject_after(att, s.idx, s.qview[v.agent :], keyed) if v.agent is not None else None
            if agent is not None:
                return Said(agent, v.verb, v.start, None, "verb", passive=True)
            continue
        ent = _subject_before(att, s.idx, v.heads, keyed)
        if ent is None and v.quote_before:
            ent = _subject_after(att, s.idx, s.qview[v.end :], keyed)
        if ent is not None:
            return Said(ent, v.verb, v.start, None, "verb")
    return None


def subject_texts(s: Sentence) -> tuple[list[str], list[str]]:
    """Where the speaker of each active reporting verb in ``s`` is named: the text before the
    verb (glue such as "had", "on Monday" cut off; the speaker ends it) and, after a quote,
    the text after the verb (``”, said the engineer``; the speaker starts it)."""
    before: list[str] = []
    after: list[str] = []
    for v in _verbs(s.qview, s.view):
        if v.passive:
            continue
        before.append(v.before)
        if v.quote_before:
            after.append(s.qview[v.end :])
    return before, after


def _subject_after(att: Attribution, sid: int, after: str, keyed: bool) -> Entity | None:
    mentions = att.registry.mentions(after, sid) if keyed else []
    if mentions and not after[: mentions[0].start].strip():
        m = mentions[0]
        if m.name:
            return att.registry.person(m.name)
        if m.former or m.outsider:
            return None
        if m.role is not None and m.organization:
            return att.registry.anonymous(m.role, m.organization, m.country)
        return att.registry.org(m.organization, m.country) if m.organization else None
    if (d := _ANAPHOR_AFTER.match(after)) is not None:
        return _descriptive(att, sid, d.group("noun"), 0)
    for start, _end, country in country_mentions(after):
        if not after[:start].strip():
            return att.registry.org(f"Government of {country}", country, kind="government")
    name = NAME_RE.match(after.lstrip())
    if name and strip_stop(name.group(0)):
        nm = strip_stop(name.group(0))
        return att.registry.person_or_new(nm)
    return None


_NOBODY = Said()  # shared: a Said is never changed once made (``spread`` replaces them)


def _direct(att: Attribution, s: Sentence) -> Said:
    t = TRANSCRIPT_RE.match(s.view)
    if t:
        if t.group("q"):
            return Said(None, None, how="transcript", question=True)
        return Said(att.registry.person(t.group("sur")), None, how="transcript")
    said = _by_verb(att, s)
    if said is not None:
        return said
    acc = _ACCORDING.search(s.qview) if "ccording" in s.qview else None
    if acc:
        src = acc.group("src").strip()
        ent = att.registry.person(src) if NAME_RE.fullmatch(src) else None
        if ent is None and "document" not in src and not NAME_RE.fullmatch(src):
            ent = att.registry.source(src)
        return Said(ent or att.registry.source(src), "according to", acc.start(), how="according")
    return _NOBODY


def attribute(
    doc: DocView, registry: Registry, *, record: bool = False, previous: Attribution | None = None
) -> Attribution:
    """Who says each sentence. ``record``: keep a ``Trace`` of what each sentence read.
    ``previous``: a recorded pass over the same document, made with fewer persons registered;
    a sentence whose reads give the same answers now gets the same ``Said`` without being
    read again, and when every sentence does, ``previous`` is the result (``spread`` would
    make the same of the same)."""
    att = Attribution(said=[], registry=registry)
    # most sentences name none of the few registered persons: their lookups are skipped
    keys = registry.last_tokens()
    att.person_mentions = [
        _person_mentions(registry, s, keys) if may_name_person(s.qview, keys) else [] for s in doc.sentences
    ]
    trace = previous.trace if previous is not None else None
    if record:
        att.trace = Trace()
    replayed = 0
    for s in doc.sentences:
        if trace is not None and _same_reads(att, trace, s.idx):
            att.said.append(trace.own[s.idx])
            replayed += 1
        elif att.trace is None:
            att.said.append(_direct(att, s))
        else:
            reads: list[tuple[object, ...]] = []
            registry.log = reads
            att.said.append(_direct(att, s))
            registry.log = None
            att.trace.reads.append(reads)
    if att.trace is not None:
        att.trace.own = list(att.said)
    if previous is not None and replayed == len(doc.sentences):
        previous.person_mentions = att.person_mentions
        return previous
    spread(doc, att)
    return att


def _same_reads(att: Attribution, trace: Trace, sid: int) -> bool:
    """Whether what sentence ``sid`` read in the recorded pass reads the same now: then it
    resolves the same way (the lookups are repeated in order, with their side effects)."""
    for read in trace.reads[sid]:
        if read[0] == "person":
            if att.registry.person(read[1]) is not read[2]:  # type: ignore[arg-type]
                return False
        elif read[0] == "last":
            if _find_last_person(att, read[1], read[2], read[3]) is not read[4]:  # type: ignore[arg-type]
                return False
        else:  # "said": the speakers of up to three sentences before
            j0 = read[1]
            for j in range(j0 - 1, max(-1, j0 - 4), -1):  # type: ignore[operator]
                if att.said[j].entity is not trace.own[j].entity:
                    return False
    return True
