"""records as they come: counts not reported are NULL, texts up to 10,000 characters, trainings' total, mappings

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Existing rows all reported every count, so the new summary columns are derived from the old ones here and every
figure stays the same: comments, participants and debates reported by every consultation, acceptance over all of
them, the legal minimum applying to the consultations of the countries that have one, every training's split known.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SHORT, LONG = sa.String(length=500), sa.String(length=10000)
LONG_TEXTS = {
    'regions': ('name',), 'authorities': ('name',), 'liaison_officers': ('position', 'full_name'),
    'grants': ('recipient_name',), 'consultations': ('title',), 'trainings': ('title', 'topic'),
    'import_log': ('file_name',), 'dataset_info': ('value',), 's_trainings': ('topic',),
    's_grant_recipient_totals': ('recipient_name',),
}
RECIPIENT_KEY_TABLES = ('s_grant_recipients', 's_grant_recipient_totals')
CONSULTATION_COUNTS = ('comments_received', 'comments_accepted', 'participants')
CONSULTATION_TOTALS = ('s_consultation_totals', 's_consultation_authorities', 's_consultation_authority_totals')
TRAINING_SUMMARIES = ('s_trainings', 's_training_totals')
# new summary column: (type, its value for rows that reported everything)
REPORTED = {
    'comments_reported': (sa.Integer(), 'consultations'),
    'accepted_reported': (sa.Integer(), 'consultations'),
    'accepted_basis': (sa.BigInteger(), 'comments_received'),
    'participants_reported': (sa.Integer(), 'consultations'),
    'debates_reported': (sa.Integer(), 'consultations'),
}
WITH_RULE = ('CASE WHEN country IN (SELECT country FROM consultation_rules) THEN consultations ELSE 0 END')
TRAINED = {
    'participants': (sa.BigInteger(), 'participants_public + participants_cso + participants_other'),
    'split_reported': (sa.Integer(), 'trainings'),
}


def _derived(table: str, columns: dict, postgres: bool) -> None:
    """Add NOT NULL columns to a summary table and set them from its existing columns."""
    for name, (type_, _expr) in columns.items():
        op.add_column(table, sa.Column(name, type_, nullable=False, server_default='0'))
    op.execute(f"UPDATE {table} SET " + ", ".join(f"{name} = {expr}" for name, (_t, expr) in columns.items()))
    if postgres:
        for name in columns:
            op.alter_column(table, name, server_default=None)


def _officers_without_primary_key() -> None:
    """The key (authority_id, position, appointed_on) is kept by the importer: a 10,000-character position does not
    fit in an index entry on PostgreSQL. SQLite cannot drop a primary key in place, so the table is copied."""
    columns = ('authority_id', 'position', 'position_rank', 'appointed_on', 'ended_on', 'full_name')
    op.create_table('liaison_officers_0004',
    sa.Column('authority_id', sa.String(length=64), nullable=False),
    sa.Column('position', LONG, nullable=False),
    sa.Column('position_rank', sa.SmallInteger(), nullable=False),
    sa.Column('appointed_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('full_name', LONG, nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.authority_id'],
                            name=op.f('fk_liaison_officers_authority_id_authorities')),
    )
    names = ', '.join(columns)
    op.execute(f"INSERT INTO liaison_officers_0004 ({names}) SELECT {names} FROM liaison_officers")
    op.drop_table('liaison_officers')
    op.rename_table('liaison_officers_0004', 'liaison_officers')
    op.create_index('ix_liaison_officers_active', 'liaison_officers',
                    ['authority_id', 'appointed_on', 'ended_on', 'position_rank'], unique=False)
    op.create_index(op.f('ix_liaison_officers_appointed_on_ended_on'), 'liaison_officers',
                    ['appointed_on', 'ended_on'], unique=False)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:  # SQLite does not enforce a VARCHAR's length
        for table, columns in LONG_TEXTS.items():
            if table == 'liaison_officers':
                continue  # copied below
            for column in columns:
                op.alter_column(table, column, type_=LONG, existing_type=SHORT)
        for table in RECIPIENT_KEY_TABLES:  # keys of names cut at 500 characters: 'name:' + 500
            op.alter_column(table, 'recipient_key', type_=sa.String(length=520), existing_type=SHORT)
    _officers_without_primary_key()
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        for column in CONSULTATION_COUNTS:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('public_debate_held', existing_type=sa.Boolean(), nullable=True)
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participants_total', sa.Integer(), nullable=True))
        batch_op.alter_column('participants_public', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('participants_cso', existing_type=sa.Integer(), nullable=True)
    op.create_table('mappings',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('toml', sa.Text(), nullable=False),
    sa.Column('saved_by', sa.String(length=64), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_mappings'))
    )
    _derived('s_consultations', REPORTED, postgres)
    for table in CONSULTATION_TOTALS:
        _derived(table, {**REPORTED, 'with_rule': (sa.Integer(), WITH_RULE)}, postgres)
    for table in TRAINING_SUMMARIES:
        _derived(table, TRAINED, postgres)


def downgrade() -> None:
    raise NotImplementedError("0004 keeps counts that were not reported as NULL; there is no way back to zeros")
