"""The deployment files the README's "Deploy" section describes are there and agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from api.settings import Settings
from api.settings_doc import env_name

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_the_api_with_postgres_and_redis_on_loopback() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "api"} <= set(services)
    api = services["api"]
    assert api["build"] == "." and all(p.startswith("127.0.0.1:") for p in api["ports"])
    env = api["environment"]
    assert (
        env["CLAIMSCOPE_DATABASE_URL"].startswith("postgresql://")
        and "@postgres:" in env["CLAIMSCOPE_DATABASE_URL"]
    )
    assert env["CLAIMSCOPE_REDIS_URL"].startswith("redis://redis:")
    known = {env_name(name) for name in Settings.model_fields}
    assert {k for k in env if k.startswith("CLAIMSCOPE_")} <= known


def test_dockerfile_copies_what_exists() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for line in re.findall(r"^COPY (.+) \S+$", dockerfile, re.M):
        for name in line.split():
            assert (ROOT / name).exists(), name
    assert "claimscope" in dockerfile and "/readyz" in dockerfile


def test_license_and_changelog() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n## Deploy\n" in readme and "docker compose down -v" in readme
