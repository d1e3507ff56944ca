"""A tiny real HTTP server that speaks the ClaimScope match contract, for the extension tests.

It answers ``POST /v1/match`` from canned data (the "Americans are on our side" claim from
the seed articles, a hostile answer full of HTML for text mentioning "pwned", ``{"matches":
[]}`` for anything else), ``GET /healthz`` and ``GET /claims/{id}``, and records every
request it receives so tests can check what the extension sent and that it sent nothing
unasked. Run it by hand with ``python -m tests.extension.stub_server [port]``.

It is the fallback server: tests take their base URL from the ``claimscope_server`` fixture,
which the real uvicorn + seeds can replace.
"""

from __future__ import annotations

import copy
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _outlet(name: str, domain: str, kind: str = "news") -> dict[str, Any]:
    return {"name": name, "domain": domain, "kind": kind}


def _pub(
    outlet: dict[str, Any],
    published_at: str | None,
    *,
    relation: str,
    in_index: bool,
    document_id: int | None = None,
    url: str | None = None,
    title: str | None = None,
    attribution: str | None = None,
    evidence: list[str] | None = None,
    precision: str = "day",
    not_after: str | None = None,
) -> dict[str, Any]:
    return {
        "outlet": dict(outlet),  # a copy: hostile_answer rewrites outlets in place
        "published_at": published_at,
        "date_precision": precision if published_at else None,
        "not_after": not_after,
        "url": url,
        "title": title,
        "in_index": in_index,
        "document_id": document_id,
        "relation": relation,
        "attribution": attribution,
        "evidence": evidence or [],
    }


KSTA = _outlet("Koelner Stadt-Anzeiger", "ksta.de")
RT = _outlet("RT", "rt.com")
MINTPRESS = _outlet("MintPress News", "mintpressnews.com")
MONDIALISATION = _outlet("Mondialisation.ca", "mondialisation.ca")
GLOBAL_RESEARCH = _outlet("Global Research", "globalresearch.ca")
STATE_DEPT = _outlet("U.S. State Department", "state.gov", "government")

AMERICANS_PASSAGE = (
    "The German journalist asked if US instructors were really present among the jihadists’ "
    "ranks. Al Ezz replied: “The Americans are on our side.”"
)


def americans_answer(base_url: str) -> dict[str, Any]:
    """A fresh answer each call (callers change it in place)."""
    return _as_the_server_sends(copy.deepcopy(_americans_answer(base_url)))


def _as_the_server_sends(answer: dict[str, Any]) -> dict[str, Any]:
    """The fields every real match carries and the card does not read (the contract test
    checks the stub against the server's OpenAPI schema, so the two cannot drift)."""
    for match in answer["matches"]:
        match.setdefault("match_type", "copy")
        passage = match["passage"]
        passage.setdefault("kind", "body")
        passage.setdefault("start", 0)
        passage.setdefault("end", len(passage["text"]))
        document = match["document"]
        document.setdefault("date_precision", "day" if document.get("published_at") else None)
        document.setdefault("not_after", None)
        for response in match["provenance"]["official_responses"]:
            response.setdefault("evidence", "quoted in the article")
    return answer


