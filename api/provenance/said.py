"""What attribution found: who says each sentence of a document (``Said``), the whole result
of one pass (``Attribution``), and the line shapes both attribution passes read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.provenance.entities import Entity, Registry

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
class Attribution:
    said: list[Said]
    registry: Registry
    person_mentions: list[list[tuple[int, Entity]]] = field(default_factory=list)
    blocks: dict[int, list[int]] = field(default_factory=dict)  # intro -> sentences
