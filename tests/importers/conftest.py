"""Fixtures for importer tests: the shared sample plans, and small plan files written on the fly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "plans"


@pytest.fixture(scope="session")
def samples() -> Path:
    """../shared/plans beside the project. CI has it; a user's clone may not (skip), but CI must not skip."""
    if not (SAMPLES / "expected" / "check_import.py").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the sample plans at {SAMPLES} (shared/plans beside the project)")
        pytest.skip(f"sample plans not found at {SAMPLES} (shared/plans is beside the project in CI only)")
    return SAMPLES


@pytest.fixture
def write_tsv(tmp_path: Path):
    """Write rows (lists of cells, or a string for a text line) as a tab-separated export."""

    def write(rows: list[list[str] | str], name: str = "plan.txt") -> Path:
        lines = [row if isinstance(row, str) else "\t".join(row) for row in rows]
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
