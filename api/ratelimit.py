"""Per-key (or per-IP) rate limits: fixed one-minute windows, in memory or shared through Redis.

``InMemoryLimiter`` counts in this process only; ``RedisLimiter`` counts in Redis so every API
process behind a load balancer shares one budget per caller. Both answer ``hit(identity)`` with a
``Decision``; ``RateLimitMiddleware`` (plain ASGI) applies one to every request except the
operational paths and answers 429 with ``Retry-After`` and the standard JSON error body.

Two budgets, both counted before any key is looked up in the database:

* a request without a bearer token counts against its IP (``ip:<address>``,
  CLAIMSCOPE_RATE_LIMIT_PER_MINUTE);
* a request with one counts against its IP's keyed budget first (``ipk:<address>``,
  CLAIMSCOPE_RATE_LIMIT_PER_IP_PER_MINUTE), then against the token's own (the SHA-256 of the
  token, CLAIMSCOPE_RATE_LIMIT_PER_MINUTE). Inventing tokens gives a caller a fresh per-key
  budget each time, never a fresh per-IP one: the key lookups they cost stay bounded.

The IP is the connection's peer, unless the peer is one of CLAIMSCOPE_FORWARDED_ALLOW_IPS (a
reverse proxy of this deployment; empty by default: nobody), in which case it is the right-most
address of ``X-Forwarded-For`` that is not such a proxy. ``X-Forwarded-For`` from anyone else
is ignored: it is only a header a client chose to send.

When Redis is unreachable the limiter fails open (the request is served unlimited; a warning
at most once a minute): rate limiting alone must never take the service down. The outage is not
silent: every failed round trip counts in ``claimscope_ratelimit_backend_errors_total`` (on
``/metrics``), and ``/readyz`` answers 503 (``"reason": "redis: <error>"``) while Redis cannot be
reached, so a load balancer or orchestrator stops sending traffic to an unlimited process.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.responses import JSONResponse

from api.errors import RateLimited

log = logging.getLogger("claimscope.ratelimit")

# Paths never limited: probes, metrics, documentation and static files.
EXEMPT_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}
)
EXEMPT_PREFIXES = ("/static/",)


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the current window ends (>= 1)


class Limiter(Protocol):
    limit: int

    async def hit(self, identity: str, limit: int | None = None) -> Decision: ...


def _window(now: float, window_s: int) -> tuple[int, int]:
    """(window number, seconds left in it, at least 1)."""
    number = int(now // window_s)
    left = max(1, int((number + 1) * window_s - now + 0.999))
    return number, left


class InMemoryLimiter:
    """Fixed-window counter in this process; thread-safe; old windows are pruned as it goes."""

    def __init__(self, limit: int, *, window_s: int = 60, clock: Any = time.time) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._current = -1
        self._counts: dict[str, int] = {}

    def hit_sync(self, identity: str, limit: int | None = None) -> Decision:
        """Count one request of ``identity`` against ``limit`` (default: this limiter's)."""
        limit = self.limit if limit is None else limit
        number, left = _window(self._clock(), self.window_s)
        with self._lock:
            if number != self._current:  # a new window: forget the old one entirely
                self._current, self._counts = number, {}
            count = self._counts.get(identity, 0) + 1
            self._counts[identity] = count
        return Decision(count <= limit, count, limit, left)

    async def hit(self, identity: str, limit: int | None = None) -> Decision:
        return self.hit_sync(identity, limit)


class RedisLimiter:
    """Fixed-window counter in Redis: ``{prefix}:{identity}:{window}``, expiring after the window.

    One MULTI/EXEC round trip per request (``SET NX EX`` then ``INCR``). The asyncio client is
    bound to the event loop that made it, so one is made per loop.
    """

    def __init__(
        self,
        url: str,
        limit: int,
        *,
        prefix: str = "claimscope:rl",
        window_s: int = 60,
        timeout_s: float = 0.25,
    ) -> None:
        self.url = url
        self.limit = limit
        self.prefix = prefix
        self.window_s = window_s
        self.timeout_s = timeout_s
        self._clients: dict[int, Any] = {}
        self._warned_at = 0.0
        self.errors = 0  # failed round trips (requests let through unlimited)
        self.on_error: Callable[[], None] | None = None  # the app counts them in its metrics

    def _client(self) -> Any:
        import redis.asyncio as aioredis

        loop = id(asyncio.get_running_loop())
        client = self._clients.get(loop)
        if client is None:
            client = aioredis.Redis.from_url(
                self.url, socket_timeout=self.timeout_s, socket_connect_timeout=self.timeout_s
            )
            self._clients = {loop: client}  # one loop per process in a server; drop stale ones
        return client

    def key(self, identity: str, number: int) -> str:
        return f"{self.prefix}:{identity}:{number}"

    async def hit(self, identity: str, limit: int | None = None) -> Decision:
        limit = self.limit if limit is None else limit
        number, left = _window(time.time(), self.window_s)
        key = self.key(identity, number)
        try:
            async with self._client().pipeline(transaction=True) as pipe:
                pipe.set(key, 0, ex=self.window_s + 5, nx=True)
                pipe.incr(key)
                _, count = await pipe.execute()
        except Exception as exc:  # Redis down or slow: fail open, warn at most once a minute
            self.errors += 1
            if self.on_error is not None:
                self.on_error()
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                log.warning("rate limiter: Redis unavailable (%s); not limiting", type(exc).__name__)
            return Decision(True, 0, limit, left)
        return Decision(int(count) <= limit, int(count), limit, left)

    def ping_sync(self) -> str | None:
        """For ``/readyz`` (in a worker thread): None when Redis answers PING within the timeout,
        else the error's name."""
        import redis

        client = redis.Redis.from_url(
            self.url, socket_timeout=self.timeout_s, socket_connect_timeout=self.timeout_s
        )
        try:
            client.ping()
        except Exception as exc:
            if self.on_error is not None:
                self.on_error()
            return type(exc).__name__
        finally:
            client.close()
        return None

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients = {}


def make_limiter(settings: Any) -> Limiter | None:
    """The limiter the settings ask for; None when limits are off (0 per minute)."""
    limit = int(settings.rate_limit_per_minute)
    if limit <= 0:
        return None
    if settings.redis_url:
        return RedisLimiter(settings.redis_url, limit, prefix=settings.redis_prefix + ":rl")
    return InMemoryLimiter(limit)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str) -> tuple[Network, ...] | None:
    """``CLAIMSCOPE_FORWARDED_ALLOW_IPS``: comma-separated addresses or CIDRs; ``*`` is any
    (None); ValueError for anything else."""
    items = [v.strip() for v in value.split(",") if v.strip()]
    if "*" in items:
        return None
    return tuple(ipaddress.ip_network(v, strict=False) for v in items)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(addr: str, proxies: tuple[Network, ...] | None) -> bool:
    if proxies is None:
        return True
    ip = _address(addr)
    return ip is not None and any(ip in net for net in proxies)


