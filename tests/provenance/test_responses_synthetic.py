"""Official responses in phrasings the seeds do not use; units for dates and stance."""

from __future__ import annotations

import pytest

from api.statements.responses import ExtractedResponse, extract_responses
from api.statements.stance import stance_of
from api.statements.when import find_date, parse_doc_date
from tests.provenance.helpers import split


def run(text: str, published: str | None = "2020-03-12") -> tuple[list[ExtractedResponse], list]:
    passages = split(text)
    return extract_responses(text, passages, published_at=published), passages


def answered(resp: ExtractedResponse, passages: list) -> list[str]:
    return [passages[i].text for i in resp.answers]


def test_kremlin_spokesman_dismissed_the_report() -> None:
    text = (
        "According to a report by the Daily Example, Russian jets bombed a hospital in Idlib.\n\n"
        "The hospital was the only one in the district, local doctors told reporters.\n\n"
        "A Kremlin spokesman on Tuesday dismissed the report as fake.\n"
    )
    found, passages = run(text)
    assert len(found) == 1
    r = found[0]
    assert (r.speaker, r.role, r.organization, r.stance) == (None, "spokesman", "Kremlin", "denies")
    assert r.date == "2020-03-10"  # the Tuesday before Thursday 2020-03-12
    assert answered(r, passages)[0].startswith("According to a report by the Daily Example")


def test_foreign_office_statement_with_quote() -> None:
    text = (
        "Opposition activists claimed that British advisers were training militias near the "
        "border.\n\n"
        "The Foreign Office said in a statement on Tuesday that the allegations were "
        "“completely without foundation and deeply irresponsible”.\n"
    )
    found, passages = run(text)
    assert len(found) == 1
    r = found[0]
    assert r.organization == "UK Foreign Office" and r.speaker is None
    assert r.stance == "denies"
    assert r.quote == "completely without foundation and deeply irresponsible"
    assert r.date == "2020-03-10"
    assert answered(r, passages) == [passages[0].text]


def test_pentagon_press_secretary_confirmed() -> None:
    text = (
        "Local residents said two American soldiers were wounded in a clash near Mosul.\n\n"
        "Pentagon press secretary John Kirby confirmed on Friday that two service members had "
        "been lightly wounded.\n"
    )
    found, passages = run(text)
    assert len(found) == 1
    r = found[0]
    assert (r.speaker, r.role, r.organization, r.stance) == (
        "John Kirby",
        "press secretary",
        "Pentagon",
        "confirms",
    )
    assert r.date == "2020-03-06"
    assert answered(r, passages) == [passages[0].text]


def test_transcript_lines_resolve_to_the_full_name() -> None:
    text = (
        "Critics say the State Department ignored warnings about the convoy.\n\n"
        "At the briefing on May 4, State Department spokesman Ned Price was asked about it:\n\n"
        "QUESTION: Did you ignore the warnings?\n\n"
        "MR PRICE: We take every warning seriously, and we acted on this one.\n"
    )
    found, passages = run(text, "2021-05-10")
    assert len(found) == 1
    r = found[0]
    assert (r.speaker, r.role, r.organization) == ("Ned Price", "spokesman", "U.S. State Department")
    assert r.date == "2021-05-04"
    assert r.quote == "We take every warning seriously, and we acted on this one."
    assert answered(r, passages) == [passages[0].text]
    assert all(not passages[i].text.startswith("QUESTION") for i in r.passage_ordinals)


def test_government_as_speaker_and_named_claimant() -> None:
    text = (
        "Rebel leader Abu Omar said the Turkish army had delivered rockets to his men.\n\n"
        "“We received them at the border,” Abu Omar added.\n\n"
        "As for the truce, he said it would not hold.\n\n"
        "Ankara rejected Abu Omar’s claims on Wednesday, calling them propaganda.\n"
    )
    found, passages = run(text, "2019-07-05")
    assert len(found) == 1
    r = found[0]
    assert (r.speaker, r.organization, r.stance, r.date) == (
        None,
        "Government of Turkey",
        "denies",
        "2019-07-03",
    )
    got = answered(r, passages)
    assert any("delivered rockets" in t for t in got)
    assert any("We received them at the border" in t for t in got)
    assert not any("truce" in t for t in got)


