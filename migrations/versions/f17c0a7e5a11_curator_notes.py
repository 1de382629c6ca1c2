"""treaty_action, policy_position, obligation_event: curator_notes (curators' working notes, never published)

Revision ID: f17c0a7e5a11
Revises: e16c0a5c0de5
Create Date: 2026-12-03 11:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f17c0a7e5a11'
down_revision = 'e16c0a5c0de5'
branch_labels = None
depends_on = None

TABLES = ('treaty_action', 'policy_position', 'obligation_event')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('curator_notes', sa.Text(), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('curator_notes')
