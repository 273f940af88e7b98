"""The schema comes only from migrations, and the migrations build exactly the models."""

from __future__ import annotations

import os
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import Connection, create_engine, inspect, make_url, text

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


SCRATCH_SCHEMA = "migration_scratch"


def scratch_database_url(tmp_path: Path) -> str:
    """An empty database on the tests' engine: a fresh schema on PostgreSQL, else a new file."""
    configured = os.environ.get("DATABASE_URL")
    if not configured or not configured.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'scratch.db'}"
    engine = create_engine(configured)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCRATCH_SCHEMA}"))
    engine.dispose()
    url = make_url(configured).update_query_dict({"options": f"-csearch_path={SCRATCH_SCHEMA}"})
    return url.render_as_string(hide_password=False)


def audit_triggers(connection: Connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        query = (
            "SELECT tgname FROM pg_trigger"
            " WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal"
        )
    else:
        query = (
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
        )
    return set(connection.scalars(text(query)))


def test_0009_carries_existing_names_contacts_and_texts_over_and_back(tmp_path: Path) -> None:
    from app.services.encryption import contact_cipher
    from tests.conftest import make_app

    app = make_app(scratch_database_url(tmp_path))
    cipher = contact_cipher(app.config)
    moment = "2026-01-02 03:04:05"
    with app.app_context():
        upgrade(revision="0006_actions")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO areas (id, slug, name, created_at) VALUES (1, 'north', 'North', :t)",
                "INSERT INTO invitations (id, token_hash, area_id, language, questionnaire_id,"
                " created_at) VALUES (7, 'a', 1, 'en', 'voices-core', :t),"
                " (8, 'b', 1, 'en', 'voices-core', :t)",
                "INSERT INTO contacts (id, invitation_id, phone_encrypted, created_at)"
                " VALUES (3, 7, 'token-7', :t), (4, 8, 'token-8', :t)",
                "INSERT INTO sms_outbox (id, contact_id, invitation_id, kind, segments, status,"
                " scheduled_at, next_attempt_at, attempts, created_at, updated_at)"
                " VALUES (11, 4, 8, 'invitation', 1, 'queued', :t, :t, 0, :t, :t)",
                "INSERT INTO responses (id, response_id, questionnaire_id, questionnaire_version,"
                " channel, language, status, area_id, invitation_id, started_at, updated_at)"
                " VALUES (5, 'r-5', 'voices-core', 1, 'web', 'en', 'in_progress', 1, 7, :t, :t)",
                "INSERT INTO response_people (response_id, person_name) VALUES (5, 'Amira')",
            ):
                connection.execute(text(statement), {"t": moment})

        # 0010 drops sms_outbox.contact_id (tested below); here 0009 must keep it.
        upgrade(revision="0009_privacy_links")
        with db.engine.connect() as connection:
            token = connection.scalar(text("SELECT person_name_encrypted FROM response_people"))
            links = dict(connection.execute(text("SELECT id, link_id FROM invitations")).all())
            contacts = dict(
                connection.execute(
                    text("SELECT phone_encrypted, invitation_link FROM contacts")
                ).all()
            )
            outbox_contact = connection.scalar(text("SELECT contact_id FROM sms_outbox"))
            triggers_after_upgrade = audit_triggers(connection)
        refused = {"audit_events_no_update", "audit_events_no_delete"}
        if db.engine.dialect.name == "postgresql":
            refused.add("audit_events_no_truncate")
        assert triggers_after_upgrade == refused
        assert token is not None and "Amira" not in token and cipher.decrypt(token) == "Amira"
        assert len(set(links.values())) == 2 and all(len(link) == 32 for link in links.values())
        assert contacts == {"token-7": links[7], "token-8": links[8]}
        assert outbox_contact == 4  # SQLite's copy of contacts did not cut the outbox loose

        downgrade(revision="0006_actions")
        with db.engine.connect() as connection:
            name = connection.scalar(text("SELECT person_name FROM response_people"))
            contacts = dict(
                connection.execute(
                    text("SELECT phone_encrypted, invitation_id FROM contacts")
                ).all()
            )
            outbox_contact = connection.scalar(text("SELECT contact_id FROM sms_outbox"))
            triggers_after_downgrade = audit_triggers(connection)
        assert name == "Amira"
        assert contacts == {"token-7": 7, "token-8": 8}
        assert triggers_after_downgrade == {"audit_events_no_update"}
        assert outbox_contact == 4
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {SCRATCH_SCHEMA} CASCADE"))
        db.engine.dispose()


def test_0010_moves_outbox_rows_onto_the_random_link_and_back(tmp_path: Path) -> None:
    from tests.conftest import make_app

    app = make_app(scratch_database_url(tmp_path))
    moment = "2026-01-02 03:04:05"
    links = {7: "a" * 32, 8: "b" * 32, 9: "c" * 32}
    with app.app_context():
        upgrade(revision="0009_privacy_links")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO areas (id, slug, name, created_at) VALUES (1, 'north', 'North', :t)",
                "INSERT INTO invitations (id, link_id, token_hash, area_id, language,"
                " questionnaire_id, channel, created_at) VALUES"
                " (7, :l7, 'a', 1, 'en', 'voices-core', 'sms', :t),"
                " (8, :l8, 'b', 1, 'en', 'voices-core', 'sms', :t),"
                " (9, :l9, 'c', 1, 'en', 'voices-core', 'sms', :t)",
                "INSERT INTO contacts (id, invitation_link, phone_encrypted, created_at)"
                " VALUES (3, :l7, 'token-7', :t), (4, :l8, 'token-8', :t)",
                # 11: the usual row; 12: its contact was purged (SET NULL); 13: queued with a
                # contact but no invitation id, so only the contact knows the link.
                "INSERT INTO sms_outbox (id, contact_id, invitation_id, kind, segments, status,"
                " scheduled_at, next_attempt_at, attempts, created_at, updated_at) VALUES"
                " (11, 4, 8, 'invitation', 1, 'sent', :t, :t, 1, :t, :t),"
                " (12, NULL, 9, 'reminder', 1, 'delivered', :t, :t, 1, :t, :t),"
                " (13, 3, NULL, 'invitation', 1, 'queued', :t, :t, 0, :t, :t)",
            ):
                parameters = {"t": moment, "l7": links[7], "l8": links[8], "l9": links[9]}
                connection.execute(text(statement), parameters)

        upgrade(revision="0010_outbox_link")
        outbox_columns = {column["name"] for column in inspect(db.engine).get_columns("sms_outbox")}
        with db.engine.connect() as connection:
            outbox_links = dict(
                connection.execute(text("SELECT id, invitation_link FROM sms_outbox")).all()
            )
            contacts = connection.scalar(text("SELECT count(*) FROM contacts"))
        assert "invitation_link" in outbox_columns
        assert not {"invitation_id", "contact_id"} & outbox_columns
        assert outbox_links == {11: links[8], 12: links[9], 13: links[7]}
        assert contacts == 2  # SQLite's copy of sms_outbox cascaded into nothing

        downgrade(revision="0009_privacy_links")
        with db.engine.connect() as connection:
            outbox_ids = {
                row.id: (row.invitation_id, row.contact_id)
                for row in connection.execute(
                    text("SELECT id, invitation_id, contact_id FROM sms_outbox")
                )
            }
        assert outbox_ids == {11: (8, 4), 12: (9, None), 13: (7, 3)}
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {SCRATCH_SCHEMA} CASCADE"))
        db.engine.dispose()
