"""Markdown-ish text to plain lines: link syntax, emphasis, escapes and heading markers.

Pages saved from the web as "Markdown-ish" text keep link syntax with dead targets
(``[Mint Press](#)``), emphasis markers and backslash escapes (``\\$2.3 million``). The
article text must read as the page did, so the markup goes and only its words stay.
"""

from __future__ import annotations

import re

# ![alt](src): an image leaves no text behind.
IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# [text](target) and [text][ref]: keep the text. Nested brackets inside text are allowed once
# ("[United Kingdom and United States to so-called “moderate rebel” groups](#)").
LINK_RE = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\](?:\([^)]*\)|\[[^\]]*\])")
# <https://example.org> autolinks.
AUTOLINK_RE = re.compile(r"<(https?://[^>\s]+|mailto:[^>\s]+)>")
# **strong** / __strong__ and *em*: markers only (underscore em is left alone: snake_case).
STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
EM_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
# `code`
CODE_RE = re.compile(r"`([^`]*)`")
# Backslash escapes of Markdown punctuation: "\$", "\*", "\[".
ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|<>~])")
# "## Title" ATX headings (optionally closed "## Title ##").
HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# ---, ***, ___ horizontal rules and setext underlines.
RULE_RE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")
# "> quoted" block quote markers and "- " / "* " / "1. " list bullets.
BLOCKQUOTE_RE = re.compile(r"^\s{0,3}>\s?")
BULLET_RE = re.compile(r"^\s{0,3}(?:[-*+•]|\d{1,3}[.)])\s+(?=\S)")


def strip_inline(line: str) -> str:
    """Remove inline Markdown from one line, keeping the visible words."""
    if "[" in line or "<" in line:
        line = IMAGE_RE.sub("", line)
        line = LINK_RE.sub(r"\1", line)
        line = AUTOLINK_RE.sub(r"\1", line)
    if "*" in line or "_" in line:
        line = STRONG_RE.sub(r"\2", line)
        line = EM_RE.sub(r"\1", line)
    if "`" in line:
        line = CODE_RE.sub(r"\1", line)
    if "\\" in line:
        line = ESCAPE_RE.sub(r"\1", line)
    return line


def heading_text(line: str) -> tuple[int, str]:
    """(level, text) of an ATX heading line; (0, line) for any other line."""
    m = HEADING_RE.match(line)
    if m is None:
        return 0, line
    return len(m.group(1)), m.group(2)


def is_rule(line: str) -> bool:
    """A horizontal rule (``---``) or setext underline: structure, no text."""
    return RULE_RE.match(line) is not None


def strip_block_markers(line: str) -> str:
    """Drop a leading block-quote marker and list bullet."""
    line = BLOCKQUOTE_RE.sub("", line)
    return BULLET_RE.sub("", line)