def test_non_officials_are_not_responses() -> None:
    text = (
        "The commander said the US had armed his fighters.\n\n"
        "An analyst dismissed the claim, and a journalist questioned the commander's account.\n\n"
        "“It is nonsense,” said former prime minister John Doe.\n"
    )
    found, _ = run(text)
    assert found == []


def test_no_target_and_no_response_verb_links_nothing() -> None:
    text = (
        "Russia is arming the militia, the activists claimed.\n\n"
        "Russian Foreign Minister Sergey Lavrov said on Monday that talks would resume.\n"
    )
    found, _ = run(text)
    assert len(found) == 1
    assert found[0].answers == []  # a minister's unrelated remark answers no claim


def test_disputed_and_called_false() -> None:
    text = (
        "The newspaper reported that the embassy had paid the protesters.\n\n"
        "The Russian Embassy called the report false.\n"
    )
    found, passages = run(text)
    assert len(found) == 1
    assert (found[0].organization, found[0].stance) == ("Russian Embassy", "disputes")
    assert answered(found[0], passages) == [passages[0].text]


def test_empty_and_undated() -> None:
    assert extract_responses("", [], published_at=None) == []
    found, _ = run("Moscow said on Monday that the report was a fabrication.\n", None)
    assert len(found) == 1
    assert (found[0].organization, found[0].date, found[0].stance) == (
        "Government of Russia",
        None,
        "denies",
    )  # "a fabrication" in the reported clause


@pytest.mark.parametrize(
    ("phrase", "ref", "expected"),
    [
        ("In a press briefing on Monday, he said", "2016-09-30", "2016-09-26"),
        ("during a briefing on Friday", "2016-06-04", "2016-06-03"),
        ("denied the claim again in May", "2015-10-06", "2015-05"),
        ("in November", "2015-10-06", "2014-11"),
        ("So on April 27, he said", "2016-05-08", "2016-04-27"),
        ("the press briefing of April 25, 2016 Mr Kirby said", "2016-05-08", "2016-04-25"),
        ("on December 30", "2016-01-05", "2015-12-30"),
        ("on 4 May", "2016-05-08", "2016-05-04"),
        ("said yesterday", "2016-05-08", "2016-05-07"),
        ("on Monday", None, None),
        ("April 25, 2016", None, "2016-04-25"),
        ("no date here", "2016-05-08", None),
    ],
)
def test_find_date(phrase: str, ref: str | None, expected: str | None) -> None:
    assert find_date(phrase, parse_doc_date(ref)) == expected


@pytest.mark.parametrize(
    ("verb", "quote", "expected"),
    [
        ("denied", "", "denies"),
        ("rejected", "", "denies"),
        ("dismissed", "", "denies"),
        ("confirmed", "", "confirms"),
        ("acknowledged", "", "confirms"),
        ("admitted", "", "confirms"),
        ("disputed", "", "disputes"),
        ("questioned", "", "disputes"),
        ("said", "That is simply not true.", "denies"),
        ("said", "I'm not disputing the fact that they are intermingled.", "confirms"),
        ("said", "There is no evidence for this.", "disputes"),
        ("said", "We want to see the cessation observed.", "comments"),
        (None, "", "comments"),
    ],
)
def test_stance(verb: str | None, quote: str, expected: str) -> None:
    assert stance_of(verb, "", "", quote) == expected


def test_negated_verb_is_not_a_denial() -> None:
    assert stance_of("deny", "he did not deny it", "he did not ", "") == "comments"
    assert stance_of("said", "they called the claims baseless", "", "") == "disputes"
