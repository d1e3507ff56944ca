"""API fuzzing (issue 17): schemathesis, every check, against a real uvicorn on loopback.

    python bench/schemathesis_run.py [--max-examples 60] [--postgres [URL]]

Makes a database holding the demo corpus (a temporary SQLite file; with ``--postgres`` a fresh
schema in the PostgreSQL database, dropped at the end), makes an ``admin`` key, starts
``uvicorn api.app:create_app`` on 127.0.0.1 (rate limits off, 1 s fetch timeout), and runs
``schemathesis run --checks all`` twice: without a key, then with the admin key (so every write
path runs). Prints each run's summary and a total; exits non-zero when a run finds a failure
(a 5xx, a response that does not match its schema, a status the schema does not declare, ...).
The short CI run is ``tests/e2e/test_schemathesis.py``; the counts of a long run are recorded in
``bench/RESULTS.md`` ("API fuzzing (issue 17)").
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factories import make_key  # noqa: E402
from tests.live_server import LiveServer, load_demo  # noqa: E402

# Examples per operation and run (schemathesis -n); ~32 operations x 2 runs x phases.
DEFAULT_MAX_EXAMPLES = 60
REQUEST_TIMEOUT_S = 30  # one request; /v1/check on a large generated text stays well under it
SEED = 17  # reproducible runs
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"  # the test server (--postgres)
# positive_data_acceptance ("a request the schema allows must not get a 4xx") is the one check
# left out: some input rules are semantic and JSON Schema cannot state them — a calendar date or
# a written one ("7 March 2024", not "2024-02-30"), exactly one of claim_id / outlet_id, a body
# that holds a ClaimReview, a URL whose host resolves to a public address. The server answers
# those with the declared 422 error body, which is what every other check verifies.
POSITIVE_DATA_ACCEPTANCE = "excluded"


def run_schemathesis(url: str, max_examples: int, report: Path, headers: dict[str, str]) -> tuple[int, str]:
    cmd = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        # Not checked: positive_data_acceptance (see POSITIVE_DATA_ACCEPTANCE below).
        "--exclude-checks",
        "positive_data_acceptance",
        # NUL is refused in every string (a 422 naming the field; no store holds it); the
        # schema does not repeat that on each field, so it is not generated.
        "--generation-allow-x00",
        "false",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(SEED),
        "--request-timeout",
        str(REQUEST_TIMEOUT_S),
        "--suppress-health-check",
        "all",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--no-color",
    ]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    return proc.returncode, proc.stdout + proc.stderr


def count_cases(output: str) -> dict[str, int]:
    """Generated test cases and unique failures, from schemathesis's summary."""
    found = re.search(r"(\d+) generated(?:, (\d+) found (\d+) unique failures?)?", output)
    if found is None:
        return {"cases": 0, "failures": -1}
    return {"cases": int(found.group(1)), "failures": int(found.group(3) or 0)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    parser.add_argument("--postgres", nargs="?", const=PG_URL, default=None, metavar="URL")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="claimscope-fuzz-"))
    schema = f"fuzz_{uuid.uuid4().hex[:10]}"
    db_url = f"sqlite:///{work / 'demo.sqlite'}"
    if args.postgres:
        with create_engine(args.postgres, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db_url = f"{args.postgres}?options=-csearch_path%3D{schema}"
    load_demo(db_url)
    key = make_key(db_url, "admin", "schemathesis")
    env = {"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0", "CLAIMSCOPE_FETCH_TIMEOUT_S": "1"}
    server = LiveServer(db_url, env=env, log_dir=work).start()
    failed = False
    totals = {"cases": 0, "failures": 0}
    try:
        for name, headers in (("no key", {}), ("admin key", {"Authorization": f"Bearer {key}"})):
            report = work / f"{name.replace(' ', '-')}.ndjson"
            code, output = run_schemathesis(server.url, args.max_examples, report, headers)
            log = work / f"{name.replace(' ', '-')}.txt"
            log.write_text(output)
            counts = count_cases(output)
            print(f"== {name}: exit {code}; {counts}; full output {log}")
            if code != 0:
                failed = True
                failures = output[output.find("FAILURES") :] if "FAILURES" in output else output[-4000:]
                print(failures[:8000])
            for k in totals:
                totals[k] += counts[k]
    finally:
        server.stop()
        if args.postgres:
            from db.connection import get_engine

            get_engine(db_url).dispose()
            with create_engine(args.postgres, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    log_lines = server.log_tail(20000).splitlines()
    errors = [ln for ln in log_lines if "Traceback" in ln or '"level":"error"' in ln]
    print(f"== total: {totals}; server errors logged: {len(errors)}; reports in {work}")
    return 1 if failed or errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
