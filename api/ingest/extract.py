"""Extract stage: one RawDocument in, one or more ExtractedDocuments out.

    formats   → lines + format metadata (HTML <meta>, JSONL fields)
    comments  → the reader comment section is cut off (kept in ``comments``; its earliest
                date bounds the article: ``published_not_after``)
    posts     → a page of repeated "title / date / body" blocks splits into one doc per post
    headers   → title, byline, datelines ("Outlet, date" = this copy; the next
                "Outlet date" = the original: a ``republished_from`` attribution)
    assemble  → clean text (footers, boilerplate, attribution lines dropped)
    attributions → line attributions + phrases in the text (with offsets)

What the fields mean
--------------------
Single article: ``outlet``/``published_at`` describe *this copy* — the first dateline's
outlet and date, else the format's metadata, else the publisher naming itself in a footer
("Support The Duran on Patreon"). Earlier publications it names are attributions.

Post on a multi-post page (``part_index`` set): the post is a copy of an earlier article.
``published_at`` is the ORIGINAL's date as the post's own header gives it ("Published time:
4 Oct, 2016 10:26"), ``outlet`` the original outlet named by its ``Source:`` or ``via`` line
(None when none is named), and that line is also an attribution carrying the same date as
``cited_date``. The blog's own post date goes to ``reposted_at`` and the blog's name (only
known from HTML metadata or the caller) to ``reposted_by``. A post with neither an own date
nor a named source is not treated as a copy: ``published_at`` is the blog date and
``reposted_at`` stays None.

Caller metadata (RawDocument / JSONL fields) wins over everything extracted; on a
multi-post page the caller's outlet is the reposting blog (``reposted_by``).
Unusable inputs raise :class:`api.errors.RejectedInput`.
"""

from __future__ import annotations

from api.errors import RejectedInput
from api.ingest import attributions, comments, formats, posts
from api.ingest.assemble import assemble
from api.ingest.dates import parse_date
from api.ingest.formats import Line, PageMeta
from api.ingest.headers import Dateline, HeaderInfo, read_header
from api.ingest.language import detect_language
from api.text.safety import is_web_url
from api.text.types import ExtractedAttribution, ExtractedDocument, RawDocument

__all__ = ["extract", "extract_jsonl"]


def extract(raw: RawDocument) -> list[ExtractedDocument]:
    """Extract the article(s) of one input; RejectedInput when it holds no usable text.

    A ``jsonl`` RawDocument is one record (one JSON object); use :func:`extract_jsonl` or
    :func:`api.ingest.formats.jsonl_records` for whole files.
    """
    if formats.is_record(raw):
        formats.check_text(raw.content)
        raw = formats.record_to_raw(raw.content.strip(), raw.source_name)
    lines, meta = formats.to_lines(raw)
    texts = [ln.text for ln in lines]
    n_article, section = comments.split_comments(texts)
    slices = posts.find_posts(texts[:n_article])
    if slices:
        docs = [_post(lines, texts, s, k, meta, raw) for k, s in enumerate(slices)]
    else:
        docs = [_single(lines, texts, n_article, section, meta)]
        _apply_caller(docs[0], raw)
    docs = [d for d in docs if d.text.strip()]
    for d in docs:
        if d.url is not None and not is_web_url(d.url):
            d.url = None  # a page's canonical link of javascript:/data:...: never stored as a link
    if not docs:
        raise RejectedInput("no article text left after removing boilerplate")
    return docs


def extract_jsonl(raw: RawDocument) -> list[ExtractedDocument | RejectedInput]:
    """Each record of a JSON Lines file: its documents, or the RejectedInput it raised."""
    out: list[ExtractedDocument | RejectedInput] = []
    for record in formats.jsonl_records(raw):
        try:
            out.extend(extract(record))
        except RejectedInput as exc:
            out.append(exc)
    return out


