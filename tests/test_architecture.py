"""The package map of DESIGN.md, kept true by an import scan (ast), plus the clock rule."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"bot", "handlers", "scheduler", "storage", "domain", "emulator"}

# package -> imports it must never make (project packages, or modules of one, and libraries)
FORBIDDEN = {
    "domain": {
        "bot",
        "handlers",
        "scheduler",
        "storage",
        "emulator",
        "telegram",
        "sqlmodel",
        "sqlalchemy",
        "alembic",
        "httpx",
        "aiohttp",
        "asyncpg",
        "aiosqlite",
    },
    "storage": {"bot", "handlers", "scheduler", "emulator", "telegram"},
    "handlers": {"scheduler", "bot.app", "bot.runner", "bot.cli", "bot.sandbox", "emulator"},
    "scheduler": {"handlers", "bot.app", "bot.runner", "bot.cli", "bot.sandbox", "emulator"},
    "emulator": {"bot", "handlers", "scheduler", "storage", "domain", "telegram"},
}
# Only the sandbox entry point of bot/ may start the emulator.
EMULATOR_ALLOWED_IN_BOT = {"bot/sandbox.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _violates(name: str, rule: str) -> bool:
    return name == rule or name.startswith(rule + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_follow_the_design(package: str) -> None:
    problems = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources(package)
        for name in _imports(path)
        for rule in FORBIDDEN[package]
        if _violates(name, rule)
    ]
    assert problems == []


def test_only_the_sandbox_imports_the_emulator_from_bot() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources("bot")
        if any(_violates(n, "emulator") for n in _imports(path))
        and str(path.relative_to(ROOT)) not in EMULATOR_ALLOWED_IN_BOT
    ]
    assert offenders == []


def test_time_comes_from_the_injected_clock() -> None:
    """No datetime.now()/utcnow()/date.today() outside the clock itself."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for package in PROJECT - {"emulator"}
        for path in _sources(package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _reads_the_date(node)
    ]
    assert offenders == ["bot/context.py:" + str(_system_clock_line())]


def _reads_the_date(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr in {"now", "utcnow", "today"}
        and isinstance(node.value, ast.Attribute | ast.Name)
        and getattr(node.value, "attr", getattr(node.value, "id", "")) in {"datetime", "date"}
    )


# Tests take business time from TestClock and wait on conditions with deadlines; the one place
# that reads real time is a deadline helper (path, function).
TIMERS = {"time", "monotonic", "perf_counter", "time_ns", "monotonic_ns", "perf_counter_ns"}
CLOCK_HELPERS = {("tests/factories.py", "wait_until_sync")}


def _reads_real_time(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom) and node.module == "time":
        return any(alias.name in TIMERS for alias in node.names)
    return _reads_the_date(node) or (
        isinstance(node, ast.Attribute)
        and node.attr in TIMERS
        and isinstance(node.value, ast.Name)
        and node.value.id == "time"
    )


def _clock_reads(tree: ast.AST, function: str = "") -> list[tuple[str, int]]:
    """(enclosing function, line) of every wall-clock or monotonic read in the tree."""
    found: list[tuple[str, int]] = []
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            found += _clock_reads(child, child.name)
            continue
        if _reads_real_time(child):
            found.append((function, child.lineno))
        found += _clock_reads(child, function)
    return found


def test_tests_never_read_the_clock() -> None:
    """No test reads the wall clock or measures real time to decide what happened (issue 10.15)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line} ({function or 'module'})"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for function, line in _clock_reads(ast.parse(path.read_text(encoding="utf-8")))
        if (str(path.relative_to(ROOT)), function) not in CLOCK_HELPERS
    ]
    assert offenders == []


def _system_clock_line() -> int:
    source = (ROOT / "bot/context.py").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(source, 1) if "dt.datetime.now(dt.UTC)" in line)


# Loaded when first needed (a photo, a workbook, a chart, a document), never at start-up: together
# they are most of the bot's memory goal (issue 13: peak RSS under 150 MB).
HEAVY = ("matplotlib", "numpy", "openpyxl", "xlsxwriter", "PIL", "imagehash", "scipy", "docx", "pypdf")
START_UP = ("bot.cli", "bot.app", "bot.runner", "bot.webhook")


def test_start_up_does_not_import_heavy_libraries() -> None:
    probe = (
        f"import importlib, sys\nfor name in {START_UP!r}: importlib.import_module(name)\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
