"""Matching benchmark: quality and latency of the match engine at 10k / 100k / 1M passages.

    .venv/bin/python bench/match.py --sizes 10000 100000 1000000 --backends sqlite postgresql

Corpus and highlights: ``bench/match_corpus.py`` (real news sentences plus Markov-generated
padding; noisy in-index highlights with page context, out-of-index highlights from held-out
articles).

Per size and backend the passages go into a fresh database through the db models
(documents and passages, SQLite file or PostgreSQL schema, reused when already filled) and
``LiveIndex.load()`` builds the engine. A hit counts as right if it is the source passage,
has the same normalized text, or contains the clean highlight verbatim. Out-of-index
highlights measure the false-match rate: any hit at the default threshold is a false match.

Baselines on the same queries: brute-force ``rapidfuzz.process.extractOne`` (partial_ratio
on normalized text over all passages, threshold 80; a subsample of queries at ≥ 100k) and
the database's own text search without re-ranking (SQLite FTS5 bm25 over an OR of the
query's words; PostgreSQL pg_trgm ``word_similarity`` with a GIN index, ``<%`` operator).
``http_latency(base_url, ...)`` measures the same highlights through the HTTP API.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz, process
from sqlalchemy import create_engine, func, insert, select, text

from api.matching.live import LiveIndex
from api.text.normalize import normalize, tokens
from bench.match_corpus import (  # bench/corpus.py and bench/http_match.py import these from here
    CACHE,
    GENERATE_UP_TO,
    corpus,
    make_queries,
    take,
)
from db.connection import get_engine
from db.models import Document, Passage

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADING = "## Matching (bench/match.py)"
PG_URL = os.environ.get("CLAIMSCOPE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


# -- database --------------------------------------------------------------------------
def db_url(backend: str, size: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{CACHE / f'match-{size}.sqlite'}"
    schema = f"bench_match_{size}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def fill(db, docs: list[list[str]]) -> tuple[dict, float]:  # type: ignore[no-untyped-def]
    """Store the corpus (unless already there); returns {(doc, ordinal): passage id}."""
    started, now = time.perf_counter(), datetime.now(UTC)
    with db.begin() as conn:
        have = conn.execute(select(func.count()).select_from(Passage.__table__)).scalar()
        if have != sum(map(len, docs)):
            conn.execute(Passage.__table__.delete())
            conn.execute(Document.__table__.delete())
            for start in range(0, len(docs), 2000):
                chunk = docs[start : start + 2000]
                conn.execute(
                    insert(Document.__table__),
                    [
                        {
                            "id": start + k + 1,
                            "identity": f"bench-{start + k}",
                            "content_hash": "x",
                            "text": "",
                            "source_format": "txt",
                            "ingested_at": now,
                        }
                        for k in range(len(chunk))
                    ],
                )
                rows = []
                for k, doc in enumerate(chunk):
                    for o, s in enumerate(doc):
                        n = normalize(s)
                        rows.append(
                            {
                                "document_id": start + k + 1,
                                "ordinal": o,
                                "start": 0,
                                "end": len(s),
                                "text": s,
                                "norm": n,
                                "kind": "body",
                                "norm_hash": str(hash(n) & 0xFFFFFFFFFFFF),
                            }
                        )
                conn.execute(insert(Passage.__table__), rows)
        ids = conn.execute(
            select(Passage.__table__.c.id, Passage.__table__.c.document_id, Passage.__table__.c.ordinal)
        ).all()
    return {(d - 1, o): i for i, d, o in ids}, time.perf_counter() - started


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


# -- evaluation ------------------------------------------------------------------------
def judge(ranked_ids: list[int], q: dict, ids: dict, norms: dict[int, str]) -> int | None:
    """Rank (1-based) of the first right answer among ``ranked_ids``, or None."""
    want = {ids[(q["doc"], o)] for o in q["src"]}
    want_norms = {norms[i] for i in want}
    for rank, pid in enumerate(ranked_ids, start=1):
        if pid in want or norms.get(pid) in want_norms or (q["clean"] in norms.get(pid, "")):
            return rank
    return None


def summarize(
    name: str, results: list[tuple[dict, list[int], float]], ids: dict, norms: dict[int, str]
) -> dict:
    ins = [(q, r) for q, r, _ in results if q["clean"] is not None]
    outs = [(q, r) for q, r, _ in results if q["clean"] is None]
    ranks = [judge(r, q, ids, norms) for q, r in ins]
    lat = sorted(t for _, _, t in results)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")  # noqa: E731
    return {
        "method": name,
        "queries": len(results),
        "recall@1": sum(r == 1 for r in ranks) / max(len(ranks), 1),
        "mrr": sum(1 / r for r in ranks if r) / max(len(ranks), 1),
        "fmr": sum(bool(r) for _, r in outs) / max(len(outs), 1),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def run_engine(live: LiveIndex, queries: list[dict]) -> list[tuple[dict, list[int], float]]:
    out = []
    for q in queries:
        t = time.perf_counter()
        hits = live.engine.search(q["q"], prefix=q.get("prefix"), suffix=q.get("suffix"))
        out.append((q, [h.passage_id for h in hits], (time.perf_counter() - t) * 1000))
    return out


def run_brute(queries: list[dict], pids: list[int], norm_list: list[str], n: int) -> list:
    out = []
    for q in queries[:n]:
        t = time.perf_counter()
        best = process.extractOne(
            normalize(q["q"]), norm_list, scorer=fuzz.partial_ratio, processor=None, score_cutoff=80
        )
        out.append((q, [pids[best[2]]] if best else [], (time.perf_counter() - t) * 1000))
    return out


def run_db_search(db, backend: str, queries: list[dict]) -> tuple[list, float]:  # type: ignore[no-untyped-def]
    out = []
    with db.connect() as conn:
        t0 = time.perf_counter()
        if backend == "sqlite":
            conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts USING fts5(norm)"))
            conn.execute(text("DELETE FROM temp.fts"))
            conn.execute(text("INSERT INTO temp.fts(rowid, norm) SELECT id, norm FROM passage"))
            sql = text("SELECT rowid FROM temp.fts WHERE fts MATCH :m ORDER BY bm25(fts) LIMIT 10")
        else:
            # the extension lives in public, whatever schema the bench tables are in
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            where = conn.execute(
                text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
            ).scalar()
            if where != "public":
                conn.execute(text("ALTER EXTENSION pg_trgm SET SCHEMA public"))
            conn.execute(
                text(
                    "CREATE INDEX IF NOT EXISTS passage_norm_trgm ON passage "
                    "USING gin (norm public.gin_trgm_ops)"
                )
            )
            sql = text(
                "SELECT id FROM passage WHERE :m OPERATOR(public.<%) norm "
                "ORDER BY public.word_similarity(:m, norm) DESC LIMIT 10"
            )
        conn.commit()
        build = time.perf_counter() - t0
        for q in queries:
            toks = tokens(normalize(q["q"]))
            m = " OR ".join(f'"{w}"' for w in toks) if backend == "sqlite" else normalize(q["q"])
            t = time.perf_counter()
            rows = conn.execute(sql, {"m": m}).scalars().all() if toks else []
            out.append((q, list(rows), (time.perf_counter() - t) * 1000))
    return out, build


def http_latency(base_url: str, queries: list[dict], *, limit: int = 5) -> dict:
    """p50/p95/p99 of ``POST {base_url}/v1/match`` for the highlights (hook for the lead)."""
    import httpx

    lat = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for q in queries:
            t = time.perf_counter()
            client.post("/v1/match", json={"text": q["q"], "limit": limit}).raise_for_status()
            lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    return {f"p{p}_ms": lat[min(len(lat) - 1, int(p / 100 * len(lat)))] for p in (50, 95, 99)}


# -- driver ----------------------------------------------------------------------------
def run_size(backend: str, size: int, data: dict, args: argparse.Namespace) -> list[dict]:
    docs = take(data["indexed"], size)
    n_real = min(len(docs), data["real_docs"])
    queries = make_queries(docs, n_real, data["held_out"], args.queries, args.out_queries, seed=size)
    db = get_engine(db_url(backend, size))
    ids, fill_s = fill(db, docs)
    rss0 = rss_mb()
    live = LiveIndex(db, sync_interval_ms=10**9)
    stats = live.load()
    rss1 = rss_mb()
    store = live.engine._store
    pids = store.passage_ids.view()
    norms = {int(pids[s]): store.norms[s] for s in range(len(store.texts)) if store.alive.view()[s]}
    base = {
        "size": size,
        "backend": backend,
        "load_s": stats.seconds,
        "fill_s": fill_s,
        "rss_mb": rss1 - rss0,
        "est_mb": live.engine.memory_bytes() / 2**20,
    }
    engine_res = run_engine(live, queries)
    rows = [{**base, **summarize("engine", engine_res, ids, norms)}]
    if args.misses:
        print_misses(f"{size:,} {backend} engine", engine_res, ids, norms)
    if args.http:
        rows[0]["http"] = http_latency(args.http, queries)
    n_db = args.db_queries or (len(queries) if size <= 100_000 else 100)
    db_res, build = run_db_search(db, backend, queries[:: max(1, len(queries) // n_db)][:n_db])
    name = "fts5 bm25" if backend == "sqlite" else "pg_trgm"
    rows.append({**base, "load_s": build, **summarize(name, db_res, ids, norms)})
    if backend == args.backends[0] and args.brute >= 0:
        n = args.brute or (len(queries) if size <= 10_000 else 100 if size <= 100_000 else 30)
        step = max(1, len(queries) // n)
        sample = queries[::step][:n]
        pids = list(norms)
        brute = run_brute(sample, pids, [norms[p] for p in pids], len(sample))
        rows.append({**base, "load_s": 0.0, **summarize(f"brute force (n={len(sample)})", brute, ids, norms)})
        rows[-1]["same_sample"] = same_sample(engine_res[::step][:n], brute, ids, norms, show=args.misses)
    db.dispose()
    return rows


def print_misses(label: str, results: list, ids: dict, norms: dict[int, str]) -> None:
    """In-index highlights whose first hit is wrong, with the source and the hits."""
    for i, (q, ranked, _) in enumerate(results):
        if q["clean"] is not None and judge(ranked[:1], q, ids, norms) is None:
            want = [ids[(q["doc"], o)] for o in q["src"]]
            print(
                f"{label} miss #{i}: {q['q']!r}\n  source {want}: "
                f"{[norms[w][:120] for w in want]}\n  hits {ranked}"
            )


def same_sample(engine_res: list, brute_res: list, ids: dict, norms: dict[int, str], *, show: bool) -> dict:
    """Engine vs brute force on the brute-force subsample: in-index highlights right at
    rank 1 (k of n) and out-of-index ones with any hit, for each."""
    out = {"n_in": 0, "engine_in": 0, "brute_in": 0, "n_out": 0, "engine_out": 0, "brute_out": 0}
    for (q, e_ranked, _), (q2, b_ranked, _) in zip(engine_res, brute_res, strict=True):
        assert q is q2
        if q["clean"] is None:
            out["n_out"] += 1
            out["engine_out"] += bool(e_ranked)
            out["brute_out"] += bool(b_ranked)
            continue
        e_ok = judge(e_ranked[:1], q, ids, norms) == 1
        b_ok = judge(b_ranked[:1], q, ids, norms) == 1
        out["n_in"] += 1
        out["engine_in"] += e_ok
        out["brute_in"] += b_ok
        if show and e_ok != b_ok:
            print(
                f"  {'brute force only' if b_ok else 'engine only'}: {q['q']!r} "
                f"engine {e_ranked[:2]} brute {b_ranked}"
            )
    return out


def same_sample_lines(rows: list[dict]) -> str:
    return "".join(
        f"- {r['size']:,} ({r['backend']}), same {s['n_in'] + s['n_out']} highlights: in-index "
        f"right at rank 1 — engine {s['engine_in']}/{s['n_in']}, brute force "
        f"{s['brute_in']}/{s['n_in']}; out-of-index with a hit — engine "
        f"{s['engine_out']}/{s['n_out']}, brute force {s['brute_out']}/{s['n_out']}\n"
        for r in rows
        if (s := r.get("same_sample"))
    )


def table(rows: list[dict]) -> str:
    head = (
        "| size | backend | method | recall@1 | MRR | FMR | p50 ms | p95 ms | p99 ms | "
        "load s | RSS MB |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    return head + "".join(
        f"| {r['size']:,} | {r['backend']} | {r['method']} | {r['recall@1']:.3f} | "
        f"{r['mrr']:.3f} | {r['fmr']:.3f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | "
        f"{r['p99_ms']:.2f} | {r['load_s']:.1f} | "
        f"{r['rss_mb']:.0f} |\n"
        if r["method"] == "engine"
        else f"| {r['size']:,} | {r['backend']} | {r['method']} | {r['recall@1']:.3f} | "
        f"{r['mrr']:.3f} | {r['fmr']:.3f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | "
        f"{r['p99_ms']:.2f} | {r['load_s']:.1f} | – |\n"
        for r in rows
    )


def write_results(body: str) -> None:
    from bench.results import write_section

    write_section(HEADING, body)


NOTES = """
- recall@1 / MRR over in-index highlights, FMR over out-of-index ones (share with any hit).
- engine p50/p95/p99: `MatchEngine.search` per highlight, in process, prefix/suffix given.
- load s: `LiveIndex.load()` for the engine; building the FTS5 table / GIN index for the
  database baselines. RSS MB: resident memory added by the load.
