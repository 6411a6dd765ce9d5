"""Summary tables kept current by the importer, so that indicators answer in milliseconds.

Each fact kind (grants, consultations, trainings) has a family of `s_*` tables holding sums per
level-1 region, year and the other filter dimensions. Two ways keep them current, both inside the
caller's transaction and both giving exactly the same rows:

* `refresh` rebuilds a family for some level-1 regions (or all) from the contract tables: DELETE
  those regions' rows, then INSERT … SELECT … GROUP BY. Grants are aggregated once to a temporary
  table of their raw dimensions and the per-procedure, per-domain and per-funder tables are rolled
  up from it; each `_totals` table is rolled up from its year-grain rows.
* `GrantDelta` is fed the typed chunks of a grants file that only adds rows, aggregates them in
  memory, adds the existing summary rows of the regions they touch and rewrites those regions: an
  import of a million new grants then costs a few seconds of summaries instead of a rebuild.

Euro amounts: a row of one currency and year holds `eur_of(amount_cents, rate)`, the euro value of
its exact cent sum, quantised to 2**-24 EUR; a `_totals` row holds the sum of those. Sums of such
values are exact in floating point (below 2**29 EUR), so neither the order of the rows nor the
path that built them changes a single bit, on SQLite and on PostgreSQL alike.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import operator
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import schema as t
from .vocabulary import LEVELS_OF_GOVERNMENT
from . import db
from .db import Database, days_between, year_of


ALL = None  # refresh every region

# Which summary families an import of each kind can change. Dimension kinds (regions,
# authorities, consultation rules) can move any fact, so they rebuild everything.
FAMILIES_BY_KIND: dict[str, tuple[str, ...]] = {
    "grants": ("grants",),
    "consultations": ("consultations",),
    "trainings": ("trainings",),
    "exchange_rates": ("grants",),
    "regions": ("grants", "consultations", "trainings"),
    "authorities": ("grants", "consultations", "trainings"),
    "consultation_rules": ("consultations",),
}

FAMILY_TABLES: dict[str, tuple[sa.Table, ...]] = {
    "grants": (t.s_grants, t.s_grant_domains, t.s_grant_funders, t.s_grant_funder_totals,
               t.s_grant_recipients, t.s_grant_recipient_totals),
    "consultations": (t.s_consultations, t.s_consultation_totals, t.s_consultation_authorities,
                      t.s_consultation_authority_totals),
    "trainings": (t.s_trainings, t.s_training_totals, t.s_training_municipalities),
}

_r = t.regions.alias("r")
REGION1 = t.level1_code(_r)

EUR_SCALE = 16777216.0  # 2**24: euro amounts are stored as multiples of 1/EUR_SCALE


# --- euro amounts, identically in SQL and in numpy ----------------------------------------------

def _f(value: float):
    return sa.literal(value, sa.Float)


def rate_of(currency, units_per_eur):
    """SQL: units of `currency` per euro (1 for the euro itself; NULL when no rate is known)."""
    return sa.case((currency == "EUR", _f(1.0)), else_=units_per_eur)


def eur_of(cents, rate):
    """SQL: the euro value of a sum of cents at one rate, quantised; 0 without a rate."""
    exact = sa.cast(cents, sa.Float) / _f(100.0) / rate
    return sa.case((rate.is_(None), _f(0.0)),
                   else_=db.floor_positive(exact * _f(EUR_SCALE) + _f(0.5)) / _f(EUR_SCALE))


def eur_values(cents: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """numpy: `eur_of` for arrays (rate NaN where unknown), bit for bit the same doubles."""
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.floor(cents.astype(np.float64) / 100.0 / rate * EUR_SCALE + 0.5) / EUR_SCALE
    return np.where(np.isnan(rate), 0.0, q)


# --- rebuilding from the contract tables --------------------------------------------------------

def _regions_under(region1_codes: Iterable[str]) -> sa.Select:
    """Codes of the given level-1 regions and of their level-2 regions."""
    codes = list(region1_codes)
    return sa.select(t.regions.c.code).where(
        sa.or_(t.regions.c.code.in_(codes), t.regions.c.parent_code.in_(codes)))


def _temp(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(f"civmon_tmp_{name}", sa.MetaData(), *columns, prefixes=["TEMPORARY"])


def _with_eur(source: sa.Select, name: str) -> sa.Select:
    """The rows of `source` (with currency, year, grants, amount_cents) and their euro columns."""
    s, x = source.subquery(name), t.exchange_rates
    rate = rate_of(s.c.currency, x.c.units_per_eur)
    keys = [c for c in s.c if c.name not in ("grants", "amount_cents")]
    return (sa.select(*keys, s.c.grants, s.c.amount_cents, eur_of(s.c.amount_cents, rate).label("amount_eur"),
                      sa.case((rate.is_(None), s.c.grants), else_=0).label("unconverted"))
            .select_from(s.outerjoin(x, sa.and_(x.c.currency == s.c.currency, x.c.year == s.c.year))))


def _insert(conn: sa.Connection, table: sa.Table, source: sa.Select) -> None:
    conn.execute(table.insert().from_select(list(source.selected_columns.keys()), source))


def _rollup(source, keys: list[str], extra=(), sums: tuple[str, ...] = t.MONEY) -> sa.Select:
    """Sum the money columns of `source` (a table or subquery) by `keys`."""
    return (sa.select(*(source.c[k] for k in keys), *extra,
                      *(sa.func.sum(source.c[m]).label(m) for m in sums))
            .group_by(*(source.c[k] for k in keys)))


def _sum_columns(columns):
    """a + b + …, in the given order."""
    return functools.reduce(operator.add, columns)


_RECIPIENT_YEAR = ("country", "region1_code", "year", "currency", "recipient_key")
FUNDER_SUMS = t.MONEY + ("competitive_cents",)  # the funders' tables also sum the amount awarded competitively
_LEVEL_MONEY = tuple(t.level_column(m, level) for level in LEVELS_OF_GOVERNMENT for m in t.MONEY)


def _refresh_grants(conn: sa.Connection, region_where) -> None:
    g, a = t.grants, t.authorities
    raw = ("region_code", "year", "funder_authority_id", "currency", "domain", "procedure")
    fine = _temp("grant_fine", *(sa.Column(c, g.c[c].type) for c in raw),
                 sa.Column("grants", sa.Integer), sa.Column("amount_cents", sa.BigInteger))
    fine.create(conn)
    # one pass over the grants: their sums per raw dimensions (no joins, no expressions)
    _insert(conn, fine, sa.select(*(g.c[c] for c in raw), sa.func.count().label("grants"),
                                  sa.func.sum(g.c.amount_cents).label("amount_cents"))
            .where(region_where(g.c.region_code)).group_by(*(g.c[c] for c in raw)))
    competitive = sa.func.sum(sa.case((fine.c.procedure == "competitive", fine.c.amount_cents), else_=0))
    dims = [_r.c.country.label("country"), REGION1.label("region1_code"), fine.c.year,
            a.c.level.label("funder_level"), fine.c.currency]
    joined = (fine.join(_r, _r.c.code == fine.c.region_code)
              .join(a, a.c.authority_id == fine.c.funder_authority_id))
    for table, dim in ((t.s_grants, fine.c.procedure), (t.s_grant_domains, fine.c.domain),
                       (t.s_grant_funders, fine.c.funder_authority_id)):
        keys = dims + [dim]
        extra = [competitive.label("competitive_cents")] if table is t.s_grant_funders else []
        _insert(conn, table, _with_eur(
            sa.select(*keys, *extra, sa.func.sum(fine.c.grants).label("grants"),
                      sa.func.sum(fine.c.amount_cents).label("amount_cents"))
            .select_from(joined).group_by(*keys), "per_" + dim.name))
    fine.drop(conn)
    f = t.s_grant_funders
    _insert(conn, t.s_grant_funder_totals,
            _rollup(f, ["country", "region1_code", "funder_level", "funder_authority_id"], sums=FUNDER_SUMS)
            .where(region_where(f.c.region1_code, level1=True)))

    key = sa.case((g.c.recipient_id.is_not(None), "id:" + g.c.recipient_id),
                  else_="name:" + sa.func.substr(g.c.recipient_name, 1, t.RECIPIENT_NAME_KEY))
    rec = _temp("grant_recipients", *(sa.Column(c, t.s_grant_recipients.c[c].type) for c in _RECIPIENT_YEAR),
                sa.Column("funder_level", a.c.level.type), sa.Column("recipient_name", g.c.recipient_name.type),
                sa.Column("grants", sa.Integer), sa.Column("amount_cents", sa.BigInteger))
    rec.create(conn)
    keys = [_r.c.country.label("country"), REGION1.label("region1_code"), g.c.year, g.c.currency,
            key.label("recipient_key"), a.c.level.label("funder_level")]
    _insert(conn, rec, sa.select(*keys, db.max_text(g.c.recipient_name).label("recipient_name"),
                                 sa.func.count().label("grants"), sa.func.sum(g.c.amount_cents).label("amount_cents"))
            .select_from(g.join(_r, _r.c.code == g.c.region_code)
                         .join(a, a.c.authority_id == g.c.funder_authority_id))
            .where(region_where(g.c.region_code)).group_by(*keys))
    # one row per recipient and year, a level's sums in its own columns
    year_keys = [rec.c[c] for c in _RECIPIENT_YEAR]
    by_level = (sa.select(*year_keys, *(
        sa.func.sum(sa.case((rec.c.funder_level == level, rec.c[m]), else_=0)).label(t.level_column(m, level))
        for level in LEVELS_OF_GOVERNMENT for m in ("grants", "amount_cents"))).group_by(*year_keys).subquery("by_level"))
    x = t.exchange_rates
    rate = rate_of(by_level.c.currency, x.c.units_per_eur)
    per_level = []
    for level in LEVELS_OF_GOVERNMENT:
        grants, cents = (by_level.c[t.level_column(m, level)] for m in ("grants", "amount_cents"))
        per_level += [grants, cents, eur_of(cents, rate).label(t.level_column("amount_eur", level)),
                      sa.case((rate.is_(None), grants), else_=0).label(t.level_column("unconverted", level))]
    with_eur = (sa.select(*(by_level.c[c] for c in _RECIPIENT_YEAR), *per_level)
                .select_from(by_level.outerjoin(x, sa.and_(x.c.currency == by_level.c.currency,
                                                           x.c.year == by_level.c.year))).subquery("with_eur"))
    all_levels = [_sum_columns(with_eur.c[t.level_column(m, level)] for level in LEVELS_OF_GOVERNMENT).label(m) for m in t.MONEY]
    # stored in (country, year) order: a country's years are then a few contiguous pages, which
    # PostgreSQL reads with a bitmap scan instead of scanning the whole table
    _insert(conn, t.s_grant_recipients,
            sa.select(*(with_eur.c[c] for c in _RECIPIENT_YEAR), *all_levels,
                      *(with_eur.c[c] for c in _LEVEL_MONEY)).order_by(with_eur.c.country, with_eur.c.year))
    sr = t.s_grant_recipients
    keys = ["country", "region1_code", "recipient_key"]
    money = (_rollup(sr, keys, sums=t.MONEY + _LEVEL_MONEY)
             .where(region_where(sr.c.region1_code, level1=True)).subquery("money"))
    names = (sa.select(*(rec.c[k] for k in keys), db.max_text(rec.c.recipient_name).label("recipient_name"))
             .group_by(*(rec.c[k] for k in keys)).subquery("names"))
    _insert(conn, t.s_grant_recipient_totals,
            sa.select(*(money.c[k] for k in keys), names.c.recipient_name,
                      *(money.c[m] for m in t.MONEY + _LEVEL_MONEY))
            .select_from(money.join(names, sa.and_(*(names.c[k] == money.c[k] for k in keys)))))
    rec.drop(conn)


def _consultation_base(region_where):
    c, a, rules = t.consultations, t.authorities, t.consultation_rules
    region1 = REGION1
    frm = (c.join(a, a.c.authority_id == c.c.authority_id)
           .outerjoin(_r, _r.c.code == a.c.region_code)
           .outerjoin(rules, rules.c.country == a.c.country))
    return c, a, rules, region1, frm, region_where(a.c.region_code)


def _sum_if(condition, value=1):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def _consultation_sums(c) -> list:
    """t.CONSULTATION_COUNTS of a group of consultations: each count summed over those that report it."""
    both = sa.and_(c.c.comments_received.is_not(None), c.c.comments_accepted.is_not(None))
    return [sa.func.count().label("consultations"),
            sa.func.count(c.c.comments_received).label("comments_reported"),
            sa.func.coalesce(sa.func.sum(c.c.comments_received), 0).label("comments_received"),
            _sum_if(both).label("accepted_reported"),
            _sum_if(both, c.c.comments_received).label("accepted_basis"),
            _sum_if(both, c.c.comments_accepted).label("comments_accepted"),
            sa.func.count(c.c.participants).label("participants_reported"),
            sa.func.coalesce(sa.func.sum(c.c.participants), 0).label("participants"),
            sa.func.count(c.c.public_debate_held).label("debates_reported"),
            _sum_if(c.c.public_debate_held.is_(True)).label("debates")]


def _consultations_select(region_where) -> sa.Select:
    c, a, _rules, region1, frm, where = _consultation_base(region_where)
    period = days_between(c.c.published_on, c.c.comments_deadline)
    keys = [a.c.country, region1.label("region1_code"), a.c.level,
            year_of(c.c.published_on).label("year"), period.label("period_days")]
    return (sa.select(*keys, *_consultation_sums(c),
                      sa.func.coalesce(sa.func.sum(c.c.debate_participants), 0).label("debate_participants"))
            .select_from(frm).where(where).group_by(*keys))


def _consultation_authorities_select(region_where) -> sa.Select:
    c, a, rules, region1, frm, where = _consultation_base(region_where)
    period = days_between(c.c.published_on, c.c.comments_deadline)
    keys = [a.c.country, region1.label("region1_code"), a.c.level,
            year_of(c.c.published_on).label("year"), c.c.authority_id]
    return (sa.select(*keys, *_consultation_sums(c),
                      _sum_if(rules.c.min_comment_days.is_not(None)).label("with_rule"),
                      _sum_if(period >= rules.c.min_comment_days).label("on_time"))
            .select_from(frm).where(where).group_by(*keys))


def _refresh_consultations(conn: sa.Connection, region_where) -> None:
    _insert(conn, t.s_consultations, _consultations_select(region_where))
    _insert(conn, t.s_consultation_authorities, _consultation_authorities_select(region_where))
    s = t.s_consultation_authorities
    sums = t.CONSULTATION_COUNTS + t.RULE_COUNTS
    for table, keys in ((t.s_consultation_totals, [s.c.country, s.c.region1_code, s.c.level, s.c.year]),
                        (t.s_consultation_authority_totals, [s.c.country, s.c.region1_code, s.c.level,
                                                             s.c.authority_id])):
        _insert(conn, table, sa.select(*keys, *(sa.func.sum(s.c[n]).label(n) for n in sums))
                .where(region_where(s.c.region1_code, level1=True)).group_by(*keys))


def _trainings_select(region_where, municipalities: bool) -> sa.Select:
    tr, a = t.trainings, t.authorities
    keys = [_r.c.country.label("country"), REGION1.label("region1_code"), a.c.level.label("organiser_level"),
            year_of(tr.c.held_on).label("year")]
    frm = (tr.join(_r, _r.c.code == tr.c.region_code)
           .outerjoin(a, a.c.authority_id == tr.c.organiser_authority_id))
    where = region_where(tr.c.region_code)
    if municipalities:  # one row per municipality and year, its organisers' levels as bits
        keys = [k for k in keys if k.name != "organiser_level"] + [tr.c.region_code.label("region2_code")]
        bit = sa.case(t.ORGANISER_BITS, value=a.c.level, else_=t.NO_ORGANISER_BIT)
        return (sa.select(*keys, sa.func.sum(sa.distinct(bit)).label("organiser_levels"),
                          sa.func.count().label("trainings")).select_from(frm)
                .where(where, _r.c.level == 2).group_by(*keys))
    keys.append(tr.c.topic)
    split = sa.and_(tr.c.participants_public.is_not(None), tr.c.participants_cso.is_not(None))
    other = sa.func.coalesce(tr.c.participants_other, 0)
    total = sa.func.coalesce(tr.c.participants_total, sa.func.coalesce(tr.c.participants_public, 0)
                             + sa.func.coalesce(tr.c.participants_cso, 0) + other)
    return (sa.select(*keys, sa.func.count().label("trainings"),
                      sa.func.coalesce(sa.func.sum(total), 0).label("participants"),
                      _sum_if(split).label("split_reported"),
                      _sum_if(split, tr.c.participants_public).label("participants_public"),
                      _sum_if(split, tr.c.participants_cso).label("participants_cso"),
                      _sum_if(split, other).label("participants_other"))
            .select_from(frm).where(where).group_by(*keys))


def _refresh_trainings(conn: sa.Connection, region_where) -> None:
    _insert(conn, t.s_trainings, _trainings_select(region_where, False))
    _insert(conn, t.s_training_municipalities, _trainings_select(region_where, True))
    s = t.s_trainings
    sums = t.TRAINING_COUNTS
    keys = [s.c.country, s.c.region1_code, s.c.organiser_level, s.c.year]
    _insert(conn, t.s_training_totals,
            sa.select(*keys, *(sa.func.sum(s.c[n]).label(n) for n in sums))
            .where(region_where(s.c.region1_code, level1=True)).group_by(*keys))


_REFRESH = {"grants": _refresh_grants, "consultations": _refresh_consultations, "trainings": _refresh_trainings}


def _region_condition(named: list[str], with_none: bool):
    """A function giving the condition "in these level-1 regions" on a region column: a level-1
    column (summary tables) or a region code of either level (contract tables)."""
    def where(col, level1: bool = False):
        conds = []
        if named:
            conds.append(col.in_(named) if level1 else col.in_(_regions_under(named)))
        if with_none:
            conds.append(col.is_(None))
        return sa.or_(*conds) if conds else sa.false()
    return where


def refresh(conn: sa.Connection, families: Iterable[str],
            region1_codes: Iterable[str | None] | None = ALL) -> None:
    """Rebuild the given families' summary rows for these level-1 regions (None in the set:
    central authorities, which have no region; ALL: every row)."""
    codes = None if region1_codes is ALL else set(region1_codes)
    if codes is not None and not codes:
        return
    named = sorted(c for c in codes if c is not None) if codes is not None else []
    if codes is None:
        def region_where(col, level1: bool = False):
            return sa.true()
    else:
        region_where = _region_condition(named, None in codes)
    for family in families:
        if family not in _REFRESH:
            raise ValueError(f"unknown summary family {family!r}")
        tables = FAMILY_TABLES[family]
        with contextlib.ExitStack() as rebuilt:
            for table in tables:
                if codes is None:
                    deleted = conn.execute(table.delete()).rowcount
                    kept = 0
                else:
                    in_regions = region_where(table.c.region1_code, level1=True)
                    deleted = conn.execute(table.delete().where(in_regions)).rowcount
                    kept = None
                # the rows put back are about as many as were deleted (at least 10,000 on a first build)
                rebuilt.enter_context(indexes_rebuilt(conn, table, max(deleted, 10_000 if codes is None else 0),
                                                      kept, deleted))
            _REFRESH[family](conn, region_where)
        Database.analyze(conn, tables)


def regions_of(conn: sa.Connection, kind: str, table: sa.Table) -> set[str | None]:
    """Level-1 regions of the rows in `table` (a contract table or a staging table with the
    same column names) for a fact kind: used to know which summary rows an import touches."""
    if kind in ("grants", "trainings"):
        region_col = table.c.region_code
        stmt = (sa.select(REGION1).distinct()
                .select_from(table.join(_r, _r.c.code == region_col)))
    elif kind == "consultations":
        a = t.authorities
        stmt = (sa.select(REGION1).distinct()
                .select_from(table.join(a, a.c.authority_id == table.c.authority_id)
                             .outerjoin(_r, _r.c.code == a.c.region_code)))
    else:
        raise ValueError(f"{kind} has no per-region summary")
    return {row[0] for row in conn.execute(stmt)}


# --- adding new grants without a rebuild ----------------------------------------------------------

class _Rows:
    """Rows held as one array per column (values, or codes with the values they stand for) and
    the order to insert them in; decoded to Python tuples a batch at a time."""

    def __init__(self, columns: dict[str, tuple[np.ndarray, np.ndarray | None]], order: np.ndarray):
        self.columns, self.order = columns, order

    def __len__(self) -> int:
        return len(self.order)

    def tuples(self, start: int, stop: int) -> list[tuple]:
        at = self.order[start:stop]
        return list(zip(*((values[at] if lookup is None else lookup[values[at]]).tolist()
                          for values, lookup in self.columns.values())))


def _insert_rows(conn: sa.Connection, table: sa.Table, rows: _Rows, batch: int = 50_000) -> None:
    """Insert rows whose columns are the table's, in order, a batch of Python tuples at a time."""
    names = list(rows.columns)
    for start in range(0, len(rows), batch):
        Database.bulk_insert(conn, table, names, rows.tuples(start, start + batch))


