"""Readable terminal output for matches and claims (the CLI's only presentation code)."""

from __future__ import annotations

from typing import Any

from rich.console import Console


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
    out.print(f"  first published: {_pub_line(first) if first else 'unknown'}", highlight=False)
    for p in prov.get("republishers", []):
        out.print(f"    then: {_pub_line(p)}", highlight=False)
    for r in prov.get("official_responses", []):
        who = ", ".join(x for x in (r.get("speaker"), r.get("role"), r.get("organization")) if x)
        quote = (r.get("quote") or "")[:160]
        out.print(
            f"  response ({r.get('stance')}, {r.get('date') or 'date unknown'}): {who}: “{quote}”",
            highlight=False,
        )


def print_match(out: Console, m: dict[str, Any]) -> None:
    claim = m["claim"]
    out.print(
        f"[bold]claim {claim['id']}[/bold] score {m['score']:.2f} ({m['confidence']}): {claim['text']}",
        highlight=False,
    )
    print_provenance(out, m["provenance"])


def print_claim(out: Console, detail: dict[str, Any]) -> None:
    claim = detail["claim"]
    out.print(f"[bold]claim {claim['id']}[/bold]: {claim['text']}", highlight=False)
    for a in detail["appearances"]:
        doc = a["document"]
        outlet = (doc.get("outlet") or {}).get("name") or "?"
        out.print(
            f"  appears in document {doc['id']} ({outlet}, {doc.get('published_at')}) "
            f"at {a['start']}-{a['end']} [{a['relation']}]",
            highlight=False,
        )
    print_provenance(out, detail["provenance"])
