"""``claimscope delete``, ``serve``, ``keys``, ``embed``, ``webhooks``, ``import-claimreview``, ``export``,
``index``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.frame import EXIT_USAGE, err, fail, out

if TYPE_CHECKING:
    pass

from api.cli.root import (
    DEMO_DIR,
    app,
    index_app,
    keys_app,
    load_settings,
    open_engine,
    open_index,
    print_json,
    row_id,
    webhooks_app,
)

# --- delete -----------------------------------------------------------------------------------


@app.command()
def delete(
    document_id: Annotated[int, typer.Argument(metavar="ID", help="The document's id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print what was removed as JSON")] = False,
) -> None:
    """Delete a document: it leaves the index and every claim's provenance (audited)."""
    from api.errors import ClaimScopeError
    from api.pipeline.delete import delete_document

    row_id(document_id, "document")
    engine = open_engine()
    index = open_index(engine)
    try:
        removed = delete_document(engine=engine, index=index, document_id=document_id, actor="cli")
    except ClaimScopeError as exc:
        fail(exc.message)
    if as_json:
        print_json(removed)
        return
    out().print(
        f"document {document_id} deleted: {removed['passages']} passages; "
        f"{len(removed['claims_removed'])} claim(s) removed, {len(removed['claims_changed'])} changed"
    )


# --- serve ------------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(metavar="HOST", help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo corpus first")] = False,
    workers: Annotated[int, typer.Option(min=1, metavar="N", help="Worker processes")] = 1,
) -> None:
    """Start the HTTP API (OpenAPI at /docs)."""
    import uvicorn

    engine = open_engine()
    if demo:
        from api.pipeline.ingestor import Ingestor

        report = Ingestor(engine, settings=load_settings()).ingest_paths([DEMO_DIR])
        s = report.summary()
        err().print(f"demo corpus: {s['added']} added, {s['unchanged']} unchanged")
    # access_log off: the app writes its own JSON line per request (without highlighted text)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="info",
        # X-Forwarded-For is trusted only from CLAIMSCOPE_FORWARDED_ALLOW_IPS (api.ratelimit), so
        # uvicorn must not rewrite the client address from it (its default trusts loopback).
        proxy_headers=False,
    )


# --- keys -------------------------------------------------------------------------------------


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Who or what the key is for")],
    scope: Annotated[str, typer.Option(metavar="ingest|curate|admin", help="What the key may do")] = "ingest",
) -> None:
    """Make a key; it is printed once (last line) and stored only as a hash."""
    from sqlmodel import Session

    from api.keys import SCOPES, create_key

    if scope not in SCOPES:
        fail(f"scope must be one of {', '.join(SCOPES)}", EXIT_USAGE)
    with Session(open_engine()) as session:
        row, key = create_key(session=session, name=name, scope=scope)
    out().print(f"key {row.id} '{name}' (scope {scope}):")
    print(key)


@keys_app.command("list")
def keys_list() -> None:
    """The keys: id, name, scope, prefix, active or revoked."""
    from sqlmodel import Session

    from api.keys import list_keys

    with Session(open_engine()) as session:
        for k in list_keys(session=session):
            state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
            out().print(f"{k.id:>4}  {k.name:<24} {k.scope:<7} cs_{k.prefix}_…  {state}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(metavar="ID", help="The key's id")]) -> None:
    """Revoke a key: it is refused from now on."""
    from sqlmodel import Session

    from api.keys import revoke_key

    row_id(key_id, "key")
    with Session(open_engine()) as session:
        if revoke_key(session=session, key_id=key_id) is None:
            fail(f"no key {key_id}")
    out().print(f"key {key_id} revoked")


# --- embed -----------------------------------------------------------------------------------


@app.command("embed")
def embed() -> None:
    """Embed every claim that has no sentence vector yet (the API's background worker does the
    same as it goes); links translations; prints how many vectors were stored."""
    from api.matching.claims import ClaimIndex
    from api.matching.embedding import embed_pending
    from api.matching.semantic import load_encoders

    db = open_engine()
    english, multilingual = load_encoders()
    encoders = [e for e in (english, multilingual) if e is not None]
    if not encoders:
        fail("no sentence encoder is installed (see pyproject.toml)")
    index = ClaimIndex(db, english=english, multilingual=multilingual)
    index.refresh()
    total = 0
    while done := embed_pending(db, encoders, index=index):
        total += done
    out().print(f"{total} vectors stored; still pending: {index.pending()}", highlight=False)


# --- webhooks, fact-checks, export ------------------------------------------------------------


@webhooks_app.command("deliver")
def webhooks_deliver() -> None:
    """One delivery pass: send every due event once (failures are retried on later passes)."""
    from api.moderation.delivery import deliver_pending

    counts = deliver_pending(open_engine(), allow_private=load_settings().allow_private_fetch)
    out().print(f"{counts['delivered']} delivered, {counts['retry']} to retry, {counts['failed']} failed")


@app.command("import-claimreview")
def import_claimreview(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help="ClaimReview JSON-LD files or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON")] = False,
) -> None:
    """Import schema.org ClaimReview fact-checks as responses on the claims they match."""
    from sqlmodel import Session

    from api.moderation.factcheck import import_claimreviews, load_paths

    try:
        reviews = load_paths(paths)
    except (OSError, ValueError) as exc:
        fail(f"cannot read ClaimReview JSON-LD: {exc}")
    engine = open_engine()
    index = open_index(engine)
    with Session(engine) as session:
        outcomes = import_claimreviews(
            session=session, index=index, reviews=reviews, threshold=load_settings().match_threshold
        )
    if as_json:
        print_json([o.as_dict() for o in outcomes])
        return
    for o in outcomes:
        claims = ", ".join(map(str, o.claim_ids)) or "-"
        out().print(f"{o.status:<10} {o.stance or '':<9} claims {claims}: {o.claim_reviewed[:80]}")
    out().print(f"{len(outcomes)} review(s); {sum(1 for o in outcomes if o.claim_ids)} matched a claim")


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", metavar="csv|jsonl", help="Row format")] = "csv",
    out_file: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="File to write (default: stdout)")
    ] = None,
) -> None:
    """Export the claim index, one row per claim (streamed in batches)."""
    from api.provenance.export import iter_csv, iter_jsonl

    if fmt not in ("csv", "jsonl"):
        fail("--format must be csv or jsonl", EXIT_USAGE)
    rows = [0]

    def count(_: dict[str, Any]) -> None:
        rows[0] += 1

    chunks = (iter_csv if fmt == "csv" else iter_jsonl)(open_engine(), on_row=count)
    if out_file is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    written = 0
    try:
        with out_file.open("w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                written += len(chunk.encode("utf-8"))
                fh.write(chunk)
    except OSError as exc:
        fail(f"cannot write {out_file}: {exc.strerror or exc}")
    err().print(f"wrote {rows[0]:,} claims ({fmt}, {written:,} bytes) to {out_file}")


# --- index ------------------------------------------------------------------------------------


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