def _americans_answer(base_url: str) -> dict[str, Any]:
    start = AMERICANS_PASSAGE.index("The Americans")
    end = AMERICANS_PASSAGE.index("side.") + len("side.")
    return {
        "took_ms": 3.1,
        "page": None,
        "matches": [
            {
                "score": 0.97,
                "confidence": "high",
                "components": {
                    "similarity": 0.97,
                    "coverage": 1.0,
                    "length_factor": 1.0,
                    "votes": 1.0,
                    "explains": 1.0,
                    "context": 0.5,
                },
                "is_current_page": False,
                "claim": {
                    "id": 12,
                    "text": "The Americans are on our side.",
                    "url": f"{base_url}/claims/12",
                },
                "passage": {
                    "id": 34,
                    "document_id": 5,
                    "text": AMERICANS_PASSAGE,
                    "match_start": start,
                    "match_end": end,
                    "query_start": 0,
                    "query_end": 29,
                },
                "document": {
                    "id": 5,
                    "title": "Al-Nusra commander: “The Americans are on our side”",
                    "url": None,
                    "published_at": "2016-09-30",
                    "outlet": MONDIALISATION,
                },
                "provenance": {
                    "first_publication": _pub(
                        KSTA,
                        None,
                        relation="original",
                        in_index=False,
                        evidence=["said in an interview with Koelner Stadt-Anzeiger"],
                    ),
                    "republishers": [
                        _pub(
                            GLOBAL_RESEARCH,
                            "2017-03-20",
                            relation="verbatim",
                            in_index=True,
                            document_id=7,
                            attribution="RT",
                            evidence=["The original source of this article is RT"],
                        ),
                        _pub(
                            RT,
                            "2016-09-26",
                            relation="cited",
                            in_index=False,
                            url="https://www.rt.com/news/360707-nusra-commander-us-weapons/",
                            evidence=["Global Research, March 20, 2017 — RT 26 September 2016"],
                        ),
                        _pub(
                            MINTPRESS,
                            "2016-09-29",
                            relation="edited",
                            in_index=True,
                            document_id=4,
                            attribution="RT",
                        ),
                        _pub(
                            MONDIALISATION,
                            "2016-09-30",
                            relation="translation",
                            in_index=True,
                            document_id=5,
                            attribution="Mint Press News",
                        ),
                    ],
                    "official_responses": [
                        {
                            "id": 3,
                            "speaker": "Mark Toner",
                            "role": "spokesman",
                            "organization": "U.S. State Department",
                            "stance": "denies",
                            "date": "2016-09-26",
                            "quote": ("We would never provide Nusra with any kind of assistance whatsoever."),
                            "how": "extracted",
                            "source": {
                                "document_id": 5,
                                "title": "Al-Nusra commander: “The Americans are on our side”",
                                "url": None,
                                "outlet": MONDIALISATION,
                            },
                        }
                    ],
                },
            },
            {
                "score": 0.81,
                "confidence": "suggestion",
                "components": {
                    "similarity": 0.81,
                    "coverage": 0.7,
                    "length_factor": 0.9,
                    "votes": 0.5,
                    "explains": 0.6,
                    "context": 0.0,
                },
                "is_current_page": False,
                "claim": {
                    "id": 19,
                    "text": "The US is on the side of the rebels in Aleppo.",
                    "url": f"{base_url}/claims/19",
                },
                "passage": {
                    "id": 77,
                    "document_id": 2,
                    "text": "The US is on the side of the rebels in Aleppo.",
                    "match_start": 0,
                    "match_end": 46,
                    "query_start": 0,
                    "query_end": 29,
                },
                "document": {
                    "id": 2,
                    "title": None,
                    "url": None,
                    "published_at": None,
                    "outlet": None,
                },
                "provenance": {
                    "first_publication": None,
                    "republishers": [],
                    "official_responses": [],
                },
            },
        ],
    }


HOSTILE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"


def hostile_answer(base_url: str) -> dict[str, Any]:
    """Every text field carries HTML; every URL field a javascript: URL."""
    answer = americans_answer(base_url)
    best = answer["matches"][0]
    best["claim"]["text"] = f"{HOSTILE} claim {HOSTILE_SCRIPT}"
    best["passage"]["text"] = f"before {HOSTILE} middle {HOSTILE_SCRIPT} after"
    best["passage"]["match_start"] = 7
    best["passage"]["match_end"] = 7 + len(HOSTILE)
    best["document"]["title"] = f"<b onmouseover=window.__pwned=1>{HOSTILE}</b>"
    best["document"]["url"] = "javascript:window.__pwned=1"
    prov = best["provenance"]
    prov["first_publication"]["outlet"]["name"] = f"{HOSTILE}Outlet"
    prov["first_publication"]["url"] = "javascript:window.__pwned=1"
    prov["first_publication"]["evidence"] = [HOSTILE_SCRIPT]
    for pub in prov["republishers"]:
        pub["outlet"] = {"name": HOSTILE, "domain": None, "kind": None}
        pub["url"] = "javascript:window.__pwned=1"
        pub["attribution"] = HOSTILE_SCRIPT
    response = prov["official_responses"][0]
    response["speaker"] = f"Mark Toner {HOSTILE}"
    response["quote"] = f"{HOSTILE_SCRIPT} quote"
    response["stance"] = '"><img src=x onerror=window.__pwned=1>'
    response["source"]["url"] = "javascript:window.__pwned=1"
    answer["matches"][1]["claim"]["id"] = '12"><img src=x onerror=window.__pwned=1>'
    answer["page"] = {
        "in_index": True,
        "document_id": 7,
        "title": HOSTILE,
        "outlet": {"name": HOSTILE, "domain": "x", "kind": "news"},
        "republication_of": {
            "document_id": None,
            "title": HOSTILE_SCRIPT,
            "url": "javascript:window.__pwned=1",
            "published_at": None,
            "in_index": False,
            "outlet": {"name": HOSTILE, "domain": None, "kind": "unknown"},
            "evidence": [HOSTILE_SCRIPT],
        },
    }
    return answer


ARABIC_PASSAGE = "سأل الصحفي الألماني عن المدربين. قال العز: الأمريكيون إلى جانبنا."


def arabic_answer(base_url: str) -> dict[str, Any]:
    """The same claim, found in an Arabic copy (right-to-left text in the card)."""
    answer = americans_answer(base_url)
    best = answer["matches"][0]
    start = ARABIC_PASSAGE.index("قال")
    best["passage"].update(text=ARABIC_PASSAGE, match_start=start, match_end=len(ARABIC_PASSAGE) - 1)
    best["document"].update(
        title="قائد في النصرة: الأمريكيون إلى جانبنا", outlet=_outlet("عربي", "example.org")
    )
    return answer


