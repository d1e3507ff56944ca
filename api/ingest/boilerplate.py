"""Lines that are not the article: disclaimers, copyright and permission footers, calls to
action, navigation and tag lines, share widgets, "Read more" links, video and photo captions.

Every rule is a named pattern over one line (after Markdown was stripped), so a new site's
chrome is added by adding a pattern, not by code. :func:`publisher_in_footer` reads the
publisher's own name out of such lines ("Support The Duran on Patreon", "... do not
necessarily represent those of The Duran"): the outlet of a page that names itself only there.
"""

from __future__ import annotations

import re
from functools import lru_cache

_I = re.IGNORECASE

# Publisher disclaimers (several languages) and permission / fair-use / contact paragraphs.
# Each branch with the lowercase pieces one of which its every match holds (see ``_matches``).
_DISCLAIMER_BRANCHES = (
    (
        ("disclaimer", "avis de non-responsabilit", "haftungsausschluss", "aviso legal"),
        r"^(?:disclaimer\b|avis de non-responsabilit|haftungsausschluss|aviso legal\b)",
    ),
    (("sole responsibility of the author",), r"are (?:of )?(?:the )?sole responsibility of the author"),
    (("expressed",), r"opinions? expressed (?:in|on) this (?:column|article|site|post|piece)"),
    (("expressed in this",), r"(?:statements|views)(?:,| and)? .{0,40}expressed in this (?:column|article)"),
    (("not necessarily",), r"do(?:es)? not necessarily (?:represent|reflect) (?:those|the views)"),
    (("n'engagent que",), r"n'engagent que (?:le|leur|son)"),
    (("permission",), r"(?:grants?|accorde) (?:la )?permission (?:to|de)"),
    (
        ("contains copyrighted material", "contient du matériel protégé"),
        r"contains copyrighted material|contient du matériel protégé",
    ),
    (("mis à la disposition de tous ceux",), r"mis à la disposition de tous ceux"),
    (("this site", "ce site"), r"(?:material|matériel) (?:on|mis en ligne sur) (?:this|ce) site"),
    (("for media inquiries", "for publication of"), r"^for (?:media inquiries|publication of)\b"),
    (("pour publier des articles",), r"^pour publier des articles"),
    (("contact média", "contact media", "contact presse"), r"^contact (?:média|media|presse)\b"),
)
DISCLAIMER_RE = re.compile("|".join(rx for _, rx in _DISCLAIMER_BRANCHES), _I)
# "Copyright © RT, 2017", "© 2016 Example Media", "All rights reserved".
_COPYRIGHT_BRANCHES = (
    (("copyright", "©", "(c)"), r"^(?:copyright\b|©\s*(?:\d{4}|copyright)|\(c\)\s*\d{4})"),
    (("all rights reserved",), r"\ball rights reserved\b"),
    (("tous droits réservés",), r"\btous droits réservés\b"),
    (("alle rechte vorbehalten",), r"\balle rechte vorbehalten\b"),
)
COPYRIGHT_RE = re.compile("|".join(rx for _, rx in _COPYRIGHT_BRANCHES), _I)
# Calls to action and site chrome: memberships, donations, social pages, newsletters.
CALL_TO_ACTION_RE = re.compile(
    r"^(?:help us grow|support (?:us|.{1,40} on (?:patreon|paypal))|donate\b|become a "
    r"(?:member|patron|subscriber)\b|subscribe\b|sign up\b|join (?:us|our)\b|follow us\b|"
    r"like us on\b|share this\b|share on\b|tweet\b|print\b|email this\b|click here\b|"
    r"comment on .{0,60} (?:facebook|twitter)|leave a (?:comment|reply)\b|"
    r"articles? (?:by|par|von)\s*:|related(?: articles| posts| stories)?\s*:|see also\s*:|"
    r"posted (?:tagged|in)\b|filed under\b|you may also like|recommended\b\s*:?$|"
    r"(?:lire|voir) aussi\s*:|mehr zum thema|lesen sie auch|leer más|leia mais)",
    _I,
)
# "Read more", "Read more »", "READ MORE: <headline>", "Continue reading".
READ_MORE_RE = re.compile(r"^(?:read more|continue reading|en savoir plus|lire la suite)\b", _I)
# Section/tag lines of a page header: "Région : ...", "Theme: ...", "In-depth Report: ...".
TAG_LINE_RE = re.compile(
    r"^(?:région|region|thème|theme|themes|thèmes|analyses|in-depth reports?|tags?|topics?|"
    r"categor(?:y|ies)|catégories?|mots[- ]clés|schlagwörter|schlagworte|themen|thema|ressort|"
    r"rubrique|rubriken|section|keywords?|etiquetas|temas|tópicos|argomenti)\s*:",
    _I,
)
# "Watch ..." video lines: a short pointer to an embedded video, not a sentence of the text.
WATCH_RE = re.compile(r"^(?:watch|video|vidéo|regardez)\b(?!.*[.!?…][”\"’]?$)", _I)
# Photo captions and credits: "© Reuters", "... © Stringer", "image description",
# "Photo Credit: ...", "Photo: AFP", "(AFP/File)" endings, "Igor Kovalenko / Sputnik".
_CAPTION_START = (
    r"^(?:image description|photo(?:graph)?\s*(?:credit)?\s*:|image\s*:|credit\s*:|"
    r"crédit(?: photo)?\s*:|foto\s*:|illustration\s*:|getty images$|screenshot\b)"
)
CAPTION_RE = re.compile(
    _CAPTION_START
    + r"|\((?:AFP|AP|Reuters|Getty(?: Images)?|EPA|Sputnik|TASS|File|[A-Z]{2,6})(?:/[^)]{1,30})?\)$",
    _I,
)
_CAPTION_START_RE = re.compile(_CAPTION_START, _I)
# "Firstname Lastname / Agency": a photo credit line (short, slash, no sentence punctuation).
CREDIT_SLASH_RE = re.compile(r"^[\w.'’ -]{3,40} / [\w.'’ -]{2,30}$")
# "Name Name (Name) on X", share counters, "24 points", "Upvote Downvote": widget leftovers.
WIDGET_RE = re.compile(r"^(?:\d+\s+(?:points?|shares?|comments?|views?)|upvote|downvote)\b", _I)
# A call-to-action or "read more" line longer than this is chrome only with a cue word (the
# site, its newsletter, its apps or social pages, the reader addressed): 7 of 8 ordinary
# sentences starting "Print ...", "Sign up ...", "Share this ..." were dropped without it.
CHROME_MAX_WORDS = 6
CHROME_LABEL_RE = re.compile(r"^[^.!?:]{0,30}[:»›|]")  # a label: its prefix then ":" or "»"
CHROME_CUE_RE = re.compile(
    r"\b(?:newsletter|facebook|twitter|instagram|telegram|whatsapp|youtube|patreon|paypal|apps?|"
    r"e-?mail|inbox|our|us|you|your|here|subscribers?|members?|site|website|page)\b|@|https?://|www\.",
    _I,
)
# A long line ending in an agency credit in parentheses is a caption: "(AFP)", "(Reuters/File)";
# any acronym there ("... approved by the Food and Drug Administration (FDA)") is not.
AGENCY_CREDIT_RE = re.compile(
    r"\((?:AFP|AP|Reuters|Getty(?: Images)?|EPA|Sputnik|TASS|File|dpa|ANP|Xinhua)(?:/[^)]{1,30})?\)$", _I
)
WATCH_MAX_WORDS = 30  # a "Watch ..." pointer line (not a sentence) is at most this long
# A short line about the site's newsletter, anywhere in it ("Dann abonnieren Sie unseren
# Newsletter!", one claim on two sites' pages before): a call to action in any language.
NEWSLETTER_RE = re.compile(r"\b(?:newsletter|abonnieren|abonnez|suscr[ií]bete|subscribe)\b", _I)
NEWSLETTER_MAX_WORDS = 10
SHORT_CREDIT_WORDS = 4  # any acronym in parentheses ends a credit this short ("Photo (RIA)")
COPYRIGHT_SIGN = "©"
MAX_CAPTION_WORDS = 12

