"""The false and missed statements of issue 15, each read through the ingestion entry point."""

from __future__ import annotations

import pytest

from api.statements.responses import ExtractedResponse, extract_responses
from api.text.split import split_passages
from api.text.types import ExtractedDocument


def responses(body: str, title: str = "City news") -> list[ExtractedResponse]:
    text = f"{title}\n\n{body}"
    doc = ExtractedDocument(text=text, title=title, published_at="2016-05-03", language="en")
    return extract_responses(text, split_passages(doc), published_at="2016-05-03")


def who(r: ExtractedResponse) -> str:
    return " ".join(x for x in (r.speaker, r.role, r.organization) if x)


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("The FBI said on Tuesday that it had reopened the inquiry into the emails.", "FBI"),
        ("U.S. officials said the talks with Iran would resume next week.", "officials"),
        ("Police said two men were arrested after the march turned violent.", "Police"),
        ("A federal judge said the state's voter identification law was unconstitutional.", "judge"),
        ("Kenyan police denied that officers had fired on the protesters.", "Kenyan police"),
        (
            "The Northfield Water Board rejected the findings on Tuesday. "
            "“We stand by every test we ran,” a Water Board spokesman said.",
            "Water Board",
        ),
    ],
)
def test_officials_are_found(body: str, speaker: str) -> None:
    found = responses(body)
    assert found, body
    assert any(speaker in who(r) for r in found), [who(r) for r in found]


@pytest.mark.parametrize(
    "body",
    [
        # acts, not statements
        "Beijing responded by sidestepping Moscow's request for a joint patrol in the disputed waters.",
        "Kennedy denied Carter a final-night photograph with the delegates at the convention.",
        # defendants in court news
        "Two council contractors of Brentford, west London, deny corruption at Southwark Crown Court.",
        "Miss Jordan admitted three counts of fraud when she appeared before magistrates on Monday.",
        # companies, campaigns, NGOs, unions
        "A Twitter spokesman said the company had removed the accounts on Saturday.",
        "Alan Jeffers, a spokesman for Exxon Mobil, said the articles misrepresented the company's research.",
        "Clinton campaign spokesman Brian Fallon said the charge was pathetic and dangerous.",
        "Brian Fallon, a spokesman for Mrs. Clinton, said the senator had reached a new low.",
        "The union's president, James Hoffa, said the members would not endorse the plan.",
        "Former Secretary of State Madeleine Albright said women should vote for Clinton.",
    ],
)
def test_not_official_statements(body: str) -> None:
    assert responses(body) == [], [who(r) for r in responses(body)]


def test_a_headline_is_not_a_statement() -> None:
    assert (
        responses(
            "Employers kept hiring in April, the Labor Department's report shows.", "U.S. adds 156,000 jobs"
        )
        == []
    )


def test_a_bid_for_the_presidency_is_no_organization() -> None:
    body = (
        "Sen. Kirsten Gillibrand, a supporter of Hillary Clinton's 2016 bid for the presidency, "
        "told host Chris Cuomo that the race was not over."
    )
    assert all("Presidency" not in who(r) for r in responses(body))


def test_she_never_goes_to_a_man() -> None:
    body = (
        "President Barack Obama said on Monday that the law would stand. "
        "Press secretary Jennifer Psaki said the White House would not comment. "
        "She says people may not like the answer, but insists the policy is right."
    )
    found = responses(body)
    last = max(o for r in found for o in r.passage_ordinals)  # the passage of "She says"
    she = [r for r in found if last in r.passage_ordinals]
    assert she and all("Psaki" in who(r) for r in she), [who(r) for r in she]


def test_a_pronoun_with_no_agreeing_antecedent_goes_to_nobody() -> None:
    body = (
        "President Barack Obama said on Monday that the law would stand. "
        "She says people may not like the answer, but insists the policy is right."
    )
    found = responses(body)
    assert [r.speaker for r in found] == ["Barack Obama"]
    assert all(len(r.passage_ordinals) == 1 for r in found)


def test_the_quote_is_the_content_only_with_offsets() -> None:
    body = "The FBI said on Tuesday that it had reopened the inquiry into the emails."
    text = f"City news\n\n{body}"
    (r,) = responses(body)
    assert "FBI" not in r.quote and "said" not in r.quote.split()
    assert r.quote_spans and all(text[a:b] in r.quote for a, b in r.quote_spans)


def test_stance_from_the_cue_and_its_negation() -> None:
    (denied,) = responses("The Interior Ministry denied that its officers had detained the journalist.")
    assert denied.stance == "denies"
    (not_denied,) = responses(
        "The Interior Ministry did not deny that its officers had detained the journalist."
    )
    assert not_denied.stance == "comments"
    (confirmed,) = responses("The Pentagon confirmed that two soldiers had been wounded in the attack.")
    assert confirmed.stance == "confirms"
