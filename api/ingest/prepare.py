"""Everything ingestion does to a document before it touches the database.

``prepare(raw)`` extracts the document(s) of one input, splits and normalizes their passages
and reads their official statements. It is a pure function of the input (no database, no
index), so a batch can be prepared while the previous one is being stored, in another process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from api.errors import ClaimScopeError
from api.ingest.extract import extract
from api.statements.responses import extract_responses
from api.text.normalize import CROSS_COMPOSING_RE, normalize
from api.text.split import split_passages
from api.text.types import ExtractedDocument, RawDocument


@dataclass(slots=True)
class Rejected:
    name: str
    reason: str
    part: int | None = None


@dataclass(slots=True)
class PreparedPassage:
    ordinal: int
    start: int
    end: int
    text: str
    kind: str
    norm: str
    norm_hash: str


@dataclass(slots=True)
class Prepared:
    """One document ready to store (one post, for a page of several)."""

    name: str  # where it came from, for the report
    doc: ExtractedDocument
    source_format: str
    source_name: str | None
    page_url: str | None  # the page a post was cut from
    identity: str
    text_hash: str
    part: int | None  # position on a multi-post page, else None
    passages: list[PreparedPassage] = field(default_factory=list)
    responses: list = field(default_factory=list)  # api.statements.responses.ExtractedResponse


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def _text_hash(text: str, passages: list[PreparedPassage]) -> str:
    """``content_hash(text)``, from the passage norms when the passages are the pieces of the
    text. Without markup (and without the characters NFKC composes with the one before),
    normalizing maps each character on its own (NFKC, the character table, casefold: no
    blank composes with a neighbour), then splits at blanks and joins with one space; so
    when nothing but blanks lies between and around passages (as the splitter cuts them),
    their norms joined with one space are the normalized text."""
    if not passages or "&" in text or "[" in text or "*" in text or "`" in text:
        return content_hash(text)
    if not text.isascii() and CROSS_COMPOSING_RE.search(text) is not None:
        return content_hash(text)
    pos = 0
    for p in passages:
        start = p.start
        if start < pos or not p.norm or start + len(p.text) != p.end or not text.startswith(p.text, start):
            return content_hash(text)
        if pos and (start == pos or not text[pos:start].isspace()):  # no blank between
            return content_hash(text)
        pos = p.end
    if text[: passages[0].start].strip() or text[pos:].strip():
        return content_hash(text)
    return hashlib.sha256(" ".join([p.norm for p in passages]).encode("utf-8")).hexdigest()


def norm_hash(norm: str) -> str:
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


def identity_of(doc: ExtractedDocument, text_hash: str, *, multipart: bool) -> str:
    """Documents are identified by URL (a post of a page by its position too), else by their
    outlet and the hash of their clean text: the same input twice is the same document, and
    two outlets carrying identical text are two documents (issue 14)."""
    if doc.url:
        suffix = f"#post-{doc.part_index}" if multipart and doc.part_index is not None else ""
        return doc.url.strip()[:560] + suffix
    outlet = " ".join((doc.outlet or "").split()).casefold()
    return f"outlet:{outlet[:200]}|sha256:{text_hash}" if outlet else f"sha256:{text_hash}"


def prepare(raw: RawDocument, *, max_bytes: int) -> list[Prepared | Rejected]:
    """The documents of one input, or why it cannot be ingested."""
    name = raw.source_name or raw.url or "(input)"
    content = raw.content
    # an ASCII string is as many bytes as characters: no need to encode it to count them
    size = len(content) if content.isascii() else len(content.encode("utf-8", errors="ignore"))
    if size > max_bytes:
        return [Rejected(name, f"document over the {max_bytes} byte limit")]
    try:
        docs = extract(raw)
    except ClaimScopeError as exc:  # RejectedInput among them
        return [Rejected(name, _reason(exc))]
    if not docs:
        return [Rejected(name, "no article text found")]
    multipart = len(docs) > 1
    return [_prepare_one(raw, doc, name, multipart) for doc in docs]


def _prepare_one(raw: RawDocument, doc: ExtractedDocument, name: str, multipart: bool) -> Prepared:
    split = split_passages(doc)
    passages = [
        PreparedPassage(i, p.start, p.end, p.text, p.kind, n := normalize(p.text), norm_hash(n))
        for i, p in enumerate(split)
    ]
    text_hash = _text_hash(doc.text, passages)
    responses = extract_responses(doc.text, split, published_at=doc.published_at, language=doc.language)
    return Prepared(
        name=name,
        doc=doc,
        source_format=raw.source_format,
        source_name=raw.source_name,
        page_url=raw.url or raw.source_name,
        identity=identity_of(doc, text_hash, multipart=multipart),
        text_hash=text_hash,
        part=doc.part_index if multipart else None,
        passages=passages,
        responses=responses,
    )


def _reason(exc: Exception) -> str:
    return getattr(exc, "reason", None) or getattr(exc, "message", None) or str(exc)
