"""End-to-end fixtures: real uvicorn processes (``tests/live_server.py``) over real databases.

- ``demo_db_url``: a SQLite file holding the demo corpus (one per session);
- ``ingest_key``: an ``ingest`` key in that database;
- ``live_server``: one uvicorn on ``demo_db_url`` for the session (rate limits off);
- ``start_server(db_url, **env)``: more servers, stopped at the end of the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.factories import make_key
from tests.live_server import LiveServer, load_demo

StartServer = Callable[..., LiveServer]


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'demo.sqlite'}"
    load_demo(url)
    return url


@pytest.fixture(scope="session")
def ingest_key(demo_db_url: str) -> str:
    return make_key(demo_db_url, "ingest", "e2e")


@pytest.fixture(scope="session")
def live_server(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        demo_db_url, env={"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0"}, log_dir=tmp_path_factory.mktemp("live")
    )
    with server:
        yield server


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    started: list[LiveServer] = []

    def start(db_url: str, workers: int = 1, **env: str) -> LiveServer:
        server = LiveServer(db_url, env=env, workers=workers, log_dir=tmp_path / f"server{len(started)}")
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()