- brute force: `process.extractOne` with `fuzz.partial_ratio` ≥ 80 over all normalized
  passages, on an evenly spaced subsample of the queries (n) at sizes > 10k.
- database baselines (every query up to 100k, an evenly spaced 100 at 1M) return their
  top row unconditionally (FTS5) or above pg_trgm's `word_similarity_threshold` (0.6),
  with no re-ranking: FMR is the share of out-of-index highlights that got any row.
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--queries", type=int, default=1000, help="in-index highlights")
    parser.add_argument("--out-queries", type=int, default=500, help="out-of-index highlights")
    parser.add_argument("--brute", type=int, default=0, help="queries for brute force (0=auto, -1=skip)")
    parser.add_argument(
        "--db-queries",
        type=int,
        default=0,
        help="queries for the database baseline (0=auto: all up to 100k, else 100)",
    )
    parser.add_argument("--http", default=None, help="also time POST /v1/match at this URL")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="print the engine's misses and where it and brute force disagree",
    )
    args = parser.parse_args()
    data = corpus(max(GENERATE_UP_TO, *args.sizes))
    rows = []
    for size in args.sizes:
        for backend in args.backends:
            rows += run_size(backend, size, data, args)
            print(table(rows[-3:] if backend == args.backends[0] else rows[-2:]), flush=True)
    out = table(rows) + (
        "\nEngine and brute force on the brute-force subsample:\n\n" + same_sample_lines(rows)
        if same_sample_lines(rows)
        else ""
    )
    print(out)
    if args.write:
        cmd = "    .venv/bin/python " + " ".join(["bench/match.py", *sys.argv[1:]])
        write_results(f"{cmd}\n\n{out}\n{NOTES}")


if __name__ == "__main__":
    main()
