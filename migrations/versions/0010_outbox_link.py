"""outbox link: sms_outbox names its invitation by the random link, not by sequential ids

Revision ID: 0010_outbox_link
Revises: 0009_privacy_links
Create Date: 2026-11-22 18:40:00

Issue 3 asks for contact details "linked to responses only through a random id". 0009 moved
``contacts`` onto ``invitations.link_id``; the outbox still kept both ``contact_id`` and the
sequential ``invitation_id``, so until retention erased its rows a contact could be joined to its
invitation (and through ``responses.invitation_id`` to its answers) by sequential ids. The outbox
now keeps only ``invitation_link`` (``invitations.link_id``, ON DELETE CASCADE as before); its
contact is the one with the same link (``contacts.invitation_link`` is unique).

Existing rows take the link of their invitation, or failing that of their contact. SQLite copies
``sms_outbox`` to drop its columns; no table references ``sms_outbox``, so dropping the old copy
fires no ON DELETE action even though SQLite keeps foreign keys on. The downgrade restores
``invitation_id`` from the link and ``contact_id`` from the contact that has the link (NULL once
retention or withdrawal deleted that contact, as the old ON DELETE SET NULL left it).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_outbox_link"
down_revision = "0009_privacy_links"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_link", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE sms_outbox SET invitation_link = COALESCE("
        "(SELECT invitations.link_id FROM invitations"
        " WHERE invitations.id = sms_outbox.invitation_id),"
        " (SELECT contacts.invitation_link FROM contacts"
        " WHERE contacts.id = sms_outbox.contact_id))"
    )
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_outbox_invitation_id"))
        batch_op.drop_index(batch_op.f("ix_sms_outbox_contact_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_sms_outbox_invitation_id_invitations"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_sms_outbox_contact_id_contacts"), type_="foreignkey"
        )
        batch_op.drop_column("invitation_id")
        batch_op.drop_column("contact_id")
        batch_op.create_foreign_key(
            batch_op.f("fk_sms_outbox_invitation_link_invitations"),
            "invitations",
            ["invitation_link"],
            ["link_id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_sms_outbox_invitation_link"), ["invitation_link"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE sms_outbox SET"
        " invitation_id = (SELECT invitations.id FROM invitations"
        " WHERE invitations.link_id = sms_outbox.invitation_link),"
        " contact_id = (SELECT contacts.id FROM contacts"
        " WHERE contacts.invitation_link = sms_outbox.invitation_link)"
    )
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_outbox_invitation_link"))
        batch_op.drop_constraint(
            batch_op.f("fk_sms_outbox_invitation_link_invitations"), type_="foreignkey"
        )
        batch_op.drop_column("invitation_link")
        batch_op.create_foreign_key(
            batch_op.f("fk_sms_outbox_contact_id_contacts"),
            "contacts",
            ["contact_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sms_outbox_invitation_id_invitations"),
            "invitations",
            ["invitation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_sms_outbox_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sms_outbox_invitation_id"), ["invitation_id"], unique=False
        )
