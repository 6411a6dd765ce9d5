"""The database schema: one SQLAlchemy Core table per kind in the data contract,
the import log, dataset facts, and the summary tables the importer keeps current.

Money is stored as integer minor units (`amount_cents`) so sums are exact on every engine.
Summary tables (prefix `s_`) hold only aggregates derived from the contract tables; they are
rebuilt per level-1 region by `queries.summary.refresh` inside the importing transaction.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

CODE = sa.String(32)
ID = sa.String(64)
COUNTRY = sa.String(2)
LEVEL = sa.String(24)
TEXT = sa.String(500)

# --- contract tables -------------------------------------------------------------------------

regions = sa.Table(
    "regions", metadata,
    sa.Column("code", CODE, primary_key=True),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("level", sa.SmallInteger, nullable=False),
    sa.Column("parent_code", CODE, sa.ForeignKey("regions.code"), nullable=True),
    sa.Column("population", sa.BigInteger, nullable=True),
    sa.Index(None, "country", "level"),
    sa.Index(None, "parent_code"),
)

authorities = sa.Table(
    "authorities", metadata,
    sa.Column("authority_id", ID, primary_key=True),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("level", LEVEL, nullable=False),
    sa.Column("region_code", CODE, sa.ForeignKey("regions.code"), nullable=True),
    sa.Column("parent_id", ID, sa.ForeignKey("authorities.authority_id"), nullable=True),
    sa.Index(None, "country", "level"),
    sa.Index(None, "region_code"),
)

liaison_officers = sa.Table(
    "liaison_officers", metadata,
    sa.Column("authority_id", ID, sa.ForeignKey("authorities.authority_id"), primary_key=True),
    sa.Column("position", TEXT, primary_key=True),
    sa.Column("position_rank", sa.SmallInteger, nullable=False),
    sa.Column("appointed_on", sa.Date, primary_key=True),
    sa.Column("ended_on", sa.Date, nullable=True),
    sa.Column("full_name", TEXT, nullable=True),
    sa.Index(None, "appointed_on", "ended_on"),
)

rank_requirements = sa.Table(
    "rank_requirements", metadata,
    sa.Column("country", COUNTRY, primary_key=True),
    sa.Column("level", LEVEL, primary_key=True),
    sa.Column("max_position_rank", sa.SmallInteger, nullable=False),
)

grants = sa.Table(
    "grants", metadata,
    sa.Column("grant_id", ID, primary_key=True),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("funder_authority_id", ID, sa.ForeignKey("authorities.authority_id"), nullable=False),
    sa.Column("region_code", CODE, sa.ForeignKey("regions.code"), nullable=False),
    sa.Column("recipient_name", TEXT, nullable=False),
    sa.Column("recipient_id", ID, nullable=True),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("domain", sa.String(16), nullable=False),
    sa.Column("procedure", sa.String(16), nullable=False),
    sa.Column("awarded_on", sa.Date, nullable=True),
    sa.Index(None, "region_code", "year"),
    sa.Index(None, "funder_authority_id"),
)

exchange_rates = sa.Table(
    "exchange_rates", metadata,
    sa.Column("currency", sa.String(3), primary_key=True),
    sa.Column("year", sa.SmallInteger, primary_key=True),
    sa.Column("units_per_eur", sa.Float, nullable=False),
)

currencies = sa.Table(
    "currencies", metadata,
    sa.Column("country", COUNTRY, primary_key=True),
    sa.Column("currency", sa.String(3), primary_key=True),
    sa.Column("from_year", sa.SmallInteger, nullable=False),
    sa.Column("to_year", sa.SmallInteger, nullable=True),
)

consultations = sa.Table(
    "consultations", metadata,
    sa.Column("consultation_id", ID, primary_key=True),
    sa.Column("authority_id", ID, sa.ForeignKey("authorities.authority_id"), nullable=False),
    sa.Column("title", TEXT, nullable=False),
    sa.Column("published_on", sa.Date, nullable=False),
    sa.Column("comments_deadline", sa.Date, nullable=False),
    sa.Column("adopted_on", sa.Date, nullable=True),
    sa.Column("comments_received", sa.Integer, nullable=False),
    sa.Column("comments_accepted", sa.Integer, nullable=False),
    sa.Column("participants", sa.Integer, nullable=False),
    sa.Column("public_debate_held", sa.Boolean, nullable=False),
    sa.Column("debate_participants", sa.Integer, nullable=True),
    sa.Index(None, "authority_id", "published_on"),
)

consultation_rules = sa.Table(
    "consultation_rules", metadata,
    sa.Column("country", COUNTRY, primary_key=True),
    sa.Column("min_comment_days", sa.Integer, nullable=False),
)

trainings = sa.Table(
    "trainings", metadata,
    sa.Column("training_id", ID, primary_key=True),
    sa.Column("title", TEXT, nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("region_code", CODE, sa.ForeignKey("regions.code"), nullable=False),
    sa.Column("topic", TEXT, nullable=False),
    sa.Column("organiser_authority_id", ID, sa.ForeignKey("authorities.authority_id"), nullable=True),
    sa.Column("participants_public", sa.Integer, nullable=False),
    sa.Column("participants_cso", sa.Integer, nullable=False),
    sa.Column("participants_other", sa.Integer, nullable=True),
    sa.Column("target_participants", sa.Integer, nullable=True),
    sa.Index(None, "region_code", "held_on"),
)

# --- bookkeeping ----------------------------------------------------------------------------

import_log = sa.Table(
    "import_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("file_name", TEXT, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("replaced", sa.Integer, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
)

dataset_info = sa.Table(
    "dataset_info", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", TEXT, nullable=False),
)

# --- summary tables (derived; rebuilt by queries.summary) -----------------------------------

s_grants = sa.Table(
    "s_grants", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("funder_level", LEVEL, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("domain", sa.String(16), nullable=False),
    sa.Column("procedure", sa.String(16), nullable=False),
    sa.Column("grants", sa.Integer, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("amount_eur", sa.Float, nullable=False),  # sum over grants that have a rate
    sa.Column("unconverted", sa.Integer, nullable=False),  # grants without an EUR rate
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_grant_recipients = sa.Table(
    "s_grant_recipients", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("funder_level", LEVEL, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("recipient_key", TEXT, nullable=False),
    sa.Column("recipient_name", TEXT, nullable=False),
    sa.Column("grants", sa.Integer, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("amount_eur", sa.Float, nullable=False),  # sum over grants that have a rate
    sa.Column("unconverted", sa.Integer, nullable=False),  # grants without an EUR rate
    # covering indexes: rankings and distinct counts read these in key order, no table access
    sa.Index("ix_s_grant_recipients_rank", "country", "recipient_key", "year", "funder_level",
             "region1_code", "grants", "amount_cents", "amount_eur", "unconverted"),
    sa.Index("ix_s_grant_recipients_region", "country", "region1_code", "recipient_key", "year",
             "funder_level"),
    sa.Index("ix_s_grant_recipients_r1", "region1_code", "recipient_key", "year", "funder_level",
             "grants", "amount_cents", "amount_eur", "unconverted"),
)

s_grant_funders = sa.Table(
    "s_grant_funders", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("funder_level", LEVEL, nullable=False),
    sa.Column("funder_authority_id", ID, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("grants", sa.Integer, nullable=False),
    sa.Column("amount_cents", sa.BigInteger, nullable=False),
    sa.Column("amount_eur", sa.Float, nullable=False),  # sum over grants that have a rate
    sa.Column("unconverted", sa.Integer, nullable=False),  # grants without an EUR rate
    sa.Index("ix_s_grant_funders_rank", "country", "funder_authority_id", "year", "funder_level",
             "region1_code", "grants", "amount_cents", "amount_eur", "unconverted"),
    sa.Index(None, "region1_code", "year"),
)

s_consultations = sa.Table(
    "s_consultations", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=True),  # NULL: central authorities
    sa.Column("level", LEVEL, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("period_days", sa.Integer, nullable=False),
    sa.Column("consultations", sa.Integer, nullable=False),
    sa.Column("comments_received", sa.BigInteger, nullable=False),
    sa.Column("comments_accepted", sa.BigInteger, nullable=False),
    sa.Column("participants", sa.BigInteger, nullable=False),
    sa.Column("debates", sa.Integer, nullable=False),
    sa.Column("debate_participants", sa.BigInteger, nullable=False),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_consultation_authorities = sa.Table(
    "s_consultation_authorities", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=True),
    sa.Column("level", LEVEL, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("authority_id", ID, nullable=False),
    sa.Column("consultations", sa.Integer, nullable=False),
    sa.Column("comments_received", sa.BigInteger, nullable=False),
    sa.Column("comments_accepted", sa.BigInteger, nullable=False),
    sa.Column("participants", sa.BigInteger, nullable=False),
    sa.Column("debates", sa.Integer, nullable=False),
    sa.Column("on_time", sa.Integer, nullable=False),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_trainings = sa.Table(
    "s_trainings", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("organiser_level", LEVEL, nullable=True),  # NULL: no organising authority
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("topic", TEXT, nullable=False),
    sa.Column("trainings", sa.Integer, nullable=False),
    sa.Column("participants_public", sa.BigInteger, nullable=False),
    sa.Column("participants_cso", sa.BigInteger, nullable=False),
    sa.Column("participants_other", sa.BigInteger, nullable=False),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_training_municipalities = sa.Table(
    "s_training_municipalities", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("organiser_level", LEVEL, nullable=True),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("region2_code", CODE, nullable=False),
    sa.Column("trainings", sa.Integer, nullable=False),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

SUMMARY_TABLES = (
    s_grants, s_grant_recipients, s_grant_funders,
    s_consultations, s_consultation_authorities,
    s_trainings, s_training_municipalities,
)
