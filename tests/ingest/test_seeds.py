"""The five real seed articles: what the extract stage must read out of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.ingest.extract import extract
from api.text.split import split_passages
from api.text.types import ExtractedDocument, RawDocument

_CACHE: dict[str, list[ExtractedDocument]] = {}


def docs_of(seeds_dir: Path, prefix: str) -> list[ExtractedDocument]:
    if prefix not in _CACHE:
        path = next(seeds_dir.glob(f"{prefix}_*.txt"))
        raw = RawDocument(path.read_text(encoding="utf-8"), "txt", source_name=str(path))
        _CACHE[prefix] = extract(raw)
    return _CACHE[prefix]


def attr_set(doc: ExtractedDocument) -> set[tuple[str, str, str | None]]:
    return {(a.kind, a.outlet, a.cited_date) for a in doc.attributions}


SINGLE = [
    # prefix, outlet, published_at, precision, title start, author, expected attributions
    (
        "000",
        "Mondialisation.ca",
        "2016-09-30",
        "day",
        "Syrian Al-Qaeda Commander: US Forces Are Arming Us",
        "Mint Press",
        {
            ("republished_from", "Mint Press News", "2016-09-29"),
            ("original_source", "Mint Press News", "2016-09-29"),
            ("interview", "Kölner Stadt-Anzeiger", None),
        },
    ),
    (
        "001",
        "Global Research",
        "2017-03-20",
        "day",
        "'Americans Are On Our Side'",
        "RT",
        {
            ("republished_from", "RT", "2016-09-26"),
            ("original_source", "RT", "2016-09-26"),
            ("interview", "Koelner Stadt-Anzeiger", None),
        },
    ),
    (
        "002",
        "Mondialisation.ca",
        "2016-05-08",
        "day",
        "Battle for Aleppo: Washington Openly Supports Al Qaeda",
        "Yalla La Barra",
        {
            ("republished_from", "Yalla La Barra", "2016-05-07"),
            ("original_source", "Yalla La Barra", "2016-05-07"),
        },
    ),
    (
        "003",
        "The Duran",
        None,
        None,
        "CONFIRMED: US backed so-called",
        None,
        {("correspondent", "Rossiya-24", None)},
    ),
]


@pytest.mark.parametrize(("prefix", "outlet", "date", "precision", "title", "author", "attrs"), SINGLE)
def test_single_article_metadata(
    seeds_dir: Path,
    prefix: str,
    outlet: str,
    date: str | None,
    precision: str | None,
    title: str,
    author: str | None,
    attrs: set[tuple[str, str, str | None]],
) -> None:
    docs = docs_of(seeds_dir, prefix)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.outlet == outlet
    assert doc.published_at == date
    assert doc.date_precision == precision
    assert doc.title and doc.title.startswith(title)
    assert doc.author == author
    assert doc.language == "en"  # 000/002 sit on a French site; the article text is English
    assert attrs <= attr_set(doc)
    assert doc.part_index is None


def test_generic_told_phrase_invents_no_outlet(seeds_dir: Path) -> None:
    doc = docs_of(seeds_dir, "001")[0]
    assert "told the German media" in doc.text
    assert not any(a.kind == "told" for a in doc.attributions)


def test_comments_bound_the_undated_article(seeds_dir: Path) -> None:
    doc = docs_of(seeds_dir, "003")[0]
    assert doc.published_not_after == "2017-09-01"
    assert doc.date_evidence and "comment" in doc.date_evidence and "2017-09-01" in doc.date_evidence
    assert len(doc.comments) == 6
    assert any("Jurgen Tótenhofer" in c for c in doc.comments)
    assert not any("Lavrov to run for president" in c for c in doc.comments)
    assert doc.text.startswith("CONFIRMED:")  # the leading "in ," junk line is gone


EVERYWHERE_ABSENT = [
    "sole responsibility of the author",
    "Avis de non-responsabilité",
    "Copyright",
    "accorde la permission",
    "Contact média",
    "Articles by",
    "Articles Par",
    "Comment on Global Research Articles",
    "Become a Member of Global Research",
    "Help us grow",
    "Read more",
    "READ MORE",
    "Région",
    "Thème",
    "Theme:",
    "In-depth Report",
    "Analyses:",
    "La source originale",
    "The original source of this article",
    "Global Research, March 20, 2017",
    "Mondialisation.ca, 30 septembre 2016",
    "Mint Press News 29 septembre 2016",
    "RT 26 September 2016",
    "Par Mint Press",
    "Watch ",
    "Il est mis à la disposition",
    "The statements, views and opinions",
    "Upvote",
    "View all comments",
    "What do you think?",
    "Reply to",
    "Jurgen Tótenhofer",
    "President Vladimir Putin’s open letter",
    "Lavrov to run for president",
    "image description",
    "Photo Credit",
    "© ",
    "(AFP/File)",
    "Igor Kovalenko / Sputnik",
    "Posted tagged",
    "Source:",
    "via The PJ Tatler",
    "Published time",
]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_boilerplate_absent_everywhere(seeds_dir: Path, prefix: str) -> None:
    for doc in docs_of(seeds_dir, prefix):
        for phrase in EVERYWHERE_ABSENT:
            assert phrase not in doc.text, (prefix, doc.part_index, phrase)


@pytest.mark.parametrize(
    ("prefix", "phrase"),
    [
        ("000", "The Americans are on our side."),
        ("000", "The funds came from the “governments” of those states, not from private"),
        ("001", "The money came from the “governments” of those states, not private individuals"),
        ("002", "the State Department has refused to acknowledge that the US backed rebel"),
        ("003", "we reported that to American base command, but following our report no action"),
        ("003", "Rossiya-24 correspondent Eugeniy Poddubny recently interviewed"),
        ("004", "Washington has asked Moscow not to conduct airstrikes against al-Nusra Front"),
        ("004", "Ankara delivers weapons to armed Syrian rebel groups"),
    ],
)
def test_article_sentences_kept(seeds_dir: Path, prefix: str, phrase: str) -> None:
    assert any(phrase in d.text for d in docs_of(seeds_dir, prefix))


def test_broken_paragraph_is_rejoined(seeds_dir: Path) -> None:
    doc = docs_of(seeds_dir, "000")[0]
    assert "U.N. Security Council on Sunday." in doc.text


POSTS = [
    # title start, outlet, published_at, reposted_at, author, attribution (kind, outlet) or None
    (
        "Russian embassy in Damascus shelled",
        "RT News",
        "2016-10-04T10:26",
        "2016-10-04",
        None,
        ("source_line", "RT News"),
    ),
    (
        "Russia to give strongest air support",
        "RT News",
        "2016-06-06T12:32",
        "2016-06-06",
        None,
        ("source_line", "RT News"),
    ),
    (
        "US asks Russia not to target Al-Qaeda branch in Syria",
        "RT News",
        "2016-06-04T01:04",
        "2016-06-04",
        None,
        ("source_line", "RT News"),
    ),
    (
        "Ceasefire after 5 years of Syrian civil war?",
        None,
        "2016-02-22T19:30",
        "2016-02-22",
        "Becca Noy",
        None,
    ),
    (
        "Senior Al-Qaeda leader killed in Syria airstrike",
        "RT News",
        "2015-10-17T16:17",
        "2015-10-18",
        None,
        ("source_line", "RT News"),
    ),
    (
        "A leaked German document confirms",
        "Al Bawaba",
        "2015-10-06T09:44",
        "2015-10-08",
        "Hayat Norimine",
        ("source_line", "Al Bawaba"),
    ),
    (
        "US-Backed Syrian Rebels Ally with Al-Qaeda",
        "The PJ Tatler",
        "2014-12-02T07:59",
        "2014-12-02",
        "Patrick Poole",
        ("via", "The PJ Tatler"),
    ),
]


def test_multi_post_page_splits_into_seven(seeds_dir: Path) -> None:
    docs = docs_of(seeds_dir, "004")
    assert [d.part_index for d in docs] == list(range(7))


@pytest.mark.parametrize(("index", "row"), list(enumerate(POSTS)))
def test_multi_post_metadata(seeds_dir: Path, index: int, row: tuple) -> None:
    title, outlet, published, reposted, author, attribution = row
    doc = docs_of(seeds_dir, "004")[index]
    assert doc.title and doc.title.startswith(title)
    assert doc.text.startswith(doc.title)
    assert doc.outlet == outlet
    assert doc.published_at == published
    assert doc.date_precision == "minute"
    assert doc.reposted_at == reposted
    assert doc.reposted_by is None
    assert doc.author == author
    line_attrs = [a for a in doc.attributions if a.kind in ("source_line", "via")]
    if attribution is None:
        assert line_attrs == []
    else:
        assert [(a.kind, a.outlet) for a in line_attrs] == [attribution]
        assert line_attrs[0].cited_date == published
        assert line_attrs[0].cited_date_precision == "minute"


def test_post_text_keeps_its_own_body_only(seeds_dir: Path) -> None:
    docs = docs_of(seeds_dir, "004")
    assert "Russian embassy in Damascus came under fire" in docs[0].text
    assert "Russian embassy in Damascus came under fire" not in docs[1].text
    assert docs[0].text.count("Russian embassy in Damascus shelled") == 1  # headline not repeated


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_passage_offsets_are_exact(seeds_dir: Path, prefix: str) -> None:
    for doc in docs_of(seeds_dir, prefix):
        passages = split_passages(doc)
        assert passages
        for p in passages:
            assert doc.text[p.start : p.end] == p.text
            assert p.text == p.text.strip() and "\n" not in p.text
        for a in doc.attributions:
            if a.start is not None:
                assert doc.text[a.start : a.end] == a.evidence


def test_seed_quote_stays_with_attribution(seeds_dir: Path) -> None:
    doc = docs_of(seeds_dir, "000")[0]
    texts = {p.text: p.kind for p in split_passages(doc)}
    assert texts.get("Al Ezz replied: “The Americans are on our side.”") == "quote"
    assert texts.get(doc.title or "") == "heading"
