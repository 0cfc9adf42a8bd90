"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from roundtable import create_app
from roundtable.extensions import db

from conftest import DATABASE, base_config


def _fresh_url(database_template: str, tmp_path: Path) -> str:
    if DATABASE == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    return database_template.rsplit("/", 1)[0] + "/roundtable_migrations"


def test_models_and_migrations_agree(database_template: str, tmp_path: Path) -> None:
    app = create_app(base_config(_fresh_url(database_template, tmp_path)))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()
