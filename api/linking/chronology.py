"""The order of appearances: a document's date (or its upper bound) to the minute, then its content.

Shared by reuse linking (which passage of a claim is its canonical, earliest one) and the
provenance read models (the timeline), so both order a claim's appearances the same way.
"""

from __future__ import annotations

UNDATED = "9999"  # sorts after every ISO date: an undated document comes last


def date_key_of(published_at: str | None, not_after: str | None, content_hash: str) -> tuple[str, str]:
    """Order of appearances: the date (or its upper bound) to the minute, then the content."""
    return ((published_at or not_after or UNDATED)[:16], content_hash)
