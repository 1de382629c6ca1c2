"""producer_list: Landmine Monitor's lists of (potential) producers of anti-personnel mines, by report

Revision ID: a18b0d1c2e3f
Revises: f17c0a7e5a11
Create Date: 2026-12-03 13:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a18b0d1c2e3f'
down_revision = 'f17c0a7e5a11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'producer_list',
        sa.Column('id', sa.String(length=80), nullable=False),
        sa.Column('report', sa.String(length=200), nullable=False),
        sa.Column('published', sa.Date(), nullable=False),
        sa.Column('date_precision', sa.String(length=5), nullable=False),
        sa.Column('stated_count', sa.Integer(), nullable=True),
        sa.Column('states', sa.JSON(), nullable=False),
        sa.Column('complete', sa.Boolean(), nullable=False),
        sa.Column('quote', sa.Text(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('curator_notes', sa.Text(), nullable=True),
        sa.Column('confidence', sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'producer_list_source',
        sa.Column('record_id', sa.String(length=80), nullable=False),
        sa.Column('source_id', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['producer_list.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['source_id'], ['source.id']),
        sa.PrimaryKeyConstraint('record_id', 'source_id'),
    )


def downgrade():
    op.drop_table('producer_list_source')
    op.drop_table('producer_list')
