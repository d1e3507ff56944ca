"""Acceptance of the foundation issue on the real seed articles, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from db.connection import get_engine
from db.models import Attribution, Document, Outlet, Passage
from tests.factories import ingest_paths

BOILERPLATE_MARKERS = (
    "sole responsibility of the author",
    "Avis de non-responsabilité",
    "grants permission to cross-post",
    "accorde la permission de reproduire",
    "Help us grow",
    "Read more",
    "Copyright ©",
    "Contact média",
    "Become a Member of Global Research",
    "Upvote Downvote",
    "Remember the German reporter",  # a reader comment in 003
    "leftist propaganda tools",  # a reader comment in 003
)


def _docs(db_url: str) -> list[tuple[Document, str | None]]:
    with Session(get_engine(db_url)) as s:
        rows = s.exec(select(Document, Outlet).join(Outlet, isouter=True)).all()
        return [(d, o.name if o else None) for d, o in rows]


def _by_title(db_url: str, fragment: str) -> Document:
    matches = [d for d, _ in _docs(db_url) if d.title and fragment.lower() in d.title.lower()]
    assert len(matches) == 1, [d.title for d, _ in _docs(db_url)]
    return matches[0]


def _attributions(db_url: str, doc: Document) -> set[tuple[str, str]]:
    with Session(get_engine(db_url)) as s:
        rows = s.exec(
            select(Attribution, Outlet).join(Outlet, isouter=True).where(Attribution.document_id == doc.id)
        ).all()
        return {(a.kind, o.name if o else a.outlet_name) for a, o in rows}


def _cited_date(db_url: str, doc: Document, outlet: str) -> str | None:
    with Session(get_engine(db_url)) as s:
        rows = s.exec(
            select(Attribution, Outlet).join(Outlet, isouter=True).where(Attribution.document_id == doc.id)
        ).all()
        dates = {a.cited_date for a, o in rows if (o.name if o else a.outlet_name) == outlet and a.cited_date}
    assert len(dates) <= 1
    return next(iter(dates), None)


def test_seeds_ingest_then_second_run_changes_nothing(db_url: str, seeds_dir: Path) -> None:
    first = ingest_paths(db_url, [seeds_dir])
    assert first.count("rejected") == 0
    assert first.count("added") >= 11  # four single articles + at least 7 posts
    posts = [o for o in first.outcomes if o.part is not None]
    assert len(posts) >= 7 and {o.name for o in posts} == {str(next(seeds_dir.glob("004_*")))}
    assert len(_docs(db_url)) == first.count("added")
    second = ingest_paths(db_url, [seeds_dir])
    assert second.count("unchanged") == first.count("added")
    assert second.count("added") == second.count("updated") == 0
    assert len(_docs(db_url)) == first.count("added")


def test_seed_dates_and_originals(db_url: str, seeds_dir: Path) -> None:
    ingest_paths(db_url, [seeds_dir])
    mondo = _by_title(db_url, "US Forces Are Arming Us")
    assert mondo.published_at == "2016-09-30"
    assert _cited_date(db_url, mondo, "MintPress News") == "2016-09-29"
    gr = _by_title(db_url, "Al-Nusra Commander Says")
    assert gr.published_at == "2017-03-20"
    assert _cited_date(db_url, gr, "RT") == "2016-09-26"
    yalla = _by_title(db_url, "Battle for Aleppo")
    assert yalla.published_at == "2016-05-08"
    assert _cited_date(db_url, yalla, "Yalla La Barra") == "2016-05-07"
    rt_post = _by_title(db_url, "US asks Russia not to target Al-Qaeda branch")
    assert rt_post.published_at.startswith("2016-06-04T01:04")
    bawaba = _by_title(db_url, "leaked German document")
    assert bawaba.published_at.startswith("2015-10-06T09:44")
    duran = _by_title(db_url, "sold American weapons to ISIS")
    assert duran.published_at is None
    assert duran.published_not_after == "2017-09-01"


def test_seed_attributions(db_url: str, seeds_dir: Path) -> None:
    ingest_paths(db_url, [seeds_dir])
    gr = _by_title(db_url, "Al-Nusra Commander Says")
    assert ("interview", "Kölner Stadt-Anzeiger") in _attributions(db_url, gr)
    assert ("original_source", "RT") in _attributions(db_url, gr)
    mondo = _by_title(db_url, "US Forces Are Arming Us")
    assert ("original_source", "MintPress News") in _attributions(db_url, mondo)
    for title in ("US asks Russia", "Russian embassy in Damascus", "Senior Al-Qaeda leader"):
        assert "RT" in {o for _, o in _attributions(db_url, _by_title(db_url, title))}
    assert "Al Bawaba" in {o for _, o in _attributions(db_url, _by_title(db_url, "leaked German"))}
    tatler = _by_title(db_url, "US-Backed Syrian Rebels Ally")
    assert ("via", "The PJ Tatler") in _attributions(db_url, tatler)


def test_no_boilerplate_or_comment_passages(db_url: str, seeds_dir: Path) -> None:
    ingest_paths(db_url, [seeds_dir])
    with Session(get_engine(db_url)) as s:
        passages = s.exec(select(Passage).where(Passage.kind != "comment")).all()
    assert passages
    for p in passages:
        for marker in BOILERPLATE_MARKERS:
            assert marker.lower() not in p.text.lower(), (marker, p.text)
