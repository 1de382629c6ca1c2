"""dataset version sequence: the newest version by publication order, not by clock

Revision ID: d1a4e7c9b2f0
Revises: c7f7d9692d03
Create Date: 2026-12-03 10:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd1a4e7c9b2f0'
down_revision = 'c7f7d9692d03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dataset_version') as batch:
        batch.add_column(sa.Column('sequence', sa.Integer(), nullable=True))
    # existing versions keep the order they were published in (then by name, for equal times)
    versions = sa.table('dataset_version', sa.column('version', sa.String), sa.column('loaded_at', sa.DateTime),
                        sa.column('sequence', sa.Integer))
    connection = op.get_bind()
    names = connection.execute(sa.select(versions.c.version).order_by(versions.c.loaded_at, versions.c.version))
    for number, (name,) in enumerate(names.all(), start=1):
        connection.execute(versions.update().where(versions.c.version == name).values(sequence=number))
    with op.batch_alter_table('dataset_version') as batch:
        batch.alter_column('sequence', existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(batch.f('uq_dataset_version_sequence'), ['sequence'])


def downgrade():
    with op.batch_alter_table('dataset_version') as batch:
        batch.drop_constraint(batch.f('uq_dataset_version_sequence'), type_='unique')
        batch.drop_column('sequence')
