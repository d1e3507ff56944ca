"""Official responses reported in a document (product step 6).

``extract_responses(text, passages, published_at=...)`` finds the reported statements of
officials — spokespeople, ministers, ministries, embassies, governments, a country or its
capital acting as a government ("Turkey denied the claim", "Moscow said", "the Kremlin") —
and returns, for each, who said it (speaker, role, organization), the stance (denies /
confirms / disputes / comments), the date, the quote, the passages holding it and the
passages of the same document carrying the claims it answers (see ``linking``).
Statements of militants, journalists, analysts and commenters are never responses.

Length: ~500 lines while two readings live side by side: the lexical one (default) and its
merge with the opt-in parse (``CLAIMSCOPE_STATEMENT_PARSER``). When the parse is cheap enough
to be the default, the lexical half and the merge go, and this module shrinks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.settings import get_settings
from api.statements.answered import Linker
from api.statements.entities import Entity, Registry, register_roles
from api.statements.officials import (
    COUNTRY_WORDS,
    FOLDS_TO_ASCII,
    is_spokes,
    may_hold_mention,
    may_name_country,
    may_name_role,
)
from api.statements.parsed import Parsed, has_cue, read_statements
from api.statements.speakers import TRANSCRIPT_RE, Attribution, attribute, reporting_verbs
from api.statements.stance import stance_of
from api.statements.targets import Target, find_target
from api.statements.textview import DocView, Sentence, build_view, passages_for
from api.statements.when import find_date, parse_doc_date, refers_to_same_day
from api.text.types import SplitPassage

RESPONSE_VERBS = frozenset({"responded", "replied", "answered", "reacted", "commented"})


@dataclass(slots=True)
class ExtractedResponse:
    speaker: str | None  # "Mark Toner"; None when only an organization speaks ("Turkey")
    role: str | None  # "spokesman", "deputy spokesman", "foreign minister"
    organization: str | None  # "U.S. State Department", "Government of Turkey"
    stance: str  # denies | confirms | disputes | comments
    date: str | None  # ISO date or "YYYY-MM"; None if unknown
    quote: str  # the official's words when quoted, else the reported clause
    passage_ordinals: list[int]  # passages holding the statement
    answers: list[int]  # passages (same document) carrying the claims it answers
    evidence: str  # the sentence it was read from
    # the quote's character spans in the document text (the content only: no speaker, no cue)
    quote_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Statement:
    entity: Entity
    sids: list[int]
    intro: int
    verb: str | None = None
    verb_pos: int | None = None
    quote_sids: list[int] = field(default_factory=list)
    date: str | None = None
    target: Target | None = None
    answers: list[int] | None = None
    parsed: Parsed | None = None  # the parse's reading of the intro sentence
    added: bool = False  # found by the parse alone (the lexical reading found no statement there)


def extract_responses(
    text: str, passages: list[SplitPassage], *, published_at: str | None, language: str | None = "en"
) -> list[ExtractedResponse]:
    """Reported statements of officials in one document, linked to the claims they answer."""
    doc = build_view(text, passages, language)
    if not doc.sentences:
        return []
    english = (language or "en").startswith("en")
    # The parse costs ~0.5 s of CPU per article (bench/statements.py): opt-in until it is cheaper.
    use_parse = english and get_settings().statement_parser
    parsed = read_statements(doc) if use_parse else []
    registry = Registry.empty()
    att, statements = _lexical(doc, registry, published_at)
    if use_parse:
        statements = _with_parse(doc, registry, statements, parsed)
    if not statements:
        return []
    if att is None:
        att = attribute(doc, registry)
    _dates(doc, statements, published_at)
    _link(doc, att, statements)
    _claims_only(doc, statements)
    return [_response(doc, st, passages) for st in _fold(statements)]


def _lexical(
    doc: DocView, registry: Registry, published_at: str | None
) -> tuple[Attribution | None, list[Statement]]:
    """The statements the lexical reading (roles, bodies and names read from the words) finds."""
    qviews = [s.qview for s in doc.sentences]
    if not any(map(may_hold_mention, qviews)) and not any(map(may_name_country, qviews)):
        # every official entity comes from a role, body or country named in some sentence
        # (a person becomes an official only with a role): none named, no response
        return None, []
    # Unless a person is named as an official (or with a body), an official can only be the
    # speaker of a reporting verb, named by a role, body or country where that speaker is
    # read (or the body of one that already spoke): with no such verb, none speaks. Persons
    # are named only with a role: with no role word either, there is nothing to register.
    reported = any(may_report_official(s) for s in doc.sentences)
    if not reported and not any(may_hold_mention(q) and may_name_role(q) for q in qviews):
        return None, []
    headings = frozenset(s.idx for s in doc.sentences if s.heading)
    register_roles(registry, qviews, headings)
    if not reported and not any(p.official or p.organization for p in registry.persons):
        return None, []
    # the first pass registers the speakers named anywhere; when it registers nobody new,
    # the second would read the same registry the same way
    state = registry.state()
    att = attribute(doc, registry, record=True)
    if registry.state() != state:
        att = attribute(doc, registry, previous=att)
    return att, _merge_runs(doc, att, _statements(doc, att), published_at)


def _with_parse(
    doc: DocView, registry: Registry, statements: list[Statement], parsed: list[Parsed]
) -> list[Statement]:
    """The lexical statements checked against the parse, and the parse's own added.

    A sentence the parser read (it holds a speech cue) is a statement of the official the
    parse names as the cue's speaker, or of nobody: a lexical statement whose intro the
    parse gives to someone else, to a non-official, to a pronoun with no agreeing antecedent
    or to no speech at all (an act: "responded by sidestepping") is dropped; a headline is
    never a statement. An official the parse finds where the lexical reading found none is
    added. A person the parse names without a role is an official when the lexical reading
    registered them as one ("Toner said", after "State Department spokesman Mark Toner")."""
    by_sid: dict[int, list[Parsed]] = {}
    for p in parsed:
        by_sid.setdefault(p.sid, []).append(p)
    read = {s.idx for s in doc.sentences if not s.heading and has_cue(s.view)}
    for p in parsed:
        if not p.official and p.name and not p.excluded and p.role is None:
            ent = registry.person(p.name)
            if ent is not None and ent.official:
                p.official, p.role, p.organization, p.country = True, ent.role, ent.organization, ent.country
    out: list[Statement] = []
    used: set[int] = set()  # parsed statements a lexical one stands for (by id)
    for st in statements:
        intro = doc.sentences[st.intro]
        if intro.heading:
            continue
        transcript = TRANSCRIPT_RE.match(intro.view) is not None  # "MR PRICE: We take …"
        if st.intro not in read and not st.quote_sids and not transcript and NO_CUE_DROPS:
            continue  # no speech cue, no quote of its own: the lexical reading guessed
        if st.intro in read:
            mine = [
                p
                for p in by_sid.get(st.intro, [])
                if p.official and id(p) not in used and _same_speaker(st.entity, p)
            ]
            if not mine and (by_sid.get(st.intro) or not st.quote_sids):
                continue
            if mine:
                # (an intro the parse reads no speech in, introducing quoted or transcript
                # lines — "… was asked about it:" — stands: the parse read only the intro)
                st.parsed = mine[0]
                used.add(id(mine[0]))
        out.append(st)
    for p in parsed:
        if not p.official or id(p) in used or p.anaphor:
            continue
        ent = _entity(registry, p)
        if any(st.entity is ent and p.sid in st.sids for st in out):
            continue  # a sentence of a quote the lexical reading gave the same speaker
        s = doc.sentences[p.sid]
        out.append(Statement(ent, [p.sid], p.sid, p.verb, p.verb_char - s.start, parsed=p, added=True))
    return sorted(out, key=lambda st: st.sids[0])


# A lexical statement read from a sentence with no speech cue and no quote of its own (the
# speaker carried over from a neighbour) is dropped (dev, official: P 0.874 → 0.876, R same)
NO_CUE_DROPS = True


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", (text or "").lower())} - {
        "the",
        "government",
        "department",
        "of",
    }


def _same_speaker(ent: Entity, p: Parsed) -> bool:
    mine = _words(ent.name) | _words(ent.organization) | _words(ent.country)
    theirs = _words(p.name) | _words(p.organization) | _words(p.country) | _words(p.speaker)
    if ent.name and p.name:
        return bool(_words(ent.name) & _words(p.name))
    return bool(mine & theirs) or (ent.role is not None and ent.role == p.role)


def _entity(registry: Registry, p: Parsed) -> Entity:
    if p.name:
        ent = registry.add_person(p.name, role=p.role, organization=p.organization, country=p.country)
        ent.official = True
        return ent
    if p.role and p.role not in ("police",):
        return registry.anonymous(p.role, p.organization, p.country)
    org = p.organization or p.speaker
    kind = "government" if org.startswith("Government of") else "org"
    return registry.org(org, p.country, kind)


# The last word of a mention (see ``officials``): a capitalized word (a name, a body), or
# one of these role, body or institution words (lowercase)
_MENTION_ENDS = (
    "spokesman", "spokeswoman", "spokesperson", "secretary", "officer", "minister", "state",
    "ambassador", "envoy", "president", "chancellor", "official", "department", "dept", "dept.",
    "pentagon", "defense", "defence", "house", "kremlin", "office", "ministry", "affairs", "interior",
    "justice", "embassy", "government", "administration", "cabinet", "presidency", "police", "hall",
    "army", "military", "navy", "agency", "authority", "consulate", "commission", "committee",
    "bureau", "service", "municipality", "secretariat", "directorate", "council",
)  # fmt: skip
_CAPITAL = re.compile(r"[A-ZÀ-Ý]")


def may_report_official(s: Sentence) -> bool:
    """False only when no reporting verb of ``s`` can have an official named as its speaker
    in ``s`` itself (with no person registered as an official). ``_by_verb`` reads the
    speaker at the end of the text before an active verb (a mention or a country ending it)
    or in the text after a passive one's "by" or after a quote; those texts are pieces of
    the sentence: a sentence without role, body or country words has none."""
    mention, country = may_hold_mention(s.qview), may_name_country(s.qview)
    if not mention and not country:
        return False

    def keyed(text: str) -> bool:
        return (mention and may_hold_mention(text)) or (country and may_name_country(text))

    def may_end_official(head: str) -> bool:
        if country and head.endswith(COUNTRY_WORDS):
            return True
        if not (mention and may_hold_mention(head)):
            return False
        last = head.rsplit(None, 1)[-1]
        return (
            _CAPITAL.search(last) is not None
            or last.lower().endswith(_MENTION_ENDS)
            or FOLDS_TO_ASCII.search(last) is not None
        )

    for v in reporting_verbs(s):
        if v.passive:
            if v.agent is not None and keyed(s.qview[v.agent :]):
                return True
        elif any(may_end_official(h) for h in v.heads) or (v.quote_before and keyed(s.qview[v.end :])):
            return True
    return False


def _statements(doc: DocView, att: Attribution) -> list[Statement]:
    used: set[int] = set()
    out: list[Statement] = []
    for intro, block in att.blocks.items():
        intro_ent = att.said[intro].entity
        speakers = {e.key: e for b in block if (e := att.said[b].entity) is not None and e.official}
        for ent in speakers.values():
            quote = [b for b in block if att.said[b].entity is ent]
            own_intro = intro_ent is ent
            sids = ([intro] if own_intro else []) + quote
            said = att.said[intro]
            out.append(
                Statement(
                    ent,
                    sids,
                    intro,
                    said.verb if own_intro else None,
                    said.verb_pos if own_intro else None,
                    quote,
                )
            )
            used.update(sids)
    for s in doc.sentences:
        said = att.said[s.idx]
        if s.idx in used or said.entity is None or not said.entity.official:
            continue
        group = _quote_group(doc, att, s.idx, used)
        intro = next((i for i in group if att.said[i].how == "verb"), group[0])
        out.append(Statement(said.entity, group, intro, att.said[intro].verb, att.said[intro].verb_pos))
        used.update(group)
    return sorted(out, key=lambda st: st.sids[0])


def _quote_group(doc: DocView, att: Attribution, sid: int, used: set[int]) -> list[int]:
    s = doc.sentences[sid]
    ent = att.said[sid].entity
    for a, b in doc.quotes:
        if a <= s.end and s.start <= b:
            members = [
                x.idx
                for x in doc.sentences
                if x.start < b and a < x.end and att.said[x.idx].entity is ent and x.idx not in used
            ]
            if len(members) > 1 and sid in members:
                return members
    return [sid]


def _fold(statements: list[Statement]) -> list[Statement]:
    """Drop an organization-only statement when a named official of that body also speaks
    in the document: a lead ("The State Department moved quickly to deny ...") summarising
    the statement reported in full later — unless it answers only claims the official's
    statements leave alone (then it is a response of its own)."""
    persons: dict[str | None, set[int]] = {}
    for st in statements:
        if st.entity.kind == "person" and st.entity.name:
            persons.setdefault(st.entity.organization, set()).update(st.answers or [])
    return [
        st
        for st in statements
        if st.added  # the parse read its own cue and content: no lead summarising another
        or st.entity.kind == "person"
        or st.entity.organization not in persons
        or (bool(st.answers) and not set(st.answers or []) & persons[st.entity.organization])
    ]


def _merge_runs(
    doc: DocView, att: Attribution, statements: list[Statement], published_at: str | None
) -> list[Statement]:
    """One response for a run of reported sentences by the same official (an interview
    retold sentence by sentence), unless a part has its own date, target or stance verb."""
    ref = parse_doc_date(published_at)
    out: list[Statement] = []
    for st in statements:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.entity is st.entity
            and _loose(doc, att, prev, ref)
            and _loose(doc, att, st, ref)
            and _adjacent(doc, att, prev, st)
        ):
            prev.sids = sorted({*prev.sids, *st.sids})
            continue
        out.append(st)
    return out


def _loose(doc: DocView, att: Attribution, st: Statement, ref: object) -> bool:
    intro = doc.sentences[st.intro]
    return (
        not st.quote_sids
        and stance_of(st.verb, "", "", "") == "comments"
        and find_date(intro.qview, ref) is None  # type: ignore[arg-type]
        and _target(doc, att, st) is None
    )


def _target(doc: DocView, att: Attribution, st: Statement) -> Target | None:
    """The target read from the statement's own reporting clause (passive: its subject)."""
    passive = att.said[st.intro].passive and st.verb_pos is not None
    return find_target(att, doc.sentences[st.intro], st.verb_pos, passive=passive, verb=st.verb)


