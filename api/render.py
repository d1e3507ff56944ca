"""Readable terminal output for matches, claims and check reports (the CLI's only presentation code).

Everything printed here is data (claim text, quotes, outlet names, file names): the consoles
never read it as rich markup, emoji codes or something to highlight, so "[in Syria]",
"[verbatim]" and "meter.jsonl:100:" come out as written. Style is added with ``Text`` spans only.
"""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console
from rich.text import Text

QUOTE_CHARS = 160  # a response's quote is cut to this many characters, ending with "…"
ELLIPSIS = "…"
BOLD = "bold"


def console(*, stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A console that prints text as text (no markup, no emoji codes, no highlighting)."""
    return Console(stderr=stderr, file=file, soft_wrap=True, markup=False, emoji=False, highlight=False)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the last one "…" when anything was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def _pub_line(p: dict[str, Any]) -> str:
    outlet = (p.get("outlet") or {}).get("name") or "unknown outlet"
    date = p.get("published_at") or (
        f"no later than {p['not_after']}" if p.get("not_after") else "date unknown"
    )
    where = "" if p.get("in_index") else " (known through attribution)"
    via = f", names {p['attribution']} as source" if p.get("attribution") else ""
    return f"{outlet} — {date} [{p.get('relation')}]{where}{via}"


def print_provenance(out: Console, prov: dict[str, Any]) -> None:
    first = prov.get("first_publication")
    out.print(f"  first published: {_pub_line(first) if first else 'unknown'}")
    for p in prov.get("republishers", []):
        out.print(f"    then: {_pub_line(p)}")
    for r in prov.get("official_responses", []):
        who = ", ".join(x for x in (r.get("speaker"), r.get("role"), r.get("organization")) if x)
        quote = shorten(r.get("quote") or "")
        out.print(f"  response ({r.get('stance')}, {r.get('date') or 'date unknown'}): {who}: “{quote}”")


def _headline(label: str, rest: str) -> Text:
    return Text.assemble((label, BOLD), rest)


def print_match(out: Console, m: dict[str, Any]) -> None:
    claim = m["claim"]
    out.print(
        _headline(f"claim {claim['id']}", f" score {m['score']:.2f} ({m['confidence']}): {claim['text']}")
    )
    print_provenance(out, m["provenance"])


def print_claim(out: Console, detail: dict[str, Any]) -> None:
    claim = detail["claim"]
    out.print(_headline(f"claim {claim['id']}", f": {claim['text']}"))
    for a in detail["appearances"]:
        doc = a["document"]
        outlet = (doc.get("outlet") or {}).get("name") or "?"
        out.print(
            f"  appears in document {doc['id']} ({outlet}, {doc.get('published_at')}) "
            f"at {a['start']}-{a['end']} [{a['relation']}]"
        )
    print_provenance(out, detail["provenance"])


def _doc_line(d: dict[str, Any]) -> str:
    outlet = (d.get("outlet") or {}).get("name") or "unknown outlet"
    title = d.get("title") or "(untitled)"
    return f"document {d.get('id')} ({outlet}, {d.get('published_at') or 'date unknown'}): {title}"


def print_check(out: Console, report: dict[str, Any]) -> None:
    """The repost check (POST /v1/check's report): what the text copies, its claims, what is new."""
    for d in report.get("already_indexed", []):
        out.print(_headline("already indexed", f": {_doc_line(d)}"))
    for d in report.get("republishes", []):
        share = f"{d.get('coverage', 0):.0%} of its passages"
        out.print(_headline(str(d.get("relation", "copies")), f" {_doc_line(d)} — {share}"))
        first = d.get("first_publication")
        if first:
            out.print(f"  first published: {_pub_line(first)}")
    for c in report.get("claims", []):
        claim = c["claim"]
        out.print(_headline(f"claim {claim['id']}", f" score {c['score']:.2f}: {shorten(claim['text'])}"))
        print_provenance(out, c["provenance"])
    new = report.get("new_parts", [])
    checked = report.get("passages_checked", 0)
    out.print(f"{checked} passage(s) checked; {len(new)} not in the index")
    for part in new:
        out.print(f"  new: {shorten(part['text'])}")
