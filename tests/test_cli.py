"""The claimscope command, through typer's CliRunner on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


# --- issue 18: text printed as text, readable help, check, ingest options, errors -------------

BRACKETS = (
    "## Envoy Meets Opposition\n\nHarbor Tribune, 7 March 2024\n\n"
    "The envoy said the government had talked with the opposition [in Syria], but not directly, "
    "and that further talks would follow in April.\n"
)
BRACKETS_COPY = (
    "## Envoy Talks\n\nDaily Relay, 9 March 2024\n\n"
    "The envoy said the government had talked with the opposition [in Syria], but not directly, "
    "and that further talks would follow in April.\n"
)


def test_match_prints_brackets_and_relation_labels(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(BRACKETS, encoding="utf-8")
    (tmp_path / "b.md").write_text(BRACKETS_COPY, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(tmp_path)]).exit_code == 0
    shown = runner.invoke(app, ["match", "talked with the opposition [in Syria], but not directly"])
    assert shown.exit_code == 0, shown.output
    assert "the opposition [in Syria], but not directly" in shown.output
    assert "[original]" in shown.output and "[verbatim]" in shown.output
    claim_id = shown.output.split()[1]
    detail = runner.invoke(app, ["claim", claim_id])
    assert "[in Syria]" in detail.output and "[verbatim]" in detail.output


def test_emoji_codes_and_markup_in_names_are_printed_as_written(runner: CliRunner, tmp_path: Path) -> None:
    meter = tmp_path / "meter.jsonl"
    good = '{"text": "The water meter readings for March were published on the city website today."}'
    meter.write_text("\n".join([good] * 99 + ["{broken"]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(meter)])
    assert f"{meter}:100: malformed JSON" in result.output
    assert "💯" not in result.output


def test_quotes_are_cut_with_an_ellipsis() -> None:
    import io

    from api.render import QUOTE_CHARS, console, print_provenance

    buf = io.StringIO()
    quote = "We deny every part of this report [sic] and :100: percent of its claims. " * 5
    prov = {
        "first_publication": None,
        "official_responses": [{"stance": "denies", "speaker": "A. Spokesperson", "quote": quote}],
    }
    print_provenance(console(file=buf), prov)
    line = buf.getvalue().strip()
    shown = line.split("“", 1)[1].rstrip("”")
    assert len(shown) == QUOTE_CHARS and shown.endswith("…")
    assert "[sic]" in shown and ":100:" in shown


def test_version_and_readable_help(runner: CliRunner) -> None:
    from api import __version__

    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"claimscope {__version__}"
    for command in ([], ["ingest"], ["import-claimreview"], ["export"], ["keys", "create"], ["check"]):
        shown = runner.invoke(app, [*command, "--help"])
        assert shown.exit_code == 0, shown.output
        for raw in ("<list[", "<bool>", "<str>", "<Path>", "<int>"):
            assert raw not in shown.output, (command, raw)


def test_ingest_metadata_options_verbose_and_quiet(runner: CliRunner, tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text(
        "The Ostby island ferry resumes its winter timetable on Monday after a three-week strike.",
        encoding="utf-8",
    )
    quiet = runner.invoke(
        app,
        ["ingest", "-q", "--outlet", "Island Post", "--published-at", "2024-04-02", "--url",
         "https://island-post.example/ferry", str(plain)],
    )  # fmt: skip
    assert quiet.exit_code == 0 and quiet.output == "", quiet.output
    answer = json.loads(runner.invoke(app, ["match", "--json", "the Ostby island ferry resumes"]).output)
    first = answer["matches"][0]["provenance"]["first_publication"]
    assert first["outlet"]["name"] == "Island Post" and first["published_at"] == "2024-04-02"
    assert first["url"] == "https://island-post.example/ferry"
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.md").write_text(GOOD, encoding="utf-8")
    (folder / "b.txt").write_text(BRACKETS, encoding="utf-8")
    summary = runner.invoke(app, ["ingest", str(folder)])
    assert "2 added, 0 updated, 0 unchanged, 0 rejected" in summary.output
    assert "a.md" not in summary.output and "documents/s" in summary.output
    verbose = runner.invoke(app, ["ingest", "--verbose", str(folder)])
    assert "a.md" in verbose.output and "unchanged" in verbose.output and "2 unchanged" in verbose.output
    both = runner.invoke(app, ["ingest", "--url", "https://x.example/", str(folder)])
    assert both.exit_code == 2 and "exactly one file" in both.output


def test_check_gives_the_report_of_the_api(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    from tests.factories import client_for

    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    runner.invoke(app, ["ingest", str(tmp_path / "a.md")])
    post = tmp_path / "post.txt"
    post.write_text(
        "Big news today. The Marlow bridge was closed on Tuesday after inspectors found cracks in two "
        "support beams.\n\nMy cousin says the whole bridge will be painted green next summer as well.",
        encoding="utf-8",
    )
    cli_report = runner.invoke(app, ["check", "--json", str(post)])
    assert cli_report.exit_code == 0, cli_report.output
    with client_for(sqlite_url) as client:
        api_report = client.post("/v1/check", json={"text": post.read_text(encoding="utf-8")}).json()
    assert json.loads(cli_report.output) == json.loads(
        json.dumps(api_report).replace("http://testserver", "")
    )
    assert api_report["claims"]
    human = runner.invoke(app, ["check", str(post)])
    assert human.exit_code == 0 and "claim " in human.output and "not in the index" in human.output
    missing = runner.invoke(app, ["check", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 1 and "cannot read" in missing.output


def test_export_out_says_what_it_wrote(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    runner.invoke(app, ["ingest", str(tmp_path / "a.md")])
    target = tmp_path / "claims.jsonl"
    done = runner.invoke(app, ["export", "--format", "jsonl", "--out", str(target)])
    rows = target.read_text(encoding="utf-8").splitlines()
    assert (
        done.exit_code == 0
        and f"wrote {len(rows)} claims (jsonl" in done.output
        and str(target) in done.output
    )


CLAIMSCOPE = [sys.executable, "-m", "api.cli"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["claim", "99999999999999999999"], {}, "no claim 99999999999999999999"),
        (["keys", "revoke", "99999999999999999999"], {}, "no key 99999999999999999999"),
        (["match", "x y z"], {"CLAIMSCOPE_MATCH_THRESHOLD": "high"}, "CLAIMSCOPE_MATCH_THRESHOLD"),
        (["claim", "abc"], {}, "Invalid value for 'ID'"),
        (["ingest", "--nope", "x"], {}, "No such option"),
        (["claim", "1"], {"CLAIMSCOPE_DATABASE_URL": "nosuchdb://x"}, "cannot open the database"),
    ],
)
def test_errors_are_one_line_on_stderr(
    sqlite_url: str, args: list[str], env: dict[str, str], message: str
) -> None:
    run_env = {**os.environ, "CLAIMSCOPE_DATABASE_URL": sqlite_url, **env}
    done = subprocess.run([*CLAIMSCOPE, *args], capture_output=True, text=True, env=run_env, timeout=60)
    assert done.returncode != 0
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], done.stderr


def test_commands_import_nothing_heavy_at_start() -> None:
    # Start-up speed itself is measured in bench/cli_startup.py (RESULTS), not timed here: what
    # keeps it fast is that no heavy package is imported before a command runs.
    heavy = ("sqlalchemy", "sqlmodel", "api.pipeline", "numpy", "onnxruntime", "rapidfuzz")
    code = f"import sys, api.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_progress_lines_when_stderr_is_not_a_terminal(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log file or CI job sees a long ingest move: plain progress lines, then the summary."""
    monkeypatch.setattr("api.cli.ingest.PROGRESS_LOG_EVERY_S", 0.0)
    records = tmp_path / "many.jsonl"
    records.write_text(
        "".join(
            json.dumps({"text": f"Harbour crane number {i} was inspected on {i} March by the port staff."})
            + "\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(records)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("ingesting: ")]
    assert len(lines) >= 20  # one per stored document with the interval at 0
    assert "passages stored" in lines[-1] and "passages/s" in lines[-1]
    assert "30 added" in result.output.splitlines()[-1]


def test_index_status_and_snapshot(runner: CliRunner, tmp_path: Path) -> None:
    """The operator's view of the shared index: none yet, then one written on demand and
    opened by the next command instead of a rebuild."""
    src = tmp_path / "bridge.md"
    src.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(src)]).exit_code == 0
    result = runner.invoke(app, ["index", "status"])
    assert result.exit_code == 0 and "no usable snapshot" in result.output
    result = runner.invoke(app, ["index", "snapshot"])
    assert result.exit_code == 0 and result.output.startswith("wrote snap-")
    status = json.loads(runner.invoke(app, ["index", "status", "--json"]).output)
    assert status["passages"] >= 2 and status["events_since"] == 0
    assert status["directory"].endswith("claimscope.sqlite.index")
