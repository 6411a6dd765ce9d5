"""The database schema: one SQLAlchemy Core table per kind in the data contract,
the import log, dataset facts, and the summary tables the importer keeps current.

Money is stored as integer minor units (`amount_cents`) so sums are exact on every engine.
Summary tables (prefix `s_`) hold only aggregates derived from the contract tables; they are kept
current by `queries.summary` inside the importing transaction (rebuilt per level-1 region, or, for
grants that are all new, summed in memory and added to the touched regions' rows).
"""
from __future__ import annotations

import sqlalchemy as sa

from .vocabulary import LEVELS_OF_GOVERNMENT

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
TEXT = sa.String(10000)  # titles, names, positions, topics as the offices write them (SPEC: up to 10,000)
# A recipient without a registry id is known by its name's first 500 characters: a key short enough for an index
# on every engine (PostgreSQL refuses index entries over about 2,700 bytes)
RECIPIENT_KEY = sa.String(520)
RECIPIENT_NAME_KEY = 500

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

# The contract's key (authority_id, position, appointed_on) is kept by the importer, not by a primary key: a position
# may be 10,000 characters, more than an index entry holds on PostgreSQL. Officers are found by authority and date.
liaison_officers = sa.Table(
    "liaison_officers", metadata,
    sa.Column("authority_id", ID, sa.ForeignKey("authorities.authority_id"), nullable=False),
    sa.Column("position", TEXT, nullable=False),
    sa.Column("position_rank", sa.SmallInteger, nullable=False),
    sa.Column("appointed_on", sa.Date, nullable=False),
    sa.Column("ended_on", sa.Date, nullable=True),
    sa.Column("full_name", TEXT, nullable=True),
    sa.Index(None, "appointed_on", "ended_on"),
    # covering for "most senior officer active on a date, per authority": no table access
    sa.Index("ix_liaison_officers_active", "authority_id", "appointed_on", "ended_on", "position_rank"),
)

rank_requirements = sa.Table(
    "rank_requirements", metadata,
    sa.Column("country", COUNTRY, primary_key=True),
    sa.Column("level", LEVEL, primary_key=True),
    sa.Column("max_position_rank", sa.SmallInteger, nullable=False),
)

# A goal or legal minimum for a headline figure (SPEC: targets). The key (country, indicator, level) is kept by the
# importer, not by a primary key: level is empty for a target that holds at every level, and a primary key column
# cannot be NULL.
targets = sa.Table(
    "targets", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("indicator", CODE, nullable=False),
    sa.Column("level", LEVEL, nullable=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("source", TEXT, nullable=False),
    sa.Index(None, "country", "indicator"),
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
    # counts are NULL when not reported (SPEC, Records as they come): never stored as 0
    sa.Column("comments_received", sa.Integer, nullable=True),
    sa.Column("comments_accepted", sa.Integer, nullable=True),
    sa.Column("participants", sa.Integer, nullable=True),
    sa.Column("public_debate_held", sa.Boolean, nullable=True),
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
    sa.Column("participants_total", sa.Integer, nullable=True),  # migration 0004; NULL: the split's sum
    sa.Column("participants_public", sa.Integer, nullable=True),
    sa.Column("participants_cso", sa.Integer, nullable=True),
    sa.Column("participants_other", sa.Integer, nullable=True),
    sa.Column("target_participants", sa.Integer, nullable=True),
    sa.Index(None, "region_code", "held_on"),
)

def level1_code(regions: sa.Table):
    """The level-1 region of a row of `regions` (an alias of the table): itself, or its parent for a level 2."""
    return sa.case((regions.c.level == 1, regions.c.code), else_=regions.c.parent_code)


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
    sa.Column("imported_by", sa.String(64), nullable=True),  # the steward, or the OS user of `civmon import`
)

dataset_info = sa.Table(
    "dataset_info", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", TEXT, nullable=False),
)

# --- data stewards' accounts (migration 0002) -------------------------------------------------

users = sa.Table(  # who may load data through /admin/import; managed with `civmon user`
    "users", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),  # werkzeug.security scrypt, never the password
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

mappings = sa.Table(  # import mappings the stewards saved on the upload page (queries.mappings), as their TOML
    "mappings", metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("toml", sa.Text, nullable=False),
    sa.Column("saved_by", sa.String(64), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)

# Sign-in state (queries.users): on PostgreSQL in these tables; with SQLite in a file of its own beside the database
# (users.state_engine), whose copies of the two tables here stay empty.
sessions = sa.Table(  # open stewards' sessions (migration 0003): a session ends when its row is deleted
    "sessions", metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),  # SHA-256 of the cookie's session token
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "username"),
    sa.Index(None, "expires_at"),
)

