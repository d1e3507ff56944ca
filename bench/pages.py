"""Real saved web pages with gold labels, through the public ingestion path (issue 16).

    PYTHONPATH=. .venv/bin/python bench/pages.py [--data /work/shared/benchmarks/pages-dev]
                                                 [--misses misses.json] [--no-baselines]

Every HTML file of the gold set (``pages-dev/README.md``) is written, uncompressed and byte for
byte, to a temporary folder as ``<name>.html`` and ingested by ``Ingestor.ingest_paths`` (what
``claimscope ingest <folder>`` runs) into a fresh SQLite database. Then, from what was stored:

* main text: trafilatura's ``count_item`` rule — a gold snippet counts as found when its
  whitespace-normalised text is a substring of the document's whitespace-normalised text;
  precision from the ``without`` snippets, recall from the ``with`` ones;
* ``without`` snippets in claim passages: a ``without`` snippet that contains, or is contained
  in, a passage that belongs to a claim (matchable boilerplate);
* cross-site boilerplate claims: claims whose passages are on pages of two or more sites and
  whose text is (in) a ``without`` snippet;
* highlights: each ``with`` snippet of at least ``MIN_HIGHLIGHT_WORDS`` words is sent to
  ``api.provenance.answer.match_text`` (the function behind ``POST /v1/match``) as rendered
  text; right when the first match is on the page's document; headlines likewise with the gold
  title;
* dates (exact day) on both gold sets, titles (exact after whitespace normalisation);
* baselines in the same run on the same bytes: ``trafilatura.extract`` (defaults) for main text,
  ``trafilatura.extract_metadata`` for titles and dates, ``htmldate.find_date`` with its default
  and its ``original_date=True`` settings (also ``extensive_search=False``).

Skips with a message when the data folder is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_DATA = Path("/work/shared/benchmarks/pages-dev")
MIN_HIGHLIGHT_WORDS = 5  # the rule: "with" snippets of >= 5 words are highlighted


def norm(text: str) -> str:
    return " ".join(text.split())


def load_gold(data: Path) -> list[dict[str, Any]]:
    with (data / "gold.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def site_of(row: dict[str, Any]) -> str:
    url = row["url"].split("::", 1)[-1].lstrip("x")
    host = urlparse(url).netloc if "://" in url else url.split("/")[0]
    host = host.lower().removeprefix("www.")
    return host or row["file"]


def file_name(path: str) -> str:
    """html/trafilatura/bbc.com.52241221.html.gz -> trafilatura__bbc.com.52241221.html"""
    parts = path.split("/")
    base = parts[-1].removesuffix(".gz")
    if not base.lower().endswith((".html", ".htm")):
        base += ".html"
    return f"{parts[-2]}__{base}"


def ingest(data: Path, files: list[str], workdir: Path) -> tuple[Any, dict[str, Any], dict[str, str]]:
    from api.pipeline.ingestor import Ingestor
    from api.settings import Settings
    from db.connection import get_engine

    pages = workdir / "pages"
    pages.mkdir()
    path_of: dict[str, str] = {}
    for f in files:
        target = pages / file_name(f)
        target.write_bytes(gzip.decompress((data / f).read_bytes()))
        path_of[f] = str(target)
    url = f"sqlite:///{workdir / 'pages.sqlite'}"
    engine = get_engine(url)
    ingestor = Ingestor(engine, settings=Settings(database_url=url))
    started = time.perf_counter()
    report = ingestor.ingest_paths([pages])
    elapsed = time.perf_counter() - started
    outcomes: dict[str, list[Any]] = defaultdict(list)
    for o in report.outcomes:
        outcomes[o.name].append(o)
    by_file = {f: outcomes.get(p, []) for f, p in path_of.items()}
    print(f"ingested {len(files)} files in {elapsed:.0f} s: {report.summary()}", file=sys.stderr)
    return ingestor, by_file, path_of


def baselines(data: Path, files: list[str]) -> dict[str, dict[str, Any]]:
    import htmldate
    import trafilatura
    from trafilatura.utils import decode_file

    out: dict[str, dict[str, Any]] = {}
    for f in files:
        raw = gzip.decompress((data / f).read_bytes())
        html = decode_file(raw)
        res: dict[str, Any] = {}
        try:
            res["text"] = trafilatura.extract(html) or ""
        except Exception:  # a baseline failing on a page is a miss, not a crash
            res["text"] = ""
        try:
            meta = trafilatura.extract_metadata(html)
            res["title"] = getattr(meta, "title", None)
            res["meta_date"] = getattr(meta, "date", None)
        except Exception:
            res["title"] = res["meta_date"] = None
        for name, kwargs in (
            ("htmldate", {}),
            ("htmldate_original", {"original_date": True}),
            ("htmldate_fast", {"extensive_search": False}),
            ("htmldate_fast_original", {"extensive_search": False, "original_date": True}),
        ):
            try:
                res[name] = htmldate.find_date(html, **kwargs)
            except Exception:
                res[name] = None
        out[f] = res
    return out


def prf(found_with: int, n_with: int, found_without: int, n_without: int) -> tuple[float, float, float]:
    tp, fn, fp = found_with, n_with - found_with, found_without
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--misses", type=Path, help="write every miss (JSON) here")
    ap.add_argument("--no-baselines", action="store_true", help="skip trafilatura/htmldate alone")
    ap.add_argument("--json", type=Path, help="write the figures (JSON) here")
    ap.add_argument(
        "--baselines-cache",
        type=Path,
        help="read the baselines from this JSON file if it exists, else compute and write them "
        "(for iterating; the reported figures come from a run that computes them)",
    )
    args = ap.parse_args()
    if not (args.data / "gold.jsonl").exists():
        print(f"SKIP: no pages gold set at {args.data} (see bench/pages.py docstring)")
        return 0

    from sqlmodel import Session, col, select

    from api.provenance.answer import match_text
    from db.models import Document, Passage

    gold = load_gold(args.data)
    gold = [g for g in gold if g["set"] in ("trafilatura", "htmldate")]
    files = sorted({g["file"] for g in gold})
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pages-bench-") as tmp:
        ingestor, by_file, _ = ingest(args.data, files, Path(tmp))
        base: dict[str, dict[str, Any]] = {}
        if args.baselines_cache and args.baselines_cache.exists():
            base = json.loads(args.baselines_cache.read_text(encoding="utf-8"))
        elif not args.no_baselines:
            base = baselines(args.data, files)
            if args.baselines_cache:
                args.baselines_cache.write_text(json.dumps(base), encoding="utf-8")
        engine = ingestor.engine
        index = ingestor.live_index()
        misses: dict[str, list[Any]] = defaultdict(list)
        fig: dict[str, Any] = {}
        with Session(engine) as session:
            docs: dict[int, Document] = {d.id: d for d in session.exec(select(Document)).all()}  # type: ignore[misc]
            passages: dict[int, list[Passage]] = defaultdict(list)
            for p in session.exec(select(Passage).order_by(col(Passage.document_id), col(Passage.ordinal))):
                passages[p.document_id].append(p)
            doc_of: dict[str, list[int]] = {
                f: [o.document_id for o in outs if o.document_id is not None] for f, outs in by_file.items()
            }
            rejected = {
                f: [o.reason for o in outs if o.status == "rejected"]
                for f, outs in by_file.items()
                if not doc_of[f]
            }
            fig["files"] = len(files)
            fig["files_without_document"] = len(rejected)
            for f, why in rejected.items():
                misses["not_ingested"].append({"file": f, "reasons": why})

            def page_text(f: str) -> str:
                return norm(" ".join(docs[i].text for i in doc_of[f] if i in docs))

            # -- main text ------------------------------------------------------------------
            traf = [g for g in gold if g["set"] == "trafilatura"]
            counts = {"cs": [0, 0, 0, 0], "traf": [0, 0, 0, 0]}
            in_claims = 0
            n_without = 0
            for g in traf:
                text = page_text(g["file"])
                btext = norm(base[g["file"]]["text"]) if base else ""
                claim_norms = [
                    norm(p.text) for i in doc_of[g["file"]] for p in passages.get(i, []) if p.claim_id
                ]
                for s in g.get("with", []):
                    s = norm(s)
                    counts["cs"][1] += 1
                    counts["traf"][1] += 1
                    if s in text:
                        counts["cs"][0] += 1
                    else:
                        misses["with_not_in_text"].append({"file": g["file"], "snippet": s})
                    counts["traf"][0] += s in btext
                for s in g.get("without", []):
                    s = norm(s)
                    n_without += 1
                    counts["cs"][3] += 1
                    counts["traf"][3] += 1
                    if s in text:
                        counts["cs"][2] += 1
                        misses["without_in_text"].append({"file": g["file"], "snippet": s})
                    counts["traf"][2] += s in btext
                    hit = [c for c in claim_norms if c and (s in c or (c in s and len(c.split()) >= 3))]
                    if hit:
                        in_claims += 1
                        misses["without_in_claims"].append({"file": g["file"], "snippet": s, "passages": hit})
            for who, (fw, nw, fo, no) in counts.items():
                fig[f"main_{who}"] = dict(
                    zip(("P", "R", "F1"), (round(x, 4) for x in prf(fw, nw, fo, no)), strict=True)
                )
            fig["without_in_claims"] = [in_claims, n_without, round(in_claims / max(n_without, 1), 4)]

            # -- cross-site claims made of boilerplate -----------------------------------------
            site_by_doc = {}
            for g in gold:
                for i in doc_of[g["file"]]:
                    site_by_doc[i] = site_of(g)
            without_all = [norm(s) for g in traf for s in g.get("without", [])]
            claim_sites: dict[int, set[str]] = defaultdict(set)
            claim_text: dict[int, str] = {}
            for i, ps in passages.items():
                for p in ps:
                    if p.claim_id and i in site_by_doc:
                        claim_sites[p.claim_id].add(site_by_doc[i])
                        claim_text[p.claim_id] = norm(p.text)
            multi = {c: s for c, s in claim_sites.items() if len(s) > 1}
            boiler_multi = [
                c for c in multi if any(claim_text[c] in w or w in claim_text[c] for w in without_all)
            ]
            fig["claims_on_two_sites"] = len(multi)
            fig["boilerplate_claims_on_two_sites"] = len(boiler_multi)
            for c in multi:
                misses["claims_on_two_sites"].append(
                    {"claim": claim_text[c], "sites": sorted(multi[c]), "boilerplate": c in boiler_multi}
                )

            # -- highlights -----------------------------------------------------------------------
            def top_doc(text: str) -> int | None:
                ans = match_text(session=session, index=index, text=text, limit=1, refresh_index=False)
                m = ans["matches"]
                return m[0]["document"]["id"] if m else None

            ok = n = 0
            for g in traf:
                for s in g.get("with", []):
                    s = norm(s)
                    if len(s.split()) < MIN_HIGHLIGHT_WORDS:
                        continue
                    n += 1
                    got = top_doc(s)
                    if got is not None and got in doc_of[g["file"]]:
                        ok += 1
                    else:
                        misses["highlight"].append(
                            {
                                "file": g["file"],
                                "snippet": s,
                                "got": got,
                                "in_text": s in page_text(g["file"]),
                                "kinds": sorted(
                                    {
                                        p.kind
                                        for i in doc_of[g["file"]]
                                        for p in passages.get(i, [])
                                        if norm(p.text) in s or s in norm(p.text)
                                    }
                                ),
                            }
                        )
            fig["highlight_recall"] = [ok, n, round(ok / max(n, 1), 4)]
            ok = n = 0
            for g in traf:
                title = norm(g.get("title") or "")
                if not title:
                    continue
                n += 1
                got = top_doc(title)
                if got is not None and got in doc_of[g["file"]]:
                    ok += 1
                else:
                    misses["headline"].append({"file": g["file"], "title": title, "got": got})
            fig["headline_recall"] = [ok, n, round(ok / max(n, 1), 4)]

            # -- titles ---------------------------------------------------------------------------
            ok = okb = n = 0
            for g in traf:
                title = norm(g.get("title") or "")
                if "title" not in g or not title:
                    continue
                n += 1
                mine = [norm(docs[i].title or "") for i in doc_of[g["file"]][:1] if i in docs]
                if mine and mine[0] == title:
                    ok += 1
                else:
                    misses["title"].append(
                        {"file": g["file"], "gold": title, "got": mine[0] if mine else None}
                    )
                if base:
                    okb += norm(base[g["file"]]["title"] or "") == title
            fig["title"] = [ok, n, round(ok / max(n, 1), 4)]
            if base:
                fig["title_trafilatura_metadata"] = [okb, n, round(okb / max(n, 1), 4)]

            # -- dates ----------------------------------------------------------------------------
            for set_name in ("trafilatura", "htmldate"):
                rows = [g for g in gold if g["set"] == set_name and g.get("date")]
                ok = 0
                b_ok: dict[str, int] = defaultdict(int)
                for g in rows:
                    mine = [docs[i].published_at or "" for i in doc_of[g["file"]][:1] if i in docs]
                    if mine and mine[0][:10] == g["date"]:
                        ok += 1
                    else:
                        misses[f"date_{set_name}"].append(
                            {"file": g["file"], "gold": g["date"], "got": mine[0] if mine else None}
                        )
                    if base:
                        for k in (
                            "meta_date",
                            "htmldate",
                            "htmldate_original",
                            "htmldate_fast",
                            "htmldate_fast_original",
                        ):
                            b_ok[k] += (base[g["file"]][k] or "")[:10] == g["date"]
                fig[f"date_{set_name}"] = [ok, len(rows), round(ok / max(len(rows), 1), 4)]
                for k, v in b_ok.items():
                    fig[f"date_{set_name}_{k}"] = [v, len(rows), round(v / max(len(rows), 1), 4)]
        fig["seconds"] = round(time.perf_counter() - t0)
    for k, v in fig.items():
        print(f"{k:45} {v}")
    if args.misses:
        args.misses.write_text(json.dumps(misses, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(fig, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
