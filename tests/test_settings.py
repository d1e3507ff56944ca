"""Every setting is documented in the README, and settings come from CLAIMSCOPE_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_is_documented(name: str) -> None:
    assert f"`CLAIMSCOPE_{name.upper()}`" in README


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMSCOPE_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("CLAIMSCOPE_MATCH_THRESHOLD", "0.9")
    s = Settings()
    assert s.database_url == "postgresql://u@h/db" and s.match_threshold == 0.9
