"""Fixtures of the editor end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tools import ARTIFACTS


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/editors/artifacts/ (git-ignored): screenshots, driver results and logs to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
