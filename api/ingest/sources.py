"""Read inputs (files, folders, JSON Lines records, URLs) into RawDocuments.

Nothing here parses articles; it only decides what each input is and refuses what cannot be
an article (empty, binary, not UTF-8, too large, malformed JSON), with a reason a person can act on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.text.types import RawDocument

FORMAT_BY_SUFFIX = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
JSONL_FIELDS = ("text", "html", "url", "title", "outlet", "published_at", "language")


@dataclass(slots=True)
class SourceItem:
    """One thing to ingest, or the reason it cannot be."""

    name: str
    raw: RawDocument | None = None
    rejected: str | None = None


def iter_paths(paths: list[str | Path]) -> Iterator[Path]:
    """Files named, and the supported files inside folders named (sorted, recursive)."""
    for p in map(Path, paths):
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in FORMAT_BY_SUFFIX:
                    yield child
        else:
            yield p


def read_path(path: Path, *, max_bytes: int) -> Iterator[SourceItem]:
    name = str(path)
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if not path.exists():
        yield SourceItem(name, rejected="no such file or folder")
        return
    if fmt is None:
        yield SourceItem(
            name,
            rejected=f"unsupported file type {path.suffix or '(none)'!r}; "
            f"supported: {', '.join(sorted(FORMAT_BY_SUFFIX))}",
        )
        return
    size = path.stat().st_size
    if size > max_bytes:
        yield SourceItem(name, rejected=f"file is {size} bytes, over the {max_bytes} byte limit")
        return
    text, problem = decode_bytes(path.read_bytes())
    if problem:
        yield SourceItem(name, rejected=problem)
        return
    if fmt == "jsonl":
        yield from read_jsonl(text, name=name)
    else:
        yield SourceItem(name, raw=RawDocument(content=text, source_format=fmt, source_name=name))


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """UTF-8 text, or the reason the bytes are not an article."""
    if not data.strip():
        return "", "empty file"
    if b"\x00" in data[:8192]:
        return "", "binary file (contains NUL bytes)"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return "", f"not valid UTF-8 (byte {exc.start})"
    return text, None


def read_jsonl(text: str, *, name: str) -> Iterator[SourceItem]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        item_name = f"{name}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SourceItem(item_name, rejected=f"malformed JSON: {exc.msg}")
            continue
        try:
            yield SourceItem(item_name, raw=record_to_raw(record, source_name=item_name))
        except ValueError as exc:
            yield SourceItem(item_name, rejected=str(exc))


def record_to_raw(record: Any, *, source_name: str, source_format: str = "jsonl") -> RawDocument:
    """A JSON object with ``text`` or ``html`` and optional metadata -> RawDocument."""
    if not isinstance(record, dict):
        raise ValueError("each line must be a JSON object")
    unknown = sorted(set(record) - set(JSONL_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(JSONL_FIELDS)}")
    for key in JSONL_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise ValueError(f"field {key!r} must be a string")
    body, fmt = record.get("text"), "txt"
    if record.get("html"):
        body, fmt = record["html"], "html"
    if not body or not body.strip():
        raise ValueError("needs a non-empty 'text' or 'html' field")
    return RawDocument(
        content=body,
        source_format=fmt if source_format == "jsonl" else source_format,
        source_name=source_name,
        url=record.get("url"),
        title=record.get("title"),
        outlet=record.get("outlet"),
        published_at=record.get("published_at"),
        language=record.get("language"),
    )
