"""The housing handlers and the task replies do not import each other (no file circle)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(module: str) -> set[str]:
    """Every handlers module the file imports, at the top or inside a function."""
    tree = ast.parse((ROOT / "handlers" / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "handlers":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("handlers."):
            found.add((node.module or "").split(".")[1])
    return found


def test_houses_stand_below_the_task_replies() -> None:
    for module in ("houses", "house_views", "house_location", "evidence"):
        assert not _imports(module) & {"task_replies", "photo_intake"}, module
    assert "houses" in _imports("photo_intake") and "task_replies" in _imports("photo_intake")
