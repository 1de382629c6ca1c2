"""state: Correlates of War and Gleditsch-Ward state numbers

Revision ID: e16c0a5c0de5
Revises: e15a7e0e5e01
Create Date: 2026-12-03 10:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e16c0a5c0de5'
down_revision = 'e15a7e0e5e01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cow_code', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('gw_code', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('state', schema=None) as batch_op:
        batch_op.drop_column('gw_code')
        batch_op.drop_column('cow_code')