# The publisher naming itself: "Support The Duran on Patreon", "those of The Duran.",
# "Become a Member of Global Research", "Comment on Global Research Articles".
PUBLISHER_RES = (
    re.compile(r"\bsupport (?P<name>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}) on (?:patreon|paypal)", _I),
    re.compile(
        r"\bnecessarily (?:represent|reflect) (?:those|the views) of "
        r"(?P<name>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4})"
    ),
    re.compile(r"^become a (?:member|patron) of (?P<name>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4})", _I),
)


# Cheap substring prefilter (lowercase) before the unanchored disclaimer/copyright patterns:
# a long article paragraph without any of these skips the slow searches.
DISCLAIMER_HINTS = (
    "disclaim",
    "avis de",
    "haftung",
    "aviso",
    "responsib",
    "expressed",
    "necessarily",
    "n'engagent",
    "permission",
    "copyright",
    "protégé",
    "disposition",
    " site",
    "media",
    "média",
    "presse",
    "publi",
    "rights",
    "droits",
    "rechte",
    "©",
    "(c)",
)


def _has_hint(low: str, hints: tuple[str, ...] = DISCLAIMER_HINTS) -> bool:
    # substring tests: twice as fast as one regex alternation of lowercase words
    for hint in hints:  # noqa: SIM110 (a loop: faster than any() on a generator)
        if hint in low:
            return True
    return False


