"""Fetch one web page safely: http(s) only, bounded size, timeout and redirects, and no
requests to loopback, private or link-local addresses unless a setting allows them (the
service must not become a way into the network it runs in).

The address rule holds at connect time: :class:`PinnedTransport` resolves each host once,
checks every address, and connects to the checked one (no DNS rebinding between the check and
the connection; every redirect hop and webhook delivery goes through it). The body is decoded
by a capped streaming decoder (:class:`CappedDecoder`), so a compressed bomb stops at the cap.
"""

from __future__ import annotations

import ipaddress
import socket
import zlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from api.errors import FetchFailed

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "ClaimScope/0.1 (+provenance checker)"
# Codings we decode ourselves (with a cap, see CappedDecoder); nothing else is asked for.
ACCEPT_ENCODING = "gzip, deflate"
ZLIB_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
MAX_CODINGS = 3  # "gzip, gzip" is already a bomb's trick; more layers is never a real page
READ_CHUNK_BYTES = 65_536  # raw bytes read from the socket at a time
DECODE_CHUNK_BYTES = 65_536  # largest piece one decompress call may produce


def _is_forbidden(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(addr, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
    if mapped is not None:
        addr = mapped
    return bool(
        addr.is_loopback
        or addr.is_private
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


def _resolve(host: str, port: int | None = None) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchFailed(f"cannot resolve host {host!r}", field="url") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_forbidden_address(host: str) -> bool:
    return any(_is_forbidden(ipaddress.ip_address(a.split("%")[0])) for a in _resolve(host))


def pinned_address(host: str, port: int, *, allow_private: bool) -> str:
    """The one address a connection to ``host`` goes to, checked: resolved here, once, and
    connected to as is (an IP literal), so DNS cannot answer the check with a public address
    and the connection with a private one (DNS rebinding)."""
    addresses = _resolve(host, port)
    if not allow_private:
        for a in addresses:
            if _is_forbidden(ipaddress.ip_address(a.split("%")[0])):
                raise FetchFailed(
                    f"refusing to connect to {host} ({a}): loopback, private and link-local "
                    "addresses are not allowed (setting CLAIMSCOPE_ALLOW_PRIVATE_FETCH)",
                    field="url",
                )
    return addresses[0]


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to the address :func:`pinned_address` checked
    (TLS still verifies the certificate against the host name: httpcore passes it as SNI)."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = pinned_address(host, port, allow_private=self.allow_private)
        return super().connect_tcp(
            address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )


class PinnedTransport(httpx.HTTPTransport):
    """An httpx transport whose every connection (each redirect hop, each webhook) goes through
    :class:`PinnedBackend`. No environment proxies (a proxy would connect in our place)."""

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=PinnedBackend(allow_private=allow_private),
        )


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
        transport=transport or PinnedTransport(allow_private=allow_private),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
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


def _layers(content_encoding: str) -> list[Any]:
    """One zlib decompressor per coding, outermost (last applied) first; FetchFailed for a coding
    we did not ask for (``ACCEPT_ENCODING``)."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    if len(codings) > MAX_CODINGS:
        raise FetchFailed(f"more than {MAX_CODINGS} content codings", field="url")
    layers = []
    for coding in reversed(codings):
        if coding == "identity":
            continue
        if coding not in ZLIB_WBITS:
            raise FetchFailed(f"unsupported Content-Encoding {coding!r}", field="url")
        layers.append(zlib.decompressobj(ZLIB_WBITS[coding]))
    return layers


class CappedDecoder:
    """Undo the content codings of a body as it streams in, never producing more than
    ``max_bytes`` at any layer: a small gzip bomb (``Content-Encoding: gzip, gzip``) is stopped
    after ``max_bytes`` of output, not inflated in memory first (httpx decodes each chunk whole).
    """

    def __init__(self, content_encoding: str, max_bytes: int) -> None:
        self.layers = _layers(content_encoding)
        self.max_bytes = max_bytes
        self.produced = [0] * (len(self.layers) + 1)  # bytes out of each layer; [0]: raw bytes

    def feed(self, data: bytes) -> list[bytes]:
        return self._push(0, data)

    def finish(self) -> list[bytes]:
        """What the layers still hold once the raw body has ended (small: the input is consumed)."""
        out: list[bytes] = []
        for level, layer in enumerate(self.layers):
            out.extend(self._push(level + 1, layer.flush()))
        return out

    def _count(self, level: int, size: int) -> None:
        self.produced[level] += size
        if self.produced[level] > self.max_bytes:
            what = "page" if level == len(self.layers) else "page (still encoded)"
            raise FetchFailed(f"{what} larger than the {self.max_bytes} byte limit", field="url")

    def _push(self, level: int, data: bytes) -> list[bytes]:
        self._count(level, len(data))
        if level == len(self.layers):
            return [data] if data else []
        layer, out = self.layers[level], []
        while data:
            try:
                piece = layer.decompress(data, DECODE_CHUNK_BYTES)
            except zlib.error as exc:
                raise FetchFailed(f"the page's compressed body is corrupt: {exc}", field="url") from exc
            data = layer.unconsumed_tail
            if piece:
                out.extend(self._push(level + 1, piece))
            elif not data:
                break
        return out


def _read_capped(resp: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, at most ``max_bytes``: raw bytes are read and decoded here, counted at
    every coding layer (see CappedDecoder), so neither the wire nor the inflated size can pass it."""
    decoder = CappedDecoder(resp.headers.get("content-encoding", ""), max_bytes)
    chunks: list[bytes] = []
    for raw in resp.iter_raw(READ_CHUNK_BYTES):
        chunks.extend(decoder.feed(raw))
    chunks.extend(decoder.finish())
    return b"".join(chunks)


def _decode(body: bytes, encoding: str | None) -> str:
    try:
        return body.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return body.decode("utf-8", errors="replace")
