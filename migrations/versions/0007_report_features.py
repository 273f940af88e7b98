"""report features: sub-areas (areas.parent_id), invitation channels, queued report builds

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
    # Plain ADD COLUMN on both databases: SQLite's batch mode would copy and drop `areas` and
    # `invitations`, which other tables' rows refer to (foreign keys are on).
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column's foreign key only inline, in the ADD COLUMN itself.
        op.execute("ALTER TABLE areas ADD COLUMN parent_id INTEGER "
                   "CONSTRAINT fk_areas_parent_id_areas REFERENCES areas (id)")
    else:
        op.add_column('areas', sa.Column('parent_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f('fk_areas_parent_id_areas'), 'areas', 'areas', ['parent_id'], ['id']
        )
    op.create_index(op.f('ix_areas_parent_id'), 'areas', ['parent_id'], unique=False)
    # Every invitation made before the channel was recorded was imported for the SMS outbox,
    # except those with only an e-mail address.
    op.add_column('invitations', sa.Column(
        'channel', sa.String(length=16), server_default=sa.text("'sms'"), nullable=False
    ))
    op.execute(
        "UPDATE invitations SET channel = 'email' WHERE id IN ("
        "SELECT invitation_id FROM contacts "
        "WHERE phone_encrypted IS NULL AND email_encrypted IS NOT NULL)"
    )
    op.create_table('report_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope_kind', sa.String(length=16), nullable=False),
    sa.Column('scope_slug', sa.String(length=64), nullable=False),
    sa.Column('sub_area', sa.String(length=64), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('community_group_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('data_version', sa.String(length=64), nullable=False),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_report_builds_area_id_areas')),
    sa.ForeignKeyConstraint(['community_group_id'], ['community_groups.id'], name=op.f('fk_report_builds_community_group_id_community_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_builds'))
    )
    with op.batch_alter_table('report_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_builds_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_builds_community_group_id'), ['community_group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_builds_requested_by_user_id'), ['requested_by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_builds_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('report_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_builds_status'))
        batch_op.drop_index(batch_op.f('ix_report_builds_requested_by_user_id'))
        batch_op.drop_index(batch_op.f('ix_report_builds_community_group_id'))
        batch_op.drop_index(batch_op.f('ix_report_builds_area_id'))
    op.drop_table('report_builds')
    if op.get_bind().dialect.name == "sqlite":
        # A batch copy would drop tables that other rows refer to (foreign keys stay on):
        # SQLite 3.35+ drops these plain columns in place, as upgrade() added them.
        op.drop_index(op.f('ix_areas_parent_id'), table_name='areas')
        op.execute("ALTER TABLE invitations DROP COLUMN channel")
        op.execute("ALTER TABLE areas DROP COLUMN parent_id")
        return
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_areas_parent_id_areas'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_areas_parent_id'))
        batch_op.drop_column('parent_id')
