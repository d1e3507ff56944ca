"""Index snapshots (``api.matching.snapshot``): a process opens the mapped index another one
wrote, catches up from the database's events, and answers exactly as a full load would."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from api.matching import slots as slots_module
from api.matching.candidates import near_duplicates
from api.matching.engine import MatchEngine
from api.matching.index import Segment
from api.matching.live import LiveIndex
from api.matching.snapshot import current_name, open_snapshot
from db.connection import get_engine
from tests.matching.conftest import seed_sentences
from tests.matching.test_live import FLOOD, _add_document, _remove_document


def _hits(index: LiveIndex | MatchEngine, queries: list[str]) -> list[list[tuple[int, float, int, int]]]:
    return [
        [(h.passage_id, round(h.score, 6), h.passage_start, h.query_end) for h in index.search(q)]
        for q in queries
    ]


def _queries(sentences: list[str]) -> list[str]:
    noisy = [s.replace("e", "3", 1) for s in sentences[::7]]
    halves = [s[: len(s) // 2] for s in sentences[3::11]]
    return sentences[::5] + noisy + halves + [FLOOD, "nothing like this was ever written anywhere"]


def test_second_process_opens_the_snapshot_and_answers_the_same(
    db_url: str, seeds_dir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = get_engine(db_url)
    sentences = [s for _, s in seed_sentences(seeds_dir)]
    with Session(db) as session:
        _add_document(session, "seeds-a", sentences[:150])
        _add_document(session, "seeds-b", sentences[150:300])
    first = LiveIndex(db, sync_interval_ms=0, snapshot_dir=tmp_path)
    built = first.load()
    assert built.source == "database" and built.passages == 300
    assert current_name(tmp_path) is not None  # the first process published what it built

    second = LiveIndex(db, sync_interval_ms=0, snapshot_dir=tmp_path)
    opened = second.load()
    assert opened.source == "snapshot" and opened.passages == 300
    queries = _queries(sentences[:300])
    assert _hits(second, queries) == _hits(first, queries)
    # the mapped base is shared, not private memory of the process
    assert second.engine.memory_bytes() < first.engine.memory_bytes() / 2


def test_snapshot_catches_up_with_events_after_it(db_url: str, seeds_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = get_engine(db_url)
    sentences = [s for _, s in seed_sentences(seeds_dir)]
    with Session(db) as session:
        kept = _add_document(session, "kept", sentences[:100])
        gone = _add_document(session, "gone", sentences[100:200])
    LiveIndex(db, snapshot_dir=tmp_path).load()
    with Session(db) as session:  # after the snapshot: one new document, one removed
        flood = _add_document(session, "flood", ["Storms hit the coast.", FLOOD])
        _remove_document(session, gone)
    late = LiveIndex(db, sync_interval_ms=0, snapshot_dir=tmp_path)
    assert late.load().source == "snapshot"
    assert late.search(FLOOD)[0].document_id == flood
    assert late.search(sentences[150]) == []  # a base passage removed after the snapshot
    assert late.search(sentences[50])[0].document_id == kept
    fresh = LiveIndex(db, sync_interval_ms=0)
    fresh.load()
    queries = _queries(sentences[:200])
    assert _hits(late, queries) == _hits(fresh, queries)


def test_snapshot_of_another_database_is_not_used(tmp_path: Path, seeds_dir) -> None:  # type: ignore[no-untyped-def]
    sentences = [s for _, s in seed_sentences(seeds_dir)]
    one = get_engine(f"sqlite:///{tmp_path / 'one.sqlite'}")
    with Session(one) as session:
        _add_document(session, "one", sentences[:50])
    LiveIndex(one, snapshot_dir=tmp_path / "index").load()
    other = get_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    with Session(other) as session:
        doc = _add_document(session, "other", sentences[50:60])
    index = LiveIndex(other, snapshot_dir=tmp_path / "index")
    stats = index.load()
    assert stats.source == "database" and stats.passages == 10
    assert index.search(sentences[5]) == []  # nothing of the first database leaks in
    assert index.search(sentences[55])[0].document_id == doc


def test_unusable_snapshot_is_rebuilt(sqlite_url: str, seeds_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = get_engine(sqlite_url)
    sentences = [s for _, s in seed_sentences(seeds_dir)]
    with Session(db) as session:
        _add_document(session, "doc", sentences[:40])
    LiveIndex(db, snapshot_dir=tmp_path).load()
    name = current_name(tmp_path)
    assert name is not None
    meta = tmp_path / name / "meta.json"
    data = json.loads(meta.read_text())
    meta.write_text(json.dumps({**data, "format": -1}))
    assert open_snapshot(tmp_path) is None
    stats = LiveIndex(db, snapshot_dir=tmp_path).load()
    assert stats.source == "database" and stats.passages == 40
    assert current_name(tmp_path) != name  # and a good one replaced it


def test_running_process_switches_to_a_newer_snapshot(
    sqlite_url: str, seeds_dir, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("api.matching.live.REOPEN_MIN_PASSAGES", 10)
    monkeypatch.setattr("api.matching.live.SNAPSHOT_MIN_PASSAGES", 10)
    db = get_engine(sqlite_url)
    sentences = [s for _, s in seed_sentences(seeds_dir)]
    with Session(db) as session:
        _add_document(session, "a", sentences[:50])
    serving = LiveIndex(db, sync_interval_ms=0, snapshot_dir=tmp_path)
    serving.load()
    before = current_name(tmp_path)
    writer = LiveIndex(db, sync_interval_ms=0, snapshot_dir=tmp_path)
    writer.load()
    with Session(db) as session:
        doc = _add_document(session, "b", sentences[50:120])
    writer.refresh()
    assert writer.maybe_snapshot() is not None and current_name(tmp_path) != before
    assert serving.search(sentences[60])[0].document_id == doc  # caught up, then switched
    assert serving.engine.passages_since_base() == 0
    assert _hits(serving, sentences[:120:3]) == _hits(writer, sentences[:120:3])


_WORDS = [
    "storm",
    "river",
    "council",
    "minister",
    "report",
    "vaccine",
    "border",
    "court",
    "tariff",
    "strike",
    "election",
    "harbour",
]


@st.composite
def _operations(draw: st.DrawFn) -> list[tuple[str, int, list[str]]]:
    ops: list[tuple[str, int, list[str]]] = []
    for _ in range(draw(st.integers(3, 12))):
        doc = draw(st.integers(1, 6))
        if draw(st.booleans()) or not ops:
            texts = [
                " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=4, max_size=12)))
                for _ in range(draw(st.integers(1, 4)))
            ]
            ops.append(("add", doc, texts))
        else:
            ops.append(("remove", doc, []))
    return ops


@settings(max_examples=60, deadline=None)
@given(_operations(), st.lists(st.sampled_from(_WORDS), min_size=3, max_size=8))
def test_exported_base_answers_like_the_engine_it_came_from(ops, query_words) -> None:  # type: ignore[no-untyped-def]
    """Property: whatever was added, replaced and removed, an engine opened from the exported
    base (then given the same later additions) answers every query as the original does."""
    engine = MatchEngine()
    next_pid = 1
    for op, doc, texts in ops:
        if op == "remove":
            engine.remove_document(doc)
            continue
        engine.remove_document(doc)
        rows = [(next_pid + i, t, doc, i) for i, t in enumerate(texts)]
        next_pid += len(rows)
        engine.add_many(rows)
    columns, postings = engine.export_base()
    opened = MatchEngine.from_base(columns, postings)
    query = " ".join(query_words)
    assert _hits(opened, [query]) == _hits(engine, [query])
    extra = [(next_pid, " ".join(query_words[::-1]), 99, 0)]
    engine.add_many(extra)
    opened.add_many(extra)
    assert _hits(opened, [query]) == _hits(engine, [query])
    assert opened.document_ids() == engine.document_ids()
    # export again from the opened engine (base slots copied as bytes, in small chunks) after
    # one of its base documents was removed: the second generation still answers the same
    engine.remove_document(ops[0][1])
    opened.remove_document(ops[0][1])
    before, slots_module.TAKE_CHUNK = slots_module.TAKE_CHUNK, 2
    try:
        second = MatchEngine.from_base(*opened.export_base())
    finally:
        slots_module.TAKE_CHUNK = before
    assert _hits(second, [query]) == _hits(engine, [query])
    assert second.document_ids() == engine.document_ids()
    texts = [t for _, _, ts in ops for t in ts] + [query]  # exact copies are found by text key
    assert near_duplicates(second, texts, min_similarity=0.8) == near_duplicates(
        engine, texts, min_similarity=0.8
    )


def test_unwritable_snapshot_directory_falls_back_to_the_database(
    sqlite_url: str, seeds_dir, tmp_path: Path, caplog
) -> None:  # type: ignore[no-untyped-def]
    """A directory the process may not create (a container user without a home) costs the
    snapshot, not the service: the index is built from the database and the reason logged."""
    db = get_engine(sqlite_url)
    sentences = [s for _, s in seed_sentences(seeds_dir)]
    with Session(db) as session:
        doc = _add_document(session, "doc", sentences[:30])
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    index = LiveIndex(db, sync_interval_ms=0, snapshot_dir=blocker / "index")
    with caplog.at_level("WARNING"):
        stats = index.load()
    assert stats.source == "database" and stats.passages == 30
    assert "index snapshots unavailable" in caplog.text
    assert index.search(sentences[3])[0].document_id == doc
    assert index.maybe_snapshot() is None  # and later calls do not try again


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 10**6)), min_size=1, max_size=120), st.randoms())
def test_renamed_postings_stay_sorted_by_key_then_slot(pairs, rng) -> None:  # type: ignore[no-untyped-def]
    """Property: renaming slots keeps every key's postings and sorts them by their new slot."""
    keys = np.asarray([k for k, _ in pairs], dtype=np.uint64)
    slots = np.arange(len(pairs), dtype=np.int32)
    order = np.lexsort((slots, keys))
    segment = Segment(keys[order], slots[order])
    remap = np.asarray(rng.sample(range(len(pairs)), len(pairs)), dtype=np.int64)
    got = segment.remapped(remap)
    renamed = remap[segment.slots]
    want = np.lexsort((renamed, segment.keys))
    assert got.keys.tolist() == segment.keys[want].tolist()
    assert got.slots.tolist() == renamed[want].tolist()
