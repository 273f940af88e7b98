"""The engine and the analysis package stay free of Flask, SQLAlchemy and WTForms."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "wtforms", "werkzeug")
PURE_PACKAGES = [ROOT / "app" / "questionnaire", ROOT / "analysis"]


def imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is None:
            continue
    return names


def pure_sources() -> list[Path]:
    return sorted(p for pkg in PURE_PACKAGES if pkg.exists() for p in pkg.rglob("*.py"))


def test_there_are_engine_sources_to_check() -> None:
    assert any("questionnaire" in str(p) for p in pure_sources())


@pytest.mark.parametrize("source", pure_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_packages_import_no_web_or_database_framework(source: Path) -> None:
    offending = {
        name
        for name in imported_modules(source)
        if name.split(".")[0] in FORBIDDEN
        or name.startswith("flask_")
        or name.split(".")[0] == "app"
        and not name.startswith("app.questionnaire")
    }
    assert not offending, f"{source.relative_to(ROOT)} imports {sorted(offending)}"


def test_every_module_has_a_docstring() -> None:
    missing = []
    for source in sorted((ROOT / "app").rglob("*.py")) + sorted(ROOT.glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(str(source.relative_to(ROOT)))
    assert not missing, f"modules without a docstring: {missing}"
