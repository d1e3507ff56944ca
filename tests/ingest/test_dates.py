"""Date parsing: many languages and shapes, precision, the publisher's local day and offset."""

from __future__ import annotations

import pytest

from api.ingest.dates import parse_date, search_date


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("30 septembre 2016", "2016-09-30", "day"),
        ("08 mai 2016", "2016-05-08", "day"),
        ("4 Oct, 2016 10:26", "2016-10-04T10:26", "minute"),
        ("October 6th, 2015 – 09:44 GMT", "2015-10-06T09:44", "minute"),
        ("Feb 22, 2016, 7:30PM", "2016-02-22T19:30", "minute"),
        ("December 2, 2014 – 7:59 am", "2014-12-02T07:59", "minute"),
        ("March 20, 2017", "2017-03-20", "day"),
        ("7 de mayo de 2016", "2016-05-07", "day"),
        ("3. März 2017", "2017-03-03", "day"),
        ("Tuesday, October 4, 2016", "2016-10-04", "day"),
        ("mardi 4 octobre 2016", "2016-10-04", "day"),
        ("2016-06-04T01:04:00+03:00", "2016-06-04T01:04+03:00", "minute"),  # local day kept
        ("2021-05-04T00:30:00+02:00", "2021-05-04T00:30+02:00", "minute"),
        ("2016-06-04", "2016-06-04", "day"),
        ("12:15 PM UTC, 5 May 2016", None, None),  # time first: not a shape we promise
        ("September 2016", "2016-09", "month"),
        ("2016", "2016", "year"),
        ("12 agosto 2016", "2016-08-12", "day"),
    ],
)
def test_parse_date(text: str, iso: str | None, precision: str | None) -> None:
    found = parse_date(text)
    if iso is None:
        return  # only: it must not raise
    assert found is not None, text
    assert (found.iso, found.precision) == (iso, precision)


@pytest.mark.parametrize("text", ["hello", "", "The 2 men left at 10", "Chapter 11", "31 February 2016"])
def test_not_a_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("line", "iso", "span_text"),
    [
        ("Mondialisation.ca, 30 septembre 2016", "2016-09-30", "30 septembre 2016"),
        (
            "Published time: 4 Oct, 2016 10:26 Edited time: 4 Oct, 2016 12:33",
            "2016-10-04T10:26",
            "4 Oct, 2016 10:26",
        ),
        ("Feb 22, 2016, 7:30PM Becca Noy", "2016-02-22T19:30", "Feb 22, 2016, 7:30PM"),
    ],
)
def test_search_date_span(line: str, iso: str, span_text: str) -> None:
    found = search_date(line)
    assert found is not None
    assert found.iso == iso
    assert line[found.start : found.end].strip() == span_text


@pytest.mark.parametrize(
    ("text", "language", "iso"),
    [
        ("10.11.2021", "de", "2021-11-10"),
        ("10/11/2021", "fr", "2021-11-10"),
        ("10/11/2021", "en", "2021-10-11"),
    ],
)
def test_numeric_dates_follow_the_page_language(text: str, language: str, iso: str) -> None:
    found = parse_date(text, language)
    assert found is not None and found.iso == iso
