"""The outlet registry: resolve a name or domain found in text to one Outlet row.

Names come in many spellings (``Koelner Stadt-Anzeiger`` / ``Kölner Stadt-Anzeiger``,
``RT News`` / ``RT``); ``outlet_key`` folds the spelling differences that are mechanical
(accents, German transliteration, punctuation, a leading "The") and the registry's aliases
fold the rest. Names never seen before become outlets of kind ``unknown``; editors can fix
them through the API.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from db.models import Outlet

REGISTRY_FILE = Path(__file__).resolve().parent.parent / "data" / "outlets.json"
OUTLET_KINDS = ("news", "state_media", "official", "blog", "aggregator", "unknown")

# German umlauts are often written as two letters (Kölner -> Koelner); fold both to one.
_TRANSLIT = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LEADING_THE = re.compile(r"^the\s+", re.I)
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$", re.I)


def outlet_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.strip())
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    folded = _LEADING_THE.sub("", folded)
    for two, one in _TRANSLIT:
        folded = folded.replace(two, one)
    return _NON_ALNUM.sub("", folded)


def domain_of(name_or_url: str) -> str | None:
    m = _DOMAIN.match(name_or_url.strip())
    return m.group(1).lower() if m else None


@lru_cache(maxsize=1)
def builtin_registry() -> list[dict[str, Any]]:
    return json.loads(REGISTRY_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for entry in builtin_registry():
        for name in [entry["name"], *entry.get("aliases", []), *entry.get("domains", [])]:
            index.setdefault(outlet_key(name), entry)
    return index


def registry_entry(name: str) -> dict[str, Any] | None:
    return _alias_index().get(outlet_key(name))


def _find_existing(session: Session, key: str, domain: str | None) -> Outlet | None:
    found = session.exec(select(Outlet).where(Outlet.key == key)).first()
    if found or not domain:
        return found
    for outlet in session.exec(select(Outlet)).all():
        if domain in (outlet.domains or []):
            return outlet
    return None


def resolve_outlet(*, session: Session, name: str | None, domain: str | None = None) -> Outlet | None:
    """The Outlet for a name (or domain) found in text, created on first sight."""
    if not name and not domain:
        return None
    label = (name or domain or "").strip()
    domain = domain or domain_of(label)
    entry = registry_entry(label) or (registry_entry(domain) if domain else None)
    key = outlet_key(entry["name"] if entry else label)
    outlet = _find_existing(session, key, domain)
    if outlet is not None:
        return outlet
    if entry:
        outlet = Outlet(
            key=key,
            name=entry["name"],
            kind=entry.get("kind", "unknown"),
            domains=list(entry.get("domains", [])),
            aliases=list(entry.get("aliases", [])),
            publisher=entry.get("publisher"),
        )
    else:
        outlet = Outlet(key=key, name=label, kind="unknown", domains=[domain] if domain else [])
    session.add(outlet)
    session.flush()
    return outlet


def outlet_json(outlet: Outlet | None) -> dict[str, Any] | None:
    if outlet is None:
        return None
    domains = outlet.domains or []
    return {
        "id": outlet.id,
        "name": outlet.name,
        "domain": domains[0] if domains else None,
        "kind": outlet.kind,
    }
