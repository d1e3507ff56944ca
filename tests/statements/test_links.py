"""Statement → claim links that are only inferred need specific content in common (issue 15).

Own-written probes, read through the ingestion entry point: an official's comment is no answer
to whichever sentence first names the official's body, nor to a statement of the same
government; a named claimant's sentences are answered without that test; a body's name is a
government body's by its head word.
"""

from __future__ import annotations

from api.statements.responses import ExtractedResponse, extract_responses
from api.text.split import split_passages
from api.text.types import ExtractedDocument, SplitPassage


def read(body: str, title: str = "City news") -> tuple[list[ExtractedResponse], list[SplitPassage]]:
    text = f"{title}\n\n{body}"
    doc = ExtractedDocument(text=text, title=title, published_at="2016-05-03", language="en")
    split = split_passages(doc)
    return extract_responses(text, split, published_at="2016-05-03"), split


def answered(body: str, speaker: str) -> list[str]:
    found, split = read(body)
    mine = [r for r in found if speaker in " ".join(x for x in (r.speaker, r.organization) if x)]
    assert mine, [(r.speaker, r.organization) for r in found]
    return [split[o].text for r in mine for o in r.answers]


def test_a_comment_does_not_answer_the_first_sentence_naming_the_body() -> None:
    body = (
        "The mayor spent two decades in Congress and the White House before returning to Chicago "
        "to run for office.\n\n"
        "The city council will vote on the new budget for schools and parks next month.\n\n"
        "On Wednesday, White House press secretary Josh Earnest told reporters that the mayor has "
        "confronted the challenges “quite directly.”"
    )
    assert answered(body, "Josh Earnest") == []


def test_a_comment_answers_the_earlier_claim_it_shares_content_with() -> None:
    body = (
        "Candidates condemned North Korea's claim to have conducted a hydrogen bomb test, with "
        "Republicans taking shots at the White House.\n\n"
        "The city council will vote on the new budget for schools and parks next month.\n\n"
        "“Nothing has changed our assessment of North Korea's claim about the bomb test,” White "
        "House press secretary Josh Earnest told reporters."
    )
    links = answered(body, "Josh Earnest")
    assert len(links) == 1 and links[0].startswith("Candidates condemned North Korea"), links


def test_a_statement_of_the_same_government_is_not_answered() -> None:
    body = (
        "U.S. State Department spokesman John Kirby said the hacked emails were stolen by Russian "
        "intelligence services to interfere with the election.\n\n"
        "White House press secretary Josh Earnest said he could not tie the hacked emails to "
        "Russian intelligence services yet."
    )
    found, split = read(body)
    assert {r.speaker for r in found} >= {"John Kirby", "Josh Earnest"}, [r.speaker for r in found]
    for r in found:
        if r.speaker == "Josh Earnest":
            assert not any("John Kirby" in split[o].text for o in r.answers)


def test_a_named_claimant_is_answered_without_shared_words() -> None:
    body = (
        "Engineer Tom Hale said the pumps had failed twice in March.\n\n"
        "Water Board spokesman Dan Ruiz denied Hale’s allegations, saying: “Every reading we took "
        "was within the limit.”"
    )
    links = answered(body, "Dan Ruiz")
    assert any(t.startswith("Engineer Tom Hale said") for t in links), links


def test_a_project_on_government_secrecy_is_not_a_government_body() -> None:
    found, _ = read(
        "“It’s not as if he overlooked the facts of the matter,” said Steven Aftergood, director "
        "of the Project on Government Secrecy at the Federation of American Scientists."
    )
    assert not any(r.speaker == "Steven Aftergood" for r in found), [r.speaker for r in found]
