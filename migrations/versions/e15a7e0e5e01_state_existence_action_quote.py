"""state existence dates (exists_from, exists_until) and a quote on treaty actions

Revision ID: e15a7e0e5e01
Revises: d1a4e7c9b2f0
Create Date: 2026-12-03 10:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e15a7e0e5e01'
down_revision = 'd1a4e7c9b2f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exists_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('exists_until', sa.Date(), nullable=True))
    with op.batch_alter_table('treaty_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('treaty_action', schema=None) as batch_op:
        batch_op.drop_column('quote')
    with op.batch_alter_table('state', schema=None) as batch_op:
        batch_op.drop_column('exists_until')
        batch_op.drop_column('exists_from')
