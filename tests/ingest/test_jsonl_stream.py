"""JSON Lines files are streamed record by record: limits per record, ``\\n`` the only separator,
one bad record rejected alone."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.ingest.sources import read_path

LIMIT = 10_000  # a small per-document limit, so the tests can cross it cheaply


def _items(path: Path, max_bytes: int = LIMIT) -> list[tuple[str, str | None]]:
    return [(i.name, i.rejected) for i in read_path(path, max_bytes=max_bytes)]


def test_the_document_limit_applies_per_record_not_per_file(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    record = json.dumps({"text": "A sentence of an article that is well under the limit. " * 20})
    path.write_text("\n".join([record] * 50) + "\n")
    assert path.stat().st_size > LIMIT  # the file is over the limit, each record under it
    items = _items(path)
    assert len(items) == 50 and all(rejected is None for _, rejected in items)


def test_an_over_long_record_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "one-big.jsonl"
    small = json.dumps({"text": "A short article."})
    big = json.dumps({"text": "x" * (3 * LIMIT)})
    path.write_text(f"{small}\n{big}\n{small}\n")
    items = _items(path)
    assert [n for n, _ in items] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert items[0][1] is None and items[2][1] is None
    assert items[1][1] is not None and "over the 10000 byte limit" in items[1][1]


def test_unicode_line_separators_inside_a_record_do_not_split_it(tmp_path: Path) -> None:
    path = tmp_path / "seps.jsonl"
    text = "First line\u2028second part\u0085third\u2029fourth\x1cfifth."
    path.write_text(json.dumps({"text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    [item] = list(read_path(path, max_bytes=LIMIT))
    assert item.rejected is None and item.raw is not None and item.raw.content == text


def test_bad_records_are_rejected_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"text": "A good record."}).encode()
    lines = [good, b'{"text": "\\ud800 lone surrogate"}', b"\xff\xfe not utf-8", b"{not json", good]
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = _items(path)
    assert [r is None for _, r in items] == [True, False, False, False, True]
    assert "surrogate" in (items[1][1] or "") and "UTF-8" in (items[2][1] or "")


def test_an_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n  \n")
    assert _items(path) == [(str(path), "empty file")]


def test_reading_a_large_file_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "large.jsonl"
    record = json.dumps({"text": "A sentence of real-looking article text, repeated. " * 40}) + "\n"
    with path.open("w") as fh:
        for _ in range(20_000):  # ~40 MB
            fh.write(record)
    tracemalloc.start()
    count = 0
    for item in read_path(path, max_bytes=LIMIT):
        count += item.raw is not None
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 20_000
    assert peak < 2_000_000, f"peak {peak} bytes while streaming a {path.stat().st_size} byte file"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40).filter(lambda t: t.strip()), min_size=1, max_size=8))
def test_every_record_comes_back_in_order_with_its_line_number(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    path = tmp_path_factory.mktemp("prop") / "p.jsonl"
    path.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8"
    )
    items = list(read_path(path, max_bytes=LIMIT))
    ok = [i for i in items if i.raw is not None]
    assert [i.name for i in items] == [f"{path}:{n}" for n in range(1, len(texts) + 1)]
    surrogate_free = [t for t in texts if not any("\ud800" <= c <= "\udfff" for c in t)]
    assert [i.raw.content for i in ok if i.raw] == surrogate_free
