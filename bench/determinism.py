"""Does ingestion depend on Python's string-hash randomisation? (issue 19)

    .venv/bin/python bench/determinism.py                      # meter-dev documents
    .venv/bin/python bench/determinism.py path/to/documents.jsonl --seeds 0 1 unset

Ingests one JSONL file into a fresh SQLite database per ``PYTHONHASHSEED`` (default 0, 1, 2,
3 and unset) with ``claimscope ingest`` in a subprocess, then dumps every claim (canonical
text, member passages with their document identity, relation and similarity) and its
provenance, with database ids left out, as canonical JSON (the dump runs in a subprocess
with the same seed, so the read models are checked too). Prints the number of claims per
run and whether all the dumps are identical; exits 1 when they are not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
METER_DEV = ROOT.parent / "shared" / "benchmarks" / "meter-dev" / "documents.jsonl"
SEEDS = ["0", "1", "2", "3", "unset"]
# ids depend on insertion order; urls of claims embed them
VOLATILE_KEYS = frozenset(
    {"id", "document_id", "passage_id", "claim_id", "canonical_passage_id", "outlet_id"}
)
# similarities are floats computed in one process: compare them to this many decimals
SIMILARITY_DECIMALS = 6


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in sorted(value.items()) if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, float):
        return round(value, SIMILARITY_DECIMALS)
    return value


def snapshot(db_url: str) -> list[dict[str, Any]]:
    """Every claim of a database without ids, sorted by content."""
    from sqlmodel import Session, col, select

    from api.provenance.timeline import claim_provenance
    from db.connection import get_engine
    from db.models import Claim, Document, Passage

    claims: list[dict[str, Any]] = []
    with Session(get_engine(db_url)) as session:
        members: dict[int, list[tuple[str, int, str, str | None, float | None]]] = {}
        rows = session.exec(
            select(Passage, Document.identity)
            .join(Document, col(Document.id) == Passage.document_id)
            .where(col(Passage.claim_id).is_not(None))
        ).all()
        for p, identity in rows:
            sim = None if p.similarity is None else round(p.similarity, SIMILARITY_DECIMALS)
            members.setdefault(p.claim_id, []).append((identity, p.ordinal, p.text, p.relation, sim))  # type: ignore[arg-type]
        for claim in session.exec(select(Claim)).all():
            assert claim.id is not None
            cid = claim.canonical_passage_id
            canonical = session.get(Passage, cid) if cid else None
            claims.append(
                {
                    "text": claim.text,
                    "canonical": None
                    if canonical is None
                    else [session.get(Document, canonical.document_id).identity, canonical.ordinal],  # type: ignore[union-attr]
                    "members": sorted(members.get(claim.id, []), key=repr),
                    "provenance": _strip(claim_provenance(session=session, claim_id=claim.id)),
                }
            )
    claims.sort(key=lambda c: json.dumps(c, sort_keys=True, ensure_ascii=False))
    return claims


def _env(seed: str, db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    if seed != "unset":
        env["PYTHONHASHSEED"] = seed
    env["CLAIMSCOPE_DATABASE_URL"] = db_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _claimscope() -> list[str]:
    script = Path(sys.executable).with_name("claimscope")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


def ingest_and_dump(jsonl: Path, seed: str, db_url: str) -> str:
    """``claimscope ingest jsonl`` into ``db_url`` (empty) and the canonical JSON of its
    claims, both in subprocesses under ``PYTHONHASHSEED=seed`` (``unset``: random)."""
    env = _env(seed, db_url)
    ingest = subprocess.run(
        [*_claimscope(), "ingest", "--json", str(jsonl)], env=env, capture_output=True, text=True
    )
    # exit 1 = some documents were rejected (they are part of the input); anything else failed
    if ingest.returncode not in (0, 1) or not ingest.stdout.lstrip().startswith("{"):
        raise RuntimeError(f"claimscope ingest failed ({ingest.returncode}): {ingest.stderr[-2000:]}")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--dump", db_url],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("jsonl", nargs="?", type=Path, default=METER_DEV, help="a JSONL file (or a folder)")
    parser.add_argument("--seeds", nargs="+", default=SEEDS, help="PYTHONHASHSEED values; 'unset' = random")
    parser.add_argument("--keep", type=Path, help="write each run's dump to this folder")
    parser.add_argument("--dump", metavar="DB_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        sys.path.insert(0, str(ROOT))
        json.dump(snapshot(args.dump), sys.stdout, ensure_ascii=False, sort_keys=True, indent=0)
        return 0
    if not args.jsonl.exists():
        print(f"no such file: {args.jsonl}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="claimscope-determinism-"))
    digests: dict[str, str] = {}
    try:
        for seed in args.seeds:
            dump = ingest_and_dump(args.jsonl, seed, f"sqlite:///{work / f'seed-{seed}.sqlite'}")
            digests[seed] = hashlib.sha256(dump.encode()).hexdigest()[:16]
            claims = json.loads(dump)
            members = sum(len(c["members"]) for c in claims)
            print(
                f"PYTHONHASHSEED={seed:<5} claims {len(claims):>6}  claimed passages {members:>6}  "
                f"dump sha256 {digests[seed]}",
                flush=True,
            )
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"seed-{seed}.json").write_text(dump)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    same = len(set(digests.values())) == 1
    print("all identical" if same else f"DIFFERENT: {len(set(digests.values()))} distinct dumps")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
