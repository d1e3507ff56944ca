"""Article language from the text itself (stopword votes; script for non-Latin languages).

A page's declared language describes its chrome: an English article on a French site is
still English. Counting the commonest function words of each language over the first few
thousand characters is fast (microseconds) and reliable for article-length text.
"""

from __future__ import annotations

import re
from collections import Counter

STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in that is was for with on are as by it from this have has not but "
        "be they which were at their said would an or",
        "fr": "le la les des et est une dans que qui pour pas sur par au aux du sont avec ce "
        "cette il elle ont été mais nous vous leur",
        "de": "der die das und ist nicht ein eine mit von den dem zu auf für sich des auch "
        "wird werden hat sind im wie bei aus",
        "es": "el los las y del que en por con una para se es al como más pero sus su fue "
        "son está este esta ha lo",
        "it": "il lo gli della che di e è per con una sono non del nel alla come più anche "
        "questo ha degli delle",
        "pt": "o os as e do da dos das que em um uma para com não por se na no mais como foi "
        "são ao pelo pela",
        "nl": "de het een en van is dat op te in niet met zijn voor die er aan ook als bij door wordt werd",
    }.items()
}
# Scripts that identify a language (or family) on their own.
SCRIPTS = (
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
)
WORD_RE = re.compile(r"[^\W\d_]+")
# Any letter of the scripts above (a cheap first test before the per-script counts).
NON_LATIN_RE = re.compile(r"[\u0370-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
SAMPLE_CHARS = 2000
# word -> languages it votes for (one dict lookup per word)
_VOTES: dict[str, tuple[str, ...]] = {}
for _lang, _words in STOPWORDS.items():
    for _w in _words:
        _VOTES[_w] = (*_VOTES.get(_w, ()), _lang)
MIN_VOTES = 3
# every ASCII character that is not a letter, to a space
_ASCII_NON_LETTERS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalpha()})


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot tell."""
    sample = text[:SAMPLE_CHARS]
    if not sample.isascii() and len(NON_LATIN_RE.findall(sample)) > len(sample) * 0.2:
        for code, pattern in SCRIPTS:
            if len(pattern.findall(sample)) > len(sample) * 0.1:
                return code
    low = sample.lower()
    # ASCII text: the letter runs of WORD_RE are what is left between the other characters
    words = low.translate(_ASCII_NON_LETTERS).split() if low.isascii() else WORD_RE.findall(low)
    votes = dict.fromkeys(STOPWORDS, 0)
    counts = Counter(words)
    for word in counts.keys() & _VOTES.keys():  # the stopwords present (a C set intersection)
        n = counts[word]
        for lang in _VOTES[word]:
            votes[lang] += n
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] >= MIN_VOTES else None
