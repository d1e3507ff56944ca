"""Generated article corpora for the ingestion benchmarks (deterministic, nothing downloaded).

Articles are built from sentences of a small grammar over a few thousand words, so every
sentence is different text. A share of the articles are republications of earlier ones: verbatim
copies with a republication header and an "original source" line, and edited copies with a
word changed per sentence, so that reuse linking has real work to do.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

SUBJECTS = ["the ministry", "a spokesman", "the council", "local officials", "the company",
            "investigators", "the mayor", "residents", "the agency", "the committee",
            "a senior engineer", "the governor", "police", "the union", "analysts"]
VERBS = ["said", "reported", "confirmed", "denied", "announced", "warned", "claimed",
         "estimated", "revealed", "insisted", "argued", "noted"]
OBJECTS = ["the budget", "the contract", "the inspection", "the shipment", "the vote",
           "the report", "the bridge", "the reservoir", "the election", "the merger",
           "the ceasefire", "the investigation", "the license", "the pipeline", "the strike"]
ADJ = ["new", "delayed", "secret", "public", "disputed", "final", "early", "regional",
       "federal", "annual", "costly", "unusual", "internal", "foreign", "rural"]
PLACES = ["Ostby", "Marlow", "Eastside", "Harbor City", "Northfield", "Kessel", "Arden",
          "Brightwater", "Dunmore", "Fairhaven", "Glenrock", "Highmoor", "Ironbridge"]
OUTLETS = ["Harbor Tribune", "Coastal Ledger", "Daily Relay", "Civic Watch", "Island Post",
           "Northfield Courier", "Valley Times", "Morning Wire"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def _sentence(rng: random.Random, serial: int) -> str:
    n = rng.randint(2, 900)
    return (f"{rng.choice(SUBJECTS).capitalize()} in {rng.choice(PLACES)} {rng.choice(VERBS)} "
            f"that {rng.choice(OBJECTS)} worth {n} million was {rng.choice(ADJ)} and "
            f"{rng.choice(ADJ)} after {rng.choice(OBJECTS)} of case {serial}.")


def _date(rng: random.Random) -> tuple[int, str]:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2024)
    return year * 10000 + month * 100 + day, f"{day} {MONTHS[month - 1]} {year}"


def _edit(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    i = rng.randrange(1, len(words) - 1)
    words[i] = rng.choice(ADJ)
    return " ".join(words)


def articles(n_docs: int, *, passages_per_doc: int = 10, copy_share: float = 0.2,
             seed: int = 7) -> Iterator[str]:
    """Yield ``n_docs`` article texts (Markdown-ish, like saved web pages)."""
    rng = random.Random(seed)
    originals: list[tuple[str, str, list[str]]] = []
    serial = 0
    for i in range(n_docs):
        outlet = rng.choice(OUTLETS)
        _, date = _date(rng)
        if originals and rng.random() < copy_share:
            src_outlet, src_date, sentences = rng.choice(originals)
            edited = rng.random() < 0.5
            body = [_edit(s, rng) if edited else s for s in sentences]
            yield (f"## Copy {i} of a report\n\n{outlet}, {date}\n\n{src_outlet} {src_date}\n\n"
                   + "\n\n".join(body) + f"\n\nThe original source of this article is {src_outlet}\n")
            continue
        sentences = []
        for _ in range(passages_per_doc):
            serial += 1
            sentences.append(_sentence(rng, serial))
        if len(originals) < 5000:
            originals.append((outlet, date, sentences))
        yield f"## Report {i}\n\n{outlet}, {date}\n\n" + "\n\n".join(sentences) + "\n"
