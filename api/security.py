"""Security headers on every response (plain ASGI middleware).

Every answer carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
``Referrer-Policy: no-referrer`` and a strict ``Content-Security-Policy`` (:data:`PAGE_CSP`):
only this origin's scripts and styles, no inline script, no framing. The pages (api/templates)
need nothing more: plain HTML and /static/site.css.

The interactive API documentation (``/docs``, ``/redoc``) is FastAPI's page: an inline script
that starts Swagger UI, and its assets from wherever the page names them (a CDN, or this
server). Its policy is computed from the page itself (:func:`docs_csp`): the SHA-256 of each
inline script, and the origins its ``<script src>``/``<link href>`` name. No ``unsafe-inline``
script and nothing the page does not itself load; it keeps working if the assets move to
``/static``.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
STATIC_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
# The documentation page is buffered to hash its inline scripts; a bigger one is not ours.
MAX_DOCS_PAGE_BYTES = 1_000_000
# Fonts a Google Fonts stylesheet loads come from this other origin.
FONT_ORIGINS = {"https://fonts.googleapis.com": "https://fonts.gstatic.com"}


class _PageAssets(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.inline_scripts: list[str] = []
        self.script_origins: set[str] = set()
        self.style_origins: set[str] = set()
        self.img_origins: set[str] = set()
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script":
            if a.get("src"):
                self.script_origins.add(_origin(a["src"]))
            else:
                self._script = []
        elif tag == "link" and a.get("href"):
            rel = a.get("rel", "").lower()
            if "stylesheet" in rel:
                self.style_origins.add(_origin(a["href"]))
            elif "icon" in rel:
                self.img_origins.add(_origin(a["href"]))
        elif tag == "img" and a.get("src"):
            self.img_origins.add(_origin(a["src"]))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return "'self'"


def docs_csp(html: str) -> str:
    """The policy for FastAPI's documentation page ``html``: its inline scripts by hash, its
    assets by origin; still no framing, no plugins, no foreign connections."""
    page = _PageAssets()
    page.feed(html)
    page.close()
    hashes = sorted(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in page.inline_scripts
    )
    scripts = sorted(page.script_origins - {"'self'"})
    styles = sorted(page.style_origins - {"'self'"})
    images = sorted(page.img_origins - {"'self'"})
    fonts = sorted(FONT_ORIGINS[s] for s in styles if s in FONT_ORIGINS)
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *scripts, *hashes]),
            # Swagger UI and ReDoc set style attributes at run time; styles cannot run code.
            " ".join(["style-src 'self' 'unsafe-inline'", *styles]),
            " ".join(["img-src 'self' data:", *images]),
            " ".join(["font-src 'self' data:", *fonts]),
            "worker-src 'self' blob:",  # ReDoc parses the schema in a worker
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ]
    )


def header_dict() -> dict[str, str]:
    """The headers as a dict, for the answers made outside this middleware (the 500 answer of
    Starlette's outermost ServerErrorMiddleware)."""
    return {"Content-Security-Policy": PAGE_CSP, **{k.decode(): v.decode() for k, v in STATIC_HEADERS}}


def _with_headers(headers: list[tuple[bytes, bytes]], csp: str) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    out = list(headers)
    for name, value in ((b"content-security-policy", csp.encode("ascii")), *STATIC_HEADERS):
        if name not in present:
            out.append((name, value))
    return out


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP response (see the module docstring)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") in DOCS_PATHS:
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _with_headers(message.get("headers", []), PAGE_CSP)}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Buffer the documentation page (small, ours) to put its own policy on it."""
        start: dict[str, Any] | None = None
        body: list[bytes] = []
        size = 0

        async def buffer(message: dict[str, Any]) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            size += len(body[-1])
            if size > MAX_DOCS_PAGE_BYTES:
                raise RuntimeError("documentation page over MAX_DOCS_PAGE_BYTES")
            if message.get("more_body"):
                return
            content = b"".join(body)
            csp = docs_csp(content.decode("utf-8", "replace")) if content else PAGE_CSP
            await send({**start, "headers": _with_headers(start.get("headers", []), csp)})
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, buffer)
