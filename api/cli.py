"""The ``claimscope`` command: ingest, match, claim, serve, keys.

Every command reads the same settings as the server (``CLAIMSCOPE_*``) and calls the same
plain-Python functions as the API. Errors print one line to stderr and exit non-zero.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlmodel import Session

from api.errors import ClaimScopeError
from api.settings import get_settings

app = typer.Typer(
    help="ClaimScope: where did this text come from?", no_args_is_help=True, add_completion=False
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
DEMO_DIR = Path(__file__).resolve().parent / "demo"


def _engine():  # type: ignore[no-untyped-def]
    from db.connection import get_engine

    try:
        return get_engine(get_settings().database_url)
    except Exception as exc:
        _fail(f"cannot open the database: {exc}")


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://")) or "://" in arg


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (.txt .md .html .jsonl) or URLs")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Ingest documents; report what was added, unchanged, split and rejected."""
    from api.ingest.sources import SourceItem, iter_paths, read_path
    from api.pipeline.ingestor import Ingestor, Report

    ingestor = Ingestor(_engine(), settings=get_settings())
    report = Report()
    urls = [p for p in paths if _is_url(p)]
    files = list(iter_paths([p for p in paths if not _is_url(p)]))
    with Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=len(files) + len(urls))

        def items() -> Iterator[SourceItem]:
            # files are read as the batches need them: the bar moves as they are stored
            for path in files:
                yield from read_path(path, max_bytes=ingestor.settings.max_document_bytes)
                progress.update(task, advance=1, description=path.name)

        report.outcomes += ingestor.ingest_items(items()).outcomes
        for url in urls:
            report.outcomes += ingestor.ingest_url(url)
            progress.update(task, advance=1, description=url)
    _print_report(report, as_json)
    if report.count("rejected"):
        raise typer.Exit(1)


def _print_report(report: Any, as_json: bool) -> None:
    if as_json:
        out.print_json(
            json.dumps({"summary": report.summary(), "items": [o.as_dict() for o in report.outcomes]})
        )
        return
    for o in report.outcomes:
        part = f" [post {o.part + 1}]" if o.part is not None else ""
        if o.status == "rejected":
            err.print(f"rejected   {o.name}{part}: {o.reason}", highlight=False)
        else:
            detail = (
                f" -> document {o.document_id}, {o.passages} passages"
                if o.passages
                else f" -> document {o.document_id}"
            )
            out.print(f"{o.status:<10} {o.name}{part}: {o.title or '(untitled)'}{detail}", highlight=False)
    s = report.summary()
    out.print(
        f"{s['added']} added, {s['updated']} updated, {s['unchanged']} unchanged, "
        f"{s['rejected']} rejected; {s['split_pages']} page(s) split into posts; "
        f"{s['passages']} passages stored",
        highlight=False,
    )


