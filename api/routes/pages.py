"""Server-rendered pages for people: a claim, search, and the moderators' check form.

Plain HTML and CSS (no JavaScript needed); the extension's "open in ClaimScope" links here.
Every page is a read: the one read rule applies (``api.deps.reader``; with
``CLAIMSCOPE_REQUIRE_KEY_FOR_READ=true`` a page needs ``Authorization: Bearer <key>``).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError

from api.deps import IndexDep, ReaderDep, SessionDep, SettingsDep
from api.errors import ClaimScopeError, NotFound
from api.provenance.answer import match_text
from api.provenance.check import check_report, raw_to_check
from api.provenance.claims_view import claim_detail
from api.schemas import CheckIn
from api.text.safety import is_web_url, strip_bidi

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


def web_url_filter(url: object) -> str | None:
    """``{{ x.url | web_url }}``: the URL when it is http(s), else None (rendered as no link).

    Stored URLs are checked on the way in; this is the second guard, for rows stored before
    that check or by other paths, so that ``javascript:``/``data:`` never becomes an href.
    """
    return url if isinstance(url, str) and is_web_url(url) else None


def _finalize(value: object) -> object:
    """Every ``{{ ... }}`` value: strings lose bidi override controls before escaping (a title
    must not render reordered); markup made by macros was finalized piece by piece already."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return strip_bidi(value)
    return value


TEMPLATES.env.filters["web_url"] = web_url_filter
TEMPLATES.env.finalize = _finalize
router = APIRouter(include_in_schema=False)


def word_diff(base: str, other: str) -> list[tuple[str, str]]:
    """What an edited copy changed, word by word: [("same"|"ins"|"del", text), ...]."""
    a, b = base.split(), other.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(b[j1:j2]) + " "))
            continue
        if i2 > i1:
            out.append(("del", " ".join(a[i1:i2]) + " "))
        if j2 > j1:
            out.append(("ins", " ".join(b[j1:j2]) + " "))
    return out


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(claim_id: int, request: Request, session: SessionDep, _: ReaderDep) -> HTMLResponse:
    try:
        detail = claim_detail(session=session, claim_id=claim_id)
    except NotFound:
        return TEMPLATES.TemplateResponse(
            request, "not_found.html", {"message": f"Claim {claim_id}"}, status_code=404
        )
    canonical = detail["claim"]["text"]
    appearances = [{**a, "diff": word_diff(canonical, a["text"])} for a in detail["appearances"]]
    return TEMPLATES.TemplateResponse(request, "claim.html", {"detail": detail, "appearances": appearances})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    index: IndexDep,
    settings: SettingsDep,
    _: ReaderDep,
    q: str = "",
) -> HTMLResponse:
    matches: list[dict[str, Any]] = []
    if q.strip():
        matches = match_text(
            session=session,
            index=index,
            text=q[: settings.max_match_chars],
            limit=10,
            threshold=settings.match_threshold,
        )["matches"]
    return TEMPLATES.TemplateResponse(request, "search.html", {"q": q, "matches": matches})


@router.get("/check", response_class=HTMLResponse)
def check_form(request: Request, _: ReaderDep) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, "check.html", {"text": "", "url": "", "report": None})


@router.post("/check", response_class=HTMLResponse)
def check_page(
    request: Request,
    session: SessionDep,
    index: IndexDep,
    settings: SettingsDep,
    _: ReaderDep,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"text": text, "url": url, "report": None, "error": None}
    status = 200
    try:
        form = CheckIn(text=text or None, url=url or None)  # the form's fields, checked as the API's
        raw = raw_to_check(text=form.text, url=form.url, settings=settings)
        context["report"] = check_report(session=session, index=index, raw=raw, settings=settings)
    except ClaimScopeError as exc:
        context["error"], status = exc.message, exc.status
    except ValidationError as exc:  # the form's fields, checked as the API checks CheckIn
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        context["error"], status = f"{where}: {first.get('msg', 'invalid')}".removeprefix(": "), 422
        context["text"] = context["url"] = ""  # not echoed: it may not even be encodable
    return TEMPLATES.TemplateResponse(request, "check.html", context, status_code=status)
