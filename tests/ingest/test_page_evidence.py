"""Issue 16: boilerplate and headlines read from the page's own structure (link density, the
headline above the text), not from word lists. Pages written for these tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.ingest.blocks import PageLinks, is_link_line
from api.ingest.extract import extract
from api.ingest.formats import Line, page_title, with_lead
from api.linking.batch import LinkPassage, is_claimable
from api.text.normalize import normalize
from api.text.split import split_passages
from api.text.types import RawDocument
from tests.factories import client_for, ingest_paths

ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour reopens after storm - Coastal Herald</title>
<meta property="og:title" content="Harbour reopens after storm">
<meta property="og:site_name" content="Coastal Herald"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour of the small fishing town reopened on Tuesday, four days after the storm had closed it.</p>
<p>Also on this topic: <a href="/2021/05/ferry">Ferry service cut back for the summer season</a></p>
<p>You may have missed these:</p>
<p>Harbour: <a href="/2021/04/dredging">Dredging of the entrance channel starts in April</a></p>
<p>Crews removed two sunken boats and several tonnes of debris from the entrance channel.</p>
<p>The harbour master, <a href="/people/lee">Ann Lee</a>, said the fleet would be back at sea by Thursday.</p>
<p>2 June 2021: <a href="/2021/06/02/report">Report on the storm damage</a></p>
<p>Insurers estimate the damage to the quays at more than two million pounds, most of it to the east.</p>
<h3>More from the coast</h3>
<p><a href="/2021/06/gulls">Why the gulls came back to the old pier this spring, explained</a></p>
<p><a href="/2021/06/lighthouse">The lighthouse keeper who painted every storm since 1990</a></p>
</article></body></html>"""


def test_link_share_of_lines() -> None:
    page = PageLinks(ARTICLE)
    assert page.link_share("Ferry service cut back for the summer season") == 1.0
    whole = "The harbour master, Ann Lee, said the fleet would be back at sea by Thursday."
    share = page.link_share(whole)
    assert share is not None and 0 < share < 0.2  # one linked name in a sentence
    assert page.link_share("Insurers estimate the damage to the quays at more than two million pounds") == 0.0
    assert page.link_share("a sentence that is nowhere on the page") is None
    # inline elements join words without a blank: "tweets,<a>@x</a>" stays "tweets,@x"; the
    # share counts the characters of the text runs (9 linked of 29, the blank between runs aside)
    assert PageLinks("<p>See the tweets,<a href='#'>@keizi666</a> today</p>").link_share(
        "See the tweets,@keizi666 today"
    ) == pytest.approx(9 / 29)


@pytest.mark.parametrize(
    ("line", "is_link"),
    [
        ("Also on this topic: Ferry service cut back for the summer season", True),  # label + link
        ("Why the gulls came back to the old pier this spring, explained", True),  # a whole link
        ("The harbour master, Ann Lee, said the fleet would be back at sea by Thursday.", False),
        ("2 June 2021: Report on the storm damage", False),  # a dated entry: the article's list
        ("Crews removed two sunken boats and several tonnes of debris from the entrance channel.", False),
    ],
)
def test_link_lines(line: str, is_link: bool) -> None:
    assert is_link_line(PageLinks(ARTICLE), line) is is_link


def test_link_lines_and_their_heading_leave_the_text() -> None:
    doc = extract(RawDocument(content=ARTICLE, source_format="html"))[0]
    assert "Also on this topic" not in doc.text
    assert "Ferry service" not in doc.text
    assert "More from the coast" not in doc.text  # a heading over links only
    assert "You may have missed these" not in doc.text  # a ":" label over links
    assert "Ann Lee" in doc.text and "2 June 2021: Report on the storm damage" in doc.text
    assert doc.text.startswith("Harbour reopens after storm")


