"""targets: a goal or legal minimum for each headline figure, by country and level

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('targets',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('indicator', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=24), nullable=True),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=10000), nullable=False),
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_country_indicator'), ['country', 'indicator'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_country_indicator'))
    op.drop_table('targets')
