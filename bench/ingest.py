"""Ingestion throughput: documents/s and passages/s with reuse linking on, by corpus size.

    .venv/bin/python bench/ingest.py --docs 1000 10000 100000 --backends sqlite postgresql
    .venv/bin/python bench/ingest.py --passages 10000 100000 1000000   # bench/provenance.py

Each size starts from an empty database (a SQLite file under bench/.cache/, or a fresh
PostgreSQL schema), ingests articles (bench/corpus.py: real news sentences padded with
trigram-model ones; 20 % republications, half of them edited) through the same Ingestor the
CLI and the API use, and reports throughput and the growth exponent of total time between
consecutive sizes (1.0 = linear).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import uuid
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from api.ingest.sources import SourceItem
from api.pipeline.ingestor import Ingestor
from api.settings import Settings
from api.text.types import RawDocument
from bench.corpus import articles
from db.connection import get_engine

CACHE = Path(__file__).resolve().parent / ".cache"
PG_URL = os.environ.get("CLAIMSCOPE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def fresh_url(backend: str) -> tuple[str, object]:
    if backend == "sqlite":
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"ingest-{uuid.uuid4().hex[:8]}.sqlite"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in CACHE.glob(path.name + "*")]
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    return f"{PG_URL}?options=-csearch_path%3D{schema}", drop


def run_one(
    backend: str, n_docs: int | None = None, n_passages: int | None = None, max_sentences: int = 40
) -> dict[str, float]:
    url, cleanup = fresh_url(backend)
    try:
        engine = get_engine(url)
        ingestor = Ingestor(engine, settings=Settings(database_url=url))
        ingestor.live_index()  # index load time is not ingestion time
        # generated before the clock starts: the corpus is not what is measured
        bodies = list(islice(articles(n_passages, max_sentences=max_sentences), n_docs))
        items = (
            SourceItem(f"gen-{i}", RawDocument(content=body, source_format="md", source_name=f"gen-{i}"))
            for i, body in enumerate(bodies)
        )
        started = time.perf_counter()
        report = ingestor.ingest_items(items)
        elapsed = time.perf_counter() - started
        docs, passages = report.count("added"), report.passages
        if report.count("rejected"):
            raise SystemExit(f"{report.count('rejected')} documents rejected: the corpus is broken")
        engine.dispose()
    finally:
        cleanup()  # type: ignore[operator]
    return {
        "docs": docs,
        "passages": passages,
        "seconds": elapsed,
        "docs_per_s": docs / elapsed,
        "passages_per_s": passages / elapsed,
    }


def exponent(a: dict[str, float], b: dict[str, float]) -> float:
    return math.log(b["seconds"] / a["seconds"]) / math.log(b["passages"] / a["passages"])


def table(rows: list[tuple[str, dict[str, float], str]]) -> str:
    lines = [
        "| backend | documents | passages | seconds | documents/s | passages/s | growth exponent |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, r, growth in rows:
        lines.append(
            f"| {backend} | {r['docs']:.0f} | {r['passages']:.0f} | {r['seconds']:.1f} | "
            f"{r['docs_per_s']:.0f} | {r['passages_per_s']:.0f} | {growth} |"
        )
    return "\n".join(lines)


def main(heading: str = "## Ingestion (bench/ingest.py)", default_docs: bool = True) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--docs", type=int, nargs="+", help="corpus sizes in documents")
    size.add_argument("--passages", type=int, nargs="+", help="corpus sizes in passages")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument(
        "--max-sentences", type=int, default=40, help="longest generated article, in sentences"
    )
    parser.add_argument("--write", action="store_true", help="write the table to bench/RESULTS.md")
    args = parser.parse_args()
    rows = []
    for backend in args.backends:
        previous = None
        sizes = args.passages or args.docs or ([1000, 10000, 100000] if default_docs else None)
        if sizes is None:
            sizes, args.passages = [10000, 100000, 1000000], True
        for n in sizes:
            r = (
                run_one(backend, n_passages=n, max_sentences=args.max_sentences)
                if args.passages
                else run_one(backend, n_docs=n, max_sentences=args.max_sentences)
            )
            growth = f"{exponent(previous, r):.2f}" if previous else "—"
            rows.append((backend, r, growth))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
            previous = r
    body = table(rows)
    print(body)
    if args.write:
        from bench.results import write_section

        command = "python " + " ".join(["bench/" + Path(sys.argv[0]).name, *sys.argv[1:]])
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        write_section(
            heading,
            f"Command: `{command}` at commit {_commit()}; load average at the end {load}.\n\n"
            f"{body}\n\n{NOTES}",
        )


def _commit() -> str:
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=CACHE.parent).stdout.strip()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return (git("rev-parse", "--short", "HEAD") or "unknown") + dirty


NOTES = """Throughput of the whole ingestion (extract, split, read official statements, store, reuse
linking against the live index, boilerplate recurrence, review suggestions, canonical texts,
index events) through `Ingestor.ingest_items`, the path `claimscope ingest` takes for folders
and JSONL files: 200 documents per transaction (`CLAIMSCOPE_INGEST_BATCH_DOCUMENTS`), one
worker process preparing documents up to two batches ahead (`CLAIMSCOPE_INGEST_WORKERS`) while
the main process stores and links them, from an empty database (a SQLite file, or a fresh
PostgreSQL schema on the local server with its default settings, autovacuum off). The corpus
is generated before the clock starts.
Growth exponent: log(time ratio) / log(passage ratio) between consecutive sizes (1.0 = linear).
The machine is a 2-core VM: the worker, the main process and the PostgreSQL server share it."""


if __name__ == "__main__":
    main()
