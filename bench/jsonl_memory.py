"""Peak memory of ``claimscope ingest`` against the size of one JSON Lines file (issue 12, point 5).

Two files of the same records, ~10 MB and ~100 MB: real news articles from
``../shared/benchmarks/news-corpus/`` (the first ones, as bench/scale.py builds them), repeated
after a first pass that stores each once, so that every record of both files is a document
already stored (``unchanged``): the index and the database do not grow, and what is left to
grow with the file is only what reading it holds. Peak RSS of each ``claimscope ingest``
subprocess (``getrusage``) is printed; flat means the 100 MB run peaks where the 10 MB one does.

    .venv/bin/python bench/jsonl_memory.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scale import BIN, documents, split_corpus  # noqa: E402

DISTINCT_DOCUMENTS = 2_000  # ~6 MB of distinct articles; the rest of each file repeats them


def write(path: Path, megabytes: int, records: list[str]) -> int:
    written = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < megabytes * 2**20:
            for line in records:
                fh.write(line)
                written += len(line.encode("utf-8"))
    return written


def peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one subprocess (fork-exec: a fresh child per call)."""
    code = (
        "import resource, subprocess, sys, json;"
        "r = subprocess.run(sys.argv[1:], capture_output=True);"
        "print(json.dumps([resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode]))"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    kb, rc = json.loads(out.stdout)
    if rc not in (0, 1):
        raise RuntimeError(f"ingest failed ({rc})")
    return kb / 1024, time.perf_counter() - started


def main() -> None:
    indexed, _ = split_corpus()
    stream = documents(indexed)
    records = [json.dumps(next(stream), ensure_ascii=False) + "\n" for _ in range(DISTINCT_DOCUMENTS)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(
            os.environ,
            CLAIMSCOPE_DATABASE_URL=f"sqlite:///{folder / 'm.sqlite'}",
            CLAIMSCOPE_RESTATEMENTS="false",
        )
        first = folder / "first.jsonl"
        first.write_text("".join(records), encoding="utf-8")  # every distinct record stored once
        subprocess.run([str(BIN / "claimscope"), "ingest", str(first), "--quiet"], env=env, check=False)
        rows = []
        for mb in (10, 100):
            path = folder / f"{mb}mb.jsonl"
            size = write(path, mb, records)
            rss, seconds = peak_rss_mb([str(BIN / "claimscope"), "ingest", str(path), "--quiet"], env)
            rows.append((size / 2**20, rss, seconds))
            print(f"{size / 2**20:6.0f} MB file: peak RSS {rss:6.0f} MB, {seconds:5.0f} s", flush=True)
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