@app.command()
def match(
    text: Annotated[str, typer.Argument(help="The highlighted text")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer")] = False,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 5,
) -> None:
    """Find the claims TEXT comes from, with their provenance."""
    from api.matching.live import LiveIndex
    from api.provenance.answer import match_text

    settings = get_settings()
    if not text.strip():
        _fail("text is empty", 2)
    if len(text) > settings.max_match_chars:
        _fail(f"text is {len(text)} characters; the limit is {settings.max_match_chars}", 2)
    engine = _engine()
    index = LiveIndex(engine)
    index.load()
    with Session(engine) as session:
        answer = match_text(
            session=session, index=index, text=text, limit=limit, threshold=settings.match_threshold
        )
    if as_json:
        out.print_json(json.dumps(answer))
        return
    if not answer["matches"]:
        out.print("No match: this text is not in the index.")
        return
    from api.render import print_match

    for m in answer["matches"]:
        print_match(out, m)


@app.command()
def claim(
    claim_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show a claim, its appearances and its provenance."""
    from api.provenance.claims_view import claim_detail

    with Session(_engine()) as session:
        try:
            detail = claim_detail(session=session, claim_id=claim_id)
        except ClaimScopeError as exc:
            _fail(exc.message)
    if as_json:
        out.print_json(json.dumps(detail))
        return
    from api.render import print_claim

    print_claim(out, detail)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    demo: Annotated[bool, typer.Option(help="Load the demo corpus first")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
) -> None:
    """Start the HTTP API (OpenAPI at /docs)."""
    import uvicorn

    engine = _engine()
    if demo:
        from api.pipeline.ingestor import Ingestor

        report = Ingestor(engine, settings=get_settings()).ingest_paths([DEMO_DIR])
        s = report.summary()
        err.print(f"demo corpus: {s['added']} added, {s['unchanged']} unchanged", highlight=False)
    # access_log off: the app writes its own JSON line per request (without highlighted text)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="info",
    )


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument()],
    scope: Annotated[str, typer.Option(help="ingest | curate | admin")] = "ingest",
) -> None:
    """Make a key; it is printed once and stored only as a hash."""
    from api.keys import SCOPES, create_key

    if scope not in SCOPES:
        _fail(f"scope must be one of {', '.join(SCOPES)}", 2)
    with Session(_engine()) as session:
        row, key = create_key(session=session, name=name, scope=scope)
    out.print(f"key {row.id} '{name}' (scope {scope}):")
    print(key)


@keys_app.command("list")
def keys_list() -> None:
    from api.keys import list_keys

    with Session(_engine()) as session:
        for k in list_keys(session=session):
            state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
            out.print(f"{k.id:>4}  {k.name:<24} {k.scope:<7} cs_{k.prefix}_…  {state}", highlight=False)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    from api.keys import revoke_key

    with Session(_engine()) as session:
        if revoke_key(session=session, key_id=key_id) is None:
            _fail(f"no key {key_id}")
    out.print(f"key {key_id} revoked")


webhooks_app = typer.Typer(help="Deliver queued webhook events.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.command("deliver")
def webhooks_deliver() -> None:
    """One delivery pass: send every due event once (failures are retried on later passes)."""
    from api.moderation.delivery import deliver_pending

    counts = deliver_pending(_engine(), allow_private=get_settings().allow_private_fetch)
    out.print(
        f"{counts['delivered']} delivered, {counts['retry']} to retry, {counts['failed']} failed",
        highlight=False,
    )


@app.command("embed")
def embed() -> None:
    """Embed every claim that has no sentence vector yet (the API's background worker does the
    same as it goes); links translations; prints how many vectors were stored."""
    from api.matching.claims import ClaimIndex
    from api.matching.embedding import embed_pending
    from api.matching.semantic import load_encoders

    db = _engine()
    english, multilingual = load_encoders()
    encoders = [e for e in (english, multilingual) if e is not None]
    if not encoders:
        _fail("no sentence encoder is installed (see pyproject.toml)")
    index = ClaimIndex(db, english=english, multilingual=multilingual)
    index.refresh()
    total = 0
    while done := embed_pending(db, encoders, index=index):
        total += done
    out.print(f"{total} vectors stored; still pending: {index.pending()}", highlight=False)


@app.command("import-claimreview")
def import_claimreview(
    paths: Annotated[list[Path], typer.Argument(help="ClaimReview JSON-LD files or folders")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import schema.org ClaimReview fact-checks as responses on the claims they match."""
    from api.matching.live import LiveIndex
    from api.moderation.factcheck import import_claimreviews, load_paths

    try:
        reviews = load_paths(paths)
    except (OSError, ValueError) as exc:
        _fail(f"cannot read ClaimReview JSON-LD: {exc}")
    engine = _engine()
    index = LiveIndex(engine)
    index.load()
    with Session(engine) as session:
        outcomes = import_claimreviews(
            session=session, index=index, reviews=reviews, threshold=get_settings().match_threshold
        )
    if as_json:
        out.print_json(json.dumps([o.as_dict() for o in outcomes]))
        return
    for o in outcomes:
        claims = ", ".join(map(str, o.claim_ids)) or "-"
        out.print(
            f"{o.status:<10} {o.stance or '':<9} claims {claims}: {o.claim_reviewed[:80]}", highlight=False
        )
    out.print(
        f"{len(outcomes)} review(s); {sum(1 for o in outcomes if o.claim_ids)} matched a claim",
        highlight=False,
    )


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv | jsonl")] = "csv",
    out_file: Annotated[Path | None, typer.Option("--out", help="File (default: stdout)")] = None,
) -> None:
    """Export the claim index, one row per claim (streamed in batches)."""
    from api.provenance.export import iter_csv, iter_jsonl

    if fmt not in ("csv", "jsonl"):
        _fail("--format must be csv or jsonl", 2)
    chunks = (iter_csv if fmt == "csv" else iter_jsonl)(_engine())
    if out_file is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    with out_file.open("w", encoding="utf-8", newline="") as fh:
        for chunk in chunks:
            fh.write(chunk)


def main() -> None:
    try:
        app()
    except ClaimScopeError as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
