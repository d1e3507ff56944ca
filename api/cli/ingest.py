"""``claimscope ingest``: files, folders, JSON Lines and URLs in, a report out."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.frame import EXIT_ERROR, EXIT_USAGE, err, fail, out

if TYPE_CHECKING:
    pass

from api.cli.root import (
    app,
    is_url,
    load_settings,
    open_engine,
    print_json,
)

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
        fail("--verbose and --quiet exclude each other", EXIT_USAGE)
    files = list(iter_paths([p for p in paths if not is_url(p)]))
    urls = [p for p in paths if is_url(p)]
    if url is not None and (len(files) != 1 or urls or Path(paths[0]).is_dir()):
        fail("--url names the source of exactly one file", EXIT_USAGE)
    ingestor = Ingestor(open_engine(), settings=load_settings())
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

        log = _ProgressLog(enabled=not (quiet or as_json) and not err().is_terminal)
        report.outcomes += ingestor.ingest_items(items(), on_item=log.item).outcomes
        for one in urls:
            report.outcomes += ingestor.ingest_url(one)
            progress.update(task, advance=1, description=one)
    _print_report(report, as_json=as_json, verbose=verbose, quiet=quiet, seconds=time.monotonic() - started)
    if report.count("rejected"):
        raise typer.Exit(EXIT_ERROR)


# Seconds between two progress lines when stderr is not a terminal (a log file, a CI job): often
# enough to see a long ingest move, rare enough to keep a log short (360 lines an hour).
PROGRESS_LOG_EVERY_S = 10.0


class _ProgressLog:
    """Plain progress lines on stderr when no progress bar can be drawn."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.started = self.last = time.monotonic()
        self.documents = self.passages = 0

    def item(self, outcome: Any) -> None:
        self.documents += 1
        self.passages += outcome.passages if outcome.status in ("added", "updated") else 0
        now = time.monotonic()
        if self.enabled and now - self.last >= PROGRESS_LOG_EVERY_S:
            self.last = now
            rate = self.passages / max(now - self.started, 1e-9)
            err().print(
                f"ingesting: {self.documents:,} documents, {self.passages:,} passages stored, "
                f"{rate:,.0f} passages/s, {now - self.started:.0f} s"
            )


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
        print_json({"summary": report.summary(), "items": [o.as_dict() for o in report.outcomes]})
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
