"""Text and URLs that are safe to store and to show.

* ``is_web_url``: only ``http``/``https`` URLs are stored as links or rendered as ``<a href>``
  (``javascript:``, ``data:``, ``vbscript:``, ``file:`` ... would run or open something).
* ``strip_bidi``: bidirectional override and isolate controls (U+202A–U+202E, U+2066–U+2069)
  can make a rendered title read differently from what it is ("Trojan Source"); they are removed
  before display.
* ``unsafe_char``: the first character no stored string may hold: a lone surrogate (not valid
  UTF-8: it cannot be encoded, stored or answered) or NUL (PostgreSQL text cannot hold it).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_TABLE = {ord(c): None for c in BIDI_CONTROLS}
_UNSAFE_RE = re.compile("[\x00\ud800-\udfff]")
# C0 controls and DEL are invisible and never part of a URL (browsers strip some of them, so
# "java\tscript:" would still run): a URL holding one is refused outright.
_URL_CONTROL_RE = re.compile("[\x00-\x20\x7f]")


def is_web_url(url: str | None) -> bool:
    """True for an absolute ``http``/``https`` URL with a host and no control characters."""
    if not url or _URL_CONTROL_RE.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # an invalid IPv6 literal, ...
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional override/isolate controls."""
    return text.translate(_BIDI_TABLE)


def unsafe_char(text: str) -> str | None:
    """A description of the first character of ``text`` that cannot be stored, or None."""
    m = _UNSAFE_RE.search(text)
    if m is None:
        return None
    char = m.group()
    what = "a NUL character" if char == "\x00" else f"a lone surrogate (U+{ord(char):04X})"
    return f"contains {what} at position {m.start()}"


def first_unsafe(value: object, path: str = "") -> tuple[str, str] | None:
    """(where, what) of the first unstorable string anywhere in decoded JSON (keys included)."""
    if isinstance(value, str):
        problem = unsafe_char(value)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = first_unsafe(key, where) or first_unsafe(item, where)
            if found:
                return found
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found = first_unsafe(item, f"{path}[{n}]")
            if found:
                return found
    return None
