"""Request bodies of the HTTP API (responses are documented JSON built by the engine)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from api.ingest.dates import is_valid_date
from api.text.safety import is_web_url, unsafe_char

STANCES = ("denies", "confirms", "disputes", "comments")
Stance = Literal["denies", "confirms", "disputes", "comments"]
OutletKind = Literal["news", "state_media", "official", "blog", "aggregator", "unknown"]

SEED_HIGHLIGHT = "The Americans are on our side."
# A language tag: "en", "pt-BR", "zh-Hant-TW" (BCP 47 shapes, up to 10 characters).
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$"


def _check_strings(value: Any) -> None:
    """Refuse strings no store can hold (lone surrogates, NUL), in ``value`` or inside it."""
    if isinstance(value, str):
        problem = unsafe_char(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_strings(item)


def web_url(value: str | None) -> str | None:
    """An http(s) URL (surrounding whitespace dropped), or ValueError (the error names the field)."""
    if value is None:
        return None
    value = value.strip()
    if not is_web_url(value):
        raise ValueError(f"must be an absolute http or https URL, not {value[:40]!r}")
    return value


def calendar_date(value: str | None) -> str | None:
    if value is not None and not is_valid_date(value):
        raise ValueError(f"{value[:40]!r} is not a date (ISO 8601 such as 2024-03-07, or a written date)")
    return value


# Field types that carry their check, so every model that stores a URL or a date checks it once.
WebUrl = Annotated[str | None, AfterValidator(web_url)]
CalendarDate = Annotated[str | None, AfterValidator(calendar_date)]
# A response's date: ISO 8601 from the year down to the time
RESPONSE_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2}([T ][\d:]+Z?)?)?)?$"


def never_null(schema: dict[str, Any]) -> None:
    """JSON schema of a patch field that may be left out but is refused as null (a 422): its
    declared type without the ``null`` that ``X | None`` adds."""
    options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    schema.pop("default", None)


class RequestModel(BaseModel):
    """A request body: every string in it must be storable (see ``_check_strings``)."""

    @field_validator("*", mode="after")
    @classmethod
    def storable_strings(cls, v: Any) -> Any:
        _check_strings(v)
        return v


class MatchRequest(RequestModel):
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


class MatchBatchRequest(RequestModel):
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


class DocumentIn(RequestModel):
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
    url: WebUrl = Field(None, max_length=2000, description="Canonical URL; alone, the page is fetched.")
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=300)
    published_at: CalendarDate = Field(None, max_length=40, description="A date (ISO 8601 or written).")
    language: str | None = Field(None, max_length=10, pattern=LANGUAGE_PATTERN)


class ResponseIn(RequestModel):
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
    date: CalendarDate = Field(None, max_length=40, pattern=RESPONSE_DATE_PATTERN)
    quote: str = Field(min_length=1, max_length=10000)
    source_url: WebUrl = Field(None, max_length=2000)

    @field_validator("quote")
    @classmethod
    def quote_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("quote is empty")
        return v


class ResponsePatch(RequestModel):
    model_config = ConfigDict(extra="forbid")
    speaker: str | None = Field(None, max_length=300)
    role: str | None = Field(None, max_length=300)
    organization: str | None = Field(None, max_length=300)
    stance: Stance | None = Field(None, json_schema_extra=never_null)
    date: CalendarDate = Field(None, max_length=40, pattern=RESPONSE_DATE_PATTERN)
    quote: str | None = Field(None, min_length=1, max_length=10000, json_schema_extra=never_null)
    source_url: WebUrl = Field(None, max_length=2000)


class OutletPatch(RequestModel):
    """Fields left out stay as they are. Only ``publisher`` may be null (it clears it): the
    others are declared non-nullable (``never_null``: absent, never null)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=300, json_schema_extra=never_null)
    kind: OutletKind | None = Field(None, json_schema_extra=never_null)
    domains: list[str] | None = Field(None, json_schema_extra=never_null)
    aliases: list[str] | None = Field(None, json_schema_extra=never_null)
    publisher: str | None = Field(None, max_length=300, description="null clears it")


class CheckIn(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "Al Ezz replied: “The Americans are on our side.”"}]},
    )
    text: str | None = None
    url: WebUrl = Field(None, max_length=2000)
    ingest: bool = False
