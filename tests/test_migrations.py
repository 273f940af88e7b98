"""The schema comes only from migrations, and the migrations build exactly the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db


def test_migrations_build_exactly_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    with app.app_context():
        upgrade()
        assert "answers" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "answers" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "answers" in inspect(db.engine).get_table_names()
        db.engine.dispose()
