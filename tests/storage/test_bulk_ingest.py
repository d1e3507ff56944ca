"""Bulk ingestion (many documents per transaction, a worker process preparing them) stores and
links exactly what ingesting one document at a time does, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from api.ingest.sources import SourceItem
from api.pipeline.ingestor import Ingestor
from api.pipeline.workers import CHUNK, prepared
from api.text.types import RawDocument
from db.connection import get_engine
from db.models import Document, Passage
from tests.factories import claims_snapshot, make_settings

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo"

STORIES = [
    [
        "The harbour authority said the new container terminal would open in the spring of next year.",
        "Dock workers told reporters that the night shifts had been cut without any consultation.",
        "A spokesman for the port denied that any jobs would be lost because of the terminal.",
    ],
    [
        "Residents of the northern district reported brown water coming from their taps for a week.",
        "The water utility blamed a broken valve at the pumping station near the old railway bridge.",
        "Independent tests ordered by the council found traces of iron but no harmful bacteria.",
    ],
    [
        "The regional airline announced it would stop flying to three island airports in October.",
        "Tourism operators on the islands warned that bookings had already fallen by a third.",
        "The transport ministry said it was studying a subsidy to keep one of the routes open.",
    ],
    [
        "A fire destroyed the roof of the nineteenth century library late on Sunday evening.",
        "Firefighters saved most of the rare manuscripts by carrying them out through a side door.",
        "The mayor promised that the library would be rebuilt exactly as it stood before the fire.",
    ],
]


def _article(title: str, outlet: str, date: str, sentences: list[str], note: str = "") -> str:
    body = "\n\n".join(sentences)
    return f"# {title}\n\n{outlet}, {date}\n\n{body}\n{note}"


def _corpus(folder: Path) -> list[Path]:
    """Originals, verbatim copies and edited copies, a copy sometimes before its original (in
    file order) and in the same batch as it."""
    folder.mkdir()
    files = []
    for i, story in enumerate(STORIES):
        edited = [s.replace(" the ", " the local ", 1) for s in story]
        docs = {
            f"{i}-b-original.md": _article(f"Story {i}", "Harbor Tribune", f"{3 + i} May 2021", story),
            f"{i}-a-copy.md": _article(
                f"Copy of story {i}",
                "Daily Relay",
                f"{10 + i} May 2021",
                story,
                "\nThe original source of this article is Harbor Tribune\n",
            ),
            f"{i}-c-edited.md": _article(f"Edited story {i}", "Civic Watch", f"{12 + i} May 2021", edited),
        }
        for name, body in docs.items():
            (folder / name).write_text(body, encoding="utf-8")
            files.append(folder / name)
    return sorted(files)


def test_batches_give_the_claims_and_provenance_of_one_by_one(
    db_url: str, tmp_path: Path, seeds_dir: Path
) -> None:
    inputs = [seeds_dir, DEMO, *_corpus(tmp_path / "gen")]
    reference_url = f"sqlite:///{tmp_path / 'one-by-one.sqlite'}"
    one_by_one = Ingestor(
        get_engine(reference_url), settings=make_settings(reference_url), batch_size=1, workers=0
    ).ingest_paths(inputs)
    bulk = Ingestor(get_engine(db_url), settings=make_settings(db_url), batch_size=7, workers=1).ingest_paths(
        inputs
    )
    assert bulk.summary() == one_by_one.summary()
    assert bulk.count("added") > 25 and bulk.count("rejected") == 0
    expected = claims_snapshot(reference_url)
    got = claims_snapshot(db_url)
    assert got.keys() == expected.keys()
    for claim, detail in expected.items():
        assert got[claim] == detail, claim
    # the copies joined their originals: three appearances per sentence of each story
    for story in STORIES:
        assert len(got[story[0]]["appearances"]) == 3


def test_second_bulk_run_changes_nothing(db_url: str, tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "gen")
    ingestor = Ingestor(get_engine(db_url), settings=make_settings(db_url), batch_size=5)
    first = ingestor.ingest_paths(inputs)
    second = ingestor.ingest_paths(inputs)
    assert first.count("added") == len(inputs)
    assert second.count("unchanged") == len(inputs) and second.passages == 0


def _refuse_titles_with_poison(db_url: str) -> None:
    """A database-side refusal (as a constraint would be) of one document of a batch."""
    engine = get_engine(db_url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_poison BEFORE INSERT ON document "
                    "WHEN NEW.title LIKE '%POISON%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.title LIKE '%POISON%' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse_poison BEFORE INSERT ON document "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
                )
            )


def test_a_document_the_database_refuses_loses_only_itself(db_url: str, tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "gen")
    poisoned = tmp_path / "gen" / "1-z-poison.md"
    poisoned.write_text(_article("POISON story", "Island Post", "1 June 2021", STORIES[3]))
    _refuse_titles_with_poison(db_url)
    ingestor = Ingestor(get_engine(db_url), settings=make_settings(db_url), batch_size=50)
    report = ingestor.ingest_paths([*inputs, poisoned])
    assert report.count("added") == len(inputs)
    (rejected,) = [o for o in report.outcomes if o.status == "rejected"]
    assert rejected.name == str(poisoned) and "database refused" in (rejected.reason or "")
    with Session(get_engine(db_url)) as session:
        stored = set(session.exec(select(Document.id)).all())
    # the index was told about the failed batch's documents, then set right again
    assert ingestor.index.engine.document_ids() == stored  # type: ignore[union-attr]
    hits = ingestor.index.search(STORIES[2][1])  # type: ignore[union-attr]
    assert hits and hits[0].score > 0.99


def test_worker_processes_prepare_in_input_order(tmp_path: Path) -> None:
    files = _corpus(tmp_path / "gen")
    items = [
        SourceItem(
            f"{f.name}#{n}",
            RawDocument(content=f.read_text() + f"\nRun {n}.\n", source_format="md", source_name=f.name),
        )
        for n in range(6)
        for f in files
    ]
    assert len(items) > 2 * CHUNK
    serial = [(p.name, p.identity) for p in prepared(items, max_bytes=10**6, workers=0)]
    parallel = [(p.name, p.identity) for p in prepared(items, max_bytes=10**6, workers=1)]
    assert parallel == serial and len(serial) == len(items)


FOOTER = "The editors of this newsletter meet every Thursday to choose the stories of the week."


@pytest.mark.parametrize("batch_size", [1, 2])
def test_text_that_turns_out_boilerplate_leaves_every_index(
    db_url: str, tmp_path: Path, batch_size: int
) -> None:
    folder = tmp_path / "outlet"
    folder.mkdir()
    for i, story in enumerate(STORIES):
        body = _article(f"Story {i}", "Harbor Tribune", f"{3 + i} May 2021", [*story, FOOTER])
        (folder / f"{i}.md").write_text(body, encoding="utf-8")
    ingestor = Ingestor(get_engine(db_url), settings=make_settings(db_url), batch_size=batch_size)
    ingestor.ingest_paths([folder])
    index = ingestor.index
    index.refresh()  # type: ignore[union-attr]
    # the footer recurs in 3+ documents of one outlet: boilerplate everywhere, found nowhere
    assert index.search(FOOTER) == []  # type: ignore[union-attr]
    with Session(get_engine(db_url)) as session:
        kinds = set(session.exec(select(Passage.kind).where(Passage.text == FOOTER)).all())
    assert kinds == {"boilerplate"}
    assert index.search(STORIES[1][0])[0].score > 0.99  # type: ignore[union-attr]
