"""A clone without shared/seeds skips the tests that need the seed articles (with a reason
naming what is missing); CI, which has them, fails instead of skipping."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_seeds


def test_missing_seeds_skip_with_a_reason(tmp_path: Path) -> None:
    missing = tmp_path / "shared" / "seeds"
    with pytest.raises(pytest.skip.Exception, match=r"seed articles not found at .*shared/seeds"):
        require_seeds(missing, ci=False)


def test_missing_seeds_fail_on_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="seed articles not found"):
        require_seeds(tmp_path / "shared" / "seeds")


def test_present_seeds_are_used(tmp_path: Path) -> None:
    assert require_seeds(tmp_path, ci=True) == tmp_path