def _adjacent(doc: DocView, att: Attribution, prev: Statement, st: Statement) -> bool:
    gap = range(prev.sids[-1] + 1, st.sids[0])
    if any(att.said[i].entity not in (None, st.entity) for i in gap):
        return False
    return doc.sentences[st.sids[0]].line - doc.sentences[prev.sids[-1]].line <= 3


def _dates(doc: DocView, statements: list[Statement], published_at: str | None) -> None:
    ref = parse_doc_date(published_at)
    last: dict[str, str | None] = {}
    for st in statements:
        intro = doc.sentences[st.intro]
        st.date = find_date(intro.qview, ref)
        before = [x for x in doc.sentences if x.line == intro.line and x.idx <= intro.idx]
        if st.date is None and any(refers_to_same_day(x.qview) for x in before):
            for x in reversed(before[:-1]):
                if (d := find_date(x.qview, ref)) is not None:
                    st.date = d
                    break
            else:
                st.date = last.get(st.entity.key)
        last[st.entity.key] = st.date


def _link(doc: DocView, att: Attribution, statements: list[Statement]) -> None:
    linker = Linker(doc, att)
    for st in statements:
        st.target = _target(doc, att, st) if st.intro in st.sids or st.verb_pos is not None else None
        excl = linker.excluded(st.entity, st.sids)
        target = st.target
        if target is not None and target.kind == "noun" and target.noun:
            st.answers = linker.described(target.noun, excl) or None
            target = None if st.answers else target.fallback
        if target is not None and target.kind == "claimant" and target.claimant:
            st.answers = linker.claimant(st.entity, target.claimant, excl)
        elif target is not None:
            st.answers = linker.generic(st.entity, st.sids[0], target.that, excl)
    for st in statements:
        if st.answers is not None:
            continue
        donor = _donor(st, statements)
        if donor is not None:
            st.answers = [i for i in donor.answers or [] if i not in st.sids]
        elif _may_fall_back(st):
            excl = linker.excluded(st.entity, st.sids)
            st.answers = linker.fallback(st.entity, st.sids[0], excl)
        else:
            st.answers = []


