"""``claimscope index status|snapshot``: the shared match index snapshot (``api.matching.snapshot``)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from api.cli.frame import fail, out
from api.cli.root import index_app, load_settings, open_engine, open_index, print_json


@index_app.command("status")
def index_status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON")] = False,
) -> None:
    """Where the snapshot is, what it holds and how far the database has moved since."""
    from sqlalchemy import func, select

    from api.matching.snapshot import open_snapshot
    from api.settings import index_directory
    from db.models import IndexEvent

    directory = index_directory(load_settings())
    engine = open_engine()
    with engine.connect() as conn:
        head = conn.execute(select(func.max(IndexEvent.id))).scalar() or 0
    snap = open_snapshot(directory) if directory is not None else None
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    written = None if snap is None else time.strftime(stamp, time.gmtime(snap.meta["written_at"]))
    status = {
        "directory": None if directory is None else str(directory),
        "snapshot": None if snap is None else snap.name,
        "passages": None if snap is None else snap.meta["passages"],
        "postings": None if snap is None else snap.meta["postings"],
        "last_event_id": None if snap is None else snap.last_event_id,
        "events_since": None if snap is None else head - snap.last_event_id,
        "written_at": written,
    }
    if as_json:
        print_json(status)
        return
    if directory is None:
        out().print("index snapshots are off (CLAIMSCOPE_INDEX_DIR=off, or an in-memory database)")
        return
    if snap is None:
        out().print(f"no usable snapshot in {directory}: the next process builds one from the database")
        return
    out().print(
        f"{snap.name} in {directory}: {status['passages']:,} passages, written {status['written_at']}; "
        f"{status['events_since']} index event(s) since (applied by each process when it opens it)"
    )


@index_app.command("snapshot")
def index_snapshot() -> None:
    """Write a fresh snapshot now (after a big ingest, or before starting many workers)."""
    index = open_index(open_engine())
    if index.snapshot_dir is None:
        fail("index snapshots are off (CLAIMSCOPE_INDEX_DIR=off, or an in-memory database)")
    name = index.write_snapshot()
    out().print(f"wrote {name}: {len(index.engine):,} passages in {index.snapshot_dir}")
