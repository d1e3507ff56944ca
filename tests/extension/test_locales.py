"""_locales: English and German hold the same messages with the same placeholders, every
message the extension asks for exists, and no user-facing English is left in the card."""

from __future__ import annotations

import json
import re
from pathlib import Path

EXTENSION_DIR = Path(__file__).resolve().parents[2] / "extension"
LOCALES = EXTENSION_DIR / "_locales"


def _messages(lang: str) -> dict[str, dict[str, object]]:
    return dict(json.loads((LOCALES / lang / "messages.json").read_text(encoding="utf-8")))


def _placeholders(text: object) -> set[str]:
    return {p.lower() for p in re.findall(r"\$(\w+)\$", str(text))}


def test_english_and_german_match() -> None:
    en, de = _messages("en"), _messages("de")
    assert set(en) == set(de)
    for key, entry in en.items():
        assert _placeholders(entry["message"]) == _placeholders(de[key]["message"]), key
        assert entry.get("placeholders") == de[key].get("placeholders"), key
        assert str(de[key]["message"]).strip(), key


def test_every_message_used_exists() -> None:
    en = _messages("en")
    manifest = json.loads((EXTENSION_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["default_locale"] == "en"
    used = set(re.findall(r"__MSG_(\w+)__", json.dumps(manifest)))
    sources = [p.read_text(encoding="utf-8") for p in EXTENSION_DIR.rglob("*.js")]
    for source in sources:
        used |= set(re.findall(r"\bt\(\s*\"(\w+)\"", source))
        used |= set(re.findall(r"CS\.t\(\s*\"(\w+)\"", source))
        used |= {
            f"relation_{r}" for r in ("original", "verbatim", "edited", "excerpt", "translation", "cited")
        }
        used |= {f"stance_{s}" for s in ("denies", "confirms", "disputes", "comments")}
    for html in EXTENSION_DIR.rglob("*.html"):
        used |= set(re.findall(r'data-i18n="(\w+)"', html.read_text(encoding="utf-8")))
    assert "optionsServer" in used
    assert used - set(en) == set()


def test_card_has_no_hard_coded_english() -> None:
    """Strings shown in the card go through t(): no English sentence literal in card.js."""
    card = (EXTENSION_DIR / "content" / "card.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", card, flags=re.S)
    literals = re.findall(r"\"([A-Z][a-z]+(?: [a-z]+){2,}[^\"]*)\"", code)
    assert literals == []