# A statement said to answer more passages than this answers none in particular: the seeds'
# widest (Toner, an interview answered point by point) holds 14; the dev set's 26 links of
# one misread "report" sentence are none (a lower cap would cut the seeds' real answers)
MAX_ANSWERS = 20


def _claims_only(doc: DocView, statements: list[Statement]) -> None:
    """What a statement answers is a claim: not a statement of the same speaker or body (that
    is a restatement: "the White House is saying …" / "White House spokesman Josh Earnest
    said …"), and not a long list of passages (no claim in particular)."""

    def body(st: Statement) -> str:
        name = (st.entity.organization or st.entity.key).lower()
        return re.sub(r"^(?:the|u\.s\.|us|government of)\s+", "", name.strip())

    def same_body(a: str, b: str) -> bool:
        return a == b or a.endswith(" " + b) or b.endswith(" " + a)

    for st in statements:
        own = {i for o in statements if o.entity is st.entity or same_body(body(o), body(st)) for i in o.sids}
        answers = [i for i in st.answers or [] if i not in own]
        st.answers = answers if len(answers) <= MAX_ANSWERS else []


def _donor(st: Statement, statements: list[Statement]) -> Statement | None:
    same = [o for o in statements if o is not st and o.entity is st.entity and o.target is not None]
    before = [o for o in same if o.sids[0] < st.sids[0]]
    return before[-1] if before else (same[0] if same else None)


