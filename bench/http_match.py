"""Match latency through HTTP (a real uvicorn) next to the engine call, on the matching corpus.

    .venv/bin/python bench/http_match.py --size 100000 --queries 500 --write

Copies the matching benchmark's cached SQLite database of ``--size`` passages (bench/match.py
builds it), makes every passage its own claim (the matching corpus has no reuse to link), starts
``uvicorn api.app:create_app`` on 127.0.0.1 over the copy, and times ``POST /v1/match`` for the
same noisy highlights bench/match.py uses, one request at a time from one client, so the figure
is the latency a reader's request sees: engine, provenance, JSON, HTTP. The engine call alone
is timed in-process on the same highlights for the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from bench.match import CACHE, corpus, http_latency, make_queries, take

HEADING = "## Match latency through HTTP (bench/http_match.py)"


def prepare(size: int) -> str:
    source = CACHE / f"match-{size}.sqlite"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run bench/match.py --sizes {size} --backends sqlite")
    target = CACHE / f"http-{size}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    src = create_engine(f"sqlite:///{source}")
    with src.connect() as conn:  # fold the WAL into the file before copying it
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    src.dispose()
    shutil.copyfile(source, target)
    db = create_engine(f"sqlite:///{target}")
    with db.begin() as conn:
        conn.execute(text("DELETE FROM claim"))
        conn.execute(
            text(
                "INSERT INTO claim (id, text, canonical_passage_id, created_at) "
                "SELECT id, text, id, :now FROM passage"
            ),
            {"now": datetime.now(UTC)},
        )
        conn.execute(text("UPDATE passage SET claim_id = id"))
    db.dispose()
    return f"sqlite:///{target}"


def engine_latency(db_url: str, queries: list[dict]) -> dict[str, float]:
    from api.matching.live import LiveIndex
    from db.connection import get_engine

    live = LiveIndex(get_engine(db_url), sync_interval_ms=10**9)
    live.load()
    lat = []
    for q in queries:
        t = time.perf_counter()
        live.search(q["q"], limit=5)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return {f"p{p}_ms": lat[min(len(lat) - 1, int(p / 100 * len(lat)))] for p in (50, 95, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    data = corpus()
    docs = take(data["indexed"], args.size)
    queries = make_queries(
        docs,
        min(len(docs), data["real_docs"]),
        data["held_out"],
        args.queries,
        args.queries // 2,
        seed=args.size,
    )
    url = prepare(args.size)
    from tests.live_server import LiveServer

    with LiveServer(url, env={"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0"}) as server:
        http_latency(server.url, queries[:20])  # warm-up: first requests load caches
        http = http_latency(server.url, queries)
    engine = engine_latency(url, queries)
    lines = ["| passages | call | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    for name, r in (("engine (in process)", engine), ("POST /v1/match (uvicorn)", http)):
        lines.append(
            f"| {args.size:,} | {name} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} |"
        )
    body = "\n".join(lines)
    print(body)
    if args.write:
        from bench.results import write_section

        cmd = "python bench/http_match.py " + " ".join(sys.argv[1:])
        write_section(
            HEADING,
            f"Command: `{cmd}`\n\n{len(queries)} highlights ("
            "in-index with noise and out-of-index), one request at a time, SQLite, one "
            "uvicorn worker, every passage its own claim; run while other benchmarks "
            f"used the other core.\n\n{body}",
        )


if __name__ == "__main__":
    main()
