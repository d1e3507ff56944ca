"""The ``claimscope`` command: ingest, match, claim, check, delete, serve, keys, export.

Every command reads the same settings as the server (``CLAIMSCOPE_*``) and calls the same
plain-Python functions as the API. Errors print one line to stderr and exit non-zero, never a
traceback (``CLIGroup.main``). Data is printed as text, never read as rich markup or emoji codes
(``api.render.console``). Imports of the heavy packages (SQLAlchemy, the pipeline, the index)
are inside the commands so that ``claimscope --help`` starts fast (see bench/RESULTS.md).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from api import __version__

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine

    from api.settings import Settings

DEMO_DIR = Path(__file__).resolve().parent / "demo"
# Row ids are 64-bit integers on both databases: a larger number names no row.
MAX_ROW_ID = 2**63 - 1
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


# --- the command classes: readable help, one-line errors ---------------------------------------


class _PlainArgument(TyperArgument):
    """An argument shown by its metavar only (typer would add ``<list[Path]>``)."""

    def display_type_rich(self, ctx: typer.Context) -> str | None:  # type: ignore[override]
        return None

    def get_help_record(self, ctx: typer.Context) -> tuple[str, str] | None:  # type: ignore[override]
        record = super().get_help_record(ctx)  # type: ignore[arg-type]
        return None if record is None else (self._rich_display_name(), record[1])


def _readable(params: list[Any]) -> None:
    for param in params:
        if isinstance(param, TyperArgument):
            param.__class__ = _PlainArgument
        elif isinstance(param, TyperOption) and param.metavar is None:
            # a flag shows no type (typer would say <bool>); a value option its metavar
            param.metavar = "" if param.is_flag else "VALUE"


class CLICommand(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _readable(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        _readable([option])
        return option


class CLIGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _readable(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        _readable([option])
        return option

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """The command line's main, with every error as one line on stderr (a usage error exits
        2, any other 1) instead of a box or a traceback."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Exit as exc:
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt, EOFError):
            _error_line("interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            sys.exit(_report_error(exc))
        sys.exit(code if isinstance(code, int) else 0)


def _report_error(exc: Exception) -> int:
    """Print ``exc`` as one line; the exit code."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # no arguments: the help, as typer shows it
        exc.show()  # type: ignore[attr-defined]
        return int(exc.exit_code)  # type: ignore[attr-defined]
    if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
        # the parser's errors (usage, bad parameter, no such option)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _error_line(f"{exc.format_message()}{hint}")
        return int(exc.exit_code)  # type: ignore[attr-defined]
    _error_line(_describe(exc))
    return EXIT_ERROR


def _describe(exc: Exception) -> str:
    from pydantic import ValidationError

    from api.errors import ClaimScopeError

    if isinstance(exc, ClaimScopeError):
        return exc.message
    if isinstance(exc, ValidationError):
        return _settings_problem(exc)
    return f"{type(exc).__name__}: {exc}"


def _settings_problem(exc: Any) -> str:
    first = exc.errors()[0]
    name = "CLAIMSCOPE_" + "_".join(str(p) for p in first.get("loc", ())).upper()
    return f"bad value for {name}: {first.get('msg', 'invalid')}"


class CLI(typer.Typer):
    def command(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("cls", CLICommand)
        return super().command(*args, **kwargs)


def _typer(help_text: str) -> CLI:
    return CLI(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        cls=CLIGroup,
        pretty_exceptions_enable=False,  # CLIGroup.main prints every error as one line
    )


app = _typer("ClaimScope: where did this text come from?")
keys_app = _typer("Create, list and revoke API keys.")
app.add_typer(keys_app, name="keys")
webhooks_app = _typer("Deliver queued webhook events.")
app.add_typer(webhooks_app, name="webhooks")


def _show_version(value: bool) -> None:
    if value:
        print(f"claimscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """ClaimScope: where did this text come from?"""


# --- output and errors ------------------------------------------------------------------------


@cache
def out() -> Console:
    from api.render import console

    return console()


@cache
def err() -> Console:
    from api.render import console

    return console(stderr=True)


def _error_line(message: str) -> None:
    from rich.text import Text

    line = " ".join(message.split())  # one line, whatever the message holds
    err().print(Text.assemble(("error:", "red"), " ", line))


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    _error_line(message)
    raise typer.Exit(code)


def _settings() -> Settings:
    from pydantic import ValidationError

    from api.settings import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        _fail(_settings_problem(exc), EXIT_USAGE)


def _engine() -> Engine:
    from db.engine import get_engine

    try:
        return get_engine(_settings().database_url)
    except typer.Exit:
        raise
    except Exception as exc:
        _fail(f"cannot open the database: {exc}")


def _print_json(data: Any) -> None:
    out().print_json(json.dumps(data))


def _is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://")) or "://" in arg


def _row_id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ROW_ID:
        _fail(f"no {what} {value}")
    return value


# --- ingest -----------------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH", help="Files, folders (.txt .md .html .jsonl) or URLs")
    ],
    outlet: Annotated[
        str | None, typer.Option(metavar="NAME", help="Outlet of the plain files (not JSONL, not URLs)")
    ] = None,
    published_at: Annotated[
        str | None, typer.Option(metavar="DATE", help="Publication date of the plain files (2024-03-04)")
    ] = None,
    url: Annotated[
        str | None, typer.Option(metavar="URL", help="Original URL of the one plain file given")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="One line per document")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Ingest documents; report what was added, unchanged, split and rejected.

    On a terminal a progress bar shows the rate and the time left.

    The summary line is always printed, rejected inputs always (on stderr).
    """
    from api.ingest.sources import SourceItem, iter_paths, read_path
    from api.pipeline.ingestor import Ingestor, Report

    if verbose and quiet:
        _fail("--verbose and --quiet exclude each other", EXIT_USAGE)
    files = list(iter_paths([p for p in paths if not _is_url(p)]))
    urls = [p for p in paths if _is_url(p)]
    if url is not None and (len(files) != 1 or urls or Path(paths[0]).is_dir()):
        _fail("--url names the source of exactly one file", EXIT_USAGE)
    ingestor = Ingestor(_engine(), settings=_settings())
    report = Report()
    started = time.monotonic()

    def with_metadata(item: SourceItem, path: Path) -> SourceItem:
        if item.raw is not None and path.suffix.lower() != ".jsonl":
            raw = item.raw
            raw.outlet = outlet or raw.outlet
            raw.published_at = published_at or raw.published_at
            raw.url = url or raw.url
        return item

    with _progress_bar(disabled=quiet or as_json) as progress:
        task = progress.add_task("", total=len(files) + len(urls))

        def items() -> Iterator[SourceItem]:
            # files are read as the batches need them: the bar moves as they are stored
            for path in files:
                for item in read_path(path, max_bytes=ingestor.settings.max_document_bytes):
                    yield with_metadata(item, path)
                progress.update(task, advance=1, description=path.name)

        report.outcomes += ingestor.ingest_items(items()).outcomes
        for one in urls:
            report.outcomes += ingestor.ingest_url(one)
            progress.update(task, advance=1, description=one)
    _print_report(report, as_json=as_json, verbose=verbose, quiet=quiet, seconds=time.monotonic() - started)
    if report.count("rejected"):
        raise typer.Exit(EXIT_ERROR)


def _progress_bar(*, disabled: bool) -> Any:
    """A rich progress bar on stderr (files done / total, files per second, elapsed, time left),
    shown only on a terminal."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:.1f} files/s" if task.speed else "")

    return Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.description}", markup=False),
        console=err(),
        transient=True,
        disable=disabled or not err().is_terminal,
    )


def _print_report(report: Any, *, as_json: bool, verbose: bool, quiet: bool, seconds: float) -> None:
    if as_json:
        _print_json({"summary": report.summary(), "items": [o.as_dict() for o in report.outcomes]})
        return
    for o in report.outcomes:
        part = f" [post {o.part + 1}]" if o.part is not None else ""
        if o.status == "rejected":
            err().print(f"rejected   {o.name}{part}: {o.reason}")
        elif verbose:
            detail = (
                f" -> document {o.document_id}, {o.passages} passages"
                if o.passages
                else f" -> document {o.document_id}"
            )
            out().print(f"{o.status:<10} {o.name}{part}: {o.title or '(untitled)'}{detail}")
    if quiet:
        return
    s = report.summary()
    docs = len(report.outcomes)
    rate = f", {docs / seconds:.0f} documents/s" if seconds > 0 and docs else ""
    out().print(
        f"{s['added']} added, {s['updated']} updated, {s['unchanged']} unchanged, "
        f"{s['rejected']} rejected; {s['split_pages']} page(s) split into posts; "
        f"{s['passages']} passages stored; {seconds:.1f} s{rate}"
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

    from api.matching.live import LiveIndex
    from api.provenance.answer import match_text

    settings = _settings()
    if not text.strip():
        _fail("text is empty", EXIT_USAGE)
    if len(text) > settings.max_match_chars:
        _fail(f"text is {len(text)} characters; the limit is {settings.max_match_chars}", EXIT_USAGE)
    engine = _engine()
    index = LiveIndex(engine)
    index.load()
    with Session(engine) as session:
        answer = match_text(
            session=session, index=index, text=text, limit=limit, threshold=settings.match_threshold
        )
    if as_json:
        _print_json(answer)
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

    _row_id(claim_id, "claim")
    with Session(_engine()) as session:
        try:
            detail = claim_detail(session=session, claim_id=claim_id)
        except ClaimScopeError as exc:
            _fail(exc.message)
    if as_json:
        _print_json(detail)
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
    from api.matching.live import LiveIndex
    from api.provenance.check import check_report, raw_to_check

    settings = _settings()
    try:
        if _is_url(source):
            raw = raw_to_check(text=None, url=source, settings=settings)
        else:
            data = sys.stdin.buffer.read() if source == "-" else _read_file(source)
            text, problem = decode_bytes(data)
            if problem:
                _fail(f"{source}: {problem}")
            raw = raw_to_check(text=text, url=None, settings=settings)
            raw.source_format = FORMAT_BY_SUFFIX.get(Path(source).suffix.lower(), "txt")
            raw.source_name = source
        engine = _engine()
        index = LiveIndex(engine)
        index.load()
        with Session(engine) as session:
            report = check_report(session=session, index=index, raw=raw, settings=settings)
    except ClaimScopeError as exc:
        _fail(exc.message)
    if as_json:
        _print_json(report)
        return
    from api.render import print_check

    print_check(out(), report)


def _read_file(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {name}: {exc.strerror or exc}")


# --- delete -----------------------------------------------------------------------------------


@app.command()
def delete(
    document_id: Annotated[int, typer.Argument(metavar="ID", help="The document's id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print what was removed as JSON")] = False,
) -> None:
    """Delete a document: it leaves the index and every claim's provenance (audited)."""
    from api.errors import ClaimScopeError
    from api.matching.live import LiveIndex
    from api.pipeline.delete import delete_document

    _row_id(document_id, "document")
    engine = _engine()
    index = LiveIndex(engine)
    index.load()
    try:
        removed = delete_document(engine=engine, index=index, document_id=document_id, actor="cli")
    except ClaimScopeError as exc:
        _fail(exc.message)
    if as_json:
        _print_json(removed)
        return
    out().print(
        f"document {document_id} deleted: {removed['passages']} passages; "
        f"{len(removed['claims_removed'])} claim(s) removed, {len(removed['claims_changed'])} changed"
    )


# --- serve ------------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(metavar="HOST", help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo corpus first")] = False,
    workers: Annotated[int, typer.Option(min=1, metavar="N", help="Worker processes")] = 1,
) -> None:
    """Start the HTTP API (OpenAPI at /docs)."""
    import uvicorn

    engine = _engine()
    if demo:
        from api.pipeline.ingestor import Ingestor

        report = Ingestor(engine, settings=_settings()).ingest_paths([DEMO_DIR])
        s = report.summary()
        err().print(f"demo corpus: {s['added']} added, {s['unchanged']} unchanged")
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


