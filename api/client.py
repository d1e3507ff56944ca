"""A small typed Python client for the ClaimScope HTTP API (sync and async, on httpx).

    from api.client import ClaimScopeClient

    with ClaimScopeClient("http://127.0.0.1:8000", api_key="cs_...") as cs:
        best = cs.match("tests found lead levels three times above the federal limit")["matches"][0]
        print(best["provenance"]["first_publication"]["outlet"]["name"])

Both clients retry 429 (waiting ``Retry-After``) and 503 answers, and failed connections, with
exponential backoff (``retries`` times); any other error answer raises ``ClaimScopeAPIError``
carrying the server's JSON error (``code``, ``message``, ``status``, ``field``). Answers are the
API's JSON as dicts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import httpx

from api import __version__

RETRY_STATUSES = frozenset({429, 503})
# Failures where the request was not (or may harmlessly be again) processed: every call is a
# read, a match, or an ingestion, and ingesting the same document twice changes nothing.
RETRY_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


class MatchItem(TypedDict, total=False):
    text: str
    prefix: str
    suffix: str
    page_url: str
    limit: int


class ClaimScopeAPIError(Exception):
    """An error answer: ``status``, ``code``, ``message``, ``field`` and the whole ``body``."""

    def __init__(self, status: int, body: Mapping[str, Any] | None, text: str = "") -> None:
        error = dict((body or {}).get("error") or {})
        self.status = status
        self.code: str = str(error.get("code") or "http_error")
        self.message: str = str(error.get("message") or text or f"HTTP {status}")
        self.field: str | None = error.get("field")
        self.body: dict[str, Any] = dict(body or {})
        super().__init__(f"{status} {self.code}: {self.message}")

    @classmethod
    def from_response(cls, response: httpx.Response) -> ClaimScopeAPIError:
        try:
            body = response.json()
        except ValueError:
            body = None
        return cls(response.status_code, body if isinstance(body, dict) else None, response.text[:500])


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class _Base:
    """What the sync and async clients share: settings, request building, retry policy."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.timeout = httpx.Timeout(timeout)
        self.headers = {"User-Agent": f"claimscope-client/{__version__}", "Accept": "application/json"}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"

    def _wait(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry ``attempt`` (0-based): Retry-After, else backoff."""
        if response is not None:
            retry_after = response.headers.get("Retry-After", "")
            if retry_after.isdigit():
                return min(float(retry_after), self.max_wait)
        return min(self.backoff * (2**attempt) * (0.5 + random.random() / 2), self.max_wait)

    def _should_retry(self, attempt: int, response: httpx.Response | None) -> bool:
        return attempt < self.retries and (response is None or response.status_code in RETRY_STATUSES)

    @staticmethod
    def _result(response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise ClaimScopeAPIError.from_response(response)
        return response.json() if response.content else None

    # request bodies and paths, shared by both clients
    @staticmethod
    def _match_body(
        text: str, prefix: str | None, suffix: str | None, page_url: str | None, limit: int | None
    ) -> dict[str, Any]:
        return _drop_none(
            {"text": text, "prefix": prefix, "suffix": suffix, "page_url": page_url, "limit": limit}
        )

    @staticmethod
    def _ingest_body(text: str | None, html: str | None, url: str | None, **meta: Any) -> dict[str, Any]:
        return _drop_none({"text": text, "html": html, "url": url, **meta})


class ClaimScopeClient(_Base):
    """Synchronous client; use as a context manager or call ``close()``."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            base_url, api_key=api_key, timeout=timeout, retries=retries, backoff=backoff, max_wait=max_wait
        )
        self._http = httpx.Client(
            base_url=self.base_url, headers=self.headers, timeout=self.timeout, transport=transport
        )

    def __enter__(self) -> ClaimScopeClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = self._http.request(method, path, json=json, params=_drop_none(params or {}))
            except RETRY_ERRORS:
                if not self._should_retry(attempt, None):
                    raise
            if response is not None and not self._should_retry(attempt, response):
                return self._result(response)
            time.sleep(self._wait(attempt, response))
            attempt += 1

    def match(
        self,
        text: str,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        page_url: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        return self.request("POST", "/v1/match", json=self._match_body(text, prefix, suffix, page_url, limit))

    def match_batch(self, items: Sequence[MatchItem | str]) -> dict[str, Any]:
        body = [{"text": i} if isinstance(i, str) else dict(i) for i in items]
        return self.request("POST", "/v1/match/batch", json={"items": body})

    def claim(self, claim_id: int) -> dict[str, Any]:
        return self.request("GET", f"/v1/claims/{int(claim_id)}")

    def documents(self, *, limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        return self.request("GET", "/v1/documents", params={"limit": limit, "cursor": cursor})

    def document(self, document_id: int) -> dict[str, Any]:
        return self.request("GET", f"/v1/documents/{int(document_id)}")

    def ingest(
        self,
        text: str | None = None,
        *,
        html: str | None = None,
        url: str | None = None,
        title: str | None = None,
        outlet: str | None = None,
        published_at: str | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        return self.request(
            "POST",
            "/v1/documents",
            json=self._ingest_body(
                text, html, url, title=title, outlet=outlet, published_at=published_at, language=language
            ),
        )

    def check(
        self, text: str | None = None, *, url: str | None = None, ingest: bool = False
    ) -> dict[str, Any]:
        return self.request(
            "POST", "/v1/check", json=_drop_none({"text": text, "url": url, "ingest": ingest or None})
        )


class AsyncClaimScopeClient(_Base):
    """Asynchronous client (``async with``), same methods as ``ClaimScopeClient``, awaited."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            base_url, api_key=api_key, timeout=timeout, retries=retries, backoff=backoff, max_wait=max_wait
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers=self.headers, timeout=self.timeout, transport=transport
        )

    async def __aenter__(self) -> AsyncClaimScopeClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> Any:
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = await self._http.request(method, path, json=json, params=_drop_none(params or {}))
            except RETRY_ERRORS:
                if not self._should_retry(attempt, None):
                    raise
            if response is not None and not self._should_retry(attempt, response):
                return self._result(response)
            await asyncio.sleep(self._wait(attempt, response))
            attempt += 1

    async def match(
        self,
        text: str,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        page_url: str | None = None,
        limit: int | None = None,
    ) -> dict[str, Any]:
        return await self.request(
            "POST", "/v1/match", json=self._match_body(text, prefix, suffix, page_url, limit)
        )

    async def match_batch(self, items: Sequence[MatchItem | str]) -> dict[str, Any]:
        body = [{"text": i} if isinstance(i, str) else dict(i) for i in items]
        return await self.request("POST", "/v1/match/batch", json={"items": body})

    async def claim(self, claim_id: int) -> dict[str, Any]:
        return await self.request("GET", f"/v1/claims/{int(claim_id)}")

    async def documents(self, *, limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        return await self.request("GET", "/v1/documents", params={"limit": limit, "cursor": cursor})

    async def document(self, document_id: int) -> dict[str, Any]:
        return await self.request("GET", f"/v1/documents/{int(document_id)}")

    async def ingest(
        self,
        text: str | None = None,
        *,
        html: str | None = None,
        url: str | None = None,
        title: str | None = None,
        outlet: str | None = None,
        published_at: str | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        return await self.request(
            "POST",
            "/v1/documents",
            json=self._ingest_body(
                text, html, url, title=title, outlet=outlet, published_at=published_at, language=language
            ),
        )

    async def check(
        self, text: str | None = None, *, url: str | None = None, ingest: bool = False
    ) -> dict[str, Any]:
        return await self.request(
            "POST", "/v1/check", json=_drop_none({"text": text, "url": url, "ingest": ingest or None})
        )
