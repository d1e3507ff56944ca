"""Input formats: HTML pages, JSON Lines records, caller metadata, rejected inputs."""

from __future__ import annotations

import json

import pytest

from api.errors import RejectedInput
from api.ingest.extract import extract, extract_jsonl
from api.ingest.formats import markdown_lines
from api.ingest.markdown import strip_inline
from api.text.types import RawDocument

PARA = (
    "The regional council approved the new water plan on Tuesday after a long debate, "
    "officials said, and the first works are expected to start next spring in the valley."
)
PARA2 = (
    "Opposition members argued that the cost estimates were far too optimistic and asked "
    "for an independent review, according to Die Zeit, before any contract is signed."
)

HTML_PAGE = f"""<!doctype html><html lang="de"><head><title>Water plan approved - Valley Post</title>
<meta property="og:site_name" content="Valley Post">
<meta name="author" content="Anna Schmidt">
<meta property="article:published_time" content="2016-10-04T10:26:00+00:00">
<link rel="canonical" href="https://valleypost.example/water-plan"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Water plan approved</h1><p>{PARA}</p><p>{PARA2}</p>
<p>Share this article</p></article>
<section class="comments"><h3>Comments</h3><p>Great article, thanks!</p></section>
<footer>Copyright © 2016 Valley Post. All rights reserved.</footer></body></html>"""


def test_html_page_main_text_and_metadata() -> None:
    [doc] = extract(RawDocument(HTML_PAGE, "html", source_name="page.html"))
    assert PARA in doc.text and PARA2 in doc.text
    assert "Home" not in doc.text and "Great article" not in doc.text
    assert "All rights reserved" not in doc.text and "Share this" not in doc.text
    assert doc.title == "Water plan approved"
    assert doc.outlet == "Valley Post"
    assert doc.author == "Anna Schmidt"
    assert doc.published_at == "2016-10-04T10:26"
    assert doc.url == "https://valleypost.example/water-plan"
    assert doc.language == "en"  # <html lang="de"> is the site's, the text is English
    assert ("according_to", "Die Zeit") in {(a.kind, a.outlet) for a in doc.attributions}


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ("", "txt"),
        ("   \n\t  \n", "md"),
        ("abc\x00\x01\x02def", "txt"),
        ("".join(chr(i % 31 + 1) for i in range(400)), "txt"),
        ("<html><body><nav><a href='/'>Home</a></nav></body></html>", "html"),
        ("<html><body>   </body></html>", "html"),
        ('{"title": "no body"}', "jsonl"),
        ('{"text": "   "}', "jsonl"),
        ("not json at all {", "jsonl"),
        ("[1, 2, 3]", "jsonl"),
    ],
)
def test_rejected_inputs(content: str, fmt: str) -> None:
    with pytest.raises(RejectedInput) as info:
        extract(RawDocument(content, fmt))
    assert info.value.reason


def test_jsonl_record_caller_metadata_wins() -> None:
    record = {
        "text": f"Daily Planet, March 3, 2018\n\n{PARA}\n\n{PARA2}",
        "title": "Caller title",
        "outlet": "Caller Outlet",
        "published_at": "2018-03-05",
        "language": "en",
        "url": "https://caller.example/a",
    }
    [doc] = extract(RawDocument(json.dumps(record), "jsonl"))
    assert (doc.title, doc.outlet, doc.url) == ("Caller title", "Caller Outlet", record["url"])
    assert (doc.published_at, doc.date_precision) == ("2018-03-05", "day")
    assert "Daily Planet" not in doc.text


def test_raw_document_caller_metadata_wins() -> None:
    raw = RawDocument(f"{PARA}\n\n{PARA2}", "txt", outlet="Given", published_at="4 Oct, 2016 10:26")
    [doc] = extract(raw)
    assert doc.outlet == "Given"
    assert (doc.published_at, doc.date_precision) == ("2016-10-04T10:26", "minute")


def test_jsonl_html_record_and_file_of_records() -> None:
    lines = [
        json.dumps({"html": HTML_PAGE, "outlet": "VP"}),
        "",
        json.dumps({"text": ""}),
        json.dumps({"text": PARA}),
    ]
    results = extract_jsonl(RawDocument("\n".join(lines), "jsonl", source_name="f.jsonl"))
    assert len(results) == 3
    assert results[0].outlet == "VP" and PARA in results[0].text  # type: ignore[union-attr]
    assert isinstance(results[1], RejectedInput)
    assert results[2].text == PARA  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Par [Mint Press](#)", "Par Mint Press"),
        ("**Avis** : *texte* and `code`", "Avis : texte and code"),
        ("around \\$2.3 million", "around $2.3 million"),
        ("![photo](x.jpg) Caption text", " Caption text"),
        (
            "[United Kingdom to so-called “moderate rebel” groups](#) like",
            "United Kingdom to so-called “moderate rebel” groups like",
        ),
        ("the opposition [in Syria], but", "the opposition [in Syria], but"),
        ("snake_case_name stays", "snake_case_name stays"),
    ],
)
def test_strip_inline(line: str, expected: str) -> None:
    assert strip_inline(line) == expected


def test_markdown_lines_headings_rules_continuations() -> None:
    lines = markdown_lines("## Title here\n\nThème: [A](#), [B](#),  \n[C](#)\n\n---\n\nBody.")
    assert [(ln.text, ln.heading) for ln in lines] == [
        ("Title here", 2),
        ("Thème: A, B, C", 0),
        ("Body.", 0),
    ]