# --- keys -------------------------------------------------------------------------------------


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Who or what the key is for")],
    scope: Annotated[str, typer.Option(metavar="ingest|curate|admin", help="What the key may do")] = "ingest",
) -> None:
    """Make a key; it is printed once (last line) and stored only as a hash."""
    from sqlmodel import Session

    from api.keys import SCOPES, create_key

    if scope not in SCOPES:
        _fail(f"scope must be one of {', '.join(SCOPES)}", EXIT_USAGE)
    with Session(_engine()) as session:
        row, key = create_key(session=session, name=name, scope=scope)
    out().print(f"key {row.id} '{name}' (scope {scope}):")
    print(key)


@keys_app.command("list")
def keys_list() -> None:
    """The keys: id, name, scope, prefix, active or revoked."""
    from sqlmodel import Session

    from api.keys import list_keys

    with Session(_engine()) as session:
        for k in list_keys(session=session):
            state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
            out().print(f"{k.id:>4}  {k.name:<24} {k.scope:<7} cs_{k.prefix}_…  {state}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(metavar="ID", help="The key's id")]) -> None:
    """Revoke a key: it is refused from now on."""
    from sqlmodel import Session

    from api.keys import revoke_key

    _row_id(key_id, "key")
    with Session(_engine()) as session:
        if revoke_key(session=session, key_id=key_id) is None:
            _fail(f"no key {key_id}")
    out().print(f"key {key_id} revoked")


# --- webhooks, fact-checks, export ------------------------------------------------------------


@webhooks_app.command("deliver")
def webhooks_deliver() -> None:
    """One delivery pass: send every due event once (failures are retried on later passes)."""
    from api.moderation.watch import deliver_pending

    counts = deliver_pending(_engine(), allow_private=_settings().allow_private_fetch)
    out().print(f"{counts['delivered']} delivered, {counts['retry']} to retry, {counts['failed']} failed")


@app.command("import-claimreview")
def import_claimreview(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="ClaimReview JSON-LD files or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON")] = False,
) -> None:
    """Import schema.org ClaimReview fact-checks as responses on the claims they match."""
    from sqlmodel import Session

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
            session=session, index=index, reviews=reviews, threshold=_settings().match_threshold
        )
    if as_json:
        _print_json([o.as_dict() for o in outcomes])
        return
    for o in outcomes:
        claims = ", ".join(map(str, o.claim_ids)) or "-"
        out().print(f"{o.status:<10} {o.stance or '':<9} claims {claims}: {o.claim_reviewed[:80]}")
    out().print(f"{len(outcomes)} review(s); {sum(1 for o in outcomes if o.claim_ids)} matched a claim")


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", metavar="csv|jsonl", help="Row format")] = "csv",
    out_file: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="File to write (default: stdout)")
    ] = None,
) -> None:
    """Export the claim index, one row per claim (streamed in batches)."""
    from api.provenance.export import iter_csv, iter_jsonl

    if fmt not in ("csv", "jsonl"):
        _fail("--format must be csv or jsonl", EXIT_USAGE)
    rows = [0]

    def count(_: dict[str, Any]) -> None:
        rows[0] += 1

    chunks = (iter_csv if fmt == "csv" else iter_jsonl)(_engine(), on_row=count)
    if out_file is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    written = 0
    try:
        with out_file.open("w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                written += len(chunk.encode("utf-8"))
                fh.write(chunk)
    except OSError as exc:
        _fail(f"cannot write {out_file}: {exc.strerror or exc}")
    err().print(f"wrote {rows[0]:,} claims ({fmt}, {written:,} bytes) to {out_file}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
