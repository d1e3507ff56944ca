"""Shared by the security tests: a small article with a claim and an official response."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.factories import auth

URL = "https://tribune.example/water"
ARTICLE = (
    "## Water Authority Denies Reservoir Cover-Up\n\nHarbor Tribune, 7 March 2024\n\n"
    "An engineer had claimed that tests found lead levels three times above the federal limit "
    "in the Eastside reservoir last autumn.\n\n"
    "Water Authority spokeswoman Maria Keller denied the engineer's allegations on Wednesday, "
    "saying: “Every sample taken in October was below the federal action level.”\n\n"
    "The council's oversight committee said it would review the sampling records next week.\n"
)
HIGHLIGHT = "tests found lead levels three times above the federal limit in the Eastside reservoir"
HOSTILE_URLS = (
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
)


def ingest_article(client: TestClient, key: str) -> int:
    """Ingest ``ARTICLE`` at ``URL``; the id of the claim ``HIGHLIGHT`` matches."""
    r = client.post("/v1/documents", json={"text": ARTICLE, "url": URL}, headers=auth(key))
    assert r.status_code in (200, 201), r.text
    matches = client.post("/v1/match", json={"text": HIGHLIGHT}, headers=auth(key)).json()["matches"]
    assert matches
    return int(matches[0]["claim"]["id"])


class Links(HTMLParser):
    """Every href/src of a page, and whether it holds a <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.urls.extend(v or "" for k, v in attrs if k in ("href", "src", "action", "formaction"))


def links_of(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def server_client(db_url: str, **overrides: object) -> TestClient:
    """A TestClient that answers server errors as the server would (500 JSON) instead of raising
    them in the test, so a test sees exactly what a caller sees."""
    from api.app import create_app
    from tests.factories import make_settings

    overrides.setdefault("rate_limit_per_minute", 0)
    return TestClient(create_app(make_settings(db_url, **overrides)), raise_server_exceptions=False)


def post_raw(client: TestClient, path: str, body: str, key: str | None = None) -> object:
    """POST a JSON body written by hand (``\\ud800`` escapes and all: ``json=`` cannot carry them)."""
    headers = {"Content-Type": "application/json", **(auth(key) if key else {})}
    return client.post(path, content=body.encode("ascii"), headers=headers)
