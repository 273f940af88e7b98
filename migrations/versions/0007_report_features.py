"""report features: sub-areas (areas.parent_id) and the channel of each invitation

Revision ID: 0007_report_features
Revises: 0006_actions
Create Date: 2026-11-22 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_report_features'
down_revision = '0006_actions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_areas_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_areas_parent_id_areas'), 'areas', ['parent_id'], ['id']
        )
    # Every invitation made before the channel was recorded was imported for the SMS outbox,
    # except those with only an e-mail address.
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('channel', sa.String(length=16), server_default=sa.text("'sms'"), nullable=False)
        )
    op.execute(
        "UPDATE invitations SET channel = 'email' WHERE id IN ("
        "SELECT invitation_id FROM contacts "
        "WHERE phone_encrypted IS NULL AND email_encrypted IS NOT NULL)"
    )


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_areas_parent_id_areas'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_areas_parent_id'))
        batch_op.drop_column('parent_id')
