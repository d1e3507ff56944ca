"""Wall time of ``claimscope --help`` (issue 18: under 0.5 s), RUNS runs, for the tree on PYTHONPATH.

python bench/cli_startup.py [TREE]      # default: this checkout
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 10
ROOT = Path(__file__).resolve().parents[1]


def help_times(tree: Path, runs: int = RUNS) -> list[float]:
    script = shutil.which("claimscope", path=str(Path(sys.executable).parent)) or "claimscope"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([script, "--help"], stdout=subprocess.DEVNULL, check=True, env=env)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    tree = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT
    ts = help_times(tree)
    print(
        f"{tree}: mean {statistics.mean(ts):.3f} s, median {statistics.median(ts):.3f}, "
        f"min {min(ts):.3f}, max {max(ts):.3f} ({len(ts)} runs)"
    )


if __name__ == "__main__":
    main()
