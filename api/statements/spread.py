"""Attribution carried from a sentence to the ones that belong to it: the rest of a transcript
line, the other sentences of a quote, the paragraph(s) an intro ending in ":" introduces, and
the lines that continue a speaker's statement."""

from __future__ import annotations

from api.statements.entities import Entity
from api.statements.said import CONTINUATION, TRANSCRIPT_RE, Attribution, Said, with_block
from api.statements.textview import DocView, Sentence


def spread(doc: DocView, att: Attribution) -> None:
    _spread_transcripts(doc, att)
    _spread_quotes(doc, att)
    _spread_intros(doc, att)
    _spread_lines(doc, att)


def _spread_transcripts(doc: DocView, att: Attribution) -> None:
    """Sentences after "MR TONER:" / "QUESTION:" in the same line belong to that speaker."""
    for s in doc.sentences[1:]:
        prev = att.said[s.idx - 1]
        if doc.sentences[s.idx - 1].line == s.line and prev.how == "transcript":
            att.said[s.idx] = Said(prev.entity, how="transcript", question=prev.question)


def _spread_quotes(doc: DocView, att: Attribution) -> None:
    for a, b in doc.quotes:
        members = [s.idx for s in doc.sentences if s.start < b and a < s.end]
        if len(members) < 2:
            continue
        ents = {e.key: att.said[i] for i in members if (e := att.said[i].entity)}
        if len(ents) != 1:
            continue
        src = next(iter(ents.values()))
        for i in members:
            if att.said[i].entity is None and not att.said[i].question:
                att.said[i] = Said(src.entity, how="quote", block=src.block)


def _is_intro(doc: DocView, s: Sentence) -> bool:
    if s.ends_with_intro_colon():
        return True
    if not s.ends_with_comma():  # the next line is only looked up after a comma
        return False
    nxt = _next_line(doc, s.line)
    return bool(nxt) and nxt[0].view.lstrip()[:1] in '“"'


def _next_line(doc: DocView, line: int) -> list[Sentence]:
    return doc.next_line_sentences(line)


def _block_lines(doc: DocView, s: Sentence) -> list[Sentence]:
    """The paragraph(s) an intro sentence introduces."""
    first = _next_line(doc, s.line)
    if not first:
        return []
    if TRANSCRIPT_RE.match(first[0].view):
        out: list[Sentence] = []
        line = first
        while line and TRANSCRIPT_RE.match(line[0].view):
            out.extend(line)
            line = _next_line(doc, line[0].line)
        return out
    out = list(first)
    open_q = [b for a, b in doc.quotes if first[0].start <= a < first[-1].end and b > first[-1].end]
    while open_q:
        line = _next_line(doc, out[-1].line)
        if not line or line[0].start > open_q[0]:
            break
        out.extend(line)
    return out


def _spread_intros(doc: DocView, att: Attribution) -> None:
    last_official: tuple[int, Entity] | None = None
    for s in doc.sentences:
        said = att.said[s.idx]
        if said.entity is not None and said.entity.official:
            last_official = (s.line, said.entity)
        if s.line != doc.sentences[-1].line and not _is_intro(doc, s):
            continue
        if s.idx + 1 < len(doc.sentences) and doc.sentences[s.idx + 1].line == s.line:
            continue  # not the last sentence of its line
        block = _block_lines(doc, s)
        if not block:
            continue
        speaker = said.entity
        if (
            speaker is None
            and last_official
            and CONTINUATION.search(s.qview)
            and s.line - last_official[0] <= 2
            and not TRANSCRIPT_RE.match(block[0].view)
        ):
            speaker = last_official[1]
            att.said[s.idx] = Said(speaker, how="intro")
        att.blocks[s.idx] = [b.idx for b in block]
        for b in block:
            cur = att.said[b.idx]
            if cur.entity is None and not cur.question and speaker is not None and cur.how != "transcript":
                att.said[b.idx] = Said(speaker, how="intro", block=s.idx)
            else:  # replaced, not changed: a recorded pass shares its Said objects (``attribute``)
                att.said[b.idx] = with_block(cur, s.idx)
        last_entity = att.said[block[-1].idx].entity if block else None
        if block and last_entity is not None and last_entity.official:
            last_official = (block[-1].line, last_entity)


def _spread_lines(doc: DocView, att: Attribution) -> None:
    """A quote sentence without a speaker continues the speaker of the sentence before it."""
    for s in doc.sentences[1:]:
        prev = doc.sentences[s.idx - 1]
        cur = att.said[s.idx]
        if (
            cur.entity is None
            and not cur.question
            and prev.line == s.line
            and s.view.lstrip()[:1] in '“"'
            and att.said[prev.idx].entity is not None
        ):
            att.said[s.idx] = Said(att.said[prev.idx].entity, how="paragraph", block=cur.block)
