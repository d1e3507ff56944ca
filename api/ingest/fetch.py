"""Fetch one web page safely: http(s) only, bounded size, timeout and redirects, and no
requests to loopback, private or link-local addresses unless a setting allows them (the
service must not become a way into the network it runs in).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

from api.errors import FetchFailed

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "ClaimScope/0.1 (+provenance checker)"


def _is_forbidden_address(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise FetchFailed(f"cannot resolve host {host!r}", field="url") from exc
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if (
            addr.is_loopback
            or addr.is_private
            or addr.is_link_local
            or addr.is_multicast
            or addr.is_reserved
            or addr.is_unspecified
        ):
            return True
    return False


def check_url(url: str, *, allow_private: bool) -> str:
    """Return the URL if it may be fetched, else raise FetchFailed saying why."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchFailed(
            f"only http and https URLs can be fetched, not {parts.scheme or 'no scheme'!r}",
            field="url",
        )
    host = parts.hostname
    if not host:
        raise FetchFailed("the URL has no host", field="url")
    if not allow_private and _is_forbidden_address(host):
        raise FetchFailed(
            f"refusing to fetch {host}: loopback, private and link-local addresses are not "
            "allowed (setting CLAIMSCOPE_ALLOW_PRIVATE_FETCH)",
            field="url",
        )
    return url.strip()


def fetch(
    url: str,
    *,
    timeout_s: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
    transport: httpx.BaseTransport | None = None,
) -> tuple[str, str, str]:
    """Fetch ``url``; return (final_url, content_type, text). Redirects are followed by hand so
    that every hop is checked against the address rules."""
    current = check_url(url, allow_private=allow_private)
    with httpx.Client(
        timeout=timeout_s,
        follow_redirects=False,
        transport=transport,
        headers={"User-Agent": USER_AGENT},
    ) as client:
        for _ in range(max_redirects + 1):
            try:
                with client.stream("GET", current) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location", "")
                        current = check_url(urljoin(current, location), allow_private=allow_private)
                        continue
                    if resp.status_code >= 400:
                        raise FetchFailed(f"{current} answered HTTP {resp.status_code}", field="url")
                    body = _read_capped(resp, max_bytes)
                    ctype = resp.headers.get("content-type", "")
                    return current, ctype, _decode(body, resp.encoding)
            except httpx.HTTPError as exc:
                raise FetchFailed(f"could not fetch {current}: {exc}", field="url") from exc
    raise FetchFailed(f"more than {max_redirects} redirects", field="url")


def _read_capped(resp: httpx.Response, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchFailed(f"page larger than the {max_bytes} byte limit", field="url")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, encoding: str | None) -> str:
    try:
        return body.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return body.decode("utf-8", errors="replace")
