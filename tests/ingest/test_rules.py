"""Rules on synthetic inputs: attribution phrases, headers, boilerplate, comments, posts."""

from __future__ import annotations

import pytest

from api.ingest.attributions import line_attribution, phrase_attributions
from api.ingest.boilerplate import boilerplate_reason, publisher_in_footer
from api.ingest.extract import extract
from api.ingest.headers import read_dateline
from api.ingest.language import detect_language
from api.text.types import RawDocument


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The minister said in an interview with Le Monde newspaper that talks failed.",
            ("interview", "Le Monde"),
        ),
        ("He told the BBC in an exclusive interview with the BBC that he would stay.", ("interview", "BBC")),
        ("Spiegel TV published an interview with the general on Monday.", ("interview", "Spiegel TV")),
        ("The spokesman told RT that the report was false.", ("told", "RT")),
        ("The figures were confirmed, according to Die Welt.", ("according_to", "Die Welt")),
        ("The deal is off, according to the Financial Times.", ("according_to", "Financial Times")),
        ("The town fell, according to Al-Hayat newspaper.", ("according_to", "Al-Hayat")),
        ("NTV correspondent Ivan Petrov recently interviewed a defector.", ("correspondent", "NTV")),
        ("Channel 4 reporter Jane Doe spoke to survivors in the camp.", ("correspondent", "Channel 4")),
    ],
)
def test_phrase_attributions_found(sentence: str, expected: tuple[str, str]) -> None:
    found = {(a.kind, a.outlet) for a in phrase_attributions(sentence)}
    assert expected in found
    for a in phrase_attributions(sentence):
        assert sentence[a.start : a.end] == a.evidence


@pytest.mark.parametrize(
    "sentence",
    [
        "According to the commander, the militants need more weapons.",
        "According to Al Ezz, the aid came via Turkey.",
        "Alastair Crooke told Osborne that the weapons migrate.",
        "A militant commander told the German media that instructors were present.",
        "Lavrov said in an interview with local Russian media that it was published.",
        "according to reports, the shelling came from Jobar.",
        "He told US officials that nothing changed.",
    ],
)
def test_phrase_attributions_precision(sentence: str) -> None:
    assert phrase_attributions(sentence) == []


@pytest.mark.parametrize(
    ("line", "kind", "outlet"),
    [
        ("The original source of this article is Consortium News", "original_source", "Consortium News"),
        ("La source originale de cet article est Le Devoir", "original_source", "Le Devoir"),
        ("This article originally appeared on Truthout.", "original_source", "Truthout"),
        ("Source: Some headline here — The Hindu", "source_line", "The Hindu"),
        ("Source: Some headline – with a dash | Daily Sabah", "source_line", "Daily Sabah"),
        ("Source: Reuters", "source_line", "Reuters"),
        ("via Hot Air » Some headline", "via", "Hot Air"),
        ("Source: A headline that names no outlet |", None, None),
    ],
)
def test_line_attributions(line: str, kind: str | None, outlet: str | None) -> None:
    is_line, attribution = line_attribution(line)
    assert is_line
    if kind is None:
        assert attribution is None
    else:
        assert attribution is not None and (attribution.kind, attribution.outlet) == (kind, outlet)


@pytest.mark.parametrize(
    "line", ["Sources say the talks failed.", "Via Appia is an old road in Italy and it is long."]
)
def test_not_attribution_lines(line: str) -> None:
    assert line_attribution(line)[0] is False


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "Disclaimer: The contents of this article are of sole responsibility of the author(s).",
            "disclaimer",
        ),
        (
            "The views expressed in this article do not necessarily reflect those of Example News.",
            "disclaimer",
        ),
        ("Copyright © Example, 2019", "copyright"),
        ("© 2020 Example Media Group. All rights reserved.", "copyright"),
        ("Read more »", "read_more"),
        ("READ MORE: Something happened somewhere", "read_more"),
        ("Help us grow. Support Example Site on Patreon!", "call_to_action"),
        ("Become a Member of Example Research", "call_to_action"),
        ("Région : Europe", "tag_line"),
        ("Tags: Syria, Russia", "tag_line"),
        ("Watch the video of the attack:", "video"),
        ("Protesters in the square © AFP", "caption"),
        ("Photo Credit: AP/John Smith", "caption"),
        ("image description", "caption"),
        ("Jane Doe / Reuters", "caption"),
        ("A man walks past the ruins. (AFP/File)", "caption"),
    ],
)
def test_boilerplate_lines(line: str, reason: str) -> None:
    assert boilerplate_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The council watched the vote closely and approved the budget.",
        "Watch what happens next, he warned the crowd in a speech that lasted an hour.",
        "Copyrights are a major topic in the new trade agreement negotiations, officials said.",
    ],
)
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert boilerplate_reason(line) is None


def test_publisher_named_in_footer() -> None:
    assert publisher_in_footer("Help us grow. Support Example Site on Patreon!") == "Example Site"
    assert publisher_in_footer("... do not necessarily represent those of The Sentinel.") == "The Sentinel"


@pytest.mark.parametrize(
    ("line", "iso", "outlet", "author"),
    [
        ("Global Research, March 20, 2017", "2017-03-20", "Global Research", None),
        ("Le Devoir, 3 mars 2018", "2018-03-03", "Le Devoir", None),
        ("RT 26 September 2016", "2016-09-26", "RT", None),
        ("example.org, 5 May 2016", "2016-05-05", "example.org", None),
        ("Published: 12 Jan 2019 14:05", "2019-01-12T14:05", None, None),
        ("Veröffentlicht am 3. März 2017", "2017-03-03", None, None),
        ("Jan 5, 2019, 9:15AM Jane Roe", "2019-01-05T09:15", None, "Jane Roe"),
        ("Updated: 12 Jan 2019", None, None, None),
        ("On Monday, 3 May 2016, the talks began", None, None, None),
    ],
)
def test_datelines(line: str, iso: str | None, outlet: str | None, author: str | None) -> None:
    found = read_dateline(line)
    if iso is None:
        assert found is None
        return
    assert found is not None
    assert (found.date.iso, found.outlet, found.author) == (iso, outlet, author)


