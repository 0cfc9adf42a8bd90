"""A plain (non-editable) wheel carries the templates, migrations and static files."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "roundtable").rglob("__init__.py")
    }
    assert found <= listed


def test_wheel_ships_templates_migrations_and_static(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("roundtable-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "roundtable/templates/base.html",
        "roundtable/migrations/env.py",
        "roundtable/migrations/alembic.ini",
        "roundtable/static/roundtable.css",
    ):
        assert expected in names
    assert any(n.startswith("roundtable/migrations/versions/") for n in names)


def test_every_listed_package_is_committed() -> None:
    """A package listed in pyproject but missing from git breaks every fresh install."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    for package in config["packages"]:
        folder = config["package-dir"].get(package, package.replace(".", "/"))
        assert any(path.startswith(folder + "/") for path in tracked), folder
