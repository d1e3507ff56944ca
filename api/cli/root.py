"""The ``claimscope`` app, its sub-apps and the helpers every command uses: settings, the
database, JSON output, row ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api import __version__
from api.cli.frame import EXIT_USAGE, fail, make_typer, out, settings_problem

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from api.matching.live import LiveIndex
    from api.settings import Settings


DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
# Row ids are 64-bit integers on both databases: a larger number names no row.
MAX_ROW_ID = 2**63 - 1


app = make_typer("ClaimScope: where did this text come from?")
keys_app = make_typer("Create, list and revoke API keys.")
app.add_typer(keys_app, name="keys")
webhooks_app = make_typer("Deliver queued webhook events.")
app.add_typer(webhooks_app, name="webhooks")
index_app = make_typer("The match index snapshot every process on this machine maps.")
app.add_typer(index_app, name="index")


def _show_version(value: bool) -> None:
    if value:
        print(f"claimscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """ClaimScope: where did this text come from?"""


def load_settings() -> Settings:
    from pydantic import ValidationError

    from api.settings import SettingsError, get_settings

    try:
        return get_settings()
    except SettingsError as exc:  # names each variable out of bounds or unreadable
        fail(str(exc), EXIT_USAGE)
    except ValidationError as exc:
        fail(settings_problem(exc), EXIT_USAGE)


def open_engine() -> Engine:
    from db.connection import get_engine

    try:
        return get_engine(load_settings().database_url)
    except typer.Exit:
        raise
    except Exception as exc:
        fail(f"cannot open the database: {exc}")


def open_index(engine: Engine) -> LiveIndex:
    """The match index of ``engine``'s database, opened from its snapshot when one is usable."""
    from api.matching.live import LiveIndex
    from api.settings import index_directory

    index = LiveIndex(engine, snapshot_dir=index_directory(load_settings()))
    index.load()
    return index


def print_json(data: Any) -> None:
    out().print_json(json.dumps(data))


def is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://")) or "://" in arg


def row_id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ROW_ID:
        fail(f"no {what} {value}")
    return value