BODY = (
    "The committee released its findings on Thursday and the report runs to more than two "
    "hundred pages, covering the years since the first complaint was filed by residents."
)
BODY2 = (
    "Officials said the recommendations would be studied carefully, and that a response "
    "would follow within three months, although no timetable was published yet at all."
)


def test_other_language_copy_header() -> None:
    text = (
        "# Der Bericht ist da\n\nVon [Anna Schmidt](#)\n\nBeispielblatt, 4. Oktober 2016\n\n"
        "[Originalzeitung](#) 2. Oktober 2016\n\nThemen: Politik\n\n"
        "Der Ausschuss hat am Donnerstag seine Ergebnisse veröffentlicht, und der Bericht ist "
        "mehr als zweihundert Seiten lang, wie die Behörden mitteilten.\n\n"
        "Die Empfehlungen werden sorgfältig geprüft, und eine Antwort soll innerhalb von drei "
        "Monaten folgen, sagte ein Sprecher der Regierung am Abend.\n\n"
        "Die Originalquelle dieses Artikels ist Originalzeitung\n\n"
        "Copyright © Originalzeitung, 2016"
    )
    [doc] = extract(RawDocument(text, "md"))
    assert (doc.title, doc.author, doc.outlet) == ("Der Bericht ist da", "Anna Schmidt", "Beispielblatt")
    assert (doc.published_at, doc.language) == ("2016-10-04", "de")
    attrs = {(a.kind, a.outlet, a.cited_date) for a in doc.attributions}
    assert ("republished_from", "Originalzeitung", "2016-10-02") in attrs
    assert ("original_source", "Originalzeitung", "2016-10-02") in attrs
    assert "Themen" not in doc.text and "Copyright" not in doc.text and "Von Anna" not in doc.text


def test_comment_section_generic() -> None:
    text = (
        f"Report finds delays\n\n{BODY}\n\n{BODY2}\n\n12 Comments\n\nLeave a reply\n\n"
        "John Q\nMarch 3, 2019\n\nThis is exactly what I expected from them, sadly.\n\n"
        "Reply to John Q\nMarch 2, 2019\n\nAgreed, but the report is still worth reading.\n\n"
        "Another headline about something else"
    )
    [doc] = extract(RawDocument(text, "txt"))
    assert "expected from them" not in doc.text and "Comments" not in doc.text
    assert doc.comments == [
        "This is exactly what I expected from them, sadly.",
        "Agreed, but the report is still worth reading.",
    ]
    assert doc.published_not_after == "2019-03-02"


def test_dated_article_is_not_bounded_by_comments() -> None:
    text = f"Global Times, March 1, 2019\n\n{BODY}\n\n{BODY2}\n\nComments\n\nAnn\nMarch 3, 2019\n\nNice."
    [doc] = extract(RawDocument(text, "txt"))
    assert doc.published_at == "2019-03-01" and doc.published_not_after is None


def _post(title: str, date: str, header: str) -> str:
    return f"{title}\n\n{date}\n\n{title}\n\n{header}\n\n{BODY}\n\n{BODY2}\n\nRead more\n\n"


def test_multi_post_page_generic() -> None:
    page = "Archive for category ‘Water’\n\n" + "".join(
        [
            _post(
                "Dam project stalls again",
                "5 mars 2019",
                "Posted on 4 March 2019 08:15\n\nSource: Dam project stalls again — Valley News",
            ),
            _post("Council rejects the water plan", "2 mars 2019", "via River Times » Council rejects"),
            _post("Residents protest outside hall", "1 mars 2019", "By Jane Roe"),
        ]
    )
    docs = extract(RawDocument(page, "txt", outlet="The Blog"))
    assert [d.part_index for d in docs] == [0, 1, 2]
    first, second, third = docs
    assert (first.outlet, first.published_at, first.reposted_at) == (
        "Valley News",
        "2019-03-04T08:15",
        "2019-03-05",
    )
    assert first.reposted_by == "The Blog"
    assert (second.outlet, second.published_at, second.reposted_at) == ("River Times", None, "2019-03-02")
    assert ("via", "River Times") in {(a.kind, a.outlet) for a in second.attributions}
    # no source and no own date: an original post of the blog itself
    assert (third.outlet, third.published_at, third.reposted_at, third.author) == (
        "The Blog",
        "2019-03-01",
        None,
        "Jane Roe",
    )
    for d in docs:
        assert "Archive for" not in d.text and "Read more" not in d.text
        assert d.text.count(d.title or "") == 1


def test_single_dated_article_is_not_a_multi_post_page() -> None:
    [doc] = extract(RawDocument(f"Dam project stalls\n\nMarch 5, 2019\n\n{BODY}\n\n{BODY2}", "txt"))
    assert doc.part_index is None and doc.published_at == "2019-03-05"
    assert doc.title == "Dam project stalls"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le gouvernement a annoncé que les négociations sont suspendues pour une durée indéterminée.", "fr"),
        ("El gobierno anunció que las negociaciones se suspenden por un tiempo y que no hay fecha.", "es"),
        ("Die Regierung hat erklärt, dass die Verhandlungen auf unbestimmte Zeit ausgesetzt sind.", "de"),
        ("Правительство заявило, что переговоры приостановлены на неопределенный срок.", "ru"),
        (BODY, "en"),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang
