"""Restatements (issue 13): CheckThat! 2022 Task 2A through ``POST /v1/match``, beside BM25 alone and
the embeddings alone in the same run, and the cross-lingual fixture.

    .venv/bin/python bench/restatements.py --split dev --write

1. The 14,231 verified claims are ingested as JSON Lines documents (``text`` = the claim,
   ``title`` = the Snopes title, ``url`` naming the ``vclaim_id``) into a SQLite database under
   ``--work`` (outside the repository: the benchmark data are not copied into it), by the real
   ``Ingestor``.
2. ``embed_pending`` (the embedding queue's worker code) embeds every claim with both encoders.
   MiniLM encodes ~40 claims per CPU-second, so the vectors are also kept in ``--work`` keyed by
   the text's sha1 and reused by the next run (same model, same bytes; ``--no-cache`` recomputes).
3. Each tweet goes through ``POST /v1/match`` (limit 5, ASGI in-process, the app's default
   settings); a match's document URL gives its ``vclaim_id``. MAP@5 (1/rank of the right claim if
   it is in the top 5), MRR (same, the benchmark has one right claim per query but a few have two:
   the best rank counts), P@1, share of queries with no match, and "confident wrong": the top
   match is ``confidence: "high"`` and the right claim is not among the 5.
4. BM25 alone and MiniLM alone rank the same claims in-process (``ClaimIndex``'s channels).
5. Latency p50/p99 per stage (BM25, query embedding, vector search, whole request), with
   ``uptime``'s load average: the machine is shared, so absolute times move with the load.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import text as sql

from api.app import create_app
from api.matching import claims as claims_mod
from api.matching.claims import ClaimIndex
from api.matching.embedding import embed_pending
from api.matching.lexical import BM25Index
from api.matching.semantic import Encoder, VectorSet, load_encoders
from api.pipeline.ingestor import Ingestor
from api.settings import Settings
from db.connection import get_engine

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "checkthat-2022-2a-dev"
HEADING = "## Restatements (issue 13)"
URL = "https://checkthat.invalid/"


class CachedEncoder:
    """An encoder whose vectors are also kept in a file (sha1 of the text -> row)."""

    def __init__(self, inner: Encoder, path: Path) -> None:
        self.inner, self.path = inner, path
        self.name, self.dim = inner.name, inner.dim
        self.cache: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path)
            self.cache = dict(zip(data["keys"].tolist(), data["rows"], strict=True))
        self.computed = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        if todo:
            rows = self.inner.encode([texts[i] for i in todo])
            for i, row in zip(todo, rows, strict=True):
                self.cache[keys[i]] = row
            self.computed += len(todo)
        return np.stack([self.cache[k] for k in keys])

    def save(self) -> None:
        keys = list(self.cache)
        np.savez(self.path, keys=np.array(keys), rows=np.stack([self.cache[k] for k in keys]))


def load_split(split: str) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    queries = [
        tuple(line.rstrip("\n").split("\t", 1))
        for line in (DATA / f"queries_{split}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    qrels: dict[str, set[str]] = collections.defaultdict(set)
    for line in (DATA / f"qrels_{split}.tsv").read_text(encoding="utf-8").splitlines():
        qid, _, vid, _ = line.split("\t")
        qrels[qid].add(vid)
    return [q for q in queries if q[0] in qrels], qrels  # type: ignore[misc]


def build(work: Path) -> str:
    """The claims ingested into a SQLite database (built once per --work)."""
    db_path = work / "checkthat.sqlite"
    url = f"sqlite:///{db_path}"
    if db_path.exists():
        return url
    records = work / "vclaims_as_documents.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for line in (DATA / "vclaims.jsonl").read_text(encoding="utf-8").splitlines():
            c = json.loads(line)
            doc = {"url": URL + c["vclaim_id"], "title": c.get("title") or "", "text": c["vclaim"]}
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    report = Ingestor(get_engine(url), settings=Settings(database_url=url)).ingest_paths([records])
    took = time.perf_counter() - started
    print(f"ingested in {took:.0f} s, {report.count('rejected')} rejected", file=sys.stderr)
    return url


def ranks(found: list[str | None] | list[set[str]], right: set[str]) -> int | None:
    """Rank of the first found item that is (or, a set, holds) a right vclaim."""
    for i, vid in enumerate(found[:5]):
        if (vid & right) if isinstance(vid, set) else (vid in right):
            return i + 1
    return None


def documents_of(match: dict[str, object], doc_vclaim: dict[int, str]) -> set[str]:
    """The vclaims a matched claim appears in: its passage's document and every indexed document
    of its provenance (two verified claims with one text are one claim, found in both)."""
    prov = match["provenance"]
    assert isinstance(prov, dict)
    pubs = [prov["first_publication"], *prov["republishers"]]
    docs = {match["passage"]["document_id"]} | {p["document_id"] for p in pubs if p and p["in_index"]}  # type: ignore[index]
    return {doc_vclaim[d] for d in docs if d in doc_vclaim}


def summary(rs: list[int | None]) -> dict[str, float]:
    n = len(rs)
    return {
        "MAP@5": sum(1 / r for r in rs if r) / n,
        "P@1": sum(1 for r in rs if r == 1) / n,
        "in top 5": sum(1 for r in rs if r) / n,
    }


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) if xs else float("nan")


def scale_latency(sizes: list[int], queries: list[str]) -> list[str]:
    """The restatement stage's own costs at ``sizes`` claims: the benchmark's claim texts cycled
    (with a distinct number each, so postings grow as they would) and random unit vectors; exact
    numpy search (OPENBLAS_NUM_THREADS=1: one core). The query embedding does not depend on the size."""
    texts = [json.loads(line)["vclaim"] for line in (DATA / "vclaims.jsonl").read_text().splitlines()]
    rng = np.random.default_rng(13)
    out = [
        "| claims | BM25 build s | BM25 p50 / p99 ms | vectors MB | exact search p50 / p99 ms |",
        "|---|---|---|---|---|",
    ]
    for n in sizes:
        bm = BM25Index()
        t0 = time.perf_counter()
        for i in range(n):
            bm.add(i, f"{texts[i % len(texts)]} n{i // len(texts)}")
        build_s = time.perf_counter() - t0
        vs = VectorSet(384)
        for i in range(0, n, 100_000):
            m = rng.standard_normal((min(100_000, n - i), 384), dtype=np.float32)
            vs.add(list(range(i, i + len(m))), m / np.linalg.norm(m, axis=1, keepdims=True))
        vs.search(np.ones(384, dtype=np.float32) / 384**0.5, 50)  # the flush
        t_bm, t_vs = [], []
        for q in queries[:200]:
            t0 = time.perf_counter()
            bm.search(q, claims_mod.CANDIDATES)
            t_bm.append((time.perf_counter() - t0) * 1000)
            qv = rng.standard_normal(384, dtype=np.float32)
            t0 = time.perf_counter()
            vs.search(qv / np.linalg.norm(qv), claims_mod.CANDIDATES)
            t_vs.append((time.perf_counter() - t0) * 1000)
        out.append(
            f"| {n:,} | {build_s:.1f} | {pct(t_bm, 50):.1f} / {pct(t_bm, 99):.1f} | "
            f"{n * 384 * 4 / 1e6:.0f} | {pct(t_vs, 50):.1f} / {pct(t_vs, 99):.1f} |"
        )
        print(out[-1], file=sys.stderr)
        del bm, vs
    return out


def ingest_with_worker(work: Path, encoders: list[Encoder]) -> list[str]:
    """Ingestion throughput of the 14,225 claim documents into a fresh SQLite database, alone and
    with the embedding worker running beside it in the same process (as in the API), same run."""
    from api.matching.embedding import EmbeddingWorker

    records = work / "vclaims_as_documents.jsonl"
    out = [
        "| ingestion of the claim documents | s | passages/s | vectors stored meanwhile |",
        "|---|---|---|---|",
    ]
    for label, with_worker in (("alone", False), ("with the embedding worker", True)):
        path = work / f"ingest-{int(with_worker)}.sqlite"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        db = get_engine(url)
        worker = EmbeddingWorker(db, encoders).start() if with_worker else None
        t0 = time.perf_counter()
        Ingestor(db, settings=Settings(database_url=url)).ingest_paths([records])
        took = time.perf_counter() - t0
        if worker is not None:
            worker.stop()
        with db.connect() as conn:
            passages = conn.execute(sql("SELECT count(*) FROM passage")).scalar() or 0
            vectors = conn.execute(sql("SELECT count(*) FROM claimvector")).scalar() or 0
        out.append(f"| {label} | {took:.1f} | {passages / took:,.0f} | {vectors:,} |")
        print(out[-1], file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--work", type=Path, default=Path("/tmp/claimscope-bench-restatements"))
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--ingest", action="store_true", help="also time ingestion with the worker beside it")
    ap.add_argument(
        "--scale", default="", help="also time the stage at these claim counts, e.g. 100000,300000"
    )
    args = ap.parse_args()
    logging.disable(logging.INFO)  # the access log of every request
    args.work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    url = build(args.work)
    db = get_engine(url)
    english, multilingual = load_encoders()
    assert english is not None and multilingual is not None, "encoders not installed"
    cached = [
        CachedEncoder(e, args.work / f"vectors-{e.name}.npz")
        for e in (english, multilingual)
        if not args.no_cache
    ] or [english, multilingual]
    started = time.perf_counter()
    stored = 0
    while done := embed_pending(db, cached, batch=512, link_translations=False):  # type: ignore[arg-type]
        stored += done
    embed_s = time.perf_counter() - started
    for c in cached:
        if isinstance(c, CachedEncoder):
            c.save()
    with db.connect() as conn:
        vclaim_of: dict[int, set[str]] = collections.defaultdict(set)
        for cid, u in conn.execute(
            sql(
                "SELECT p.claim_id, d.url FROM passage p JOIN document d ON d.id = p.document_id "
                "WHERE p.claim_id IS NOT NULL"
            )
        ):
            vclaim_of[int(cid)].add(u[len(URL) :])
        doc_vclaim = {int(i): u[len(URL) :] for i, u in conn.execute(sql("SELECT id, url FROM document"))}
    queries, qrels = load_split(args.split)

    # -- through POST /v1/match ---------------------------------------------------------------
    settings = Settings(database_url=url, embed_worker=False, rate_limit_per_minute=0)
    api_ranks: list[int | None] = []
    no_match = confident_wrong = wrong_top1_confident = 0
    took: list[float] = []
    kinds: collections.Counter[str] = collections.Counter()
    details: list[dict[str, object]] = []
    with TestClient(create_app(settings)) as client:
        index: ClaimIndex = client.app.state.claim_index  # type: ignore[attr-defined]
        client.post("/v1/match", json={"text": "warm up", "limit": 5})
        for qid, text in queries:
            t0 = time.perf_counter()
            resp = client.post("/v1/match", json={"text": text[:2000], "limit": 5})
            took.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, resp.text
            matches = resp.json()["matches"]
            found = [documents_of(m, doc_vclaim) for m in matches]
            r = ranks(found, qrels[qid])
            api_ranks.append(r)
            if not matches:
                no_match += 1
                continue
            kinds[matches[0]["match_type"]] += 1
            if r != 1:
                details.append(
                    {
                        "qid": qid,
                        "rank": r,
                        "text": text,
                        "right": sorted(qrels[qid]),
                        "top": [
                            (m["match_type"], m["score"], m["confidence"], sorted(f))
                            for m, f in zip(matches, found, strict=True)
                        ],
                    }
                )
            if matches[0]["confidence"] == "high" and r != 1:
                wrong_top1_confident += 1
                if r is None:
                    confident_wrong += 1

        # -- the channels alone, same claims, same process ----------------------------------------
        bm_ranks, emb_ranks = [], []
        t_bm, t_emb, t_vec = [], [], []
        vs = index.vectors[english.name]
        for qid, text in queries:
            t0 = time.perf_counter()
            bm = index.bm25.search(text, 5)
            t_bm.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            qv = english.encode([text])[0]
            t_emb.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            em = vs.search(qv, 5)
            t_vec.append((time.perf_counter() - t0) * 1000)
            bm_ranks.append(ranks([vclaim_of.get(c, set()) for c, _ in bm], qrels[qid]))
            emb_ranks.append(ranks([vclaim_of.get(c, set()) for c, _ in em], qrels[qid]))
    (args.work / f"misses-{args.split}.json").write_text(json.dumps(details, indent=1), encoding="utf-8")
    n = len(queries)
    misses = sum(1 for r in api_ranks if r is None)
    api = summary(api_ranks)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
    rows = [
        ("ClaimScope `POST /v1/match` (limit 5)", api),
        ("BM25 alone (claim + title)", summary(bm_ranks)),
        ("MiniLM alone (cosine)", summary(emb_ranks)),
    ]
    lines = [
        f"`OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/restatements.py {' '.join(sys.argv[1:])}` — "
        f"commit {commit.strip()}, "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (2 shared cores).",
        "",
        f"CheckThat! 2022 Task 2A English, **{args.split}** split ({n} tweets, with qrels), against the "
        f"14,231 verified claims ingested as {len(doc_vclaim):,} JSON Lines documents "
        f"({len(vclaim_of):,} claims); {stored:,} vectors stored by the embedding queue in "
        f"{embed_s:.0f} s in this run (the database and the vectors are kept in --work across runs).",
        "",
        "| ranker | MAP@5 | MRR@5 | P@1 | right claim in top 5 |",
        "|---|---|---|---|---|",
    ]
    for name, s in rows:
        lines.append(
            f"| {name} | {s['MAP@5']:.3f} | {s['MAP@5']:.3f} | {s['P@1']:.3f} | {s['in top 5']:.3f} |"
        )
    lines += [
        "",
        "(One right claim per query, so MRR@5 = MAP@5.) Through the match path: "
        f"no match {no_match}/{n} ({no_match / n:.1%}); right claim not in the top 5: {misses}/{n}; "
        f"of those, top match a *confident* (`high`) restatement of another claim: {confident_wrong}/"
        f"{misses} ({confident_wrong / max(misses, 1):.1%}; {confident_wrong / n:.1%} of all queries); "
        f"top-1 wrong and `high` at all: {wrong_top1_confident}/{n}. Top match kinds: {dict(kinds)}. "
        f"Thresholds: restatement ≥ {claims_mod.RESTATEMENT_THRESHOLD}, confident ≥ "
        f"{claims_mod.RESTATEMENT_CONFIDENT}, blend {claims_mod.BLEND_COS}·cos + "
        f"{1 - claims_mod.BLEND_COS:.1f}·BM25/max.",
        "",
        "| stage (ms, this run's load) | p50 | p99 |",
        "|---|---|---|",
        f"| BM25 over {len(index.bm25):,} claims | {pct(t_bm, 50):.2f} | {pct(t_bm, 99):.2f} |",
        f"| MiniLM query embedding | {pct(t_emb, 50):.2f} | {pct(t_emb, 99):.2f} |",
        f"| exact vector search ({len(vs):,} × {vs.dim}) | {pct(t_vec, 50):.2f} | {pct(t_vec, 99):.2f} |",
        f"| whole `POST /v1/match` (ASGI, in-process) | {pct(took, 50):.1f} | {pct(took, 99):.1f} |",
    ]
    if args.ingest:
        lines += ["", *ingest_with_worker(args.work, [english, multilingual])]
    if args.scale:
        lines += [
            "",
            "The restatement stage alone at larger sizes (`--scale`; synthetic: the claim texts cycled, "
            "random unit vectors; one BLAS thread, same load):",
            "",
            *scale_latency([int(x) for x in args.scale.split(",")], [t for _, t in queries]),
        ]
    body = "\n".join(lines)
    print(body)
    print(f"median request {statistics.median(took):.1f} ms", file=sys.stderr)
    if args.write:
        from bench.results import write_section

        write_section(HEADING + f" — CheckThat! {args.split}", body)


if __name__ == "__main__":
    main()
