"""The order of appearances, with dates as intervals of their precision.

A document's date is an interval: "1999-07-13" (day precision) is the whole day, so it is *not*
earlier than "1999-07-13T11:29" on the same day (it may be later); two such dates are a tie, and
a tie is said to be one (``compare_dates``) rather than decided by a hash. Shared by reuse
linking (which passage of a claim is its canonical, earliest one) and the provenance read models
(the timeline, document reuse), so all of them order appearances the same way.
"""

from __future__ import annotations

UNDATED = "9999"  # sorts after every ISO date: an undated document comes last
_OPEN = "\uffff"  # sorts after every character of an ISO date: the end of a prefix's interval


def interval(published_at: str | None, not_after: str | None = None) -> tuple[str, str]:
    """[lo, hi) as strings: a date stands for every instant its written prefix covers (its
    precision); a bound alone (``not_after``) for anything up to it; nothing for all time."""
    if published_at:
        p = published_at[:16]
        return p, p + _OPEN
    if not_after:
        return "", not_after[:16] + _OPEN
    return "", _OPEN


def compare_dates(
    a: tuple[str | None, str | None, str | None], b: tuple[str | None, str | None, str | None]
) -> tuple[int, str]:
    """-1 when ``a`` (published_at, precision, not_after) is certainly earlier than ``b``, 1 when
    later, 0 when their intervals overlap (same day at day precision, undated...); with the
    reason in words, for ``evidence``."""
    lo_a, hi_a = interval(a[0], a[2])
    lo_b, hi_b = interval(b[0], b[2])
    da, db = a[0] or a[2] or "undated", b[0] or b[2] or "undated"
    if hi_a <= lo_b:
        return -1, f"{da} is before {db}"
    if hi_b <= lo_a:
        return 1, f"{da} is after {db}"
    return 0, f"{da} and {db} overlap at their precision: a tie"


def precision_rank(published_at: str | None) -> int:
    """Within one day, a timestamped date comes before a date-only one (which covers it)."""
    return 0 if published_at and len(published_at) > 10 else 1


def date_key_of(
    published_at: str | None, not_after: str | None, content_hash: str
) -> tuple[str, int, str, str]:
    """Order of appearances: the day (or its upper bound), a timestamped date before a
    date-only one of the same day, the time, then the content (two copies of one text)."""
    date = published_at or not_after or UNDATED
    return (date[:10], precision_rank(published_at), date[:16], content_hash)
