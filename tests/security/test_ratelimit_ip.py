"""Rate limits counted per IP before any key is looked up: invented tokens from one address
share one budget (no unbounded key lookups), and X-Forwarded-For only counts when it comes from
a proxy listed in CLAIMSCOPE_FORWARDED_ALLOW_IPS (nobody by default)."""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ratelimit import client_ip, parse_networks
from api.settings import SettingsError
from tests.factories import auth, make_key, make_settings


def _client(db_url: str, peer: str = "198.51.100.7", **overrides: object) -> TestClient:
    app = create_app(make_settings(db_url, **overrides))
    return TestClient(app, client=(peer, 40000))


def test_invented_tokens_share_the_ip_budget(sqlite_url: str) -> None:
    with _client(sqlite_url, rate_limit_per_minute=5, rate_limit_per_ip_per_minute=10) as client:
        codes = [
            client.get(
                "/v1/claims", headers=auth(f"cs_{secrets.token_hex(4)}_{secrets.token_hex(8)}")
            ).status_code
            for _ in range(30)
        ]
    assert codes[:10] == [401] * 10, codes
    assert set(codes[10:]) == {429}, codes
    # a real key from the same address also waits: the budget is the address's
    key = make_key(sqlite_url, "ingest")
    with _client(sqlite_url, rate_limit_per_minute=5, rate_limit_per_ip_per_minute=3) as client:
        assert [client.get("/v1/claims", headers=auth(key)).status_code for _ in range(4)] == [200] * 3 + [
            429
        ]
        assert client.get("/v1/claims").status_code == 200  # no key: the anonymous budget


def test_forwarded_for_ignored_unless_the_proxy_is_trusted(sqlite_url: str) -> None:
    with _client(sqlite_url, peer="10.0.0.9", rate_limit_per_minute=2) as client:
        codes = [
            client.get("/v1/claims", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(4)
        ]
    assert codes == [200, 200, 429, 429]  # one peer, one budget, whatever it claims to forward
    trusted = {"rate_limit_per_minute": 2, "forwarded_allow_ips": "10.0.0.0/8"}
    with _client(sqlite_url, peer="10.0.0.9", **trusted) as client:
        a = [
            client.get("/v1/claims", headers={"X-Forwarded-For": "203.0.113.1"}).status_code for _ in range(3)
        ]
        b = client.get("/v1/claims", headers={"X-Forwarded-For": "203.0.113.2, 10.0.0.3"}).status_code
    assert a == [200, 200, 429] and b == 200


def test_client_ip_rules() -> None:
    proxies = parse_networks("10.0.0.0/8, 192.0.2.1")
    scope = {"client": ("10.1.1.1", 1), "headers": [(b"x-forwarded-for", b"1.1.1.1, 203.0.113.9, 192.0.2.1")]}
    assert client_ip(scope, proxies) == "203.0.113.9"  # the right-most not ours
    assert client_ip(scope, ()) == "10.1.1.1"  # no proxy trusted: the peer
    assert client_ip({**scope, "client": ("198.51.100.1", 1)}, proxies) == "198.51.100.1"
    garbled = {"client": ("10.1.1.1", 1), "headers": [(b"x-forwarded-for", b"not-an-ip")]}
    assert client_ip(garbled, proxies) == "10.1.1.1"
    assert client_ip(scope, parse_networks("*")) == "1.1.1.1"


def test_bad_forwarded_allow_ips_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_FORWARDED_ALLOW_IPS", "10.0.0.0/8, proxy.local")
    with pytest.raises(SettingsError, match="CLAIMSCOPE_FORWARDED_ALLOW_IPS"):
        make_settings("sqlite://")
