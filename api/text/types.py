"""Plain data passed between the ingestion stages (no database, no FastAPI).

RawDocument ──extract──> ExtractedDocument (one or several: a multi-post page splits)
                          ├─ text: the clean article text (boilerplate and comments cut)
                          ├─ metadata: title, outlet, author, dates, language, url
                          ├─ attributions: who the text says it comes from
                          └─ comments: reader comments, kept apart from the article
ExtractedDocument ──split──> [SplitPassage] with offsets into ``text``
"""

from __future__ import annotations

from dataclasses import dataclass, field

# How a document names where its text came from.
ATTRIBUTION_KINDS = (
    "original_source",  # "The original source of this article is RT" / "La source originale ..."
    "republished_from",  # the second header line of a copy: "RT 26 September 2016"
    "source_line",  # "Source: <title> — RT News", "Source: <title> | Al Bawaba"
    "via",  # "via The PJ Tatler » ..."
    "interview",  # "said in an interview with Koelner Stadt-Anzeiger"
    "told",  # "told the German media", "told RT"
    "correspondent",  # "Rossiya-24 correspondent ... interviewed"
    "according_to",  # "according to Die Welt"
)

PASSAGE_KINDS = ("body", "quote", "heading", "comment", "boilerplate")


@dataclass(slots=True)
class RawDocument:
    """One input as received: a file's content, a fetched page, a JSONL record, an API body."""

    content: str
    source_format: str  # txt | md | html | jsonl | url | api
    source_name: str | None = None  # file path or URL, for reports
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published_at: str | None = None  # as given by the caller (JSONL/API), parsed later
    language: str | None = None


@dataclass(slots=True)
class ExtractedAttribution:
    outlet: str  # outlet name as written ("Koelner Stadt-Anzeiger", "RT News", "Al Bawaba")
    kind: str  # one of ATTRIBUTION_KINDS
    evidence: str  # the line or phrase it was read from
    cited_date: str | None = None  # ISO date/datetime the citing text gives for the original
    cited_date_precision: str | None = None  # year | month | day | minute
    start: int | None = None  # offsets into ExtractedDocument.text when the evidence is in it
    end: int | None = None


@dataclass(slots=True)
class ExtractedDocument:
    text: str  # clean article text; passages are cut from it
    title: str | None = None
    outlet: str | None = None  # the outlet that published *this* copy
    outlet_domain: str | None = None
    author: str | None = None
    published_at: str | None = None  # ISO "2016-09-30" or "2016-06-04T01:04" (UTC if known)
    date_precision: str | None = None  # year | month | day | minute
    published_not_after: str | None = None  # upper bound when the date itself is unknown
    date_evidence: str | None = None  # the line the date (or bound) was read from
    language: str | None = None
    url: str | None = None
    attributions: list[ExtractedAttribution] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    part_index: int | None = None  # position within a multi-post page, None for a single doc
    # Added by the extract stage: a post on a multi-post page that copies an earlier article.
    reposted_at: str | None = None  # ISO date the page (blog) posted its copy
    reposted_by: str | None = None  # the reposting page's outlet when known, else None


@dataclass(slots=True)
class SplitPassage:
    start: int
    end: int
    text: str
    kind: str = "body"  # one of PASSAGE_KINDS
