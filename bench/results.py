"""Write one section of bench/RESULTS.md, leaving the other benchmarks' sections alone."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(heading: str, body: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    section = f"{heading}\n\n{body.strip()}\n"
    if heading in old:
        before, rest = old.split(heading, 1)
        nxt = re.search(r"^## ", rest, flags=re.M)
        after = rest[nxt.start() :] if nxt else ""
        new = before + section + ("\n" + after if after else "")
    else:
        new = old.rstrip() + "\n\n" + section
    RESULTS.write_text(new, encoding="utf-8")
