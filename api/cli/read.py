"""``claimscope match``, ``claim`` and ``check``: what the index says about a text, a claim or a post."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.frame import EXIT_USAGE, fail, out

if TYPE_CHECKING:
    pass

from api.cli.root import (
    app,
    is_url,
    load_settings,
    open_engine,
    open_index,
    print_json,
    row_id,
)

# --- read -------------------------------------------------------------------------------------


@app.command()
def match(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The highlighted text")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer")] = False,
    limit: Annotated[int, typer.Option(min=1, max=50, metavar="N", help="Most matches shown")] = 5,
) -> None:
    """Find the claims TEXT comes from, with their provenance."""
    from sqlmodel import Session

    from api.provenance.answer import match_text

    settings = load_settings()
    if not text.strip():
        fail("text is empty", EXIT_USAGE)
    if len(text) > settings.max_match_chars:
        fail(f"text is {len(text)} characters; the limit is {settings.max_match_chars}", EXIT_USAGE)
    engine = open_engine()
    index = open_index(engine)
    with Session(engine) as session:
        answer = match_text(
            session=session, index=index, text=text, limit=limit, threshold=settings.match_threshold
        )
    if as_json:
        print_json(answer)
        return
    if not answer["matches"]:
        out().print("No match: this text is not in the index.")
        return
    from api.render import print_match

    for m in answer["matches"]:
        print_match(out(), m)


@app.command()
def claim(
    claim_id: Annotated[int, typer.Argument(metavar="ID", help="The claim's id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer")] = False,
) -> None:
    """Show a claim, its appearances and its provenance."""
    from sqlmodel import Session

    from api.errors import ClaimScopeError
    from api.provenance.claims_view import claim_detail

    row_id(claim_id, "claim")
    with Session(open_engine()) as session:
        try:
            detail = claim_detail(session=session, claim_id=claim_id)
        except ClaimScopeError as exc:
            fail(exc.message)
    if as_json:
        print_json(detail)
        return
    from api.render import print_claim

    print_claim(out(), detail)


@app.command()
def check(
    source: Annotated[
        str, typer.Argument(metavar="FILE|URL", help="A text or HTML file, '-' for stdin, or a URL")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report (POST /v1/check's)")] = False,
) -> None:
    """Repost check: which known documents SOURCE copies, the claims it carries, what is new.

    Nothing is stored. The report is the one POST /v1/check gives.
    """
    from sqlmodel import Session

    from api.errors import ClaimScopeError
    from api.ingest.sources import FORMAT_BY_SUFFIX, decode_bytes
    from api.provenance.check import check_report, raw_to_check

    settings = load_settings()
    try:
        if is_url(source):
            raw = raw_to_check(text=None, url=source, settings=settings)
        else:
            data = sys.stdin.buffer.read() if source == "-" else _read_file(source)
            text, problem = decode_bytes(data)
            if problem:
                fail(f"{source}: {problem}")
            raw = raw_to_check(text=text, url=None, settings=settings)
            raw.source_format = FORMAT_BY_SUFFIX.get(Path(source).suffix.lower(), "txt")
            raw.source_name = source
        engine = open_engine()
        index = open_index(engine)
        with Session(engine) as session:
            report = check_report(session=session, index=index, raw=raw, settings=settings)
    except ClaimScopeError as exc:
        fail(exc.message)
    if as_json:
        print_json(report)
        return
    from api.render import print_check

    print_check(out(), report)


def _read_file(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        fail(f"cannot read {name}: {exc.strerror or exc}")
