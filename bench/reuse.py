"""Reuse on METER (issue 14): document- and claim-level provenance on real republished news.

    PYTHONPATH=. .venv/bin/python bench/reuse.py [--data DIR] [--orders forward reverse random1 random2]
        [--two-process] [--backend sqlite|postgresql] [--write]

Ingests the METER development half (Press Association wire copy and the newspaper stories
written from it; ``/work/shared/benchmarks/meter-dev``, never copied into the repository)
through the public path (``api.pipeline.ingestor.Ingestor.ingest_paths``, what ``claimscope
ingest`` runs) into a fresh database, then reads what a user reads:

- document level (``reuse_relations``, i.e. ``GET /v1/documents/{id}``'s ``reuse``): a newspaper
  story counts as *derived* when it lists a PA text of the same story; precision / recall / F1
  against the corpus's wholly + partially vs non-derived labels; the share of wholly derived
  stories recorded as ``republishes`` of a PA text; Spearman of the coverage with the label
  (0/1/2: the corpus's verbatim markup is not in the dev folder, so the label stands in for it);
- the word 5-gram containment baseline in the same run (threshold tuned on this half, and the
  two-fold figure: tuned on one half of the stories, measured on the other);
- claim level: *reused sentences* (a newspaper passage >= 70 % of whose word trigrams occur in
  a PA text of its story: the stand-in for the markup's ">= 70 % verbatim") whose claim's first
  publication is a PA text; highlighting the newspaper's wording of an *edited/excerpted*
  sentence (reused, but not identical to any PA passage) with ``match_text``: whether the top
  claim's first publication is PA of the same story; the relation label of the newspaper's
  appearance vs the expected one (verbatim: same text; excerpt: one holds the other; edited);
- order: the claims and provenance (ids removed) of further orders compared with the forward
  one; ``--two-process`` also ingests the two halves of the corpus (overlapping by a tenth) in
  two concurrent ``claimscope ingest`` processes and compares.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from api.matching.live import LiveIndex
from api.pipeline.ingestor import Ingestor
from api.provenance.answer import match_text
from api.provenance.documents import reuse_relations
from api.provenance.timeline import claim_provenance, relation_to
from api.settings import Settings
from api.text.normalize import normalize
from db.connection import dispose_engines, get_engine
from db.models import Claim, Document, Passage

DATA = Path("/work/shared/benchmarks/meter-dev")
PG_URL = os.environ.get("CLAIMSCOPE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REUSED_SHARE = 0.70  # a newspaper sentence this much PA (word trigrams) is "reused"
ROOT = Path(__file__).resolve().parents[1]


# --- data ------------------------------------------------------------------------------------
def load(data: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    docs = [json.loads(line) for line in (data / "documents.jsonl").open(encoding="utf-8")]
    labels = [json.loads(line) for line in (data / "labels.jsonl").open(encoding="utf-8")]
    return docs, labels


def words(s: str) -> list[str]:
    return normalize(s).split()


def grams(ws: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


def containment(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a) if a else 0.0


def prf(pred: dict[str, bool], gold: dict[str, bool]) -> tuple[float, float, float]:
    tp = sum(1 for k in gold if pred[k] and gold[k])
    fp = sum(1 for k in gold if pred[k] and not gold[k])
    fn = sum(1 for k in gold if not pred[k] and gold[k])
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r

    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else 0.0


# --- baseline --------------------------------------------------------------------------------
def baseline(docs: list[dict[str, Any]], labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Word 5-gram containment of a newspaper story in the PA texts of its story (max)."""
    pa_grams: dict[str, list[set[Any]]] = defaultdict(list)
    for d, lab in zip(docs, labels, strict=True):
        if lab["kind"] == "PA":
            pa_grams[lab["story"]].append(grams(words(d["text"]), 5))
    score: dict[str, float] = {}
    gold: dict[str, bool] = {}
    story_of: dict[str, str] = {}
    for d, lab in zip(docs, labels, strict=True):
        if lab["kind"] != "paper":
            continue
        g = grams(words(d["text"]), 5)
        score[lab["url"]] = max((containment(g, s) for s in pa_grams[lab["story"]]), default=0.0)
        gold[lab["url"]] = lab["label"] != "non_derived"
        story_of[lab["url"]] = lab["story"]

    def best(keys: list[str]) -> tuple[float, float]:
        cands = sorted({round(score[k], 3) for k in keys})
        top = (0.0, 0.0)
        for t in cands:
            f = prf({k: score[k] >= t for k in keys}, {k: gold[k] for k in keys})[2]
            top = max(top, (f, t))
        return top

    keys = list(score)
    f_in, t_in = best(keys)
    halves = [[k for k in keys if hash_half(story_of[k]) == h] for h in (0, 1)]
    held = []
    for h in (0, 1):
        _, t = best(halves[h])
        other = halves[1 - h]
        held.append(prf({k: score[k] >= t for k in other}, {k: gold[k] for k in other})[2])
    return {"f1_tuned": f_in, "threshold": t_in, "f1_heldout": held, "score": score}


