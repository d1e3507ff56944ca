"""What attribution found: who says each sentence of a document (``Said``), the whole result
of one pass (``Attribution``), and the line shapes both attribution passes read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.statements.entities import Entity, Registry

# "MR TONER:" / "QUESTION:" at the start of a transcript line
TRANSCRIPT_RE = re.compile(
    r"^\s*(?:(?P<title>MR|MS|MRS|DR)\.?\s+(?P<sur>[A-Z][A-Z’'\-]+)|"
    r"(?P<q>QUESTION|Q|REPORTER))\s*:"
)
# a speaker going on: "he also said", "she later added"
CONTINUATION = re.compile(r"\b(?:again|also|later|further)\b", re.I)


@dataclass(slots=True)
class Said:
    entity: Entity | None = None
    verb: str | None = None
    verb_pos: int | None = None  # offset of the verb inside the sentence
    subject_end: int | None = None
    how: str | None = None  # verb | according | transcript | quote | intro | paragraph
    question: bool = False
    block: int | None = None  # index of the intro sentence whose block this sentence is in
    passive: bool = False  # "was denied by X": the subject is what was denied, X the speaker


@dataclass(slots=True)
class Trace:
    """What a first attribution pass read per sentence ("person": a registry lookup,
    "last": the person mentioned last, "said": the speakers of the sentences before), and
    each sentence's own ``Said``, before ``spread`` (which replaces some, changes none)."""

    reads: list[list[tuple[object, ...]]] = field(default_factory=list)
    own: list[Said] = field(default_factory=list)


@dataclass(slots=True)
class Attribution:
    said: list[Said]
    registry: Registry
    person_mentions: list[list[tuple[int, Entity]]] = field(default_factory=list)
    blocks: dict[int, list[int]] = field(default_factory=dict)  # intro -> sentences
    trace: Trace | None = field(default=None, repr=False)


def with_block(s: Said, block: int) -> Said:
    """``s`` in the block of intro sentence ``block`` (a new object: Said objects are never
    changed once made, so attribution passes can share them)."""
    return Said(s.entity, s.verb, s.verb_pos, s.subject_end, s.how, s.question, block, s.passive)
