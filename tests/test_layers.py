"""The layers stay what the README's Layout says: read from the source, no app needed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "roundtable"
WEB_FRAMEWORK = {"flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "flask_migrate",
                 "flask_limiter", "flask_bootstrap", "werkzeug", "wtforms", "jinja2", "markupsafe"}


def modules(*parts: str) -> list[Path]:
    root = PACKAGE.joinpath(*parts)
    return sorted(root.rglob("*.py")) if root.is_dir() else [root]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


@pytest.mark.parametrize(
    "path", modules("domain") + modules("database.py") + modules("backup.py"),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_the_domain_imports_no_web_framework(path: Path) -> None:
    web = {name for name in imported(path) if name.split(".")[0] in WEB_FRAMEWORK}
    assert not web, f"{path.name} imports {sorted(web)}: domain modules stay plain Python"
    inward = {name for name in imported(path) if name.startswith("roundtable.web")}
    assert not inward, f"{path.name} imports the web layer: {sorted(inward)}"


def commits(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]


@pytest.mark.parametrize(
    "path", modules("web") + modules("cli.py") + modules("domain"),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_only_the_transaction_helpers_commit(path: Path) -> None:
    assert commits(path) == [], f"{path.name} commits or rolls back by hand: use writing()"


def test_no_production_code_carries_a_test_switch() -> None:
    for path in modules(""):
        source = path.read_text(encoding="utf-8")
        for word in ("SEATING_LOCKS", "SEATING_TEST_DELAY", "SeatingOptions", "test_delay"):
            assert word not in source, f"{path.relative_to(PACKAGE)} mentions {word}"