def hash_half(story: str) -> int:
    import hashlib

    return hashlib.blake2b(story.encode(), digest_size=2).digest()[0] % 2


# --- ingestion -------------------------------------------------------------------------------
def fresh_url(backend: str, tmp: Path) -> tuple[str, Any]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'meter-{uuid.uuid4().hex[:8]}.sqlite'}", lambda: None
    schema = f"bench_reuse_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{PG_URL}?options=-csearch_path%3D{schema}", drop


def write_jsonl(path: Path, docs: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return path


def ingest(url: str, path: Path) -> float:
    engine = get_engine(url)
    started = time.perf_counter()
    Ingestor(engine, settings=Settings(database_url=url)).ingest_paths([path])
    return time.perf_counter() - started


def ingest_two_process(url: str, a: Path, b: Path) -> float:
    get_engine(url)  # not the race under test here: bench migrations first (tests cover the race)
    dispose_engines()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CLAIMSCOPE_DATABASE_URL": url}
    exe = str(Path(sys.executable).with_name("claimscope"))
    started = time.perf_counter()
    procs = [
        subprocess.Popen([exe, "ingest", str(p)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for p in (a, b)
    ]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode and "rejected" not in err.decode():  # the empty PA text is rejected
            print("two-process ingest failed:", err.decode()[-2000:], file=sys.stderr)
    return time.perf_counter() - started


# --- reading what users read -----------------------------------------------------------------
def snapshot(url: str) -> dict[str, Any]:
    """Claims and provenance keyed by URLs and ordinals (no ids), documents' reuse too."""
    engine = get_engine(url)
    index = LiveIndex(engine)
    index.load()
    with Session(engine) as session:
        docs = {d.id: d for d in session.exec(select(Document)).all()}
        members: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for p in session.exec(select(Passage).where(Passage.claim_id.is_not(None))).all():  # type: ignore[union-attr]
            members[p.claim_id].append((docs[p.document_id].url or "", p.ordinal))  # type: ignore[index]
        claims = {}
        for cid in session.exec(select(Claim.id)).all():
            prov = claim_provenance(session=session, claim_id=cid)  # type: ignore[arg-type]
            key = tuple(sorted(members.get(cid, [])))  # type: ignore[arg-type]
            claims[key] = _strip(prov)
        reuse = {
            d.url: _strip(reuse_relations(session=session, document_id=d.id, index=index))  # type: ignore[arg-type]
            for d in docs.values()
        }
    return {"claims": claims, "reuse": reuse}


def _strip(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in ("id", "document_id")}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    if isinstance(obj, str) and obj.startswith("appears in"):
        # an untitled document is named by its input file and line, which the order changes
        return _SOURCE_LINE.sub("“(input)”", obj)
    return obj


_SOURCE_LINE = re.compile(r"“[^”]*\.jsonl:\d+”")


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, int]:
    ka, kb = set(a["claims"]), set(b["claims"])
    same = ka & kb
    prov = sum(
        1
        for k in same
        if json.dumps(a["claims"][k], sort_keys=True) != json.dumps(b["claims"][k], sort_keys=True)
    )
    reuse = sum(
        1
        for u in a["reuse"]
        if json.dumps(a["reuse"][u], sort_keys=True) != json.dumps(b["reuse"].get(u), sort_keys=True)
    )
    return {
        "claims_a": len(ka),
        "claims_b": len(kb),
        "membership_differs": len(ka ^ kb),
        "provenance_differs": prov,
        "reuse_differs": reuse,
    }


def measure(url: str, docs: list[dict[str, Any]], labels: list[dict[str, Any]]) -> dict[str, Any]:
    engine = get_engine(url)
    lab_of = {lab["url"]: lab for lab in labels}
    out: dict[str, Any] = {}
    with Session(engine) as session:
        stored = {d.url: d for d in session.exec(select(Document)).all()}
        id_of = {u: d.id for u, d in stored.items()}
        url_of = {d.id: u for u, d in stored.items()}
        # document level
        pred: dict[str, bool] = {}
        repub: dict[str, bool] = {}
        cov: dict[str, float] = {}
        gold: dict[str, bool] = {}
        listed: dict[str, bool] = {}
        rel_counts: Counter[tuple[str, str]] = Counter()
        index = LiveIndex(engine)
        index.load()
        for lab in labels:
            if lab["kind"] != "paper":
                continue
            u = lab["url"]
            rels = reuse_relations(session=session, document_id=id_of[u], index=index)  # type: ignore[arg-type]
            pa = [
                r
                for r in rels
                if r["document"]["url"] in lab_of
                and lab_of[r["document"]["url"]]["kind"] == "PA"
                and lab_of[r["document"]["url"]]["story"] == lab["story"]
            ]
            pred[u] = any(r["relation"] in _DERIVED for r in pa)
            listed[u] = bool(pa)
            repub[u] = any(r["relation"] == "republishes" for r in pa)
            cov[u] = max((r["coverage"] for r in pa), default=0.0)
            gold[u] = lab["label"] != "non_derived"
            best = max(pa, key=lambda r: r["coverage"])["relation"] if pa else "none"
            rel_counts[(lab["label"], best)] += 1
        p, r, f = prf(pred, gold)
        wholly = [u for u in gold if lab_of[u]["label"] == "wholly_derived"]
        level = {"wholly_derived": 2, "partially_derived": 1, "non_derived": 0}
        out["doc"] = {
            "precision": p,
            "recall": r,
            "f1": f,
            "f1_any_listed": prf(listed, gold)[2],
            "wholly_republishes": sum(repub[u] for u in wholly),
            "wholly": len(wholly),
            "wholly_no_link": sum(not pred[u] for u in wholly),
            "spearman_coverage_label": spearman(
                [cov[u] for u in gold], [level[lab_of[u]["label"]] for u in gold]
            ),
            "relations": rel_counts,
            "coverage": cov,
        }
        # claim level
        pa_passages: dict[str, list[Passage]] = defaultdict(list)
        pa_trigrams: dict[str, set[Any]] = defaultdict(set)
        for u, d in stored.items():
            if lab_of[u]["kind"] == "PA":
                pa_trigrams[lab_of[u]["story"]] |= grams(words(d.text), 3)
        rows = session.exec(select(Passage).where(Passage.kind.in_(["body", "quote"]))).all()  # type: ignore[attr-defined]
        for p_ in rows:
            u = url_of[p_.document_id]
            if lab_of[u]["kind"] == "PA":
                pa_passages[lab_of[u]["story"]].append(p_)
        reused = []
        for p_ in rows:
            u = url_of[p_.document_id]
            lab = lab_of[u]
            if lab["kind"] != "paper" or len(p_.norm.split()) < 5:
                continue
            share = containment(grams(p_.norm.split(), 3), pa_trigrams[lab["story"]])
            if share >= REUSED_SHARE:
                reused.append((p_, lab, share))
        index = LiveIndex(engine)
        index.load()
        cache: dict[int, dict[str, Any]] = {}

        def is_pa_story(pub: dict[str, Any] | None, story: str) -> bool:
            lab = lab_of.get((pub or {}).get("url") or "")
            return bool(lab and lab["kind"] == "PA" and lab["story"] == story)

        first_ok = 0
        high_total = high_ok = 0
        rel_ok = rel_total = 0
        confusion: Counter[tuple[str, str]] = Counter()
        for p_, lab, _share in reused:
            if p_.claim_id is not None:
                if p_.claim_id not in cache:
                    cache[p_.claim_id] = claim_provenance(session=session, claim_id=p_.claim_id)
                prov = cache[p_.claim_id]
                ok = is_pa_story(prov["first_publication"], lab["story"])
                first_ok += ok
            else:
                ok = False
            cands = pa_passages[lab["story"]]
            exact = any(c.norm == p_.norm for c in cands)
            if not exact:
                high_total += 1
                ans = match_text(session=session, index=index, text=p_.text, limit=3, provenance_cache=cache)
                if ans["matches"] and is_pa_story(
                    ans["matches"][0]["provenance"]["first_publication"], lab["story"]
                ):
                    high_ok += 1
            if ok:
                # expected label against the closest PA passage
                best = max(cands, key=lambda c: fuzz.ratio(c.norm, p_.norm))
                if exact:
                    want = "verbatim"
                elif (
                    abs(len(best.norm) - len(p_.norm)) > 0.3 * max(len(p_.norm), 1)
                    and fuzz.partial_ratio(best.norm, p_.norm) >= 85
                ):
                    want = "excerpt"
                else:
                    want = "edited"
                members = session.exec(select(Passage).where(Passage.claim_id == p_.claim_id)).all()
                canon_url = prov["first_publication"]["url"]
                canon = next(
                    (
                        m
                        for m in sorted(members, key=lambda m: m.ordinal)
                        if url_of[m.document_id] == canon_url
                    ),
                    None,
                )
                got = relation_to(canon, p_) if canon is not None else "none"
                confusion[(want, got)] += 1
                rel_total += 1
                rel_ok += want == got
        out["claim"] = {
            "reused": len(reused),
            "first_pa": first_ok,
            "highlight_total": high_total,
            "highlight_pa": high_ok,
            "relation_ok": rel_ok,
            "relation_total": rel_total,
            "confusion": confusion,
        }
        out["counts"] = {
            "documents": len(stored),
            "claims": len(session.exec(select(Claim.id)).all()),
        }
    return out


def report(
    m: dict[str, Any], base: dict[str, Any], orders: dict[str, dict[str, int]], timing: dict[str, float]
) -> str:
    d, c = m["doc"], m["claim"]
    lines = [
        f"documents {m['counts']['documents']}, claims {m['counts']['claims']}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| document level P / R / F1 (derived vs non-derived) | {d['precision']:.3f} / {d['recall']:.3f} / **{d['f1']:.3f}** |",  # noqa: E501
        f"| document level F1 counting any listed PA relation (quotes too) | {d['f1_any_listed']:.3f} |",
        f"| 5-gram containment baseline F1 (threshold tuned on this half: {base['threshold']}) | {base['f1_tuned']:.3f} |",  # noqa: E501
        f"| 5-gram baseline F1, two-fold held out (story halves) | {base['f1_heldout'][0]:.3f}, {base['f1_heldout'][1]:.3f} |",  # noqa: E501
        f"| wholly derived recorded as republications of PA | {d['wholly_republishes']} / {d['wholly']} ({d['wholly_republishes'] / max(d['wholly'], 1):.1%}); no link {d['wholly_no_link']} |",  # noqa: E501
        f"| Spearman(coverage, label 0/1/2); baseline's | {d['spearman_coverage_label']:.3f}; {m['baseline_spearman']:.3f} |",  # noqa: E501
        f"| reused sentences whose first publication is PA | {c['first_pa']} / {c['reused']} ({c['first_pa'] / max(c['reused'], 1):.1%}) |",  # noqa: E501
        f"| highlight of newspaper wording (edited/excerpted) -> PA claim first | {c['highlight_pa']} / {c['highlight_total']} ({c['highlight_pa'] / max(c['highlight_total'], 1):.1%}) |",  # noqa: E501
        f"| relation labels right | {c['relation_ok']} / {c['relation_total']} ({c['relation_ok'] / max(c['relation_total'], 1):.1%}) |",  # noqa: E501
    ]
    for name, t in timing.items():
        lines.append(f"| ingest time, {name} | {t:.1f} s |")
    lines += [
        "",
        "Document relation (best PA link) by label:",
        "",
        "| label | " + " | ".join(_REL) + " |",
        "|---" * (len(_REL) + 1) + "|",
    ]
    for lab in ("wholly_derived", "partially_derived", "non_derived"):
        lines.append(f"| {lab} | " + " | ".join(str(d["relations"][(lab, r)]) for r in _REL) + " |")
    got_labels = sorted({g for _, g in c["confusion"]})
    lines += [
        "",
        "Sentence relation (expected rows, given columns):",
        "",
        "| expected | " + " | ".join(got_labels) + " |",
        "|---" * (len(got_labels) + 1) + "|",
    ]
    for want in ("verbatim", "edited", "excerpt"):
        lines.append(f"| {want} | " + " | ".join(str(c["confusion"][(want, g)]) for g in got_labels) + " |")
    if orders:
        lines += [
            "",
            "Order / process comparison with the forward order (ids removed):",
            "",
            "| run | claims | forward claims | membership differs | provenance differs | document reuse differs |",  # noqa: E501
            "|---|---|---|---|---|---|",
        ]
        for name, cmp in orders.items():
            lines.append(
                f"| {name} | {cmp['claims_b']} | {cmp['claims_a']} | {cmp['membership_differs']} | {cmp['provenance_differs']} | {cmp['reuse_differs']} |"  # noqa: E501
            )
    return "\n".join(lines)


_DERIVED = ("republishes", "derived_from", "excerpts")
_REL = (
    "republishes",
    "derived_from",
    "excerpts",
    "quotes",
    "republished_by",
    "source_of",
    "quoted_by",
    "none",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--orders", nargs="*", default=["forward", "reverse"])
    ap.add_argument("--two-process", action="store_true")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = ap.parse_args()
    docs, labels = load(args.data)
    base = baseline(docs, labels)
    papers = [lab["url"] for lab in labels if lab["kind"] == "paper"]
    level = {"wholly_derived": 2, "partially_derived": 1, "non_derived": 0}
    lab_of = {lab["url"]: lab for lab in labels}
    base_sp = spearman([base["score"][u] for u in papers], [level[lab_of[u]["label"]] for u in papers])
    timing: dict[str, float] = {}
    orders: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        snaps: dict[str, dict[str, Any]] = {}
        m: dict[str, Any] = {}
        for name in args.orders:
            seq = list(docs)
            if name == "reverse":
                seq.reverse()
            elif name.startswith("random"):
                random.Random(name).shuffle(seq)
            path = write_jsonl(tmp / f"{name}.jsonl", seq)
            url, drop = fresh_url(args.backend, tmp)
            try:
                timing[name] = ingest(url, path)
                if name == args.orders[0]:
                    m = measure(url, docs, labels)
                snaps[name] = snapshot(url)
            finally:
                dispose_engines()
                drop()
            print(f"ingested {name} in {timing[name]:.1f} s", file=sys.stderr)
        if args.two_process:
            cut = len(docs) // 2
            a = write_jsonl(tmp / "a.jsonl", docs[: cut + len(docs) // 10])
            b = write_jsonl(tmp / "b.jsonl", list(reversed(docs[cut - len(docs) // 10 :])))
            url, drop = fresh_url(args.backend, tmp)
            try:
                timing["two processes"] = ingest_two_process(url, a, b)
                snaps["two processes"] = snapshot(url)
            finally:
                dispose_engines()
                drop()
        first = args.orders[0]
        for name, snap in snaps.items():
            if name != first:
                orders[name] = compare(snaps[first], snap)
    m["baseline_spearman"] = base_sp
    text_out = report(m, base, orders, timing)
    print(text_out)
    if args.json:
        slim = {
            "doc": {k: v for k, v in m["doc"].items() if k not in ("relations", "coverage")},
            "claim": {k: v for k, v in m["claim"].items() if k != "confusion"},
            "baseline": {k: v for k, v in base.items() if k != "score"},
            "orders": orders,
        }
        args.json.write_text(json.dumps(slim, indent=1))


if __name__ == "__main__":
    main()
