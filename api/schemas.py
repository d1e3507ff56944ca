"""Request bodies of the HTTP API (responses are documented JSON built by the engine)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

STANCES = ("denies", "confirms", "disputes", "comments")
Stance = Literal["denies", "confirms", "disputes", "comments"]
OutletKind = Literal["news", "state_media", "official", "blog", "aggregator", "unknown"]

SEED_HIGHLIGHT = "The Americans are on our side."


class MatchRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": SEED_HIGHLIGHT, "limit": 5}]},
    )
    text: str = Field(description="The highlighted text (1 to CLAIMSCOPE_MAX_MATCH_CHARS chars).")
    prefix: str | None = Field(None, max_length=256, description="Up to 64 chars before it.")
    suffix: str | None = Field(None, max_length=256, description="Up to 64 chars after it.")
    page_url: str | None = Field(None, max_length=2000, description="URL of the page read.")
    limit: int = Field(5, ge=1, le=50)

    @field_validator("text")
    @classmethod
    def not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is empty or only whitespace")
        return v


MAX_BATCH_ITEMS = 100


class MatchBatchRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"items": [{"text": SEED_HIGHLIGHT}, {"text": "Ankara delivers weapons", "limit": 3}]}
            ]
        },
    )
    items: list[MatchRequest] = Field(
        min_length=1,
        description=f"1 to {MAX_BATCH_ITEMS} highlights (more is 413), each as for /v1/match.",
    )


class DocumentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "The ministry denied the report on Monday.",
                    "title": "Example",
                    "outlet": "Example News",
                    "published_at": "2024-05-06",
                    "url": "https://example.org/a",
                }
            ]
        },
    )
    text: str | None = Field(None, description="Plain text or Markdown of the article.")
    html: str | None = Field(None, description="HTML of the page (main text is extracted).")
    url: str | None = Field(None, max_length=2000, description="Canonical URL; alone, the page is fetched.")
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=300)
    published_at: str | None = Field(None, max_length=40)
    language: str | None = Field(None, max_length=10)


class ResponseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "speaker": "Mark Toner",
                    "role": "spokesman",
                    "organization": "U.S. State Department",
                    "stance": "denies",
                    "date": "2016-09-26",
                    "quote": "we would never provide Nusra with any kind of assistance whatsoever",
                    "source_url": "https://www.state.gov/briefing",
                }
            ]
        },
    )
    speaker: str | None = Field(None, max_length=300)
    role: str | None = Field(None, max_length=300)
    organization: str | None = Field(None, max_length=300)
    stance: Stance
    date: str | None = Field(None, max_length=40, pattern=r"^\d{4}(-\d{2}(-\d{2}([T ][\d:]+Z?)?)?)?$")
    quote: str = Field(min_length=1, max_length=10000)
    source_url: str | None = Field(None, max_length=2000)

    @field_validator("quote")
    @classmethod
    def quote_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("quote is empty")
        return v


class ResponsePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speaker: str | None = Field(None, max_length=300)
    role: str | None = Field(None, max_length=300)
    organization: str | None = Field(None, max_length=300)
    stance: Stance | None = None
    date: str | None = Field(None, max_length=40, pattern=r"^\d{4}(-\d{2}(-\d{2}([T ][\d:]+Z?)?)?)?$")
    quote: str | None = Field(None, min_length=1, max_length=10000)
    source_url: str | None = Field(None, max_length=2000)


class OutletPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=300)
    kind: OutletKind | None = None
    domains: list[str] | None = None
    aliases: list[str] | None = None
    publisher: str | None = Field(None, max_length=300)


class CheckIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "Al Ezz replied: “The Americans are on our side.”"}]},
    )
    text: str | None = None
    url: str | None = Field(None, max_length=2000)
    ingest: bool = False