def client_ip(scope: dict[str, Any], proxies: tuple[Network, ...] | None = ()) -> str:
    """The caller's address: the peer, or (behind a trusted proxy) the right-most untrusted
    address of ``X-Forwarded-For``; see the module docstring."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if proxies == () or not _trusted(peer, proxies):
        return peer
    forwarded: list[str] = []
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            forwarded.extend(v.strip() for v in value.decode("latin-1").split(","))
    for addr in reversed([f for f in forwarded if f]):
        if _address(addr) is None:
            return peer  # a garbled header: the proxy's own address is all we know
        if not _trusted(addr, proxies):
            return addr
    return forwarded[0] if forwarded and forwarded[0] else peer


def bearer_of(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def identity_of(scope: dict[str, Any], proxies: tuple[Network, ...] | None = ()) -> str:
    """``key:<hash>`` for a bearer token, else ``ip:<address>``."""
    token = bearer_of(scope)
    if token is not None:
        return "key:" + hashlib.sha256(token.encode()).hexdigest()[:24]
    return f"ip:{client_ip(scope, proxies)}"


def is_exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


class RateLimitMiddleware:
    """Plain ASGI middleware: count every HTTP request (except exempt paths), 429 over a limit.

    ``ip_limit`` is the per-IP budget of requests that carry a token (0: none); ``proxies``
    the parsed CLAIMSCOPE_FORWARDED_ALLOW_IPS (``()``: trust no proxy, None: trust any).
    """

    def __init__(
        self,
        app: Any,
        limiter: Limiter,
        *,
        ip_limit: int = 0,
        proxies: tuple[Network, ...] | None = (),
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.ip_limit = ip_limit
        self.proxies = proxies

    async def _decide(self, scope: dict[str, Any]) -> Decision:
        ip = client_ip(scope, self.proxies)
        if bearer_of(scope) is None:
            return await self.limiter.hit(f"ip:{ip}")
        if self.ip_limit > 0:  # the IP first: invented tokens share one budget
            by_ip = await self.limiter.hit(f"ipk:{ip}", self.ip_limit)
            if not by_ip.allowed:
                return by_ip
        return await self.limiter.hit(identity_of(scope, self.proxies))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") == "OPTIONS" or is_exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        decision = await self._decide(scope)
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        exc = RateLimited(
            f"rate limit of {decision.limit} requests per minute exceeded; retry in {decision.retry_after} s",
            retry_after=decision.retry_after,
        )
        response = JSONResponse(
            exc.to_dict(), status_code=exc.status, headers={"Retry-After": str(exc.retry_after)}
        )
        await response(scope, receive, send)
