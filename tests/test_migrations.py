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


def test_invitations_made_before_0007_get_the_channel_they_were_made_for(tmp_path: Path) -> None:
    from sqlalchemy import text

    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'channels.db'}")
    with app.app_context():
        upgrade(revision="0006_actions")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO areas (id, slug, name, created_at) "
                                    "VALUES (1, 'north', 'North', '2026-01-01')"))  # fmt: skip
            for number, (phone, email) in enumerate(
                [("gAAAA-phone", None), (None, "gAAAA-email"), (None, None)], start=1
            ):
                connection.execute(
                    text(
                        "INSERT INTO invitations (id, token_hash, area_id, language, "
                        "questionnaire_id, created_at) VALUES (:id, :token, 1, 'en', "
                        "'voices-core', '2026-01-01')"
                    ),
                    {"id": number, "token": f"{number:064d}"},
                )
                connection.execute(
                    text(
                        "INSERT INTO contacts (invitation_id, phone_encrypted, email_encrypted, "
                        "created_at) VALUES (:id, :phone, :email, '2026-01-01')"
                    ),
                    {"id": number, "phone": phone, "email": email},
                )
        upgrade()
        with db.engine.connect() as connection:
            channels = connection.execute(
                text("SELECT channel FROM invitations ORDER BY id")
            ).scalars()
            # A purged contact (neither detail left) was texted: it stays "sms".
            assert list(channels) == ["sms", "email", "sms"]
        db.engine.dispose()