def _single(
    lines: list[Line],
    texts: list[str],
    n_article: int,
    section: comments.CommentSection | None,
    meta: PageMeta,
) -> ExtractedDocument:
    headings = frozenset(i for i, ln in enumerate(lines[:n_article]) if ln.heading)
    # the page's language (<html lang>, else the text's) reads "10.11.2021" as 10 November
    page_language = meta.language or detect_language("\n".join(texts[:n_article]))
    header = read_header(texts[:n_article], 0, headings, language=page_language)
    body = assemble(lines, 0, n_article, header.consumed)
    title = _title(header.title, meta.title)
    text = body.text
    if title:
        # the headline is part of what a reader can highlight, and it heads the document (its
        # first passage is the headline claim, ``api.linking.batch.MIN_HEADLINE_TOKENS``)
        paragraphs = text.split("\n\n")
        if title in paragraphs:
            paragraphs.remove(title)
        text = "\n\n".join([title, *paragraphs]) if paragraphs and paragraphs != [""] else title
    doc = ExtractedDocument(
        text=text,
        title=title,
        author=header.author or body.author or meta.author,
        url=meta.url,
        outlet_domain=meta.outlet_domain,
    )
    own, cited = _split_datelines(header)
    if own is not None:
        doc.published_at, doc.date_precision = own.date.iso, own.date.precision
        doc.date_evidence = own.evidence
        doc.outlet = own.outlet
    elif meta.published_at:
        _set_date(doc, meta.published_at, "page metadata", page_language)
    doc.outlet = doc.outlet or meta.outlet or (body.publishers[0] if body.publishers else None)
    if section is not None:
        doc.comments = [c.text for c in section.comments]
        earliest = section.earliest
        if earliest is not None and doc.published_at is None:
            doc.published_not_after = earliest.iso[:10]
            doc.date_evidence = f"earliest reader comment is dated {earliest.iso[:10]}"
    found = [
        ExtractedAttribution(d.outlet or "", "republished_from", d.evidence, d.date.iso, d.date.precision)
        for d in cited
    ]
    found += body.line_attributions + attributions.phrase_attributions(doc.text)
    doc.attributions = attributions.dedupe(_date_attributions(found, cited))
    doc.language = detect_language(doc.text) or meta.language
    return doc


def _title(header_title: str | None, meta_title: str | None) -> str | None:
    """The page's metadata title (og:title, <title>) first — a header line is often a body line
    ("Quelle: dpa-AFX", "Posted on") — except that a header line (the h1) contained in the
    metadata title is the same headline without the site name ("CAE bildet ... - Aerobuzz.de")."""
    meta = " ".join((meta_title or "").split())
    if not meta:
        return header_title
    if header_title and len(header_title.split()) >= 2 and header_title in meta:
        return header_title
    return meta


def _split_datelines(header: HeaderInfo) -> tuple[Dateline | None, list[Dateline]]:
    """(this copy's dateline, the original's datelines named with another outlet)."""
    if not header.datelines:
        return None, []
    own = header.datelines[0]
    cited = [
        d
        for d in header.datelines[1:]
        if d.outlet and (own.outlet is None or d.outlet.casefold() != own.outlet.casefold())
    ]
    return own, cited


def _same_outlet(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return a == b or a.startswith(b) or b.startswith(a)


def _date_attributions(
    found: list[ExtractedAttribution], cited: list[Dateline]
) -> list[ExtractedAttribution]:
    """Give an undated attribution the date a header line cites for the same outlet."""
    for a in found:
        if a.cited_date is None:
            for d in cited:
                if d.outlet and _same_outlet(a.outlet, d.outlet):
                    a.cited_date, a.cited_date_precision = d.date.iso, d.date.precision
                    break
    return found


def _post(
    lines: list[Line],
    texts: list[str],
    part: posts.PostSlice,
    index: int,
    meta: PageMeta,
    raw: RawDocument,
) -> ExtractedDocument:
    title = texts[part.title_index]
    header = read_header(texts, part.date_index + 1, end=part.end, title=title)
    body = assemble(lines, part.title_index, part.end, header.consumed | {part.date_index})
    doc = ExtractedDocument(text=body.text, title=title, part_index=index, url=raw.url or meta.url)
    doc.author = header.author or body.author
    sourced = [a for a in body.line_attributions if a.kind in ("source_line", "via")]
    original = header.datelines[0] if header.datelines else None
    if original is not None or sourced:
        doc.outlet = sourced[0].outlet if sourced else None
        doc.reposted_at = part.date.iso
        doc.reposted_by = raw.outlet or meta.outlet
        if original is not None:
            doc.published_at, doc.date_precision = original.date.iso, original.date.precision
            doc.date_evidence = original.evidence
            for a in sourced:
                a.cited_date, a.cited_date_precision = original.date.iso, original.date.precision
    else:
        doc.outlet = raw.outlet or meta.outlet
        doc.published_at, doc.date_precision = part.date.iso, part.date.precision
        doc.date_evidence = texts[part.date_index]
    found = body.line_attributions + attributions.phrase_attributions(doc.text)
    doc.attributions = attributions.dedupe(found)
    doc.language = raw.language or detect_language(doc.text) or meta.language
    return doc


def _set_date(doc: ExtractedDocument, value: str, evidence: str, language: str | None = None) -> None:
    parsed = parse_date(value, language)
    if parsed is not None:
        doc.published_at, doc.date_precision = parsed.iso, parsed.precision
    else:
        doc.published_at, doc.date_precision = value, None
    doc.date_evidence = evidence
    doc.published_not_after = None


def _apply_caller(doc: ExtractedDocument, raw: RawDocument) -> None:
    """Metadata given by the caller wins over extracted metadata."""
    if raw.title:
        doc.title = raw.title
    if raw.outlet:
        doc.outlet = raw.outlet
    if raw.url:
        doc.url = raw.url
    if raw.language:
        doc.language = raw.language
    if raw.published_at:
        _set_date(doc, raw.published_at, "given by the caller")