@contextlib.contextmanager
def indexes_rebuilt(conn: sa.Connection, table: sa.Table, adding: int, keeping: int | None = None,
                    deleted: int = 0):
    """Around a bulk insert of `adding` rows into a table that keeps `keeping` rows (counted when
    None) after `deleted` were deleted in this transaction: drop the table's secondary indexes
    first and build them once afterwards, which is cheaper than updating them row by row. SQLite
    does it when the insert at least doubles the table (its readers keep their snapshot);
    PostgreSQL only for a table that was empty, because DROP INDEX locks the table against readers
    until commit. Inside the caller's transaction, so a rollback restores the indexes."""
    if keeping is None:
        keeping = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    if conn.dialect.name == "sqlite":
        rebuild = adding >= max(keeping, 10_000)
    else:
        rebuild = adding >= 10_000 and keeping == 0 and deleted == 0
    indexes = sorted(table.indexes, key=lambda ix: ix.name) if rebuild else []
    for index in indexes:
        conn.execute(sa.schema.DropIndex(index))
    yield
    for index in indexes:
        conn.execute(sa.schema.CreateIndex(index))


class _Codes:
    """Small integer codes for the distinct strings of a column, kept across chunks."""

    def __init__(self):
        self.values: list[str] = []
        self._index = pd.Index([], dtype=object)

    def encode(self, values) -> np.ndarray:
        inverse, uniques = pd.factorize(np.asarray(values, dtype=object))
        mapped = self._index.get_indexer(uniques)
        new = mapped < 0
        if new.any():
            mapped[new] = np.arange(len(self.values), len(self.values) + int(new.sum()))
            self.values.extend(np.asarray(uniques, dtype=object)[new].tolist())
            self._index = pd.Index(self.values, dtype=object)
        return mapped.astype(np.int32)[inverse]

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return np.asarray(self.values, dtype=object)[codes]