def page_in_index() -> dict[str, Any]:
    """The ``page`` block for a page that is itself a republication in the index, shaped as
    ``api.provenance.answer.page_json`` builds it: the page's document, and
    ``republication_of``, the first of ``document_sources`` (an indexed document here)."""
    return {
        "in_index": True,
        "document_id": 7,
        "title": "Al-Nusra commander: ‘The Americans are on our side’",
        "outlet": GLOBAL_RESEARCH,
        "republication_of": {
            "id": 3,
            "document_id": 3,
            "title": "Al-Nusra commander: ‘The Americans are on our side’",
            "url": "https://www.rt.com/news/360707-nusra-commander-us-weapons/",
            "published_at": "2016-09-26",
            "outlet": RT,
            "coverage": 0.92,
            "in_index": True,
        },
    }


LONG_SENTENCE = "Officials repeated the denial in every briefing that week"


def long_answer(base_url: str) -> dict[str, Any]:
    """The seed claim with a long provenance: many republishers and official responses (a
    card taller than any viewport, which must scroll inside itself)."""
    answer = americans_answer(base_url)
    prov = answer["matches"][0]["provenance"]
    outlets = [_outlet(f"Outlet {i}", f"outlet{i}.example") for i in range(24)]
    prov["republishers"] = [
        _pub(o, f"2016-10-{i + 1:02d}", relation="verbatim", in_index=True, document_id=100 + i)
        for i, o in enumerate(outlets)
    ] + [_pub(RT, "2016-09-26", relation="cited", in_index=False)]
    response = prov["official_responses"][0]
    prov["official_responses"] = [
        {**copy.deepcopy(response), "id": 10 + i, "quote": f"{response['quote']} (briefing {i + 1}) " * 3}
        for i in range(8)
    ]
    return _as_the_server_sends(answer)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class StubServer:
    """Start with ``start()``; ``url`` is the base URL; ``requests`` what it received."""

    host: str = "127.0.0.1"
    port: int = 0
    api_key: str | None = None  # when set, /v1/match answers 401 without this Bearer key
    max_match_chars: int = 4000  # longer highlights get the real server's 413 (its default limit)
    delay_s: float = 0.0  # wait this long before answering /v1/match (the loading state)
    requests: list[Recorded] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._httpd is not None, "not started"
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def start(self) -> StubServer:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _record(self, body: Any) -> None:
                with stub._lock:
                    stub.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))

            def _send(self, status: int, payload: Any, ctype: str = "application/json") -> None:
                raw = (
                    payload.encode()
                    if isinstance(payload, str)
                    else json.dumps(payload, ensure_ascii=False).encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _error(self, status: int, code: str, message: str) -> None:
                self._send(status, {"error": {"code": code, "message": message, "status": status}})

            def do_GET(self) -> None:
                self._record(None)
                if self.path == "/healthz":
                    self._send(200, {"status": "ok", "version": "stub"})
                elif m := re.fullmatch(r"/claims/(\d+)", self.path):
                    self._send(200, f"<!doctype html><title>Claim {m[1]}</title>", "text/html")
                else:
                    self._error(404, "not_found", "No such page.")

            def do_OPTIONS(self) -> None:
                self._record(None)
                self._send(204, "")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                self._record(body)
                if stub.delay_s:
                    time.sleep(stub.delay_s)
                if self.path != "/v1/match":
                    self._error(404, "not_found", "No such endpoint.")
                    return
                if stub.api_key is not None and (
                    self.headers.get("Authorization") != f"Bearer {stub.api_key}"
                ):
                    self._error(401, "invalid_key", "Missing or invalid API key.")
                    return
                if not isinstance(body, dict) or not isinstance(body.get("text"), str):
                    self._error(422, "invalid_input", "text is required.")
                    return
                if len(body["text"]) > stub.max_match_chars:
                    n = len(body["text"])
                    self._send(
                        413,
                        {
                            "error": {
                                "code": "too_large",
                                "message": f"text is {n} characters; the limit is {stub.max_match_chars}",
                                "status": 413,
                                "field": "text",
                            }
                        },
                    )
                    return
                self._send(200, stub.answer(body))

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def matches(self) -> list[Recorded]:
        """The recorded ``POST /v1/match`` requests."""
        with self._lock:
            return [r for r in self.requests if r.path == "/v1/match"]

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        text = _norm(body["text"])
        if "pwned" in text:
            return hostile_answer(self.url)
        if "الأمريكيون" in text:
            return arabic_answer(self.url)
        if _norm(LONG_SENTENCE) in text:
            return long_answer(self.url)
        if "americans are on our side" in text:
            answer = copy.deepcopy(americans_answer(self.url))
            page_url = str(body.get("page_url") or "")
            if page_url.endswith("/republication.html"):
                answer["page"] = page_in_index()
                answer["matches"][0]["is_current_page"] = True
            elif page_url.endswith("/names-its-source.html"):
                answer["page"] = page_in_index()
            return answer
        return {"took_ms": 0.4, "page": None, "matches": []}


if __name__ == "__main__":
    server = StubServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8000).start()
    print(f"stub ClaimScope server on {server.url}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
