"""answers keyed by (response_id, item_id), clustered on SQLite: no surrogate id, no extra index

Revision ID: 0008_answers_clustered
Revises: 0007_report_features
Create Date: 2026-11-22 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_answers_clustered'
down_revision = '0007_report_features'
branch_labels = None
depends_on = None

_COLUMNS = 'response_id, item_id, value, updated_at'


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot change a table's primary key or drop its rowid in place: the answers
        # are copied, in key order, into a new WITHOUT ROWID table that takes the old name.
        op.create_table('answers_clustered',
        sa.Column('response_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('item_id', sa.String(length=100), nullable=False),
        sa.Column('value', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answers_response_id_responses'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('response_id', 'item_id', name=op.f('pk_answers')),
        sqlite_with_rowid=False,
        )
        op.execute(
            f'INSERT INTO answers_clustered ({_COLUMNS}) '
            f'SELECT {_COLUMNS} FROM answers ORDER BY response_id, item_id'
        )
        op.drop_table('answers')
        op.rename_table('answers_clustered', 'answers')
        return
    # PostgreSQL has no clustered tables to speak of; the key simply moves to the natural pair.
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_answers_response_id_item_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('pk_answers'), type_='primary')
        batch_op.drop_column('id')
        batch_op.create_primary_key(batch_op.f('pk_answers'), ['response_id', 'item_id'])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.create_table('answers_with_id',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=100), nullable=False),
        sa.Column('value', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answers_response_id_responses'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
        sa.UniqueConstraint('response_id', 'item_id', name=op.f('uq_answers_response_id_item_id'))
        )
        op.execute(
            f'INSERT INTO answers_with_id ({_COLUMNS}) '
            f'SELECT {_COLUMNS} FROM answers ORDER BY response_id, item_id'
        )
        op.drop_table('answers')
        op.rename_table('answers_with_id', 'answers')
        return
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('pk_answers'), type_='primary')
        # SERIAL numbers the existing rows and gives new ones their ids, as 0001 made it.
        batch_op.add_column(sa.Column('id', sa.Integer(), sa.Identity(), nullable=False))
        batch_op.create_primary_key(batch_op.f('pk_answers'), ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_answers_response_id_item_id'), ['response_id', 'item_id'])
