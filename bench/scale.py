"""Scale on real text (issue 12): ingestion rate and growth, start-up and memory per API worker
with and without the shared index snapshot, a small CLI ingest into the big index, match latency
in-process and over HTTP, recall@1 and the false-match rate — through the public path.

Corpus: the real news sentences of ``../shared/benchmarks/news-corpus/`` (README there), one real
article per document (tweets: 20 of one account per document). 2 % of the articles are held out,
never ingested: their sentences are the out-of-index highlights (a held-out sentence that one
indexed sentence covers with word 4-grams for 70 % of its words is dropped: it is not out of
the index; the rule of bench/precision.py).
Beyond the ~280k real passages the corpus is padded with *recombined* real sentences (the first
part of one real sentence joined to the end of another at a word boundary), 20 to a document,
under ``https://pad.scale.invalid/`` — text-like and sharing phrases with the real text, as
news does, but never a copy of a real sentence. Generated files live in ``bench/.cache/scale``.

Stages are cumulative: ``--sizes 100000 1000000`` ingests up to 100k passages, measures, then
ingests the rest up to 1M and measures again (growth exponent = log(t2/t1) / log(n2/n1) of the
cumulative ingest time). Each ingest is ``claimscope ingest FILE.jsonl`` in a subprocess.

    .venv/bin/python bench/scale.py --backend sqlite --sizes 100000 1000000
    .venv/bin/python bench/scale.py --backend postgresql --sizes 100000 1000000

Start-up is measured with restatements off (``CLAIMSCOPE_RESTATEMENTS=false``): with them on, a
big index serves copies at once and builds the restatement index in the background
(``api.app.RESTATEMENTS_BUILD_BEFORE_SERVING``). Memory per worker: the sum of the worker
processes' PSS (proportional set size: a page of the mapped snapshot shared by two workers
counts half in each), and RSS beside it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.matching.live import LiveIndex  # noqa: E402
from api.text.normalize import normalize  # noqa: E402
from bench.precision import IN_INDEX_COVERAGE, GramIndex  # noqa: E402
from bench.results import write_section  # noqa: E402
from db.connection import get_engine  # noqa: E402

CORPUS = ROOT.parent / "shared" / "benchmarks" / "news-corpus"
CACHE = ROOT / "bench" / ".cache" / "scale"
BIN = Path(sys.executable).parent
HELD_OUT_SHARE = 0.02
TWEETS_PER_DOC = 20
PAD_DOC_SENTENCES = 20
PG_BASE = os.environ.get("CLAIMSCOPE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


# -- corpus ------------------------------------------------------------------------------------
def real_articles() -> list[tuple[str, list[str]]]:
    """(document key, sentences) for every article of the news corpus, in file order."""
    articles: list[tuple[str, list[str]]] = []
    for path in sorted(CORPUS.glob("*.tsv")):
        docs: dict[str, list[str]] = defaultdict(list)
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                docs[row["doc_id"]].append(row["text"])
        for doc_id, sentences in docs.items():
            if path.name.startswith("uci_"):  # one account's tweets: documents of 20
                for i in range(0, len(sentences), TWEETS_PER_DOC):
                    articles.append((f"{path.stem}/{doc_id}/{i}", sentences[i : i + TWEETS_PER_DOC]))
            else:
                articles.append((f"{path.stem}/{doc_id}", sentences))
    return articles


def recombined(pool: list[str], rng: random.Random) -> str:
    """The first part of one real sentence and the end of another, joined at word boundaries."""
    while True:
        a, b = rng.choice(pool).split(), rng.choice(pool).split()
        if len(a) >= 6 and len(b) >= 6:
            i = rng.randint(len(a) // 3, 2 * len(a) // 3)
            j = rng.randint(len(b) // 3, 2 * len(b) // 3)
            return " ".join(a[:i] + b[j:])


def split_corpus(seed: int = 12) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    articles = real_articles()
    random.Random(seed).shuffle(articles)
    cut = int(len(articles) * HELD_OUT_SHARE)
    return articles[cut:], articles[:cut]


def documents(indexed: list[tuple[str, list[str]]], seed: int = 7):  # type: ignore[no-untyped-def]
    """Endless stream of JSONL records: the real articles, then padding documents."""
    for key, sentences in indexed:
        yield {
            "url": f"https://{key.split('/')[0].replace('_', '-')}.scale.invalid/{key}",
            "text": _text(sentences),
        }
    pool = [s for _, sents in indexed for s in sents]
    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        text = _text([recombined(pool, rng) for _ in range(PAD_DOC_SENTENCES)])
        yield {"url": f"https://pad.scale.invalid/{n}", "outlet": "padding", "text": text}


def _text(sentences: list[str]) -> str:
    # one paragraph per sentence: the splitter then keeps the corpus's own sentence cuts
    return "\n\n".join(sentences)


# -- processes ---------------------------------------------------------------------------------
def env_for(db_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, CLAIMSCOPE_DATABASE_URL=db_url, CLAIMSCOPE_RESTATEMENTS="false")
    env.update(extra)
    return env


def ingest(db_url: str, path: Path, **extra: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "claimscope"), "ingest", str(path), "--quiet"],
        env=env_for(db_url, **extra),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some record rejected, reported in the summary
        raise RuntimeError(f"ingest failed: {done.stderr[-2000:]}")
    return seconds


def passages_in(db_url: str) -> int:
    with get_engine(db_url).connect() as conn:
        from sqlalchemy import text

        return int(conn.execute(text("SELECT count(*) FROM passage")).scalar() or 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree(pid: int) -> list[int]:
    """The pid and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return out


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """Sum of (RSS, PSS) in MB over ``pids``."""
    rss = pss = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def startup(db_url: str, probe: str, workers: int, **extra: str) -> dict[str, float]:
    """Start ``claimscope serve``; seconds to the first answered match, then memory."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "claimscope"), "serve", "--port", str(port), "--workers", str(workers)],
        env=env_for(db_url, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        first = None
        with httpx.Client(timeout=30) as client:
            while time.perf_counter() - started < 900:
                try:
                    r = client.post(f"http://127.0.0.1:{port}/v1/match", json={"text": probe})
                    if r.status_code == 200 and r.json().get("matches"):
                        first = time.perf_counter() - started
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            if first is None:
                raise RuntimeError("the server never answered")
            # every worker loads at start-up: wait until the memory stops growing
            last = (0.0, 0.0)
            for _ in range(600):
                now = memory_mb(tree(proc.pid))
                # one worker is the process itself; more run under uvicorn's supervisor
                expected = 1 if workers == 1 else workers + 1
                if abs(now[0] - last[0]) < 1 and len(tree(proc.pid)) >= expected:
                    break
                last = now
                time.sleep(0.5)
            rss, pss = memory_mb(tree(proc.pid))
            return {"first_match_s": first, "rss_mb": rss, "pss_mb": pss, "port": port, "pid": proc.pid}
    finally:
        if not extra.get("_keep"):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def http_latency(port: int, queries: list[str]) -> dict[str, float]:
    times = []
    with httpx.Client(timeout=30) as client:
        for q in queries:
            t = time.perf_counter()
            client.post(f"http://127.0.0.1:{port}/v1/match", json={"text": q})
            times.append((time.perf_counter() - t) * 1000)
    return pct(times)


def pct(values: list[float]) -> dict[str, float]:
    v = sorted(values)
    at = lambda q: v[min(len(v) - 1, int(q * len(v)))]  # noqa: E731
    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "mean": statistics.fmean(v)}


# -- highlights --------------------------------------------------------------------------------
def noisy(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    if len(words) > 6 and rng.random() < 0.5:  # one typo in a word of 5+ letters
        i = rng.choice([k for k, w in enumerate(words) if len(w) >= 5] or [0])
        w = words[i]
        j = rng.randrange(1, max(len(w) - 1, 2))
        words[i] = w[:j] + w[j + 1 :]
    out = " ".join(words)
    return out.replace('"', "\u201c", 1) if rng.random() < 0.3 else out


def highlights(
    indexed: list[tuple[str, list[str]]], held: list[tuple[str, list[str]]], n: int
) -> dict[str, list]:
    rng = random.Random(5)
    real = [a for a in indexed if len(a[1]) >= 4]
    short, medium, long = [], [], []
    for _ in range(n):
        _, sents = rng.choice(real)
        i = rng.randrange(len(sents))
        short.append((noisy(sents[i], rng), sents[i]))
        j = rng.randrange(max(len(sents) - 2, 1))
        medium.append((" ".join(sents[j : j + 2]), " ".join(sents[j : j + 2])))
        start = rng.randrange(len(sents))
        run, total = [], 0
        for s in sents[start:] + sents[:start]:
            run.append(s)
            total += len(s) + 1
            if total >= 1500:
                break
        long.append((" ".join(run)[:1500], " ".join(run)))
    # a held-out sentence with a near-copy in an indexed article (news re-runs sentences, an
    # account tweets a headline twice) is not out-of-index text: bench/precision.py's 4-gram rule
    grams = GramIndex([normalize(s) for _, sents in indexed for s in sents])
    pool = [s for _, sents in held for s in sents if len(s.split()) >= 8]
    rng.shuffle(pool)
    out = [s for s in pool[: 3 * n] if grams.best_coverage(normalize(s)) < IN_INDEX_COVERAGE][:n]
    return {"short": short, "medium": medium, "long": long, "out": out}


def in_process(db_url: str, snapshot_dir: Path | None, sets: dict[str, list]) -> dict[str, Any]:
    index = LiveIndex(get_engine(db_url), sync_interval_ms=10**9, snapshot_dir=snapshot_dir)
    t = time.perf_counter()
    stats = index.load()
    opened = time.perf_counter() - t
    result: dict[str, Any] = {"open_s": opened, "source": stats.source, "passages": stats.passages}
    texts = {}
    for kind in ("short", "medium", "long"):
        times, right = [], 0
        for query, source in sets[kind]:
            t = time.perf_counter()
            hits = index.search(query, refresh=False)
            times.append((time.perf_counter() - t) * 1000)
            if hits:
                slot = index.engine._store.slot_of(hits[0].passage_id)
                got = index.engine._store.norms[slot] if slot is not None else ""
                texts[kind] = got
                # right when the top passage is (part of) the highlight's source text, or holds it
                want = normalize(source)
                right += int(bool(got) and (got in want or want in got))
        result[kind] = {**pct(times), "recall_at_1": right / len(sets[kind])}
    times, answered = [], 0
    for query in sets["out"]:
        t = time.perf_counter()
        hits = index.search(query, refresh=False)
        times.append((time.perf_counter() - t) * 1000)
        answered += int(bool(hits))
    result["out"] = {**pct(times), "false_match_rate": answered / max(len(sets["out"]), 1)}
    return result


# -- run ---------------------------------------------------------------------------------------
def fresh_db(backend: str) -> tuple[str, Path]:
    CACHE.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        path = CACHE / "scale.sqlite"
        for p in CACHE.glob("scale.sqlite*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        return f"sqlite:///{path}", Path(f"{path}.index")
    from sqlalchemy import create_engine, text

    schema = f"scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    index_dir = CACHE / f"index-{schema}"
    return f"{PG_BASE}?options=-csearch_path%3D{schema}", index_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--no-write", action="store_true", help="print, do not write bench/RESULTS.md")
    ap.add_argument(
        "--matching-only",
        action="store_true",
        help="no ingest: measure matching (in-process) on the SQLite index the last run left",
    )
    args = ap.parse_args()
    if args.matching_only:
        matching_only(args)
        return

    indexed, held = split_corpus()
    db_url, index_dir = fresh_db(args.backend)
    extra = {"CLAIMSCOPE_INDEX_DIR": str(index_dir)}
    stream = documents(indexed)
    rows: list[dict[str, Any]] = []
    total_ingest = 0.0
    stored = 0
    real_written = 0
    small = ROOT.parent / "shared" / "seeds"
    small_file = sorted(small.glob("*"))[0] if small.is_dir() else None
    for size in args.sizes:
        chunk = CACHE / f"chunk-{size}.jsonl"
        want = size - stored
        with chunk.open("w", encoding="utf-8") as fh:
            got = 0
            while got < want:
                record = next(stream)
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                got += record["text"].count("\n\n") + 1
                real_written += "outlet" not in record
        # highlights from the real articles ingested so far (the first ones of ``indexed``)
        sets = highlights(indexed[:real_written], held, args.queries)
        seconds = ingest(db_url, chunk, **extra)
        total_ingest += seconds
        stored = passages_in(db_url)
        row: dict[str, Any] = {
            "size": stored,
            "ingest_s": seconds,
            "cumulative_s": total_ingest,
            "rate": (stored - (rows[-1]["size"] if rows else 0)) / seconds,
            "chunk_mb": chunk.stat().st_size / 2**20,
        }
        probe = sets["short"][0][1]
        row["startup"] = {w: startup(db_url, probe, w, **extra) for w in args.workers}
        row["startup_rebuild"] = startup(db_url, probe, 1, CLAIMSCOPE_INDEX_DIR="off")
        if small_file is not None:
            row["small_ingest_s"] = ingest(db_url, small_file, **extra)
        served = startup(db_url, probe, 1, _keep="1", **extra)
        try:
            row["http_short"] = http_latency(int(served["port"]), [q for q, _ in sets["short"]])
            row["http_long"] = http_latency(int(served["port"]), [q for q, _ in sets["long"][:100]])
        finally:
            os.killpg(int(served["pid"]), signal.SIGTERM)
        row["in_process"] = in_process(db_url, index_dir, sets)
        row["load"] = Path("/proc/loadavg").read_text().split()[:3]
        rows.append(row)
        print(json.dumps(row, indent=1, default=str), flush=True)
    report(args, rows)


def matching_only(args: argparse.Namespace) -> None:
    """Matching figures on the index a previous SQLite run built (after a change of scoring)."""
    path = CACHE / "scale.sqlite"
    db_url = f"sqlite:///{path}"
    indexed, held = split_corpus()
    stored = passages_in(db_url)
    with get_engine(db_url).connect() as conn:
        from sqlalchemy import text

        urls = {u for (u,) in conn.execute(text("SELECT url FROM document WHERE url NOT LIKE '%pad.scale%'"))}
    real = [a for a in indexed if _url(a[0]) in urls]
    sets = highlights(real, held, args.queries)
    result = in_process(db_url, Path(f"{path}.index"), sets)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    lines = [
        f"Matching only (`bench/scale.py --matching-only`, commit {commit.stdout.strip()}, "
        f"{stored:,} passages, load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}):",
        "",
        "| highlight | in-process p50 / p95 / p99 ms | recall@1 | false-match rate |",
        "|---|---|---|---|",
    ]
    for kind in ("short", "medium", "long"):
        r = result[kind]
        lines.append(
            f"| {kind} | {r['p50']:.1f} / {r['p95']:.1f} / {r['p99']:.1f} | {r['recall_at_1']:.3f} | |"
        )
    o = result["out"]
    lines.append(
        f"| out of index | {o['p50']:.1f} / {o['p95']:.1f} / {o['p99']:.1f} | | {o['false_match_rate']:.3f} |"
    )
    print("\n".join(lines))


def _url(key: str) -> str:
    host = key.split("/")[0].replace("_", "-")
    return f"https://{host}.scale.invalid/{key}"


STARTED_AT_COMMIT = subprocess.run(
    ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
).stdout.strip()  # read when the run starts: a long run may outlive several commits


def report(args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    lines = [
        f"Command: `.venv/bin/python bench/scale.py --backend {args.backend} --sizes "
        f"{' '.join(map(str, args.sizes))}` at commit {STARTED_AT_COMMIT}; load average after each stage "
        "in the last column (2 cores, shared with other runs unless it is near 1).",
        "",
        "| passages | ingest rate (passages/s, this stage) "
        "| start-up to first match, 1 worker: snapshot / rebuild "
        "| memory, 1/2/4 workers (PSS MB) | +MB per extra worker | small file ingest | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        su = r["startup"]
        ws = sorted(su)
        pss = " / ".join(f"{su[w]['pss_mb']:.0f}" for w in ws)
        extra = (
            (su[ws[-1]]["pss_mb"] - su[ws[0]]["pss_mb"]) / max(ws[-1] - ws[0], 1) if len(ws) > 1 else math.nan
        )
        lines.append(
            f"| {r['size']:,} | {r['rate']:,.0f} | {su[ws[0]]['first_match_s']:.1f} s / "
            f"{r['startup_rebuild']['first_match_s']:.1f} s | {pss} | {extra:.0f} | "
            f"{r.get('small_ingest_s', math.nan):.1f} s | {' '.join(r['load'])} |"
        )
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        k = math.log(b["cumulative_s"] / a["cumulative_s"]) / math.log(b["size"] / a["size"])
        lines += [
            "",
            f"Growth exponent of the cumulative ingest time, {a['size']:,} → {b['size']:,}: **{k:.2f}**.",
        ]
    lines += [
        "",
        "| passages | highlight | in-process p50 / p95 / p99 ms | HTTP p50 / p99 ms "
        "| recall@1 | false-match rate |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        ip = r["in_process"]
        for kind in ("short", "medium", "long"):
            http = r.get(f"http_{kind}")
            hp = f"{http['p50']:.1f} / {http['p99']:.1f}" if http else "–"
            lines.append(
                f"| {r['size']:,} | {kind} "
                f"| {ip[kind]['p50']:.1f} / {ip[kind]['p95']:.1f} / {ip[kind]['p99']:.1f} "
                f"| {hp} | {ip[kind]['recall_at_1']:.3f} | |"
            )
        lines.append(
            f"| {r['size']:,} | out of index | {ip['out']['p50']:.1f} / {ip['out']['p95']:.1f} / "
            f"{ip['out']['p99']:.1f} | | | {ip['out']['false_match_rate']:.3f} |"
        )
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section(f"## Scale on real text, {args.backend} (bench/scale.py)", body)


if __name__ == "__main__":
    main()
