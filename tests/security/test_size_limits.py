"""Memory: request bodies are counted as received (a chunked 200 MB body is refused early, the
server's peak RSS stays under twice its idle size), and a fetched page's decompression stops at
the size cap (a ``Content-Encoding: gzip, gzip`` bomb never inflates in memory)."""

from __future__ import annotations

import gzip
import http.server
import select
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from api.errors import FetchFailed
from api.ingest import fetch
from tests.live_server import LiveServer
from tests.security.helpers import server_client

MB = 1 << 20


def _chunks(total: int, size: int = MB) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"a" * size
        sent += size


def test_chunked_body_over_the_limit_is_413_in_process(sqlite_url: str) -> None:
    with server_client(sqlite_url, max_request_bytes=2 * MB) as client:
        over = client.post(
            "/v1/check", content=_chunks(20 * MB), headers={"Content-Type": "application/json"}
        )
        assert over.status_code == 413, over.text
        assert over.json()["error"]["code"] == "too_large" and over.json()["error"]["status"] == 413
        form = client.post(
            "/check",
            content=_chunks(20 * MB),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 413 and form.json()["error"]["code"] == "too_large"
        small = b'{"text": "The Americans are on our side."}'
        under = client.post(
            "/v1/check", content=iter([small[:10], small[10:]]), headers={"Content-Type": "application/json"}
        )
        assert under.status_code == 200, under.text


def _status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def _send_chunked(port: int, path: str, total: int) -> tuple[int, bytes]:
    """POST ``total`` bytes chunked, stopping as soon as the server answers; (sent, answer)."""
    frame_body = b"a" * MB
    frame = b"%x\r\n" % len(frame_body) + frame_body + b"\r\n"
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        try:
            while sent < total:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered: stop sending
                sock.sendall(frame)
                sent += len(frame_body)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                part = sock.recv(65536)
                if not part:
                    break
                answer += part
                if b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}"):
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection after its 413
    return sent, answer


@pytest.mark.slow
def test_chunked_200mb_body_refused_early_by_real_uvicorn(sqlite_url: str) -> None:
    with server_client(sqlite_url):
        pass  # migrate the database before the server starts
    env = {"CLAIMSCOPE_RATE_LIMIT_PER_MINUTE": "0", "CLAIMSCOPE_MAX_REQUEST_BYTES": str(10 * MB)}
    with LiveServer(sqlite_url, env=env) as server:
        assert server.process is not None
        pid = server.process.pid
        import httpx

        for _ in range(3):  # warm up: the first requests load what requests need
            httpx.post(server.url + "/v1/check", json={"text": "The Americans are on our side."})
        idle_kib = _status_kib(pid, "VmRSS")
        sent, answer = _send_chunked(server.port, "/v1/check", 200 * MB)
        peak_kib = _status_kib(pid, "VmHWM")
        assert httpx.get(server.url + "/healthz").status_code == 200  # still serving
    assert sent < 100 * MB, f"the server let {sent // MB} MB in"
    if answer:  # the answer can be lost to the reset of a connection closed mid-body
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b'"too_large"' in answer
    assert peak_kib < 2 * idle_kib, f"peak RSS {peak_kib} KiB, idle {idle_kib} KiB"


# --- fetching: decompression capped ------------------------------------------------------------


def _gzip_of_zeros(total: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * MB
    out = [comp.compress(block) for _ in range(total // MB)]
    out.append(comp.flush())
    return b"".join(out)


PAGE = b"<html><body><article><p>" + b"A real page with words in it. " * 200 + b"</p></article></body></html>"
BOMB_INNER = _gzip_of_zeros(200 * MB)  # ~200 KB
BODIES: dict[str, tuple[bytes, str]] = {
    "/bomb": (gzip.compress(BOMB_INNER), "gzip, gzip"),  # a few KB on the wire, 200 MB inflated
    "/single": (BOMB_INNER, "gzip"),
    "/page": (gzip.compress(PAGE), "gzip"),
    "/plain": (PAGE, ""),
    "/deflate": (zlib.compress(PAGE), "deflate"),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body, coding = BODIES[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if coding:
            self.send_header("Content-Encoding", coding)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _fetch(url: str, max_bytes: int) -> tuple[str, str, str]:
    return fetch.fetch(url, timeout_s=10, max_bytes=max_bytes, max_redirects=0, allow_private=True)


@pytest.mark.parametrize("path", ["/bomb", "/single"])
def test_decompression_stops_at_the_cap(page_server: str, path: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(FetchFailed, match="larger than the"):
            _fetch(page_server + path, max_bytes=1 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MB, f"{peak // MB} MB allocated while fetching a 1 MB-capped page"


@pytest.mark.parametrize("path", ["/page", "/plain", "/deflate"])
def test_compressed_pages_still_fetch(page_server: str, path: str) -> None:
    final, ctype, text = _fetch(page_server + path, max_bytes=1 * MB)
    assert final.endswith(path) and "html" in ctype
    assert text == PAGE.decode()


def test_page_just_over_the_cap_refused(page_server: str) -> None:
    with pytest.raises(FetchFailed, match="larger than the"):
        _fetch(page_server + "/page", max_bytes=len(PAGE) - 1)
    assert _fetch(page_server + "/page", max_bytes=len(PAGE))[2] == PAGE.decode()
