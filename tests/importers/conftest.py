"""Fixtures for importer tests: the shared sample plans, and small plan files written on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write_tsv(tmp_path: Path):
    """Write rows (lists of cells, or a string for a text line) as a tab-separated export."""

    def write(rows: list[list[str] | str], name: str = "plan.txt") -> Path:
        lines = [row if isinstance(row, str) else "\t".join(row) for row in rows]
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
