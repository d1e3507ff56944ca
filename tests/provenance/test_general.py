"""Official responses in phrasings, institutions and countries the seeds do not use.

Each case is a short synthetic article; the expectation lists every response extracted from
it, in order: who spoke (speaker, role, organization), the stance, and the passages it
answers, given as substrings (each answered passage holds exactly one of them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from api.statements.responses import extract_responses
from tests.provenance.helpers import merge_intros, split


@dataclass(frozen=True)
class Expect:
    speaker: str | None
    role: str | None
    organization: str | None
    stance: str
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    expected: tuple[Expect, ...]


CASES = (
    Case(
        "possessive common noun (curation article)",
        "An engineer had claimed that tests found lead levels three times above the federal limit "
        "in the Eastside reservoir last autumn.\n\n"
        "Water Authority spokeswoman Maria Keller denied the engineer's allegations on Wednesday, "
        "saying: “Every sample taken in October was below the federal action level.”\n\n"
        "The council's oversight committee said it would review the sampling records next week.\n",
        (Expect("Maria Keller", "spokeswoman", "Water Authority", "denies", ("An engineer had claimed",)),),
    ),
    Case(
        "short body name resolved to the full name earlier in the document",
        "The Harbor City Water Authority has rejected reports that it concealed test results "
        "from the Eastside reservoir.\n\n"
        "An engineer had claimed that tests found lead levels three times above the federal limit "
        "in the Eastside reservoir last autumn.\n\n"
        "Water Authority spokeswoman Maria Keller denied the engineer's allegations on Wednesday, "
        "saying: “Every sample taken in October was below the federal action level.”\n",
        # the lead's "reports that it concealed test results" meets no sentence saying results
        # were concealed: it answers nothing and folds into Keller's statement
        (Expect("Maria Keller", "spokeswoman", "Harbor City Water Authority", "denies", ("An engineer",)),),
    ),
    Case(
        "rejected reports that X: the sentence making claim X",
        "The Harbor City Water Authority has rejected reports that it concealed test results "
        "from the Eastside reservoir.\n\n"
        "An engineer told the Ledger that the authority had concealed test results from the "
        "Eastside reservoir for months.\n\n"
        "Residents have complained about discoloured tap water since the summer.\n",
        (Expect(None, None, "Harbor City Water Authority", "denies", ("An engineer told the Ledger",)),),
    ),
    Case(
        "rejected reports that X, no sentence makes X",
        "Critics say the ministry's new budget cuts funding for rural schools by a third.\n\n"
        "The Education Ministry rejected reports that it concealed the audit findings.\n",
        (Expect(None, None, "Education Ministry", "denies"),),
    ),
    Case(
        "news wire, allegations made by a former employee, country possessive body",
        "KYIV, March 3 (Wire) - A former employee of the state grid operator alleged that managers "
        "had falsified safety inspection records at the Rivne plant.\n\n"
        "The employee said the falsified records covered at least three reactors.\n\n"
        "Ukraine's Energy Ministry rejected the allegations made by a former employee, saying all "
        "inspections had been carried out in full.\n",
        (
            Expect(
                None,
                None,
                "Ukraine's Energy Ministry",
                "denies",
                ("A former employee of the state grid operator", "The employee said"),
            ),
        ),
    ),
    Case(
        "passive voice",
        "The newspaper reported that the army had shelled a village near the border.\n\n"
        "The claim was denied by the Defense Ministry on Tuesday.\n",
        (Expect(None, None, "Defense Ministry", "denies", ("The newspaper reported",)),),
    ),
    Case(
        "in a statement, called the reports fabricated",
        "According to opposition activists, government troops shelled a market in the town of "
        "Idlib on Sunday.\n\n"
        "In a statement, the Syrian Defense Ministry called the reports fabricated.\n",
        (Expect(None, None, "Syrian Defense Ministry", "disputes", ("According to opposition activists",)),),
    ),
    Case(
        "said the report was false",
        "The Daily Example reported that the mayor had accepted bribes from a construction firm.\n\n"
        "City Hall spokesman Tom Brady said the report was false.\n",
        (Expect("Tom Brady", "spokesman", "City Hall", "denies", ("The Daily Example reported",)),),
    ),
    Case(
        "a statement with no target answers nothing",
        "Residents say the river has smelled of chemicals since the factory opened in May.\n\n"
        "A spokesperson for the Environment Agency said inspectors would visit the site next week.\n",
        (Expect(None, "spokesperson", "Environment Agency", "comments"),),
    ),
    Case(
        "an analyst's comment is not a response",
        "The whistleblower claimed that the agency had spied on journalists for years.\n\n"
        "Security analyst John Smith dismissed the whistleblower's claims as exaggerated.\n",
        (),
    ),
    Case(
        "the whistleblower's claims: the claim and its quote continuation",
        "A whistleblower alleged that the National Security Bureau had monitored the phones of "
        "opposition lawmakers.\n\n"
        "“They listened to everything, every single call,” the whistleblower told reporters.\n\n"
        "Bureau spokesman Chen Wei rejected the whistleblower's claims on Friday.\n",
        (
            Expect(
                "Chen Wei",
                "spokesman",
                "National Security Bureau",
                "denies",
                ("A whistleblower alleged", "They listened to everything"),
            ),
        ),
    ),
    Case(
        "claims by the opposition",
        "The opposition claimed that the election commission had destroyed ballots in three "
        "districts.\n\n"
        "The Central Election Commission dismissed claims by the opposition, calling them "
        "baseless.\n",
        (Expect(None, None, "Central Election Commission", "denies", ("The opposition claimed",)),),
    ),
    Case(
        "a police spokesperson: body named earlier, coordinated denial of a that-clause",
        "Witnesses said officers had beaten protesters outside the Metropolitan Police "
        "headquarters on Saturday.\n\n"
        "A police spokesperson said the officers had acted lawfully and denied that they had "
        "beaten any protesters.\n",
        (Expect(None, "spokesperson", "Metropolitan Police", "denies", ("Witnesses said",)),),
    ),
    Case(
        "the Kremlin dismissed suggestions that X",
        "Several Western newspapers suggested that Russian hackers had targeted the election "
        "systems of three states.\n\n"
        "The Kremlin on Thursday dismissed suggestions that Russian hackers had targeted election "
        "systems, calling them absurd.\n",
        (Expect(None, None, "Kremlin", "denies", ("Several Western newspapers",)),),
    ),
    Case(
        "city council spokesman, the blogger's allegations",
        "Harbor City Council voted on Monday to raise water fees for the third year running.\n\n"
        "A local blogger claimed that council members had received gifts from the contractor.\n\n"
        "City council spokesman John Doe denied the blogger's allegations.\n",
        (Expect("John Doe", "spokesman", "Harbor City Council", "denies", ("A local blogger claimed",)),),
    ),
    Case(
        "the newspaper's report",
        "The newspaper reported that the embassy had paid protesters to attend the rally.\n\n"
        "The French Embassy rejected the newspaper's report.\n",
        (Expect(None, None, "French Embassy", "denies", ("The newspaper reported",)),),
    ),
    Case(
        "Ministry ... of <country> denied that X",
        "Villagers said soldiers had burned their homes during the raid.\n\n"
        "The Interior Ministry of Ruritania denied that soldiers had burned any homes.\n",
        (Expect(None, None, "Interior Ministry of Ruritania", "denies", ("Villagers said",)),),
    ),
    Case(
        "an intergovernmental body",
        "Russian media reported that NATO jets had violated Belarusian airspace.\n\n"
        "NATO spokesperson Oana Lungescu dismissed the reports as disinformation.\n",
        (Expect("Oana Lungescu", "spokesperson", "NATO", "denies", ("Russian media reported",)),),
    ),
    Case(
        "the minister's claims: the one minister the document names",
        "Foreign Minister Ivan Petrov said the sanctions would be lifted by June next year.\n\n"
        "The European Commission rejected the minister's claims, calling them premature.\n",
        (
            Expect("Ivan Petrov", "foreign minister", "Foreign Ministry", "comments"),
            Expect(None, None, "European Commission", "denies", ("Foreign Minister Ivan Petrov said",)),
        ),
    ),
    Case(
        "company spokesmen and former officials are not officials",
        "The newspaper reported that the contractor had ignored safety warnings for months.\n\n"
        "Acme spokesman Bob Smith denied the allegations.\n\n"
        "A former Water Authority spokesman rejected the newspaper's claims.\n",
        (),
    ),
    Case(
        "an armed group's army is not a body",
        "Local doctors said the hospital had been hit twice during the night.\n\n"
        "The Free Syrian Army denied the claims on Monday.\n",
        (),
    ),
)


@pytest.mark.parametrize("layout", ["sentences", "intro_with_quote"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_general(case: Case, layout: str) -> None:
    passages = split(case.text)
    if layout == "intro_with_quote":
        passages = merge_intros(case.text, passages)
    found = extract_responses(case.text, passages, published_at="2024-03-08")
    got = [(r.speaker, r.role, r.organization, r.stance) for r in found]
    assert got == [(e.speaker, e.role, e.organization, e.stance) for e in case.expected]
    for resp, exp in zip(found, case.expected, strict=True):
        texts = [passages[i].text for i in resp.answers]
        assert all(sum(want in t for want in exp.answers) == 1 for t in texts), texts
        assert all(sum(want in t for t in texts) == 1 for want in exp.answers), texts
