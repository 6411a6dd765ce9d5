"""the funders' summaries keep the amount awarded through competitive calls

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

An authority's competitive share (the authorities table) was a pass over every grant; the funders' summary rows now
carry it. Existing rows get it from the grants they sum: the same funder, year, currency and level-1 region.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# the competitive sums per funder, year, currency and level-1 region once (one pass over the grants), then each
# summary row's from them by an index: a correlated pass over the grants per summary row took minutes nationally
COMPETITIVE_SUMS = """
CREATE TEMPORARY TABLE civmon_tmp_competitive AS
SELECT g.funder_authority_id AS funder, g.year AS year, g.currency AS currency,
       CASE WHEN r.level = 1 THEN r.code ELSE r.parent_code END AS region1, SUM(g.amount_cents) AS cents
FROM grants g JOIN regions r ON r.code = g.region_code
WHERE g.procedure = 'competitive'
GROUP BY g.funder_authority_id, g.year, g.currency, CASE WHEN r.level = 1 THEN r.code ELSE r.parent_code END
"""
COMPETITIVE_INDEX = "CREATE INDEX ix_civmon_tmp_competitive ON civmon_tmp_competitive (funder, year, currency, region1)"
COMPETITIVE_PER_YEAR = """
UPDATE s_grant_funders SET competitive_cents = COALESCE((
    SELECT c.cents FROM civmon_tmp_competitive c
    WHERE c.funder = s_grant_funders.funder_authority_id AND c.year = s_grant_funders.year
      AND c.currency = s_grant_funders.currency AND c.region1 = s_grant_funders.region1_code), 0)
"""
COMPETITIVE_TOTAL = """
UPDATE s_grant_funder_totals SET competitive_cents = COALESCE((
    SELECT SUM(f.competitive_cents) FROM s_grant_funders f
    WHERE f.funder_authority_id = s_grant_funder_totals.funder_authority_id
      AND f.region1_code = s_grant_funder_totals.region1_code), 0)
"""


def upgrade() -> None:
    for table in ('s_grant_funders', 's_grant_funder_totals'):
        op.add_column(table, sa.Column('competitive_cents', sa.BigInteger(), server_default='0', nullable=False))
    for statement in (COMPETITIVE_SUMS, COMPETITIVE_INDEX, COMPETITIVE_PER_YEAR, COMPETITIVE_TOTAL,
                      "DROP TABLE civmon_tmp_competitive"):
        op.execute(statement)


def downgrade() -> None:
    for table in ('s_grant_funders', 's_grant_funder_totals'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('competitive_cents')
