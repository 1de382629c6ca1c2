"""dataset_version.snapshot_base, content_sums: a curator's write stores only the records it changed

Revision ID: a5d3e1b0c9f2
Revises: a18b0d1c2e3f
Create Date: 2026-12-03 13:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a5d3e1b0c9f2'
down_revision = 'a18b0d1c2e3f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot_base', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('content_sums', sa.JSON(), nullable=True))


def downgrade():
    # Versions that hold only their changes cannot be read without the column: refuse rather
    # than leave them unreadable (publish a full version with `flask seed` first, then delete them).
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM dataset_version WHERE snapshot_base IS NOT NULL")).scalar():
        raise RuntimeError("dataset versions store only their changes (snapshot_base): cannot downgrade")
    with op.batch_alter_table('dataset_version', schema=None) as batch_op:
        batch_op.drop_column('content_sums')
        batch_op.drop_column('snapshot_base')
