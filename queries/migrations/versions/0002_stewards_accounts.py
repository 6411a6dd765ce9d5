"""data stewards: accounts, failed sign-ins, who imported each file

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_users'))
    )
    op.create_table('login_failures',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('username', 'client', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_last_failure_at'), ['last_failure_at'], unique=False)
    # a new nullable column: ALTER TABLE … ADD COLUMN on both engines, the log's rows stay as they are
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_by', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.drop_column('imported_by')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_last_failure_at'))
    op.drop_table('login_failures')
    op.drop_table('users')