def _may_fall_back(st: Statement) -> bool:
    return is_spokes(st.entity.role) or (st.verb or "") in RESPONSE_VERBS or _stance(st, "") != "comments"


def _stance(st: Statement, quote: str, doc: DocView | None = None) -> str:
    if doc is None:
        return stance_of(st.verb, "", "", quote)
    intro = doc.sentences[st.intro]
    prefix = intro.qview[: st.verb_pos] if st.verb_pos is not None else ""
    return stance_of(st.verb if st.intro in st.sids else None, intro.qview, prefix, quote)


def _quote(doc: DocView, st: Statement) -> str:
    if st.quote_sids:
        parts = [TRANSCRIPT_RE.sub("", doc.sentences[i].clean) for i in st.quote_sids]
        return " ".join(p.strip() for p in parts).strip(' “”"')
    first, last = doc.sentences[st.sids[0]], doc.sentences[st.sids[-1]]
    quoted = [q for q in doc.quoted_parts(first.start, last.end) if len(q.split()) >= 4]
    if quoted:
        return " … ".join(quoted)
    clause = " ".join(doc.sentences[i].clean for i in st.sids)
    return re.split(r",\s+but\s+|;\s+", clause)[0].rstrip(" .")


def _response(doc: DocView, st: Statement, passages: list[SplitPassage]) -> ExtractedResponse:
    quote = _quote(doc, st)
    spans: list[tuple[int, int]] = []
    stance = _stance(st, quote, doc)
    if st.parsed is not None:
        first, last = doc.sentences[st.sids[0]], doc.sentences[st.sids[-1]]
        quoted = [(a, b) for a, b in doc.quotes if first.start <= a and b <= last.end]
        if st.quote_sids or quoted:
            # the official's own words in quotes: the quote, as ``_quote`` reads it
            spans = [(a, b) for a, b in quoted if b > a]
        elif st.parsed.spans and st.parsed.clause:
            # the reported clause the cue governs, without the speaker and the cue
            spans = st.parsed.spans
            quote = " … ".join(doc.text[a:b] for a, b in spans).strip(' “”"')
        # the parse reads the cue's own stance and its negation ("did not deny"); a neutral
        # cue leaves it to the clause and the words of the statement (``stance_of``)
        if st.parsed.negated:
            stance = "comments"
        elif st.parsed.stance != "comments":
            stance = st.parsed.stance
    own = passages_for(doc, st.sids, passages)
    answers = [i for i in passages_for(doc, st.answers or [], passages) if i not in own]
    ent = st.entity
    return ExtractedResponse(
        speaker=ent.name if ent.kind == "person" else None,
        role=ent.role,
        organization=ent.organization,
        stance=stance,
        date=st.date,
        quote=quote,
        passage_ordinals=own,
        answers=answers,
        evidence=doc.sentences[st.intro].clean,
        quote_spans=spans,
    )
