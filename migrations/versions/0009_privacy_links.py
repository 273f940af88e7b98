"""privacy links: contacts join invitations by a random id, names encrypted, audit rows kept

Revision ID: 0009_privacy_links
Revises: 0008_answers_clustered
Create Date: 2026-11-22 16:00:00

Three data-protection gaps of issue 3, closed together:

1. ``response_people.person_name`` (plain text) becomes ``person_name_encrypted``, a Fernet
   token made with the application's CONTACT_ENCRYPTION_KEY, exactly as contacts are encrypted.
   The migration runs inside the Flask app (migrations/env.py uses ``current_app``), so it takes
   the key the same way the app does (``contact_cipher(current_app.config)``): a deployment that
   upgrades with its production key encrypts with that key, and the downgrade decrypts with it.
2. ``contacts.invitation_id`` (the sequential invitation id) is replaced by
   ``contacts.invitation_link``, pointing at a new random ``invitations.link_id``.
3. A trigger refuses ``DELETE`` on ``audit_events`` (0003 already refuses ``UPDATE``).

SQLite runs with ``PRAGMA foreign_keys=ON``, which cannot be switched off inside the migration's
transaction, so tables that others reference are never copied (dropping the old copy would fire
their ON DELETE actions): ``invitations`` only gains a column and an index; ``contacts`` is copied
(its unique foreign key cannot be dropped otherwise) and the outbox's ``contact_id`` values, which
SQLite sets to NULL when the old copy is dropped, are put back.
"""

import secrets

from alembic import op
import sqlalchemy as sa
from flask import current_app

from app.services.encryption import contact_cipher


# revision identifiers, used by Alembic.
revision = "0009_privacy_links"
down_revision = "0008_answers_clustered"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_events rows are append-only"


def _is_postgresql():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    _add_invitation_link_ids()
    _link_contacts_by_link_id()
    _encrypt_person_names()
    _forbid_audit_deletes()


def downgrade():
    _allow_audit_deletes()
    _decrypt_person_names()
    _link_contacts_by_sequential_id()
    _drop_invitation_link_ids()


def _add_invitation_link_ids():
    bind = op.get_bind()
    # SQLite cannot make an added column NOT NULL without copying the table, and copying
    # invitations would cascade into every table that references it; an empty default satisfies
    # NOT NULL until every row has its random id (the application always sets one itself).
    op.add_column(
        "invitations",
        sa.Column("link_id", sa.String(length=32), nullable=False, server_default=""),
    )
    invitation_ids = bind.execute(sa.text("SELECT id FROM invitations")).scalars().all()
    if invitation_ids:
        bind.execute(
            sa.text("UPDATE invitations SET link_id = :link_id WHERE id = :id"),
            [
                {"id": invitation_id, "link_id": secrets.token_hex(16)}
                for invitation_id in invitation_ids
            ],
        )
    if _is_postgresql():
        op.alter_column("invitations", "link_id", server_default=None)
    op.create_index(op.f("ix_invitations_link_id"), "invitations", ["link_id"], unique=True)


def _drop_invitation_link_ids():
    op.drop_index(op.f("ix_invitations_link_id"), table_name="invitations")
    # A plain ALTER TABLE ... DROP COLUMN: no copy of invitations (see _add_invitation_link_ids).
    op.drop_column("invitations", "link_id")


def _outbox_contacts():
    rows = op.get_bind().execute(
        sa.text("SELECT id, contact_id FROM sms_outbox WHERE contact_id IS NOT NULL")
    )
    return [{"id": row.id, "contact_id": row.contact_id} for row in rows]


def _restore_outbox_contacts(saved):
    # On SQLite, dropping the old copy of contacts set sms_outbox.contact_id to NULL.
    if saved:
        op.get_bind().execute(
            sa.text("UPDATE sms_outbox SET contact_id = :contact_id WHERE id = :id"), saved
        )


def _link_contacts_by_link_id():
    saved = _outbox_contacts()
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_link", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE contacts SET invitation_link = "
        "(SELECT invitations.link_id FROM invitations WHERE invitations.id = contacts.invitation_id)"
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.alter_column("invitation_link", existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_contacts_invitation_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_contacts_invitation_id_invitations"), type_="foreignkey"
        )
        batch_op.drop_column("invitation_id")
        batch_op.create_unique_constraint(
            batch_op.f("uq_contacts_invitation_link"), ["invitation_link"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contacts_invitation_link_invitations"),
            "invitations",
            ["invitation_link"],
            ["link_id"],
            ondelete="CASCADE",
        )
    _restore_outbox_contacts(saved)


def _link_contacts_by_sequential_id():
    saved = _outbox_contacts()
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE contacts SET invitation_id = "
        "(SELECT invitations.id FROM invitations WHERE invitations.link_id = contacts.invitation_link)"
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.alter_column("invitation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_contacts_invitation_link"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_contacts_invitation_link_invitations"), type_="foreignkey"
        )
        batch_op.drop_column("invitation_link")
        batch_op.create_unique_constraint(
            batch_op.f("uq_contacts_invitation_id"), ["invitation_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contacts_invitation_id_invitations"),
            "invitations",
            ["invitation_id"],
            ["id"],
            ondelete="CASCADE",
        )
    _restore_outbox_contacts(saved)


def _encrypt_person_names():
    bind = op.get_bind()
    cipher = contact_cipher(current_app.config)
    with op.batch_alter_table("response_people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_name_encrypted", sa.Text(), nullable=True))
    rows = bind.execute(sa.text("SELECT response_id, person_name FROM response_people")).all()
    if rows:
        bind.execute(
            sa.text(
                "UPDATE response_people SET person_name_encrypted = :token "
                "WHERE response_id = :response_id"
            ),
            [
                {"response_id": row.response_id, "token": cipher.encrypt(row.person_name)}
                for row in rows
            ],
        )
    with op.batch_alter_table("response_people", schema=None) as batch_op:
        batch_op.alter_column("person_name_encrypted", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("person_name")


def _decrypt_person_names():
    bind = op.get_bind()
    cipher = contact_cipher(current_app.config)
    with op.batch_alter_table("response_people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_name", sa.String(length=60), nullable=True))
    rows = bind.execute(
        sa.text("SELECT response_id, person_name_encrypted FROM response_people")
    ).all()
    if rows:
        # A wrong key stops the downgrade here (ValueError) before any name is lost.
        bind.execute(
            sa.text(
                "UPDATE response_people SET person_name = :name WHERE response_id = :response_id"
            ),
            [
                {"response_id": row.response_id, "name": cipher.decrypt(row.person_name_encrypted)}
                for row in rows
            ],
        )
    with op.batch_alter_table("response_people", schema=None) as batch_op:
        batch_op.alter_column("person_name", existing_type=sa.String(length=60), nullable=False)
        batch_op.drop_column("person_name_encrypted")


def _forbid_audit_deletes():
    # 0003's trigger refuses UPDATE; this one refuses DELETE, so no code path (raw SQL included)
    # removes an audit row. Removing rows on purpose now takes a migration that drops it.
    if _is_postgresql():
        # audit_events_append_only() comes from 0003 and raises for any row it is given.
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        # TRUNCATE fires no row trigger; SQLite has no TRUNCATE (its DELETE fires the trigger).
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def _allow_audit_deletes():
    if _is_postgresql():
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    op.execute(
        "DROP TRIGGER IF EXISTS audit_events_no_delete"
        + (" ON audit_events" if _is_postgresql() else "")
    )
