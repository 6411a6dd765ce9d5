"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultation_rules',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('min_comment_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('country', name=op.f('pk_consultation_rules'))
    )
    op.create_table('currencies',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('from_year', sa.SmallInteger(), nullable=False),
    sa.Column('to_year', sa.SmallInteger(), nullable=True),
    sa.PrimaryKeyConstraint('country', 'currency', name=op.f('pk_currencies'))
    )
    op.create_table('dataset_info',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_dataset_info'))
    )
    op.create_table('exchange_rates',
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('units_per_eur', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('currency', 'year', name=op.f('pk_exchange_rates'))
    )
    op.create_table('import_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('replaced', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_log'))
    )
    op.create_table('rank_requirements',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('max_position_rank', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('country', 'level', name=op.f('pk_rank_requirements'))
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('population', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['regions.code'], name=op.f('fk_regions_parent_code_regions')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_country_level'), ['country', 'level'], unique=False)
        batch_op.create_index(batch_op.f('ix_regions_parent_code'), ['parent_code'], unique=False)

    op.create_table('s_consultation_authorities',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('authority_id', sa.String(length=64), nullable=False),
    sa.Column('consultations', sa.Integer(), nullable=False),
    sa.Column('comments_received', sa.BigInteger(), nullable=False),
    sa.Column('comments_accepted', sa.BigInteger(), nullable=False),
    sa.Column('participants', sa.BigInteger(), nullable=False),
    sa.Column('debates', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_consultation_authorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_consultation_authorities_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_consultation_authorities_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_consultation_authority_totals',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('authority_id', sa.String(length=64), nullable=False),
    sa.Column('consultations', sa.Integer(), nullable=False),
    sa.Column('comments_received', sa.BigInteger(), nullable=False),
    sa.Column('comments_accepted', sa.BigInteger(), nullable=False),
    sa.Column('participants', sa.BigInteger(), nullable=False),
    sa.Column('debates', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_consultation_authority_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_consultation_authority_totals_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_consultation_authority_totals_region1_code'), ['region1_code'], unique=False)

    op.create_table('s_consultation_totals',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('consultations', sa.Integer(), nullable=False),
    sa.Column('comments_received', sa.BigInteger(), nullable=False),
    sa.Column('comments_accepted', sa.BigInteger(), nullable=False),
    sa.Column('participants', sa.BigInteger(), nullable=False),
    sa.Column('debates', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_consultation_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_consultation_totals_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_consultation_totals_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_consultations',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('consultations', sa.Integer(), nullable=False),
    sa.Column('comments_received', sa.BigInteger(), nullable=False),
    sa.Column('comments_accepted', sa.BigInteger(), nullable=False),
    sa.Column('participants', sa.BigInteger(), nullable=False),
    sa.Column('debates', sa.Integer(), nullable=False),
    sa.Column('debate_participants', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('s_consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_consultations_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_consultations_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_grant_domains',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('funder_level', sa.String(length=24), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('grants', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur', sa.Float(), nullable=False),
    sa.Column('unconverted', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_grant_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_grant_domains_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_grant_domains_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_grant_funder_totals',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('funder_level', sa.String(length=24), nullable=False),
    sa.Column('funder_authority_id', sa.String(length=64), nullable=False),
    sa.Column('grants', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur', sa.Float(), nullable=False),
    sa.Column('unconverted', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_grant_funder_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_grant_funder_totals_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_grant_funder_totals_region1_code'), ['region1_code'], unique=False)

    op.create_table('s_grant_funders',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('funder_level', sa.String(length=24), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('funder_authority_id', sa.String(length=64), nullable=False),
    sa.Column('grants', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur', sa.Float(), nullable=False),
    sa.Column('unconverted', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_grant_funders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_grant_funders_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_grant_funders_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_grant_recipient_totals',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('recipient_key', sa.String(length=500), nullable=False),
    sa.Column('recipient_name', sa.String(length=500), nullable=False),
    sa.Column('grants', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur', sa.Float(), nullable=False),
    sa.Column('unconverted', sa.Integer(), nullable=False),
    sa.Column('grants_central', sa.Integer(), nullable=False),
    sa.Column('amount_cents_central', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_central', sa.Float(), nullable=False),
    sa.Column('unconverted_central', sa.Integer(), nullable=False),
    sa.Column('grants_regional', sa.Integer(), nullable=False),
    sa.Column('amount_cents_regional', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_regional', sa.Float(), nullable=False),
    sa.Column('unconverted_regional', sa.Integer(), nullable=False),
    sa.Column('grants_regional_department', sa.Integer(), nullable=False),
    sa.Column('amount_cents_regional_department', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_regional_department', sa.Float(), nullable=False),
    sa.Column('unconverted_regional_department', sa.Integer(), nullable=False),
    sa.Column('grants_district', sa.Integer(), nullable=False),
    sa.Column('amount_cents_district', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_district', sa.Float(), nullable=False),
    sa.Column('unconverted_district', sa.Integer(), nullable=False),
    sa.Column('grants_local', sa.Integer(), nullable=False),
    sa.Column('amount_cents_local', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_local', sa.Float(), nullable=False),
    sa.Column('unconverted_local', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_grant_recipient_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_grant_recipient_totals_country_recipient_key'), ['country', 'recipient_key'], unique=False)
        batch_op.create_index('ix_s_grant_recipient_totals_key', ['recipient_key', 'grants', 'amount_cents', 'amount_eur', 'unconverted'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_grant_recipient_totals_region1_code_recipient_key'), ['region1_code', 'recipient_key'], unique=False)

    op.create_table('s_grant_recipients',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('recipient_key', sa.String(length=500), nullable=False),
    sa.Column('grants', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur', sa.Float(), nullable=False),
    sa.Column('unconverted', sa.Integer(), nullable=False),
    sa.Column('grants_central', sa.Integer(), nullable=False),
    sa.Column('amount_cents_central', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_central', sa.Float(), nullable=False),
    sa.Column('unconverted_central', sa.Integer(), nullable=False),
    sa.Column('grants_regional', sa.Integer(), nullable=False),
    sa.Column('amount_cents_regional', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_regional', sa.Float(), nullable=False),
    sa.Column('unconverted_regional', sa.Integer(), nullable=False),
    sa.Column('grants_regional_department', sa.Integer(), nullable=False),
    sa.Column('amount_cents_regional_department', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_regional_department', sa.Float(), nullable=False),
    sa.Column('unconverted_regional_department', sa.Integer(), nullable=False),
    sa.Column('grants_district', sa.Integer(), nullable=False),
    sa.Column('amount_cents_district', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_district', sa.Float(), nullable=False),
    sa.Column('unconverted_district', sa.Integer(), nullable=False),
    sa.Column('grants_local', sa.Integer(), nullable=False),
    sa.Column('amount_cents_local', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur_local', sa.Float(), nullable=False),
    sa.Column('unconverted_local', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_grant_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_grant_recipients_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_grant_recipients_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_grants',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('funder_level', sa.String(length=24), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('procedure', sa.String(length=16), nullable=False),
    sa.Column('grants', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_eur', sa.Float(), nullable=False),
    sa.Column('unconverted', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_grants_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_grants_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_training_municipalities',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('region2_code', sa.String(length=32), nullable=False),
    sa.Column('organiser_levels', sa.Integer(), nullable=False),
    sa.Column('trainings', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('s_training_municipalities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_training_municipalities_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_training_municipalities_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_training_totals',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('organiser_level', sa.String(length=24), nullable=True),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('trainings', sa.Integer(), nullable=False),
    sa.Column('participants_public', sa.BigInteger(), nullable=False),
    sa.Column('participants_cso', sa.BigInteger(), nullable=False),
    sa.Column('participants_other', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('s_training_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_training_totals_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_training_totals_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('s_trainings',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('region1_code', sa.String(length=32), nullable=False),
    sa.Column('organiser_level', sa.String(length=24), nullable=True),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('topic', sa.String(length=500), nullable=False),
    sa.Column('trainings', sa.Integer(), nullable=False),
    sa.Column('participants_public', sa.BigInteger(), nullable=False),
    sa.Column('participants_cso', sa.BigInteger(), nullable=False),
    sa.Column('participants_other', sa.BigInteger(), nullable=False)
    )
    with op.batch_alter_table('s_trainings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_s_trainings_country_year'), ['country', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_s_trainings_region1_code_year'), ['region1_code', 'year'], unique=False)

    op.create_table('authorities',
    sa.Column('authority_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('level', sa.String(length=24), nullable=False),
    sa.Column('region_code', sa.String(length=32), nullable=True),
    sa.Column('parent_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['authorities.authority_id'], name=op.f('fk_authorities_parent_id_authorities')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_authorities_region_code_regions')),
    sa.PrimaryKeyConstraint('authority_id', name=op.f('pk_authorities'))
    )
    with op.batch_alter_table('authorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorities_country_level'), ['country', 'level'], unique=False)
        batch_op.create_index(batch_op.f('ix_authorities_region_code'), ['region_code'], unique=False)

    op.create_table('consultations',
    sa.Column('consultation_id', sa.String(length=64), nullable=False),
    sa.Column('authority_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('comments_deadline', sa.Date(), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=True),
    sa.Column('comments_received', sa.Integer(), nullable=False),
    sa.Column('comments_accepted', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('public_debate_held', sa.Boolean(), nullable=False),
    sa.Column('debate_participants', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.authority_id'], name=op.f('fk_consultations_authority_id_authorities')),
    sa.PrimaryKeyConstraint('consultation_id', name=op.f('pk_consultations'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultations_authority_id_published_on'), ['authority_id', 'published_on'], unique=False)

    op.create_table('grants',
    sa.Column('grant_id', sa.String(length=64), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('funder_authority_id', sa.String(length=64), nullable=False),
    sa.Column('region_code', sa.String(length=32), nullable=False),
    sa.Column('recipient_name', sa.String(length=500), nullable=False),
    sa.Column('recipient_id', sa.String(length=64), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('procedure', sa.String(length=16), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['funder_authority_id'], ['authorities.authority_id'], name=op.f('fk_grants_funder_authority_id_authorities')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_grants_region_code_regions')),
    sa.PrimaryKeyConstraint('grant_id', name=op.f('pk_grants'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_funder_authority_id'), ['funder_authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_region_code_year'), ['region_code', 'year'], unique=False)

    op.create_table('liaison_officers',
    sa.Column('authority_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.String(length=500), nullable=False),
    sa.Column('position_rank', sa.SmallInteger(), nullable=False),
    sa.Column('appointed_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('full_name', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.authority_id'], name=op.f('fk_liaison_officers_authority_id_authorities')),
    sa.PrimaryKeyConstraint('authority_id', 'position', 'appointed_on', name=op.f('pk_liaison_officers'))
    )
    with op.batch_alter_table('liaison_officers', schema=None) as batch_op:
        batch_op.create_index('ix_liaison_officers_active', ['authority_id', 'appointed_on', 'ended_on', 'position_rank'], unique=False)
        batch_op.create_index(batch_op.f('ix_liaison_officers_appointed_on_ended_on'), ['appointed_on', 'ended_on'], unique=False)

    op.create_table('trainings',
    sa.Column('training_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('region_code', sa.String(length=32), nullable=False),
    sa.Column('topic', sa.String(length=500), nullable=False),
    sa.Column('organiser_authority_id', sa.String(length=64), nullable=True),
    sa.Column('participants_public', sa.Integer(), nullable=False),
    sa.Column('participants_cso', sa.Integer(), nullable=False),
    sa.Column('participants_other', sa.Integer(), nullable=True),
    sa.Column('target_participants', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organiser_authority_id'], ['authorities.authority_id'], name=op.f('fk_trainings_organiser_authority_id_authorities')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_trainings_region_code_regions')),
    sa.PrimaryKeyConstraint('training_id', name=op.f('pk_trainings'))
    )
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainings_region_code_held_on'), ['region_code', 'held_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trainings_region_code_held_on'))

    op.drop_table('trainings')
    with op.batch_alter_table('liaison_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_liaison_officers_appointed_on_ended_on'))
        batch_op.drop_index('ix_liaison_officers_active')

    op.drop_table('liaison_officers')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_region_code_year'))
        batch_op.drop_index(batch_op.f('ix_grants_funder_authority_id'))

    op.drop_table('grants')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultations_authority_id_published_on'))

    op.drop_table('consultations')
    with op.batch_alter_table('authorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorities_region_code'))
        batch_op.drop_index(batch_op.f('ix_authorities_country_level'))

    op.drop_table('authorities')
    with op.batch_alter_table('s_trainings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_trainings_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_trainings_country_year'))

    op.drop_table('s_trainings')
    with op.batch_alter_table('s_training_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_training_totals_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_training_totals_country_year'))

    op.drop_table('s_training_totals')
    with op.batch_alter_table('s_training_municipalities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_training_municipalities_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_training_municipalities_country_year'))

    op.drop_table('s_training_municipalities')
    with op.batch_alter_table('s_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_grants_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_grants_country_year'))

    op.drop_table('s_grants')
    with op.batch_alter_table('s_grant_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_grant_recipients_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_grant_recipients_country_year'))

    op.drop_table('s_grant_recipients')
    with op.batch_alter_table('s_grant_recipient_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_grant_recipient_totals_region1_code_recipient_key'))
        batch_op.drop_index('ix_s_grant_recipient_totals_key')
        batch_op.drop_index(batch_op.f('ix_s_grant_recipient_totals_country_recipient_key'))

    op.drop_table('s_grant_recipient_totals')
    with op.batch_alter_table('s_grant_funders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_grant_funders_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_grant_funders_country_year'))

    op.drop_table('s_grant_funders')
    with op.batch_alter_table('s_grant_funder_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_grant_funder_totals_region1_code'))
        batch_op.drop_index(batch_op.f('ix_s_grant_funder_totals_country'))

    op.drop_table('s_grant_funder_totals')
    with op.batch_alter_table('s_grant_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_grant_domains_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_grant_domains_country_year'))

    op.drop_table('s_grant_domains')
    with op.batch_alter_table('s_consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_consultations_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_consultations_country_year'))

    op.drop_table('s_consultations')
    with op.batch_alter_table('s_consultation_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_consultation_totals_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_consultation_totals_country_year'))

    op.drop_table('s_consultation_totals')
    with op.batch_alter_table('s_consultation_authority_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_consultation_authority_totals_region1_code'))
        batch_op.drop_index(batch_op.f('ix_s_consultation_authority_totals_country'))

    op.drop_table('s_consultation_authority_totals')
    with op.batch_alter_table('s_consultation_authorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_s_consultation_authorities_region1_code_year'))
        batch_op.drop_index(batch_op.f('ix_s_consultation_authorities_country_year'))

    op.drop_table('s_consultation_authorities')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_code'))
        batch_op.drop_index(batch_op.f('ix_regions_country_level'))

    op.drop_table('regions')
    op.drop_table('rank_requirements')
    op.drop_table('import_log')
    op.drop_table('exchange_rates')
    op.drop_table('dataset_info')
    op.drop_table('currencies')
    op.drop_table('consultation_rules')
