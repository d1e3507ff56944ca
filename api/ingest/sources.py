"""Read inputs (files, folders, JSON Lines records, URLs) into RawDocuments.

Nothing here parses articles; it only decides what each input is and refuses what cannot be
an article (empty, binary, not UTF-8, too large, malformed JSON), with a reason a person can act on.

JSON Lines files are streamed: one record is read at a time (memory stays flat in the file's
size), records are separated by ``\n`` only (a raw U+2028 or U+0085 inside a record is text,
as the JSON Lines format says), and the document size limit applies to each record, not to
the file. A bad record is rejected alone; the records around it go on.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer

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
# "\\ud800" in JSON decodes to a lone surrogate: a str no database or encoder accepts
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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
    if fmt == "jsonl":
        yield from read_jsonl_file(path, name=name, max_bytes=max_bytes)
        return
    size = path.stat().st_size
    if size > max_bytes:
        yield SourceItem(name, rejected=f"file is {size} bytes, over the {max_bytes} byte limit")
        return
    text, problem = decode_bytes(path.read_bytes(), html=fmt == "html")
    if problem:
        yield SourceItem(name, rejected=problem)
        return
    yield SourceItem(name, raw=RawDocument(content=text, source_format=fmt, source_name=name))


# A file is binary when more than this share of its bytes are NUL (compressed data and images run
# at ~0.4 %); below it, stray NULs (a saved page with a few after an <img>) are dropped and the
# text kept, as browsers and trafilatura do.
BINARY_NUL_SHARE = 0.001
# How far into an HTML file a <meta charset> declaration is looked for (the HTML standard: 1024).
META_CHARSET_WINDOW = 4096
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_bytes(data: bytes, *, html: bool = False) -> tuple[str, str | None]:
    """The text of a file, decoded as a browser would — byte order mark, then UTF-8, then (for
    HTML) the page's ``<meta charset>``, then ``charset-normalizer``'s detection — or the reason
    the bytes are not an article."""
    if not data.strip():
        return "", "empty file"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), None
    nuls = data.count(0)
    if nuls > BINARY_NUL_SHARE * len(data):
        return "", "binary file (contains NUL bytes)"
    if nuls:
        data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc.start
    declared = _META_CHARSET.search(data[:META_CHARSET_WINDOW]) if html else None
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace"), None
        except LookupError:
            pass  # an unknown charset name: detect instead
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return "", f"not valid UTF-8 (byte {utf8_error}) and no other text encoding fits"
    return str(best), None


def read_jsonl_file(path: Path, *, name: str, max_bytes: int) -> Iterator[SourceItem]:
    """Each record of a JSON Lines file, read one line at a time; a line over ``max_bytes`` is
    rejected (and skipped without holding it in memory)."""
    seen_record = False
    with path.open("rb") as fh:
        lineno = 0
        while True:
            line = fh.readline(max_bytes + 1)
            if not line:
                break
            lineno += 1
            if len(line) > max_bytes and not line.endswith(b"\n"):
                size = len(line) + _skip_rest_of_line(fh)
                yield SourceItem(
                    f"{name}:{lineno}", rejected=f"record is {size} bytes, over the {max_bytes} byte limit"
                )
                seen_record = True
                continue
            if lineno == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
            if not line.strip():
                continue
            seen_record = True
            yield _jsonl_item(line, name=f"{name}:{lineno}")
    if not seen_record:
        yield SourceItem(name, rejected="empty file")


def _skip_rest_of_line(fh: Any) -> int:
    skipped = 0
    while chunk := fh.readline(_SKIP_CHUNK_BYTES):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


_SKIP_CHUNK_BYTES = 1 << 20  # an over-long record is skipped a MiB at a time


def _jsonl_item(line: bytes, *, name: str) -> SourceItem:
    if b"\x00" in line:
        return SourceItem(name, rejected="binary record (contains NUL bytes)")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return SourceItem(name, rejected=f"not valid UTF-8 (byte {exc.start} of the record)")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return SourceItem(name, rejected=f"malformed JSON: {exc.msg}")
    try:
        return SourceItem(name, raw=record_to_raw(record, source_name=name))
    except ValueError as exc:
        return SourceItem(name, rejected=str(exc))


def read_jsonl(text: str, *, name: str) -> Iterator[SourceItem]:
    """Each record of JSON Lines text already in memory (split on ``\n`` only)."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield _jsonl_item(line.encode("utf-8", errors="surrogatepass"), name=f"{name}:{lineno}")


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
        if isinstance(record.get(key), str) and _LONE_SURROGATE.search(record[key]):
            raise ValueError(f"field {key!r} holds a lone surrogate escape (\\ud800-\\udfff), not text")
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