def hints_in(lines: list[str]) -> tuple[str, ...]:
    """The disclaimer hints found in any of ``lines``: a line holds no other, so its rules
    need test only these (a page usually holds none or one of the 22)."""
    low = "\n".join(lines).lower()
    return tuple(hint for hint in DISCLAIMER_HINTS if hint in low)


# characters that case-insensitive matching folds onto ASCII letters ("İ", "ı", "ſ", Kelvin)
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
_DISCLAIMER_PARTS = tuple((pieces, re.compile(rx, _I)) for pieces, rx in _DISCLAIMER_BRANCHES)
_COPYRIGHT_PARTS = tuple((pieces, re.compile(rx, _I)) for pieces, rx in _COPYRIGHT_BRANCHES)


def _matches(whole: re.Pattern[str], parts: tuple, line: str, low: str) -> bool:
    """``whole.search(line) is not None``, searching only the branches whose pieces ``low``
    holds (the whole alternation tried at every position costs 12 us on a paragraph)."""
    if _FOLDS_TO_ASCII.search(line) is not None:
        return whole.search(line) is not None
    for pieces, rx in parts:
        for piece in pieces:
            if piece in low:
                if rx.search(line) is not None:
                    return True
                break
    return False


@lru_cache(maxsize=4096)
def boilerplate_reason(line: str, hints: tuple[str, ...] = DISCLAIMER_HINTS) -> str | None:
    """Why ``line`` is not article text, or None when it may be (cached: the lines of the
    footer zone are read twice, by ``assemble.footer_start`` and by ``assemble``). ``hints``:
    the disclaimer hints the line may hold (``hints_in`` its page), by default all."""
    low = line.lower()
    if _has_hint(low, hints):
        if _matches(DISCLAIMER_RE, _DISCLAIMER_PARTS, line, low):
            return "disclaimer"
        if _matches(COPYRIGHT_RE, _COPYRIGHT_PARTS, line, low):
            return "copyright"
    # anchored rules (cheap: each fails at the first character of most lines)
    if READ_MORE_RE.match(line) and _is_chrome(line):
        return "read_more"
    if CALL_TO_ACTION_RE.match(line) and _is_chrome(line):
        return "call_to_action"
    if NEWSLETTER_RE.search(line) and len(line.split()) <= NEWSLETTER_MAX_WORDS:
        return "call_to_action"
    if TAG_LINE_RE.match(line):
        return "tag_line"
    if WIDGET_RE.match(line):
        return "widget"
    if WATCH_RE.match(line) and len(line.split()) <= WATCH_MAX_WORDS:
        return "video"
    # a caption holds a copyright sign, a credit in parentheses at its end, a slash between
    # names or a caption word at its start: only then are its words counted
    paren = line.rstrip().endswith(")")
    if not (COPYRIGHT_SIGN in line or paren or " / " in line or _CAPTION_START_RE.match(line)):
        return None
    words = len(line.split(None, MAX_CAPTION_WORDS + 13))  # exact up to 25 words
    if words <= MAX_CAPTION_WORDS and (
        COPYRIGHT_SIGN in line
        or _CAPTION_START_RE.match(line)
        or AGENCY_CREDIT_RE.search(line)
        or (words <= SHORT_CREDIT_WORDS and CAPTION_RE.search(line))  # "Moscow (RIA)"
        or CREDIT_SLASH_RE.match(line)
    ):
        return "caption"
    if words <= 25 and paren and AGENCY_CREDIT_RE.search(line):
        return "caption"
    return None


def _is_chrome(line: str) -> bool:
    """A line starting like a call to action ("Print", "Sign up", "Share this", "Read more")
    is site chrome only when it is short or addresses the reader about the site; "Print
    journalists were barred from the briefing on Friday, officials said." is article text."""
    return (
        len(line.split()) <= CHROME_MAX_WORDS
        or CHROME_LABEL_RE.match(line) is not None  # "READ MORE: <another article's headline>"
        or CHROME_CUE_RE.search(line) is not None
    )


def is_footer_start(line: str, hints: tuple[str, ...] = DISCLAIMER_HINTS) -> bool:
    """A line after which a page holds only footer (disclaimer, copyright, author box)."""
    reason = boilerplate_reason(line, hints)
    return reason in ("disclaimer", "copyright") or (
        reason == "call_to_action" and bool(re.match(r"^(?:articles? (?:by|par)|help us)", line, _I))
    )


def publisher_in_footer(line: str) -> str | None:
    """The publisher's own name when a disclaimer/call-to-action line states it."""
    for pattern in PUBLISHER_RES:
        m = pattern.search(line)
        if m:
            return m.group("name").rstrip(".")
    return None
