"""Official responses read from the real seed articles (both passage layouts)."""

from __future__ import annotations

from api.statements.responses import ExtractedResponse
from api.text.types import SplitPassage


def texts(resp: ExtractedResponse, passages: list[SplitPassage]) -> list[str]:
    return [passages[i].text for i in resp.answers]


def answers_any(resp: ExtractedResponse, passages: list[SplitPassage], snippet: str) -> bool:
    return any(snippet in t for t in texts(resp, passages))


def by_speaker(found: list[ExtractedResponse], speaker: str | None) -> list[ExtractedResponse]:
    return [r for r in found if r.speaker == speaker]


def check_invariants(found: list[ExtractedResponse]) -> None:
    for r in found:
        assert r.stance in {"denies", "confirms", "disputes", "comments"}
        assert not set(r.answers) & set(r.passage_ordinals)
        assert r.passage_ordinals and r.quote and r.evidence


def test_000_toner_denies_al_ezz_allegations(extract_seed) -> None:
    found, passages = extract_seed("000")
    check_invariants(found)
    denial = [r for r in found if r.stance == "denies"]
    assert len(denial) == 1
    r = denial[0]
    assert (r.speaker, r.role, r.date) == ("Mark Toner", "spokesman", "2016-09-26")
    assert r.organization == "U.S. State Department"
    assert "we would never provide Nusra with any kind of assistance whatsoever" in r.quote
    assert "State Department spokesman Mark Toner denied" in r.evidence
    for claim in (
        "The Americans are on our side.",
        "Yes, the US supports the opposition",
        "the missiles were given to us directly",
        "The funds came from the",
        "U.S. materiel has been key",
        "Due to these rockets",
    ):
        assert answers_any(r, passages, claim), claim
    for other in (
        "Churkin said Russia has",
        "December 2015 episode",
        "The West does not actually hand",
        "As for the ceasefire",
        "Watch Syrian rebels fire",
        "The German journalist asked",
    ):
        assert not answers_any(r, passages, other), other


def test_000_later_statement_same_briefing(extract_seed) -> None:
    found, passages = extract_seed("000")
    later = [r for r in by_speaker(found, "Mark Toner") if r.quote.startswith("there are those")]
    assert len(later) == 1
    r = later[0]
    assert r.stance == "comments"  # "effectively admitting" is the author's gloss
    assert r.date == "2016-09-26"  # "later in the same briefing"
    assert answers_any(r, passages, "The Americans are on our side.")
    assert not answers_any(r, passages, "Churkin said Russia has")


def test_000_no_response_from_militants_or_analysts(extract_seed) -> None:
    found, _ = extract_seed("000")
    assert {r.speaker for r in found} <= {"Mark Toner", "Vitaly Churkin"}
    for r in by_speaker(found, "Vitaly Churkin"):  # an official, but answering nothing here
        assert r.answers == []


def test_001_holds_no_official_response(extract_seed) -> None:
    found, _ = extract_seed("001")
    assert found == []


def test_002_briefings_of_kirby_and_toner(extract_seed) -> None:
    found, passages = extract_seed("002")
    check_invariants(found)
    assert {r.speaker for r in found} == {"John Kirby", "Mark Toner"}
    assert {r.date for r in found} >= {
        "2016-04-25",
        "2016-04-28",
        "2016-04-27",
        "2016-05-04",
        "2016-05-05",
        "2016-05-06",
    }
    lead = next(
        i for i, p in enumerate(passages) if "the State Department has refused to acknowledge" in p.text
    )
    for r in found:
        assert r.organization == "U.S. State Department"
        assert r.role == "spokesman"
        assert r.answers == [lead]
        assert "QUESTION" not in r.quote
        assert not any(passages[i].text.startswith("QUESTION") for i in r.passage_ordinals)
    apr27 = next(r for r in found if r.date == "2016-04-27")
    assert apr27.speaker == "Mark Toner"
    assert apr27.quote.startswith("No, we think that that would have damaging consequences")
    assert "MR TONER" not in apr27.quote
    kirby = next(r for r in found if r.date == "2016-04-25")
    assert kirby.speaker == "John Kirby" and kirby.quote.startswith("So again")


def test_003_zakharova_responds_to_weapons_sales(extract_seed) -> None:
    found, passages = extract_seed("003")
    check_invariants(found)
    assert len(found) == 2
    for r in found:
        assert (r.speaker, r.role) == ("Maria Zakharova", "spokeswoman")
        assert r.organization == "Russian Foreign Ministry"
        assert r.stance == "comments"  # asks for examination, accuses the coalition: no denial
        assert r.date is None
        assert answers_any(r, passages, "When we learned that our unit’s leader was selling")
        assert answers_any(r, passages, "And he was selling all sorts of weapons")
        assert not answers_any(r, passages, "There’s a refugee camp")
        assert not answers_any(r, passages, "they behave like invaders")
        assert not answers_any(r, passages, "He stated,")
    responded = next(r for r in found if "has responded" in r.evidence)
    assert responded.quote.startswith("Certainly those materials need thorough examination")
    assert "At-Tanf base in the south of the country" in responded.quote


def test_004_rt_toner_answers_lavrov_report(extract_seed) -> None:
    found, passages = extract_seed("004_rt")
    check_invariants(found)
    toner = by_speaker(found, "Mark Toner")
    assert len(toner) == 1
    r = toner[0]
    assert (r.role, r.organization, r.date) == ("deputy spokesman", "U.S. State Department", "2016-06-03")
    assert answers_any(r, passages, "Washington has asked Moscow not to conduct airstrikes")
    assert "carefully distinguish" in r.quote
    lavrov = by_speaker(found, "Sergey Lavrov")
    assert lavrov and all(x.role == "foreign minister" for x in lavrov)
    own = {i for x in lavrov for i in x.passage_ordinals}
    for x in lavrov:  # a statement never answers its speaker's own passages
        assert not set(x.answers) & own


def test_004_bawaba_turkey_denied_the_claim(extract_seed) -> None:
    found, passages = extract_seed("004_bawaba")
    check_invariants(found)
    assert len(found) == 1
    r = found[0]
    assert (r.speaker, r.organization, r.stance, r.date) == (
        None,
        "Government of Turkey",
        "denies",
        "2015-05",
    )
    assert r.quote == "Turkey denied the claim again in May"
    assert answers_any(r, passages, "According to the document leaked from the German")
    assert answers_any(r, passages, "Ankara delivers weapons to armed Syrian rebel groups")
    assert not answers_any(r, passages, "Question 25 asked")
    assert not answers_any(r, passages, "The German Parliament is filing charges")