BLOG = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Bloghaus</title>
<meta property="og:site_name" content="Bloghaus"></head><body>
<header><h1 class="site-title"><a href="/">Bloghaus</a></h1><h2>Ein Blog über Blogs</h2></header>
<div class="post"><h2 class="entry-title">Einen Feed in das Blog einbinden – so geht es</h2>
<p>Wer seine Kurznachrichten auch im eigenen Blog zeigen will, braucht kein Plugin mehr.</p>
<p>Der Dienst liefert einen kleinen Schnipsel, der an beliebiger Stelle in die Seitenleiste passt.</p>
<p>Danach erscheinen die neuesten Beiträge automatisch, ohne dass man selbst etwas tun muss.</p>
</div></body></html>"""


def test_title_is_the_headline_above_the_text_when_the_metadata_names_the_site() -> None:
    doc = extract(RawDocument(content=BLOG, source_format="html"))[0]
    assert doc.title == "Einen Feed in das Blog einbinden – so geht es"
    assert split_passages(doc)[0].text == doc.title


def test_title_heads_the_text_even_when_a_line_precedes_it_on_the_page() -> None:
    html = """<html><head><title>Finanzierung Ihres Autos</title></head><body>
    <p class="kicker">Autokauf - wie finanzieren?</p><h1>Finanzierung Ihres Autos</h1>
    <p>Ein Auto lässt sich bar, mit einem Kredit oder über ein Leasing bezahlen, jedes kostet.</p>
    <p>Wer vergleicht, spart oft mehrere hundert Franken über die ganze Laufzeit des Vertrags.</p>
    </body></html>"""
    doc = extract(RawDocument(content=html, source_format="html"))[0]
    assert doc.title == "Finanzierung Ihres Autos"
    first = split_passages(doc)[0]
    assert (first.text, first.kind) == ("Finanzierung Ihres Autos", "heading")
    assert doc.text.count("Finanzierung Ihres Autos") == 1


@pytest.mark.parametrize(
    ("headline", "claimable"),
    [("Mandarinen-Schmand-Kuchen", True), ("Forums-Regeln", True), ("Impressum", False)],
)
def test_hyphenated_headline_words(headline: str, claimable: bool) -> None:
    norm = normalize(headline)
    passage = LinkPassage(id=1, ordinal=0, kind="heading", text=headline, norm=norm, norm_hash="h")
    assert is_claimable(passage) is claimable


def test_headline_of_a_blog_page_matches_and_link_lines_do_not(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "blog.html").write_text(BLOG, encoding="utf-8")
    (tmp_path / "harbour.html").write_text(ARTICLE, encoding="utf-8")
    report = ingest_paths(db_url, [tmp_path])
    assert report.count("rejected") == 0
    with client_for(db_url) as client:
        body = client.post("/v1/match", json={"text": "Einen Feed in das Blog einbinden – so geht es"}).json()
        matches: list[dict[str, Any]] = body["matches"]
        assert matches and matches[0]["match_type"] == "headline"
        assert matches[0]["document"]["title"] == "Einen Feed in das Blog einbinden – so geht es"
        teaser = client.post("/v1/match", json={"text": "Ferry service cut back for the summer season"})
        assert teaser.json()["matches"] == []


LEAD_PAGE = """<html><head><title>Volleyball: Stuttgart verliert das vierte Finale</title></head><body>
<h1>Stuttgart verliert das vierte Finale</h1>
<p class="teaser">Die Stuttgarterinnen müssen im vierten Spiel der Finalserie eine Niederlage hinnehmen.</p>
<p>Photo: Archiv</p>
<div class="text"><p>Vor 2.500 Zuschauern in der vollen Halle lagen die Gastgeberinnen lange vorne.</p>
<p>Erst im fünften Satz setzte sich der Titelverteidiger mit 15:13 durch und glich aus.</p></div>
</body></html>"""


def test_lead_between_headline_and_text_is_put_back() -> None:
    page = PageLinks(LEAD_PAGE)
    extracted = [
        Line("Vor 2.500 Zuschauern in der vollen Halle lagen die Gastgeberinnen lange vorne."),
        Line("Erst im fünften Satz setzte sich der Titelverteidiger mit 15:13 durch und glich aus."),
    ]
    lead = "Die Stuttgarterinnen müssen im vierten Spiel der Finalserie eine Niederlage hinnehmen."
    assert page.lead_before([ln.text for ln in extracted]) == [lead]  # "Photo: Archiv" is no sentence
    assert [ln.text for ln in with_lead(page, extracted)] == [lead, *(ln.text for ln in extracted)]
    # a lead the extraction kept is not put back twice
    assert page.lead_before([lead, *(ln.text for ln in extracted)]) == []


def test_page_without_charset_is_read_as_utf8() -> None:
    html = "<html><head><title>Streaming ohne Gebühren</title></head><body><h1>Streaming ohne Gebühren</h1>"
    html += "<p>Der Dienst startet ohne Gebühren, ohne Werbung und ohne Registrierung.</p></body></html>"
    assert "ohne Gebühren, ohne Werbung" in PageLinks(html).text
    assert page_title(html, None) == "Streaming ohne Gebühren"
