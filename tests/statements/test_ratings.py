"""ClaimReview ratings read as a fact-checker reads them (issue 15): a table of real rating names."""

from __future__ import annotations

import pytest

from api.statements.ratings import stance_of_label, stance_of_rating

# (the rating name as publishers write it, the stance a fact-checker means)
REAL_RATINGS = [
    # English: PolitiFact, Snopes, FactCheck.org, Full Fact, AFP, Reuters, Lead Stories, WaPo
    ("False", "denies"),
    ("Pants on Fire!", "denies"),
    ("Incorrect", "denies"),
    ("Inaccurate", "denies"),
    ("Not correct", "denies"),
    ("Not true", "denies"),
    ("Fake", "denies"),
    ("Fabricated", "denies"),
    ("Misattributed", "denies"),
    ("Altered", "denies"),
    ("Scam", "denies"),
    ("Four Pinocchios", "denies"),
    ("Bottomless Pinocchio", "denies"),
    ("Three Pinocchios", "disputes"),
    ("Two Pinocchios", "disputes"),
    ("One Pinocchio", "confirms"),
    ("Geppetto Checkmark", "confirms"),
    ("Mostly False", "disputes"),
    ("Half True", "disputes"),
    ("Half-true", "disputes"),
    ("Mixture", "disputes"),
    ("Misleading", "disputes"),
    ("Miscaptioned", "disputes"),
    ("Missing context", "disputes"),
    ("Out of context", "disputes"),
    ("Unproven", "disputes"),
    ("Unconfirmed", "disputes"),
    ("Unsupported", "disputes"),
    ("Exaggerated", "disputes"),
    ("Outdated", "disputes"),
    ("Not entirely accurate", "disputes"),
    ("True", "confirms"),
    ("Mostly True", "confirms"),
    ("Correct", "confirms"),
    ("Accurate", "confirms"),
    ("Correct Attribution", "confirms"),
    ("Satire", "comments"),
    ("Labeled Satire", "comments"),
    ("Research In Progress", "comments"),
    # Spanish, Portuguese, French, German, Italian, Dutch, Polish
    ("Falso", "denies"),
    ("Falsa", "denies"),
    ("Bulo", "denies"),
    ("Engañoso", "disputes"),
    ("Enganoso", "disputes"),
    ("Impreciso", "disputes"),
    ("Verdadero", "confirms"),
    ("Verdadeiro", "confirms"),
    ("No es cierto", "denies"),
    ("Sem provas", "disputes"),
    ("Faux", "denies"),
    ("Trompeur", "disputes"),
    ("Vrai", "confirms"),
    ("Falsch", "denies"),
    ("Fehlender Kontext", "disputes"),
    ("Irreführend", "disputes"),
    ("Fuorviante", "disputes"),
    ("Onwaar", "denies"),
    ("Fałsz", "denies"),
    # compounds read by whole words, never substrings
    ("False and misleading", "disputes"),
    ("FALSE.", "denies"),
    ("mostly_true", "confirms"),
]


@pytest.mark.parametrize(("name", "stance"), REAL_RATINGS)
def test_real_rating_names(name: str, stance: str) -> None:
    assert stance_of_rating({"@type": "Rating", "alternateName": name}) == stance


def test_the_table_holds_forty_names() -> None:
    assert len(REAL_RATINGS) >= 40


@pytest.mark.parametrize("name", ["Inaccurate", "Not correct", "Unconfirmed", "Not accurate", "Incorrect"])
def test_a_negation_never_confirms(name: str) -> None:
    assert stance_of_label(name) != "confirms"


def test_the_number_decides_an_unknown_name() -> None:
    assert stance_of_rating({"alternateName": "Zorgwekkend", "ratingValue": 1, "worstRating": 1}) == "denies"
    assert stance_of_rating({"alternateName": "", "ratingValue": 5, "bestRating": 5}) == "confirms"
    assert stance_of_rating({"name": "Something else"}) == "comments"
