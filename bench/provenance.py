"""Ingestion throughput with reuse linking on, by index size in passages (issue: provenance).

    .venv/bin/python bench/provenance.py --passages 10000 100000 1000000 --backends sqlite postgresql --write

The same measurement as bench/ingest.py (whose docstring says how), sized in passages.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import main

if __name__ == "__main__":
    main(heading="## Provenance: ingestion with reuse linking (bench/provenance.py)", default_docs=False)
