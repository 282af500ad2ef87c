"""Small modules (CONVENTIONS): no Python file of the product, its infrastructure, its
tests or its benchmarks is longer than 400 lines; a longer one is split by concept."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("functions", "infra", "tests", "bench")
MAX_LINES = 400


def test_no_python_file_is_longer_than_400_lines() -> None:
    files = [path for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 100  # the walk found the tree, not an empty folder
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in files
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, "split these by concept"
