"""The claimscope command, through typer's CliRunner on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings

GOOD = (
    "## Bridge Closed After Inspection\n\nHarbor Tribune, 7 March 2024\n\n"
    "The Marlow bridge was closed on Tuesday after inspectors found cracks in two support beams.\n\n"
    "A city engineer said repairs would take at least six weeks and cost about two million dollars.\n"
)


@pytest.fixture
def runner(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("CLAIMSCOPE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("CLAIMSCOPE_MAX_DOCUMENT_BYTES", str(10_000_000))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_bad_files_are_reported_and_skipped(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 10)
    (folder / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me br\xfbl\xe9e est tr\xe8s bon.".encode("latin-1"))
    (folder / "huge.txt").write_bytes(b"word " * (50 * 1024 * 1024 // 5))  # a 50 MB file
    (folder / "nothing.html").write_text("<html><head><script>x()</script></head><body></body></html>")
    (folder / "records.jsonl").write_text(
        '{"text": "The ferry service to Ostby island resumes on Monday after a three-week strike.", '
        '"outlet": "Island Post", "published_at": "2024-04-02"}\n'
        "{not json}\n"
        '{"title": "no text"}\n'
        '["a list"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 1
    output = result.output
    assert "3 added" in output  # the Latin-1 file is decoded, as a browser would
    for reason in (
        "empty file",
        "binary file",
        "byte limit",
        "malformed JSON",
        "needs a non-empty 'text' or 'html'",
        "JSON object",
    ):
        assert reason in output, reason
    assert "nothing.html" in output
    again = runner.invoke(app, ["ingest", str(folder / "good.md")])
    assert again.exit_code == 0 and "1 unchanged" in again.output


def test_ingest_json_report_and_match(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--json", str(tmp_path / "a.md")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["summary"]["added"] == 1 and report["summary"]["passages"] >= 2
    hit = runner.invoke(app, ["match", "--json", "inspectors found cracks in two support beams"])
    assert hit.exit_code == 0, hit.output
    answer = json.loads(hit.output)
    assert answer["matches"][0]["claim"]["text"].startswith("The Marlow bridge was closed")
    claim_id = answer["matches"][0]["claim"]["id"]
    shown = runner.invoke(app, ["claim", str(claim_id), "--json"])
    assert json.loads(shown.output)["claim"]["id"] == claim_id
    human = runner.invoke(app, ["claim", str(claim_id)])
    assert "Harbor Tribune" in human.output
    miss = runner.invoke(app, ["match", "The quarterly earnings call is scheduled for Thursday"])
    assert miss.exit_code == 0 and "No match" in miss.output
    assert runner.invoke(app, ["claim", "424242"]).exit_code == 1
    assert runner.invoke(app, ["match", "   "]).exit_code == 2


def test_unreachable_url_and_bad_scheme(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ingest", "http://127.0.0.1:9/x", "ftp://example.org/x"])
    assert result.exit_code == 1
    assert "loopback" in result.output and "only http and https" in result.output


def test_keys_lifecycle(runner: CliRunner) -> None:
    made = runner.invoke(app, ["keys", "create", "editor", "--scope", "curate"])
    assert made.exit_code == 0
    key = made.output.strip().splitlines()[-1]
    assert key.startswith("cs_")
    listed = runner.invoke(app, ["keys", "list"])
    assert "editor" in listed.output and "active" in listed.output and key not in listed.output
    assert runner.invoke(app, ["keys", "revoke", "1"]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["keys", "list"]).output
    assert runner.invoke(app, ["keys", "create", "x", "--scope", "root"]).exit_code == 2