_RAW = ("region_code", "funder_authority_id", "currency", "domain", "procedure")
_FINE = ((t.s_grants, "procedure"), (t.s_grant_domains, "domain"), (t.s_grant_funders, "funder_authority_id"))
_LEVEL_INTS = tuple(t.level_column(m, level) for level in LEVELS_OF_GOVERNMENT for m in ("grants", "amount_cents"))


class GrantDelta:
    """The summary rows of a grants file that only adds rows, built from its typed chunks.

    `add` takes each chunk that passed its checks and keeps it as small integer codes (about 40
    bytes a grant); `discard` switches the delta off when the file has a problem. Once the rows are
    in the grants table, `apply` (or `start`, then `finish`) sums them per summary row, adds the
    existing rows of the regions they touch and rewrites those regions' rows."""

    def __init__(self, conn: sa.Connection):
        r, a, x = t.regions, t.authorities, t.exchange_rates
        regions = conn.execute(sa.select(r.c.code, r.c.country, r.c.level, r.c.parent_code)).all()
        self.region1 = {code: (code if level == 1 else parent) for code, _c, level, parent in regions}
        self.country = {code: country for code, country, _l, _p in regions}
        self.level = dict(conn.execute(sa.select(a.c.authority_id, a.c.level)).all())
        self.rates = {(c, int(y)): float(v) for c, y, v in conn.execute(sa.select(x.c.currency, x.c.year,
                                                                               x.c.units_per_eur))}
        self.complete = True
        self.codes = {name: _Codes() for name in _RAW + ("recipient_key",)}
        self.parts: list[dict[str, np.ndarray]] = []
        self.recipient_names = _Codes()
        self.names: list[pd.DataFrame] = []  # distinct (region_code, recipient_key, name) codes per chunk

    @property
    def ok(self) -> bool:
        """Every row was added, with known regions and funders."""
        return (self.complete and all(v in self.region1 for v in self.codes["region_code"].values)
                and all(v in self.level for v in self.codes["funder_authority_id"].values))

    def discard(self) -> None:
        """The file has a problem: it will be rejected, and this delta is not to be used."""
        self.complete, self.parts, self.names = False, [], []

    def add(self, typed: pd.DataFrame) -> None:
        """Keep a chunk that passed every check."""
        if not self.complete or not len(typed):
            return
        cols = {c: typed[c].to_numpy(dtype=object) for c in _RAW + ("recipient_name", "recipient_id")}
        if typed["year"].isna().any() or typed["amount"].isna().any():
            self.complete = False  # cannot happen in a chunk without problems; never sum a partial file
            return
        rid = cols["recipient_id"]
        has_id = ~pd.isna(rid)
        name_key = pd.Series(cols["recipient_name"]).str.slice(0, t.RECIPIENT_NAME_KEY).to_numpy(dtype=object)
        key = np.where(has_id, "id:" + np.where(has_id, rid, ""), "name:" + name_key)
        part = {c: self.codes[c].encode(cols[c]) for c in _RAW}
        part["recipient_key"] = self.codes["recipient_key"].encode(key)
        part["year"] = typed["year"].to_numpy(dtype=np.int16)
        part["amount_cents"] = typed["amount"].to_numpy(dtype=np.int64)
        self.parts.append(part)
        # the names each recipient goes by (nearly always one); the greatest is kept in `_names`
        self.names.append(pd.DataFrame({
            "region_code": part["region_code"], "recipient_key": part["recipient_key"],
            "recipient_name": self.recipient_names.encode(cols["recipient_name"])}).drop_duplicates())

    @property
    def regions(self) -> set[str]:
        """Level-1 regions of the rows added so far."""
        return {self.region1[code] for code in self.codes["region_code"].values}

    # -- summary rows ---------------------------------------------------------------------------
    # Everything is computed on integer codes (the strings of a column numbered once) and decoded
    # only for the insert: grouping a million rows by one combined int64 takes milliseconds.

    def _coded(self) -> dict[str, np.ndarray]:
        """All added rows as code arrays, with the level-1 region and the funder's level."""
        rows = {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}
        self.parts = []
        self.codes["region1_code"] = region1 = _Codes()
        rows["region1_code"] = region1.encode([self.region1[c] for c in self.codes["region_code"].values])[
            rows["region_code"]]
        self.codes["funder_level"] = levels = _Codes()
        rows["funder_level"] = levels.encode([self.level[f] for f in self.codes["funder_authority_id"].values])[
            rows["funder_authority_id"]]
        return rows

    @staticmethod
    def _combine(codes: list[np.ndarray]) -> tuple[np.ndarray, Callable[[np.ndarray], list[np.ndarray]]]:
        """Several small integer code arrays as one int64 per row (built one column at a time, to
        keep memory low), and the function back."""
        low = [int(c.min()) if len(c) else 0 for c in codes]
        dims = [int(c.max()) - lo + 1 if len(c) else 1 for c, lo in zip(codes, low)]
        if np.prod(np.array(dims, dtype=np.float64)) >= 2.0 ** 62:
            raise OverflowError("too many distinct values to combine into one int64")
        combined = np.zeros(len(codes[0]), dtype=np.int64)
        for c, lo, dim in zip(codes, low, dims):
            combined *= dim
            combined += c
            combined -= lo
        return combined, lambda values: [part + lo for part, lo in zip(np.unravel_index(values, dims), low)]

    def _group(self, rows: dict[str, np.ndarray], keys: list[str], sums: list[str]) -> dict[str, np.ndarray]:
        """Sum the `sums` arrays of the coded rows by `keys` (exact: int64 stays int64, and the
        quantised euro amounts add up exactly)."""
        combined, split = self._combine([rows[k] for k in keys])
        group, unique = pd.factorize(combined)
        out = dict(zip(keys, split(np.asarray(unique, dtype=np.int64))))
        for name in sums:
            values = rows[name]
            total = np.zeros(len(unique), dtype=np.float64 if values.dtype.kind == "f" else np.int64)
            np.add.at(total, group, values)
            out[name] = total
        return out

    def _encode_old(self, old: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
        """Existing summary rows (strings from the database) in this delta's codes."""
        out = {}
        for c in columns:
            values = old[c].to_numpy(dtype=object)
            out[c] = values.astype(np.int64) if c == "year" else self.codes[c].encode(values).astype(np.int64)
        return out

    def _rates(self, currency: np.ndarray, year: np.ndarray) -> np.ndarray:
        """Units per euro of each row's currency and year (NaN where no rate is known)."""
        combined, split = self._combine([currency, year])
        index, pairs = pd.factorize(combined)
        names = self.codes["currency"].values
        rate = np.array([1.0 if names[c] == "EUR" else self.rates.get((names[c], int(y)), np.nan)
                         for c, y in zip(*split(np.asarray(pairs, dtype=np.int64)))], dtype=np.float64)
        return rate[index]

    def _decoded(self, rows: dict[str, np.ndarray], table: sa.Table) -> "_Rows":
        """The table's rows, to be decoded a batch at a time, in (country, year) order as `refresh`
        stores s_grant_recipients (country from the level-1 region)."""
        country_of = np.array([self.country[r] for r in self.codes["region1_code"].values], dtype=object)
        columns = {}
        for column in table.c:
            c = column.name
            if c == "country":
                columns[c] = (rows["region1_code"], country_of)
            elif c in ("year", "recipient_name", "competitive_cents") or c in t.MONEY or c in _LEVEL_MONEY:
                columns[c] = (rows[c], None)
            else:
                columns[c] = (rows[c], np.asarray(self.codes[c].values, dtype=object))
        n = len(rows["region1_code"])
        order = (np.lexsort((rows["year"], pd.factorize(country_of, sort=True)[0][rows["region1_code"]]))
                 if "year" in rows else np.arange(n))
        return _Rows(columns, order)

    def _with_eur(self, rows: dict[str, np.ndarray], suffixes: list[str]) -> None:
        """Euro amounts and grants without a rate of year-grain rows, as `refresh` computes them."""
        rate = self._rates(rows["currency"], rows["year"])
        missing = np.isnan(rate)
        for suffix in suffixes:
            rows["amount_eur" + suffix] = eur_values(rows["amount_cents" + suffix], rate)
            rows["unconverted" + suffix] = np.where(missing, rows["grants" + suffix], 0)

    def _rows(self, old: dict[str, pd.DataFrame]) -> dict[str, _Rows]:
        """Every summary row of the touched regions: the new grants' sums plus the `old` rows."""
        rows = self._coded()
        rows["grants"] = np.ones(len(rows["amount_cents"]), dtype=np.int64)
        procedures = list(self.codes["procedure"].values)
        rows["competitive_cents"] = np.where(rows["procedure"] == procedures.index("competitive"),
                                             rows["amount_cents"], 0) if "competitive" in procedures \
            else np.zeros(len(rows["amount_cents"]), dtype=np.int64)
        out: dict[str, _Rows] = {}
        for table, dim in _FINE:
            keys = ["region1_code", "year", "funder_level", "currency", dim]
            sums = ["grants", "amount_cents"] + (["competitive_cents"] if table is t.s_grant_funders else [])
            part = self._group(rows, keys, sums)
            if table.name in old:
                before = self._encode_old(old[table.name], keys)
                for name in sums:
                    before[name] = old[table.name][name].to_numpy(dtype=np.int64)
                part = self._group({k: np.concatenate([before[k], part[k]]) for k in part}, keys, sums)
            self._with_eur(part, [""])
            out[table.name] = self._decoded(part, table)
            if table is t.s_grant_funders:
                totals = self._group(part, ["region1_code", "funder_level", "funder_authority_id"], list(FUNDER_SUMS))
                out[t.s_grant_funder_totals.name] = self._decoded(totals, t.s_grant_funder_totals)
        years = self._recipient_years(rows, old.get(t.s_grant_recipients.name))
        del rows
        out[t.s_grant_recipients.name] = self._decoded(years, t.s_grant_recipients)
        totals = self._group(years, ["region1_code", "recipient_key"], list(t.MONEY + _LEVEL_MONEY))
        totals["recipient_name"] = self._names(totals, old.get(t.s_grant_recipient_totals.name))
        out[t.s_grant_recipient_totals.name] = self._decoded(totals, t.s_grant_recipient_totals)
        return out

    def _recipient_years(self, rows: dict[str, np.ndarray], old: pd.DataFrame | None) -> dict[str, np.ndarray]:
        """s_grant_recipients rows: per recipient and year, each level's sums in its own columns."""
        keys = ["region1_code", "year", "currency", "recipient_key"]
        long = self._group(rows, keys + ["funder_level"], ["grants", "amount_cents"])
        if old is not None and len(old):  # the existing rows, one per level with grants
            before = self._encode_old(old, keys)
            for level in LEVELS_OF_GOVERNMENT:
                grants = old[t.level_column("grants", level)].to_numpy(dtype=np.int64)
                has = grants > 0
                long = {k: np.concatenate([long[k], before[k][has]]) for k in keys} | {
                    "funder_level": np.concatenate([long["funder_level"], np.full(
                        int(has.sum()), self.codes["funder_level"].encode([level])[0], dtype=np.int64)]),
                    "grants": np.concatenate([long["grants"], grants[has]]),
                    "amount_cents": np.concatenate([long["amount_cents"], old[t.level_column(
                        "amount_cents", level)].to_numpy(dtype=np.int64)[has]])}
            long = self._group(long, keys + ["funder_level"], ["grants", "amount_cents"])
        # one row per recipient and year: spread each level's sums into its columns
        combined, split = self._combine([long[k] for k in keys])
        row_of, unique = pd.factorize(combined)
        years = dict(zip(keys, split(np.asarray(unique, dtype=np.int64))))
        level_names = self.codes["funder_level"].values
        for level in LEVELS_OF_GOVERNMENT:
            at = (long["funder_level"] == level_names.index(level)) if level in level_names \
                else np.zeros(len(row_of), dtype=bool)
            for name in ("grants", "amount_cents"):
                column = np.zeros(len(unique), dtype=np.int64)
                column[row_of[at]] = long[name][at]
                years[t.level_column(name, level)] = column
        self._with_eur(years, ["_" + level for level in LEVELS_OF_GOVERNMENT])
        for m in t.MONEY:  # all levels, added in the order `refresh` adds them
            total = years[t.level_column(m, LEVELS_OF_GOVERNMENT[0])]
            for level in LEVELS_OF_GOVERNMENT[1:]:
                total = total + years[t.level_column(m, level)]
            years[m] = total
        return years

    def _names(self, totals: dict[str, np.ndarray], old: pd.DataFrame | None) -> np.ndarray:
        """The greatest name (in code-point order) of each (region, recipient) of `totals`."""
        names = pd.concat(self.names, ignore_index=True).drop_duplicates()
        region1 = self.codes["region1_code"].encode(
            [self.region1[c] for c in self.codes["region_code"].values])[names["region_code"].to_numpy()]
        frame = pd.DataFrame({"region1_code": region1.astype(np.int64),
                              "recipient_key": names["recipient_key"].to_numpy(dtype=np.int64),
                              "recipient_name": self.recipient_names.decode(names["recipient_name"].to_numpy())})
        if old is not None and len(old):
            before = self._encode_old(old, ["region1_code", "recipient_key"])
            frame = pd.concat([frame, pd.DataFrame({**before, "recipient_name": old["recipient_name"].to_numpy(
                dtype=object)})], ignore_index=True)
        frame = frame.drop_duplicates().sort_values(["region1_code", "recipient_key", "recipient_name"])
        frame = frame.drop_duplicates(["region1_code", "recipient_key"], keep="last")
        combined, _split = self._combine([frame["region1_code"].to_numpy(), frame["recipient_key"].to_numpy()])
        # the same combination for the totals' keys (codes only grow, so recombine both together)
        both, _ = self._combine([np.concatenate([frame["region1_code"].to_numpy(), totals["region1_code"]]),
                                 np.concatenate([frame["recipient_key"].to_numpy(), totals["recipient_key"]])])
        found = pd.Index(both[:len(frame)]).get_indexer(both[len(frame):])
        if (found < 0).any():
            raise RuntimeError("a recipient of the summed grants has no name")
        return frame["recipient_name"].to_numpy(dtype=object)[found]

    @staticmethod
    def _existing(conn, table: sa.Table, regions: list[str], columns: list[str]) -> pd.DataFrame:
        rows = conn.execute(sa.select(*(table.c[c] for c in columns)).where(table.c.region1_code.in_(regions))).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)

    def apply(self, conn: sa.Connection) -> None:
        """Rewrite the grants summaries of the regions the added rows touch (inside the caller's
        transaction, after the rows are in the grants table)."""
        self.start(conn)
        self.finish(conn)

    def start(self, conn: sa.Connection) -> None:
        """Read what the touched regions already hold, then sum in a worker thread: the caller may
        meanwhile merge the new rows into the grants table (the driver releases the GIL)."""
        self._pending = None
        if not self.parts:
            return
        regions = sorted(self.regions)
        t_ = t.s_grant_recipient_totals
        had = conn.execute(sa.select(sa.func.count()).select_from(t_)
                           .where(t_.c.region1_code.in_(regions))).scalar_one()
        old = {}
        if had:  # the touched regions' rows already in the summaries (none on a first import)
            old[t_.name] = self._existing(conn, t_, regions, ["region1_code", "recipient_key", "recipient_name"])
            for table, dim in _FINE:
                old[table.name] = self._existing(conn, table, regions, [
                    "region1_code", "year", "funder_level", "currency", dim, "grants", "amount_cents",
                    *(["competitive_cents"] if table is t.s_grant_funders else [])])
            sr = t.s_grant_recipients
            old[sr.name] = self._existing(conn, sr, regions, [c for c in _RECIPIENT_YEAR if c != "country"]
                                          + list(_LEVEL_INTS))
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="civmon-summaries")
        self._pending = (regions, had, pool.submit(self._rows, old))
        pool.shutdown(wait=False)

    def finish(self, conn: sa.Connection) -> None:
        """Replace the touched regions' summary rows with the sums `start` computed."""
        if not getattr(self, "_pending", None):
            return
        regions, had, future = self._pending
        self._pending = None
        out = future.result()
        deleted = {}
        if had:
            for table in FAMILY_TABLES["grants"]:
                deleted[table.name] = conn.execute(table.delete().where(table.c.region1_code.in_(regions))).rowcount
        for table in FAMILY_TABLES["grants"]:
            rows = out.pop(table.name)
            with indexes_rebuilt(conn, table, len(rows), deleted=deleted.get(table.name, 0)):
                _insert_rows(conn, table, rows)
            del rows
        Database.analyze(conn, FAMILY_TABLES["grants"])