login_failures = sa.Table(  # consecutive failed sign-ins per (username, client address): the login rate limit
    "login_failures", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("client", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index(None, "last_failure_at"),
)

# --- summary tables (derived; kept current by queries.summary) ------------------------------
#
# Grain is chosen per query shape (bench/bench_queries.py times each): each indicator reads the smallest table
# that still has every dimension its filter needs. `_totals` tables have no year: a query reads
# them when the filter has no year range, and the year-grain table otherwise.
#
# Money columns, on every grant summary row: grants (count), amount_cents (exact sum of minor
# units), amount_eur (sum over the grants that have a rate) and unconverted (grants without a rate).
# On a row (or a level's columns) of one currency and year, amount_eur = amount_cents / 100 /
# units_per_eur quantised to 2**-24 EUR (see queries.summary.eur_of); other rows sum those. The
# quantised values add up exactly in any order, so a summary is the same number however and in
# whatever order it was built (full rebuild, partial rebuild or the importer's incremental path).


def _money() -> list[sa.Column]:
    return [sa.Column("grants", sa.Integer, nullable=False),
            sa.Column("amount_cents", sa.BigInteger, nullable=False),
            sa.Column("amount_eur", sa.Float, nullable=False),  # sum over grants that have a rate
            sa.Column("unconverted", sa.Integer, nullable=False)]  # grants without an EUR rate


MONEY = ("grants", "amount_cents", "amount_eur", "unconverted")

# The recipient tables hold the money columns once per level of government, as columns, because a
# recipient is funded by several levels: a level filter then adds a few columns of one row per
# recipient instead of reading a row per recipient and level.


def level_column(name: str, level: str) -> str:
    """The name of a money column for one level of government, such as amount_cents_local."""
    return f"{name}_{level}"


def _money_by_level() -> list[sa.Column]:
    types = dict(grants=sa.Integer, amount_cents=sa.BigInteger, amount_eur=sa.Float, unconverted=sa.Integer)
    return [sa.Column(level_column(m, level), types[m], nullable=False) for level in LEVELS_OF_GOVERNMENT for m in MONEY]

s_grants = sa.Table(  # per procedure: funding by county, by year, by procedure; the currency basis
    "s_grants", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("funder_level", LEVEL, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("procedure", sa.String(16), nullable=False),
    *_money(),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_grant_domains = sa.Table(  # per domain: funding by domain
    "s_grant_domains", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("funder_level", LEVEL, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("domain", sa.String(16), nullable=False),
    *_money(),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_grant_recipients = sa.Table(  # per recipient and year: rankings and distinct counts with a year filter
    "s_grant_recipients", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("recipient_key", RECIPIENT_KEY, nullable=False),
    *_money(),  # all levels: the sums of the per-level columns
    *_money_by_level(),
    # rows are stored in (country, year) order (queries.summary), so these narrow indexes lead to
    # contiguous rows: as fast as covering indexes here, and several times cheaper to build
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_grant_recipient_totals = sa.Table(  # per recipient, all years: one row per recipient and region
    "s_grant_recipient_totals", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("recipient_key", RECIPIENT_KEY, nullable=False),
    sa.Column("recipient_name", TEXT, nullable=False),  # the greatest name the recipient's grants carry
    *_money(),  # all levels: the sums of the per-level columns
    *_money_by_level(),
    sa.Index(None, "country", "recipient_key"),
    sa.Index(None, "region1_code", "recipient_key"),
    # covering, in recipient order: the ranking over every country groups without sorting
    sa.Index("ix_s_grant_recipient_totals_key", "recipient_key", "grants", "amount_cents", "amount_eur",
             "unconverted"),
)

s_grant_funders = sa.Table(  # per funder and year: funder ranking with a year filter
    "s_grant_funders", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("funder_level", LEVEL, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("funder_authority_id", ID, nullable=False),
    *_money(),
    # of amount_cents, awarded through competitive calls (migration 0006): an authority's competitive share
    sa.Column("competitive_cents", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_grant_funder_totals = sa.Table(  # per funder, all years (a funder has one level)
    "s_grant_funder_totals", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("funder_level", LEVEL, nullable=False),
    sa.Column("funder_authority_id", ID, nullable=False),
    *_money(),
    sa.Column("competitive_cents", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index(None, "country"),
    sa.Index(None, "region1_code"),
)

# Consultation counts: each sum is over the consultations that report it, beside how many do (`*_reported`), so
# that a ratio is taken over the reporters and an unreported count is never a 0 (SPEC, Records as they come).
# accepted_basis: comments_received of the consultations that report both counts (acceptance's denominator).
CONSULTATION_COUNTS = ("consultations", "comments_reported", "comments_received", "accepted_reported",
                       "accepted_basis", "comments_accepted", "participants_reported", "participants",
                       "debates_reported", "debates")
RULE_COUNTS = ("with_rule", "on_time")  # consultations whose country has a legal minimum; of them, on time


def _consultation_counts(rules: bool = False) -> list[sa.Column]:
    big = {"comments_received", "accepted_basis", "comments_accepted", "participants"}
    return [sa.Column(n, sa.BigInteger if n in big else sa.Integer, nullable=False)
            for n in CONSULTATION_COUNTS + (RULE_COUNTS if rules else ())]


s_consultations = sa.Table(  # per consultation period: periods against the legal minimum
    "s_consultations", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=True),  # NULL: central authorities
    sa.Column("level", LEVEL, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("period_days", sa.Integer, nullable=False),
    *_consultation_counts(),
    sa.Column("debate_participants", sa.BigInteger, nullable=False),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_consultation_totals = sa.Table(  # per year: participation by year and by region (on_time from the rules)
    "s_consultation_totals", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=True),  # NULL: central authorities
    sa.Column("level", LEVEL, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    *_consultation_counts(rules=True),
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
    *_consultation_counts(rules=True),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_consultation_authority_totals = sa.Table(  # per authority, all years: the ranking without a year filter
    "s_consultation_authority_totals", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=True),
    sa.Column("level", LEVEL, nullable=False),
    sa.Column("authority_id", ID, nullable=False),
    *_consultation_counts(rules=True),
    sa.Index(None, "country"),
    sa.Index(None, "region1_code"),
)

# Training counts: participants is every training's total (participants_total, else its sectors' sum); the sectors
# are summed over the trainings that report the split (public and CSO counts both given), split_reported of them.
TRAINING_COUNTS = ("trainings", "participants", "split_reported", "participants_public", "participants_cso",
                   "participants_other")


def _training_counts() -> list[sa.Column]:
    return [sa.Column(n, sa.Integer if n in ("trainings", "split_reported") else sa.BigInteger, nullable=False)
            for n in TRAINING_COUNTS]


s_trainings = sa.Table(  # per topic: trainings by topic
    "s_trainings", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("organiser_level", LEVEL, nullable=True),  # NULL: no organising authority
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("topic", TEXT, nullable=False),
    *_training_counts(),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

s_training_totals = sa.Table(  # all topics: reach, by region, by sector
    "s_training_totals", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("organiser_level", LEVEL, nullable=True),  # NULL: no organising authority
    sa.Column("year", sa.SmallInteger, nullable=False),
    *_training_counts(),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

# Bits of s_training_municipalities.organiser_levels: one per level of government, one for trainings
# without an organising authority.
ORGANISER_BITS = {level: 1 << i for i, level in enumerate(LEVELS_OF_GOVERNMENT)}
NO_ORGANISER_BIT = 1 << len(LEVELS_OF_GOVERNMENT)

s_training_municipalities = sa.Table(  # one row per municipality reached in a year: count rows, not distinct
    "s_training_municipalities", metadata,
    sa.Column("country", COUNTRY, nullable=False),
    sa.Column("region1_code", CODE, nullable=False),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("region2_code", CODE, nullable=False),
    sa.Column("organiser_levels", sa.Integer, nullable=False),  # ORGANISER_BITS of the year's trainings there
    sa.Column("trainings", sa.Integer, nullable=False),
    sa.Index(None, "country", "year"),
    sa.Index(None, "region1_code", "year"),
)

SUMMARY_TABLES = (
    s_grants, s_grant_domains, s_grant_recipients, s_grant_recipient_totals,
    s_grant_funders, s_grant_funder_totals,
    s_consultations, s_consultation_totals, s_consultation_authorities, s_consultation_authority_totals,
    s_trainings, s_training_totals, s_training_municipalities,
)
