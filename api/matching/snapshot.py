"""Index snapshots: the match engine's passages and postings written once, mapped by every process.

Without them every process (each API worker, each ``claimscope ingest``) rebuilt the whole
candidate index from the database: ~1 minute and ~1.2 GB per process at 0.75M passages
(issue 12). A snapshot is a directory of ``.npy`` arrays and two UTF-8 blobs (passage texts
and normalized texts) holding what ``MatchEngine.export_base`` gives; ``open_snapshot`` maps
them read-only (``np.load(mmap_mode="r")``), so opening costs milliseconds at any size and
the processes of one machine share one copy in the page cache. The database stays the source
of truth: a snapshot records the index-event watermark it was built at and the identity of
the database it came from, and the opener catches up from the events after it
(``api.matching.live``).

Layout of an index directory::

    CURRENT            name of the newest complete snapshot (replaced atomically)
    lock               flock: one writer at a time
    snap-<event>-<pid>-<ns>/   the arrays and meta.json (written to a .tmp name, then renamed)

A snapshot is never modified; a new one replaces it, and the older ones are pruned (a process
that still maps a pruned one keeps reading it: unlinked files stay valid while mapped).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from api.matching.index import Segment
from api.matching.slots import BaseColumns, Blob, SortedLookup

# Bumped whenever what a snapshot holds, or how texts are normalized and hashed, changes: an
# opener rejects any other format (and rebuilds from the database).
SNAPSHOT_FORMAT = 1
# Snapshots kept besides the newest: one, so that a process opening while a new one is being
# published still finds the files CURRENT named a moment ago.
KEEP_OLDER = 1

_ARRAYS = (
    "passage_ids",
    "document_ids",
    "ordinals",
    "texts_data",
    "texts_offsets",
    "norms_data",
    "norms_offsets",
    "doc_keys",
    "doc_slots",
    "text_keys",
    "text_slots",
    "postings_keys",
    "postings_slots",
)


def _code_version() -> str:
    try:
        return version("claimscope")
    except PackageNotFoundError:  # a checkout on PYTHONPATH without the package installed
        return "unknown"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An opened snapshot: the base columns and postings (mapped) and what it records."""

    name: str
    columns: BaseColumns
    postings: Segment
    meta: dict[str, Any]

    @property
    def last_event_id(self) -> int:
        return int(self.meta["last_event_id"])


def current_name(directory: Path) -> str | None:
    """The name CURRENT holds, or None when there is no snapshot."""
    try:
        return (directory / "CURRENT").read_text(encoding="utf-8").strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def open_snapshot(directory: Path) -> Snapshot | None:
    """Map the newest snapshot of ``directory``; None when there is none or it is unusable
    (another format or code version, missing files): the caller builds from the database."""
    name = current_name(directory)
    if name is None:
        return None
    path = directory / name
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != SNAPSHOT_FORMAT or meta.get("code_version") != _code_version():
            return None
        a = {key: np.load(path / f"{key}.npy", mmap_mode="r", allow_pickle=False) for key in _ARRAYS}
    except (OSError, ValueError, KeyError):
        return None  # pruned meanwhile, half-written by a crashed writer, ...
    columns = BaseColumns(
        passage_ids=a["passage_ids"],
        document_ids=a["document_ids"],
        ordinals=a["ordinals"],
        texts=Blob(a["texts_data"], a["texts_offsets"]),
        norms=Blob(a["norms_data"], a["norms_offsets"]),
        by_document=SortedLookup(a["doc_keys"], a["doc_slots"]),
        by_text=SortedLookup(a["text_keys"], a["text_slots"]),
    )
    return Snapshot(name, columns, Segment(a["postings_keys"], a["postings_slots"]), meta)


def write_snapshot(directory: Path, columns: BaseColumns, postings: Segment, meta: dict[str, Any]) -> str:
    """Write a new snapshot and make it CURRENT; returns its name. Call under ``writer_lock``."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"snap-{int(meta['last_event_id']):012d}-{os.getpid()}-{time.time_ns()}"
    tmp = directory / f"{name}.tmp"
    tmp.mkdir()
    arrays = {
        "passage_ids": columns.passage_ids,
        "document_ids": columns.document_ids,
        "ordinals": columns.ordinals,
        "texts_data": columns.texts.data,
        "texts_offsets": columns.texts.offsets,
        "norms_data": columns.norms.data,
        "norms_offsets": columns.norms.offsets,
        "doc_keys": columns.by_document.keys,
        "doc_slots": columns.by_document.slots,
        "text_keys": columns.by_text.keys,
        "text_slots": columns.by_text.slots,
        "postings_keys": postings.keys,
        "postings_slots": postings.slots,
    }
    for key, array in arrays.items():
        np.save(tmp / f"{key}.npy", np.ascontiguousarray(array), allow_pickle=False)
    full = {
        **meta,
        "format": SNAPSHOT_FORMAT,
        "code_version": _code_version(),
        "passages": len(columns.passage_ids),
        "postings": len(postings),
        "written_at": time.time(),
    }
    (tmp / "meta.json").write_text(json.dumps(full, sort_keys=True), encoding="utf-8")
    os.replace(tmp, directory / name)
    marker = directory / f"CURRENT.{os.getpid()}.tmp"
    marker.write_text(name, encoding="utf-8")
    os.replace(marker, directory / "CURRENT")
    _prune(directory, keep=name)
    return name


def _prune(directory: Path, *, keep: str) -> None:
    """Remove all but the newest ``KEEP_OLDER`` older snapshots and leftovers of crashed writers."""
    snaps = sorted(
        (p for p in directory.iterdir() if p.is_dir() and p.name.startswith("snap-") and p.name != keep),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    complete = [p for p in snaps if not p.name.endswith(".tmp")]
    for old in complete[KEEP_OLDER:]:
        shutil.rmtree(old, ignore_errors=True)
    for tmp in (p for p in snaps if p.name.endswith(".tmp")):
        if time.time() - tmp.stat().st_mtime > 3600:  # a writer that died an hour ago
            shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def writer_lock(directory: Path) -> Iterator[None]:
    """Hold the directory's write lock (processes that start together build once: the others
    wait here, then open what the first one wrote)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
