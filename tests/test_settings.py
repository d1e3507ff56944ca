"""Every setting is documented in the README, and settings come from CLAIMSCOPE_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from api import settings_doc
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


def test_readme_configuration_table_is_generated_from_settings() -> None:
    """README's table is exactly what ``python -m api.settings_doc`` prints (run it with
    ``--write`` after changing api/settings.py)."""
    assert settings_doc.readme_block(README) == settings_doc.markdown_table()


def test_the_generator_handles_any_field() -> None:
    from pydantic import Field
    from pydantic_settings import SettingsConfigDict

    class More(Settings):
        model_config = SettingsConfigDict(env_prefix="CLAIMSCOPE_")
        trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"], description="a | b")
        max_items: int = Field(10, ge=1, lt=100, description="bounded")
        secret: str | None = None

    table = settings_doc.markdown_table(More)
    assert '| `CLAIMSCOPE_TRUSTED_PROXIES` | JSON list of str | `["127.0.0.1"]` |  | a \\| b |' in table
    assert "| `CLAIMSCOPE_MAX_ITEMS` | int | `10` | ≥ 1, < 100 | bounded |" in table
    assert "| `CLAIMSCOPE_SECRET` | str | unset |  |  |" in table
    assert all(f"`CLAIMSCOPE_{name.upper()}`" in table for name in More.model_fields)
