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
    for folder in ("templates", "migrations", "static"):
        shipped = {
            f"roundtable/{folder}/{p.relative_to(ROOT / folder).as_posix()}"
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert shipped and shipped <= names, sorted(shipped - names)

    # A plain install (no checkout beside it) finds its templates and migrations.
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    script = (
        "import sys; from roundtable import create_app; from flask_migrate import upgrade\n"
        "app = create_app({'INSTANCE_PATH': sys.argv[1], 'SECRET_KEY': 'x' * 32})\n"
        "assert app.template_folder.startswith(sys.argv[2]), app.template_folder\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "    print(app.test_client().get('/').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "instance"), str(site)],
        env={"PYTHONPATH": str(site), "PATH": ""}, cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("200")


def test_every_listed_package_is_committed() -> None:
    """A package listed in pyproject but missing from git breaks every fresh install."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    for package in config["packages"]:
        parts = package.split(".")
        for cut in range(len(parts), 0, -1):  # the longest mapped prefix decides the folder
            prefix = ".".join(parts[:cut])
            if prefix in config["package-dir"]:
                folder = "/".join([config["package-dir"][prefix], *parts[cut:]])
                break
        assert any(path.startswith(folder + "/") for path in tracked), folder
