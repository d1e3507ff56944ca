"""A real uvicorn serving the app in a subprocess, for end-to-end tests and benchmarks.

    with LiveServer(db_url, env={"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0"}) as server:
        httpx.get(server.url + "/healthz")

The server listens on a free loopback port, logs to a file (``server.log_path``), and runs in its
own process group so ``stop()`` also ends every worker. ``load_demo(db_url)`` fills a database
with the demo corpus (``api/demo``) the way ``claimscope ingest api/demo`` does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "api" / "demo"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_demo(db_url: str, *extra: Path) -> None:
    """Migrate ``db_url`` and ingest the demo corpus (and ``extra`` paths) into it."""
    from api.pipeline.ingestor import Ingestor
    from api.settings import Settings
    from db.connection import get_engine

    Ingestor(get_engine(db_url), settings=Settings(database_url=db_url)).ingest_paths([DEMO_DIR, *extra])


class LiveServer:
    """``uvicorn api.app:create_app --factory`` on 127.0.0.1 (see module docstring)."""

    def __init__(
        self,
        database_url: str,
        *,
        env: dict[str, str] | None = None,
        workers: int = 1,
        log_dir: Path | None = None,
    ) -> None:
        self.database_url = database_url
        self.env = env or {}
        self.workers = workers
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        log_dir = Path(log_dir or tempfile.mkdtemp(prefix="claimscope-live-"))
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> LiveServer:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMSCOPE_")}
        env.update({"CLAIMSCOPE_DATABASE_URL": self.database_url, **self.env})
        for _ in range(3):  # the free port may be taken between the check and the bind
            self.port = free_port()
            cmd = [
                sys.executable,
                "-m",
                "uvicorn",
                "api.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            if self._wait_ready(timeout_s):
                return self
            self.stop()
        raise RuntimeError(f"uvicorn did not start; see {self.log_path}:\n{self.log_tail()}")

    def _wait_ready(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/healthz", timeout=1.0).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return False

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the group: uvicorn and its workers
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
