"""The indicator tables of the specification and the breakdowns the pages show.

Every function takes one `Filter` and returns a DataFrame whose columns are exactly the
registered ones. SQL does the sums (over the summary tables where facts are large); the ratios,
rounding and complete rows (every region in scope, every year of the range) are done here, once.
"""
from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import meta
from . import schema as t
from .vocabulary import DOMAINS, LEVELS_OF_GOVERNMENT, PROCEDURES
from .db import get_engine
from .filters import Filter, FilterError
from .registry import query

TOP_N = 10
TOP_FUNDERS = 15
TOP_AUTHORITIES = 20


# --- numbers ---------------------------------------------------------------------------------

def rounded(value, digits: int):
    """Round half up (as people do by hand), identically on every engine; None stays None."""
    if value is None:
        return None
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def ratio(numerator, denominator, digits: int = 2, scale: float = 1.0):
    """numerator / denominator × scale, rounded; None when the denominator is zero or unknown."""
    if numerator is None or not denominator:
        return None
    return rounded(scale * float(numerator) / float(denominator), digits)


def pct(numerator, denominator):
    """A percentage with one decimal; None when the denominator is zero."""
    return ratio(numerator, denominator, 1, 100.0)


def _plain(value):
    """PostgreSQL's numeric sums arrive as Decimal: whole ones become int, others float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _frame(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    """The result table; a numeric column with empty cells keeps Python values (None stays None, not NaN).
    Built column by column: 0.17 ms for one row against 0.26 ms through DataFrame.from_records."""
    data = {}
    for c in columns:
        values = [_plain(r[c]) for r in rows]
        numbers_and_none = None in values and any(isinstance(v, (int, float)) for v in values)
        data[c] = pd.Series(values, dtype=object) if numbers_and_none else values
    return pd.DataFrame(data, columns=list(columns))


def _text_frame(rows: list[tuple], columns: tuple[str, ...]) -> pd.DataFrame:
    """`_frame` for rows of text values only (nothing to convert): built from the tuples directly."""
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(columns))


# --- scope: a filter resolved against the database --------------------------------------------

@dataclass(frozen=True)
class Region:
    code: str
    name: str
    country: str
    population: int | None


@dataclass(frozen=True)
class Scope:
    filter: Filter
    region1: tuple[str, ...]      # level-1 codes asked for (level-2 rolled up); empty: no region filter
    regions: tuple[Region, ...]   # every level-1 region in scope, for complete per-region rows

    @property
    def region_codes(self) -> list[str]:
        return [r.code for r in self.regions]

    def where(self, table, *, level_col=None, country_col=None, region_col=None, year_col=None):
        """Filter conditions on a table with country / region1_code / year / level columns."""
        f = self.filter
        country_col = country_col if country_col is not None else table.c.get("country")
        region_col = region_col if region_col is not None else table.c.get("region1_code")
        year_col = year_col if year_col is not None else table.c.get("year")
        values = self.params
        conds = []
        if f.countries:
            conds.append(country_col.in_(sa.bindparam("f_countries", values["f_countries"], expanding=True)))
        if self.region1:
            conds.append(region_col.in_(sa.bindparam("f_region1", values["f_region1"], expanding=True)))
        if f.year_from is not None and year_col is not None:
            conds.append(year_col >= sa.bindparam("f_year_from", f.year_from))
        if f.year_to is not None and year_col is not None:
            conds.append(year_col <= sa.bindparam("f_year_to", f.year_to))
        if f.levels and level_col is not None:
            conds.append(level_col.in_(sa.bindparam("f_levels", values["f_levels"], expanding=True)))
        return sa.and_(sa.true(), *conds)

    @functools.cached_property  # read by every `where` of the scope and by `execute`: built once
    def params(self) -> dict:
        """The values `where` binds, by name: what runs a statement built for another scope of the same shape."""
        f = self.filter
        return {"f_countries": list(f.countries), "f_region1": list(self.region1), "f_year_from": f.year_from,
                "f_year_to": f.year_to, "f_levels": list(f.levels)}

    @property
    def shape(self) -> tuple:
        """Which conditions `where` makes, and the levels (they choose columns): a statement built from this
        scope suits every scope of the same shape, its values bound by `params`."""
        f = self.filter
        return (bool(f.countries), bool(self.region1), f.year_from is not None, f.year_to is not None, f.levels)

    def execute(self, conn: sa.Connection, build, *key):
        """conn.execute(build(self, *key)) with the statement built once per (build, key, database kind, shape)
        and reused with this scope's values: building a statement and its cache key took ~0.3 ms of a 0.4 ms
        query. `build` may take from the scope only what its shape holds, and its values through `where`."""
        memo_key = (build, key, conn.dialect.name, self.shape)
        stmt = _STATEMENTS.get(memo_key)
        if stmt is None:
            stmt = _STATEMENTS.setdefault(memo_key, build(self, *key))
        return conn.execute(stmt, self.params)


_STATEMENTS: dict = {}  # Scope.execute's statements: a few per query (shapes × kinds of database), never many


@contextmanager
def _connect(engine):
    with (engine or get_engine()).connect() as conn:
        yield conn


def check(f: Filter, engine=None) -> None:
    """Raise FilterError when the filter names a region the database does not know (the one check that needs
    the database; filters.parse makes the others). A page uses it to explain a bad address at once."""
    if f.regions:
        with _connect(engine) as conn:
            resolve(conn, f)


def resolve(conn: sa.Connection, f: Filter) -> Scope:
    """Roll level-2 region codes up to their county and list the level-1 regions in scope."""
    region1, regions = _regions_in_scope(conn, f.countries, f.regions)
    return Scope(f, region1, regions)


@meta.per_version  # regions change only with an import
def _regions_in_scope(conn: sa.Connection, countries: tuple[str, ...], codes: tuple[str, ...]
                      ) -> tuple[tuple[str, ...], tuple[Region, ...]]:
    """(level-1 codes the region codes name, every level-1 region of the countries and those codes)."""
    r = t.regions
    region1: list[str] = []
    if codes:
        found = {row.code: row for row in conn.execute(
            sa.select(r.c.code, r.c.level, r.c.parent_code).where(r.c.code.in_(codes)))}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise FilterError("unknown region code: {codes}", codes=", ".join(unknown))
        for code in codes:
            row = found[code]
            one = row.code if row.level == 1 else row.parent_code
            if one not in region1:
                region1.append(one)
    stmt = sa.select(r.c.code, r.c.name, r.c.country, r.c.population).where(r.c.level == 1)
    if countries:
        stmt = stmt.where(r.c.country.in_(countries))
    if region1:
        stmt = stmt.where(r.c.code.in_(region1))
    regions = tuple(Region(*row) for row in conn.execute(stmt.order_by(r.c.country, r.c.code)))
    return tuple(region1), regions


def _years(f: Filter, data_years: list[int]) -> list[int]:
    """Every year of the range; without one, first to last year with data after the other filters."""
    lo = f.year_from if f.year_from is not None else (min(data_years) if data_years else None)
    hi = f.year_to if f.year_to is not None else (max(data_years) if data_years else None)
    if lo is None or hi is None or lo > hi:
        return []
    return list(range(lo, hi + 1))


# --- liaison officers --------------------------------------------------------------------------

def _active_officers(on: dt.date):
    """Per authority, the most senior rank among officers active on a date."""
    o = t.liaison_officers
    return (sa.select(o.c.authority_id, sa.func.min(o.c.position_rank).label("best_rank"))
            .where(o.c.appointed_on <= on, sa.or_(o.c.ended_on.is_(None), o.c.ended_on > on))
            .group_by(o.c.authority_id).subquery("active"))


def _authority_scope(scope: Scope):
    """(authorities joined to their region, region1 expression, where) for authorities in scope."""
    a = t.authorities
    r = t.regions.alias("ar")
    region1 = t.level1_code(r)
    where = scope.where(a, level_col=a.c.level, region_col=region1, year_col=None)
    return a.outerjoin(r, r.c.code == a.c.region_code), region1, where


def _authorities_in_scope(scope: Scope, on: dt.date):
    """(from clause, region1 expression, covered, compliant, where) for authorities in scope."""
    a, rr = t.authorities, t.rank_requirements
    base, region1, where = _authority_scope(scope)
    active = _active_officers(on)
    frm = (base.outerjoin(active, active.c.authority_id == a.c.authority_id)
           .outerjoin(rr, sa.and_(rr.c.country == a.c.country, rr.c.level == a.c.level)))
    covered = sa.case((active.c.best_rank.is_not(None), 1), else_=0)
    compliant = sa.case((sa.and_(active.c.best_rank.is_not(None),
                                 sa.or_(rr.c.max_position_rank.is_(None),
                                        active.c.best_rank <= rr.c.max_position_rank)), 1), else_=0)
    return frm, region1, covered, compliant, where, active


def _coverage_counts(conn, scope: Scope, on: dt.date, by: str) -> dict:
    """Authorities, covered and compliant per level, per region or (by="all") in total."""
    a = t.authorities
    frm, region1, covered, compliant, where, _ = _authorities_in_scope(scope, on)
    key = {"level": a.c.level, "region": region1, "all": sa.literal("all")}[by]
    stmt = (sa.select(key.label("key"), sa.func.count().label("authorities"),
                      sa.func.sum(covered).label("covered"), sa.func.sum(compliant).label("compliant"))
            .select_from(frm).where(where).group_by(key))
    return {row.key: row for row in conn.execute(stmt)}


def _coverage_row(authorities: int, covered: int, compliant: int) -> dict:
    return {"authorities": authorities, "covered": covered, "coverage_pct": pct(covered, authorities),
            "compliant": compliant, "compliance_pct": pct(compliant, authorities)}


COVERAGE_COLUMNS = ("authorities", "covered", "coverage_pct", "compliant", "compliance_pct")


@query("liaison-coverage", title="Liaison officer coverage and rank compliance",
       definition="Per level of government: authorities with an officer for civil society active on "
                  "the reference date, and those whose most senior active officer meets the minimum rank.",
       area="liaison", indicator=True, columns=("level",) + COVERAGE_COLUMNS,
       parameters=("country", "region", "year_from", "year_to", "level", "as_of"),
       legal_basis="Kazakhstan: 2018 rules on officers for interaction with NGOs in every state body, with "
                   "a minimum rank per level; Romania: Law 52/2003 requires designated staff in every authority.")
def liaison_coverage(f: Filter, engine=None) -> pd.DataFrame:
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        counts = _coverage_counts(conn, scope, f.reference_date(), "level")
    rows = [{"level": level, **_coverage_row(c.authorities, c.covered, c.compliant)}
            for level in LEVELS_OF_GOVERNMENT if (c := counts.get(level)) and c.authorities]
    return _frame(rows, ("level",) + COVERAGE_COLUMNS)


@query("liaison-coverage-by-region", title="Liaison officer coverage by region",
       definition="Per level-1 region: authorities with an active officer and with one of sufficient rank "
                  "on the reference date (central authorities have no region and are not counted here).",
       area="liaison", columns=("region_code", "region_name") + COVERAGE_COLUMNS,
       parameters=("country", "region", "year_from", "year_to", "level", "as_of"))
def liaison_coverage_by_region(f: Filter, engine=None) -> pd.DataFrame:
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        counts = _coverage_counts(conn, scope, f.reference_date(), "region")
    rows = []
    for region in scope.regions:
        c = counts.get(region.code)
        n = (c.authorities, c.covered, c.compliant) if c else (0, 0, 0)
        rows.append({"region_code": region.code, "region_name": region.name, **_coverage_row(*n)})
    return _frame(rows, ("region_code", "region_name") + COVERAGE_COLUMNS)


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _days(values: list) -> np.ndarray:
    """Dates as numpy days: from ISO text (what SQLite's driver gives) or date objects (psycopg's);
    None becomes NaT."""
    if any(isinstance(v, str) for v in values):
        return np.array(values, dtype="datetime64[D]")
    return np.array([np.iinfo(np.int64).min if v is None else v.toordinal() - _EPOCH for v in values],
                    dtype=np.int64).astype("datetime64[D]")


@query("liaison-coverage-by-year", title="Liaison officer coverage over the years",
       definition="For each year of the range, the share of authorities in scope with an officer active on "
                  "31 December of that year, and with one of sufficient rank.",
       area="liaison", columns=("year",) + COVERAGE_COLUMNS)
def liaison_coverage_by_year(f: Filter, engine=None) -> pd.DataFrame:
    o, a, rr = t.liaison_officers, t.authorities, t.rank_requirements
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        base, _region1, where = _authority_scope(scope)
        authorities = conn.execute(sa.select(sa.func.count()).select_from(base).where(where)).scalar()
        # every officer of the authorities in scope, once; the years are then counted here, not in SQL
        # dates as the driver gives them (ISO text on SQLite, dates on PostgreSQL): numpy reads both
        officers = conn.execute(
            sa.select(o.c.authority_id, o.c.position_rank, sa.type_coerce(o.c.appointed_on, sa.String),
                      sa.type_coerce(o.c.ended_on, sa.String), rr.c.max_position_rank)
            .select_from(base.join(o, o.c.authority_id == a.c.authority_id)
                         .outerjoin(rr, sa.and_(rr.c.country == a.c.country, rr.c.level == a.c.level)))
            .where(where)).all()
    ids, ranks, starts, ends, max_ranks = (list(col) for col in zip(*officers)) if officers else ([],) * 5
    start, end = _days(starts), _days(ends)  # NaT: still in office
    dates = np.concatenate([start, end[~np.isnat(end)]])
    data_years = sorted(set((dates.astype("datetime64[Y]").astype(np.int64) + 1970).tolist()))
    start = start.astype(np.int64)
    end = np.where(np.isnat(end), np.iinfo(np.int64).max, end.astype(np.int64))
    authority, authorities_with_officers = pd.factorize(np.array(ids, dtype=object))
    rank = np.array(ranks, dtype=np.float64)
    max_rank = np.array([np.nan if m is None else m for m in max_ranks], dtype=np.float64)
    # an authority is compliant when its most senior active officer meets the rank, that is when
    # any of its active officers does (no requirement: every covered authority is compliant)
    meets = np.isnan(max_rank) | (rank <= max_rank)
    rows = []
    for year in _years(f, data_years[:1] + data_years[-1:]):
        on = np.datetime64(dt.date(year, 12, 31), "D").astype(np.int64)
        active = (start <= on) & (end > on)
        n = len(authorities_with_officers)
        covered = int(np.count_nonzero(np.bincount(authority[active], minlength=n)))
        compliant = int(np.count_nonzero(np.bincount(authority[active & meets], minlength=n)))
        rows.append({"year": year, **_coverage_row(authorities, covered, compliant)})
    return _frame(rows, ("year",) + COVERAGE_COLUMNS)


@query("liaison-authorities-without-officer", title="Authorities without an active liaison officer",
       definition="Authorities in scope with no officer for civil society active on the reference date.",
       area="liaison", columns=("authority_id", "authority_name", "country", "level", "region_code", "region_name"),
       parameters=("country", "region", "year_from", "year_to", "level", "as_of"))
def authorities_without_officer(f: Filter, engine=None) -> pd.DataFrame:
    a = t.authorities
    r1 = t.regions.alias("r1")
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        frm, region1, _cov, _comp, where, active = _authorities_in_scope(scope, f.reference_date())
        level_order = sa.case({lv: i for i, lv in enumerate(LEVELS_OF_GOVERNMENT)}, value=a.c.level)
        stmt = (sa.select(a.c.authority_id, a.c.name.label("authority_name"), a.c.country, a.c.level,
                          region1.label("region_code"), r1.c.name.label("region_name"))
                .select_from(frm.outerjoin(r1, r1.c.code == region1))
                .where(where, active.c.best_rank.is_(None))
                .order_by(a.c.country, level_order, region1, a.c.name))
        rows = conn.execute(stmt).all()
    return _text_frame(rows, ("authority_id", "authority_name", "country", "level", "region_code", "region_name"))


# --- funding ----------------------------------------------------------------------------------

@meta.per_version
def _rates(conn) -> dict[tuple[str, int], float]:
    x = t.exchange_rates
    return {(c, y): r for c, y, r in conn.execute(sa.select(x.c.currency, x.c.year, x.c.units_per_eur))}


class Currencies:
    """Which currency each country's amounts are in, by year (the currencies table)."""

    def __init__(self, conn):
        cur = t.currencies
        self.periods = defaultdict(list)
        for country, currency, start, end in conn.execute(
                sa.select(cur.c.country, cur.c.currency, cur.c.from_year, cur.c.to_year)
                .order_by(cur.c.country, cur.c.from_year)):
            self.periods[country].append((start, end, currency))

    def latest(self, country: str) -> str | None:
        """The currency of the country's latest period: a mixed-currency row is stated in it."""
        return self.periods[country][-1][2] if self.periods.get(country) else None

    def in_year(self, country: str, year: int | None) -> str | None:
        for start, end, currency in self.periods.get(country, ()):
            if year is not None and start <= year and (end is None or year <= end):
                return currency
        return self.latest(country)


@meta.per_version
def _currencies(conn) -> Currencies:
    return Currencies(conn)


def _rate(rates, currency: str, year: int):
    return 1.0 if currency == "EUR" else rates.get((currency, year))


def _in_currency(parts, target: str, rates):
    """Sum (currency, year, amount) parts in `target`, through each year's EUR rates; None if a rate lacks."""
    total = 0.0
    for currency, year, amount in parts:
        if currency == target:
            total += amount
            continue
        src, dst = _rate(rates, currency, year), _rate(rates, target, year)
        if src is None or dst is None:
            return None
        total += amount / src * dst
    return total


@dataclass(frozen=True)
class MoneyPart:
    currency: str
    year: int
    grants: int
    cents: int
    comp: int
    eur: float
    missing: int


def _recipient_table(f: Filter) -> sa.Table:
    """Per-recipient sums over all years (one row per recipient and region) when the filter keeps
    all years, per year otherwise; both hold each level's sums in columns of their own."""
    return t.s_grant_recipient_totals if not f.has_years else t.s_grant_recipients


def _recipient_money(table: sa.Table, f: Filter) -> tuple[dict, list]:
    """The money columns of a recipient table for the filter's levels (the sums of those levels'
    columns), and the conditions that keep recipients with grants at those levels."""
    if not f.levels:
        return {m: table.c[m] for m in t.MONEY}, []
    money = {m: functools.reduce(operator.add, (table.c[t.level_column(m, level)] for level in f.levels))
             for m in t.MONEY}
    return money, [money["grants"] > 0]


def _funder_table(f: Filter) -> sa.Table:
    """Per-funder sums over all years when the filter keeps all of them, per year otherwise."""
    return t.s_grant_funder_totals if not f.has_years else t.s_grant_funders


def _recipients_per_region(conn, scope: Scope) -> dict:
    """Distinct recipients per level-1 region."""
    return dict(scope.execute(conn, _recipients_per_region_stmt, conn.dialect.name).all())


def _recipients_per_region_stmt(scope: Scope, dialect: str) -> sa.Select:
    sr = _recipient_table(scope.filter)
    _money, funded = _recipient_money(sr, scope.filter)
    where = [scope.where(sr), *funded]
    if sr is t.s_grant_recipient_totals:  # one row per (region, recipient): count rows
        return sa.select(sr.c.region1_code, sa.func.count()).where(*where).group_by(sr.c.region1_code)
    if dialect == "sqlite":  # a distinct count per region: 29 ms instead of 46 for RO over 3 years
        return (sa.select(sr.c.region1_code, sa.func.count(sr.c.recipient_key.distinct())).where(*where)
                .group_by(sr.c.region1_code))
    # distinct pairs first: PostgreSQL hashes them instead of sorting each region's keys
    pairs = (sa.select(sr.c.region1_code, sr.c.recipient_key).where(*where)
             .group_by(sr.c.region1_code, sr.c.recipient_key).subquery("pairs"))
    return sa.select(pairs.c.region1_code, sa.func.count()).group_by(pairs.c.region1_code)


FUNDING_BY_COUNTY_COLUMNS = ("region_code", "region_name", "grants", "recipients", "amount", "currency",
                             "amount_eur", "per_1000_inhabitants", "competitive_share_pct")


@query("funding-by-county", title="Public funding of NGOs by county",
       definition="Per level-1 region: grants awarded in the years, distinct recipients, amount in the "
                  "country's currency and in euro, amount per 1,000 inhabitants and the share awarded "
                  "through competitive calls.",
       area="funding", indicator=True, columns=FUNDING_BY_COUNTY_COLUMNS,
       legal_basis="Romania: Law 350/2005 on non-reimbursable funding for non-profit activities of general "
                   "interest (competitive procedure); Serbia: annual report on budget funds allocated to CSOs.")
def funding_by_county(f: Filter, engine=None) -> pd.DataFrame:
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        parts = defaultdict(list)
        # PostgreSQL sums bigints as numeric: back to int and float
        for row in scope.execute(conn, _funding_by_county_stmt):
            parts[row.region1_code].append(MoneyPart(row.currency, row.year, int(row.grants), int(row.cents),
                                                     int(row.comp), float(row.eur), int(row.missing)))
        recipients = _recipients_per_region(conn, scope)
        rates, currencies = _rates(conn), _currencies(conn)
    rows = []
    for region in scope.regions:
        p = parts.get(region.code, [])
        used = {x.currency for x in p}
        if len(used) > 1:
            currency = currencies.latest(region.country)
            amount = _in_currency([(x.currency, x.year, x.cents / 100) for x in p], currency, rates)
            comp = _in_currency([(x.currency, x.year, x.comp / 100) for x in p], currency, rates)
        else:
            currency = used.pop() if used else currencies.in_year(region.country, f.year_to)
            amount, comp = sum(x.cents for x in p) / 100, sum(x.comp for x in p) / 100
        missing = sum(x.missing for x in p)
        rows.append({
            "region_code": region.code, "region_name": region.name,
            "grants": sum(x.grants for x in p), "recipients": recipients.get(region.code, 0),
            "amount": rounded(amount, 2), "currency": currency,
            "amount_eur": None if missing else rounded(sum(x.eur for x in p), 2),
            "per_1000_inhabitants": ratio(amount, region.population, 2, 1000.0),
            "competitive_share_pct": pct(comp, amount),
        })
    return _frame(rows, FUNDING_BY_COUNTY_COLUMNS)


def _funding_by_county_stmt(scope: Scope) -> sa.Select:
    s = t.s_grants
    competitive = sa.case((s.c.procedure == "competitive", s.c.amount_cents), else_=0)
    return (sa.select(s.c.region1_code, s.c.currency, s.c.year, sa.func.sum(s.c.grants).label("grants"),
                      sa.func.sum(s.c.amount_cents).label("cents"), sa.func.sum(competitive).label("comp"),
                      sa.func.sum(s.c.amount_eur).label("eur"), sa.func.sum(s.c.unconverted).label("missing"))
            .where(scope.where(s, level_col=s.c.funder_level))
            .group_by(s.c.region1_code, s.c.currency, s.c.year))


def _eur(amount_eur, unconverted):
    return None if unconverted else rounded(amount_eur, 2)


@dataclass(frozen=True)
class Basis:
    """The money a breakdown is stated in: the one national currency of the rows in the filter,
    or euro when the filter spans several currencies (countries, or Bulgaria's 2026 changeover)."""
    currency: str

    @property
    def national(self) -> bool:
        return self.currency != "EUR"

    def amount(self, table):
        """SQL sum of the amount in this basis."""
        return self.amount_of(table.c.amount_cents, table.c.amount_eur)

    def amount_of(self, cents, eur):
        """SQL sum of the amount in this basis, from cent and euro expressions."""
        return (sa.func.sum(cents) / 100.0) if self.national else sa.func.sum(eur)

    def value(self, amount, unconverted):
        """The rounded amount; None when it is a euro sum that lacks a rate."""
        return rounded(amount, 2) if self.national else _eur(amount, unconverted)


def _basis(conn, scope: Scope) -> Basis:
    """The basis of the grants in the filter (read from s_grants, the smallest grant summary)."""
    s = t.s_grants
    stmt = sa.select(s.c.currency).distinct().where(scope.where(s, level_col=s.c.funder_level)).limit(2)
    found = conn.execute(stmt).scalars().all()
    return Basis(found[0]) if len(found) == 1 else Basis("EUR") if found else _basis_without_grants(conn, scope)


def _basis_without_grants(conn, scope: Scope) -> Basis:
    """No grant in the filter: the currency of the countries asked for in its last year, when they share one
    (Romania's 2030 is stated in RON, not EUR), else euro."""
    countries = scope.filter.countries or tuple({r.country for r in scope.regions})
    used = {_currencies(conn).in_year(country, scope.filter.year_to) for country in countries}
    return Basis(used.pop()) if len(used) == 1 and None not in used else Basis("EUR")


def _basis_and_total(conn, scope: Scope) -> tuple[Basis, float, int]:
    """The basis, the total amount in it and the grants without a rate, in one query on s_grants."""
    s = t.s_grants
    per_currency = conn.execute(
        sa.select(s.c.currency, sa.func.sum(s.c.amount_cents), sa.func.sum(s.c.amount_eur),
                  sa.func.sum(s.c.unconverted))
        .where(scope.where(s, level_col=s.c.funder_level)).group_by(s.c.currency)).all()
    missing = sum(int(m) for *_, m in per_currency)
    if not per_currency:
        return _basis_without_grants(conn, scope), 0.0, 0
    if len(per_currency) == 1:
        currency, cents, _eur, _missing = per_currency[0]
        return Basis(currency), int(cents) / 100.0, missing
    return Basis("EUR"), sum(float(eur) for _c, _cents, eur, _m in per_currency), missing


@dataclass(frozen=True)
class RateGap:
    """Grants of one country and currency that have no euro exchange rate, and their years."""
    country: str
    currency: str
    years: tuple[int, ...]
    grants: int


def euro_comparable(f: Filter, engine=None) -> tuple[Filter | None, tuple[RateGap, ...]]:
    """Funding compared across currencies is compared in euro, between countries whose grants in the filter all
    have a euro rate: the filter narrowed to those countries (None when none is left) and the grants left out.
    A filter whose grants are in one currency, or that all have a rate, comes back as it is."""
    s = t.s_grants
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        rows = conn.execute(sa.select(s.c.country, s.c.currency, s.c.year, sa.func.sum(s.c.unconverted))
                            .where(scope.where(s, level_col=s.c.funder_level))
                            .group_by(s.c.country, s.c.currency, s.c.year)
                            .order_by(s.c.country, s.c.currency, s.c.year)).all()
    missing = defaultdict(list)
    for country, currency, year, unconverted in rows:
        if unconverted:
            missing[(country, currency)].append((year, int(unconverted)))
    if len({currency for _c, currency, _y, _n in rows}) < 2 or not missing:
        return f, ()
    gaps = tuple(RateGap(country, currency, tuple(y for y, _n in parts), sum(n for _y, n in parts))
                 for (country, currency), parts in missing.items())
    left_out = {g.country for g in gaps}
    country_of = {r.code: r.country for r in scope.regions}
    in_scope = f.countries or tuple(dict.fromkeys(r.country for r in scope.regions))
    countries = tuple(c for c in in_scope if c not in left_out)
    regions = tuple(code for code in scope.region1 if country_of.get(code) not in left_out)
    if not countries or (scope.region1 and not regions):
        return None, gaps
    return f.with_(countries=countries, regions=regions), gaps


MONEY_COLUMNS = ("amount", "currency", "amount_eur")


def _money(basis: Basis, amount, eur, unconverted) -> dict:
    return {"amount": basis.value(amount, unconverted), "currency": basis.currency,
            "amount_eur": _eur(eur, unconverted)}


def _share(basis: Basis, part, total, unconverted):
    return None if (unconverted and not basis.national) else pct(part, total)


@query("funding-by-year", title="Public funding of NGOs over the years",
       definition="For each year: grants awarded, their amount (in the national currency when the filter "
                  "holds one, else in euro at each year's average rate) and the share awarded through "
                  "competitive calls.",
       area="funding", columns=("year", "grants") + MONEY_COLUMNS + ("competitive_share_pct",))
def funding_by_year(f: Filter, engine=None) -> pd.DataFrame:
    s = t.s_grants
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        basis = _basis(conn, scope)
        comp_sum = sa.func.sum(sa.case((s.c.procedure == "competitive",
                                        s.c.amount_cents / 100.0 if basis.national else s.c.amount_eur), else_=0.0))
        stmt = (sa.select(s.c.year, sa.func.sum(s.c.grants), basis.amount(s), sa.func.sum(s.c.amount_eur),
                          comp_sum, sa.func.sum(s.c.unconverted))
                .where(scope.where(s, level_col=s.c.funder_level)).group_by(s.c.year))
        by_year = {row[0]: row for row in conn.execute(stmt)}
    rows = []
    for year in _years(f, list(by_year)):
        _, grants, amount, eur, comp_amount, missing = by_year.get(year, (year, 0, 0.0, 0.0, 0.0, 0))
        rows.append({"year": year, "grants": grants, **_money(basis, amount, eur, missing),
                     "competitive_share_pct": _share(basis, comp_amount, amount, missing)})
    return _frame(rows, ("year", "grants") + MONEY_COLUMNS + ("competitive_share_pct",))


def _funding_mix(f: Filter, engine, column: str, values: tuple[str, ...]) -> pd.DataFrame:
    s = t.s_grant_domains if column == "domain" else t.s_grants
    key = s.c[column]
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        basis = _basis(conn, scope)
        stmt = (sa.select(key, sa.func.sum(s.c.grants), basis.amount(s), sa.func.sum(s.c.amount_eur),
                          sa.func.sum(s.c.unconverted))
                .where(scope.where(s, level_col=s.c.funder_level)).group_by(key))
        got = {row[0]: row[1:] for row in conn.execute(stmt)}
    total = sum(float(v[1]) for v in got.values())
    missing = sum(v[3] for v in got.values())
    rows = []
    for value in values:
        grants, amount, eur, unconverted = got.get(value, (0, 0.0, 0.0, 0))
        rows.append({column: value, "grants": grants, **_money(basis, amount, eur, unconverted),
                     "share_pct": _share(basis, amount, total, missing)})
    return _frame(rows, (column, "grants") + MONEY_COLUMNS + ("share_pct",))


@query("funding-by-domain", title="Public funding of NGOs by domain",
       definition="Grants and their amount per domain of activity, with each domain's share of the total.",
       area="funding", columns=("domain", "grants") + MONEY_COLUMNS + ("share_pct",))
def funding_by_domain(f: Filter, engine=None) -> pd.DataFrame:
    return _funding_mix(f, engine, "domain", DOMAINS)


@query("funding-by-procedure", title="Competitive calls and direct awards",
       definition="Grants and their amount by award procedure (competitive call or direct award), "
                  "with each procedure's share of the total.",
       area="funding", columns=("procedure", "grants") + MONEY_COLUMNS + ("share_pct",))
def funding_by_procedure(f: Filter, engine=None) -> pd.DataFrame:
    return _funding_mix(f, engine, "procedure", PROCEDURES)


def _ranking(conn, scope: Scope, table, key_name: str, limit: int, money: dict | None = None, where=()):
    """The `limit` largest keys by amount, with the basis and the filter's totals (from s_grants,
    which holds the same grants in far fewer rows). `money`: the money expressions, when not the
    table's columns; `where`: conditions besides the filter's."""
    s = table
    key = s.c[key_name]
    if money is None:
        money = {m: s.c[m] for m in t.MONEY}
        where = [scope.where(s, level_col=s.c.get("funder_level")), *where]
    else:
        where = [scope.where(s), *where]
    basis, total, missing = _basis_and_total(conn, scope)
    amount = basis.amount_of(money["amount_cents"], money["amount_eur"])
    stmt = (sa.select(key.label("key"), sa.func.sum(money["grants"]).label("grants"), amount.label("amount"),
                      sa.func.sum(money["amount_eur"]).label("eur"), sa.func.sum(money["unconverted"]).label("missing"))
            .where(*where).group_by(key).order_by(amount.desc(), key).limit(limit))
    top = conn.execute(stmt).all()
    return basis, top, total, missing


RECIPIENT_COLUMNS = ("rank", "recipient_name", "recipient_id", "grants") + MONEY_COLUMNS + (
    "share_pct", "cumulative_share_pct")


@query("funding-top-recipients", title="Largest recipients of public funding",
       definition=f"The {TOP_N} recipients with the largest amounts, with their share of all funding in the "
                  "filter and the cumulative share (how concentrated funding is).",
       area="funding", columns=RECIPIENT_COLUMNS)
def funding_top_recipients(f: Filter, engine=None) -> pd.DataFrame:
    st = t.s_grant_recipient_totals
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        sr = _recipient_table(f)
        money, funded = _recipient_money(sr, f)
        basis, top, total, missing = _ranking(conn, scope, sr, "recipient_key", TOP_N, money, funded)
        keys = [row.key for row in top]
        names = dict(conn.execute(sa.select(st.c.recipient_key, sa.func.max(st.c.recipient_name))
                                  .where(st.c.recipient_key.in_(keys)).group_by(st.c.recipient_key)).all())
    rows, cumulative = [], 0.0
    for rank, row in enumerate(top, start=1):
        cumulative += float(row.amount)
        rows.append({"rank": rank, "recipient_name": names.get(row.key),
                     "recipient_id": row.key[3:] if row.key.startswith("id:") else None,
                     "grants": row.grants, **_money(basis, row.amount, row.eur, row.missing),
                     "share_pct": _share(basis, row.amount, total, missing),
                     "cumulative_share_pct": _share(basis, cumulative, total, missing)})
    return _frame(rows, RECIPIENT_COLUMNS)


FUNDER_COLUMNS = ("funder_authority_id", "funder_name", "country", "level", "grants") + MONEY_COLUMNS + ("share_pct",)


@query("funding-by-funder", title="Largest funding authorities",
       definition=f"The {TOP_FUNDERS} authorities that granted the largest amounts to NGOs, with their level "
                  "of government and share of all funding in the filter.",
       area="funding", columns=FUNDER_COLUMNS)
def funding_by_funder(f: Filter, engine=None) -> pd.DataFrame:
    a = t.authorities
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        basis, top, total, missing = _ranking(conn, scope, _funder_table(f), "funder_authority_id", TOP_FUNDERS)
        ids = [row.key for row in top]
        info = {row.authority_id: row for row in conn.execute(
            sa.select(a.c.authority_id, a.c.name, a.c.country, a.c.level).where(a.c.authority_id.in_(ids)))}
    rows = [{"funder_authority_id": row.key, "funder_name": info[row.key].name, "country": info[row.key].country,
             "level": info[row.key].level,
             "grants": row.grants, **_money(basis, row.amount, row.eur, row.missing),
             "share_pct": _share(basis, row.amount, total, missing)} for row in top]
    return _frame(rows, FUNDER_COLUMNS)


# --- consultations ----------------------------------------------------------------------------

CONSULTATION_COLUMNS = ("year", "consultations", "comments_received", "comments_per_consultation",
                        "participants", "comments_accepted", "acceptance_pct", "debates", "debate_pct",
                        "on_time", "on_time_pct")


def _consultation_sums(s):
    return [sa.func.sum(s.c[c]).label(c) for c in
            ("consultations", "comments_received", "participants", "comments_accepted", "debates", "on_time")]


def _consultation_row(c) -> dict:
    n = c.consultations if c else 0
    get = (lambda k: int(getattr(c, k) or 0)) if c else (lambda k: 0)
    return {"consultations": n, "comments_received": get("comments_received"),
            "comments_per_consultation": ratio(get("comments_received"), n, 2),
            "participants": get("participants"), "comments_accepted": get("comments_accepted"),
            "acceptance_pct": pct(get("comments_accepted"), get("comments_received")),
            "debates": get("debates"), "debate_pct": pct(get("debates"), n),
            "on_time": get("on_time"), "on_time_pct": pct(get("on_time"), n)}


def _consultations_by(f: Filter, engine, key_name: str):
    s = t.s_consultation_totals  # on_time is counted against the rules when summaries are built
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        key = s.c[key_name]
        stmt = (sa.select(key.label("key"), *_consultation_sums(s))
                .where(scope.where(s, level_col=s.c.level)).group_by(key))
        return scope, {row.key: row for row in conn.execute(stmt)}


@query("consultation-participation", title="Participation in public consultations",
       definition="Per year of publication: draft acts put to consultation, comments and participants they "
                  "drew, comments accepted, public debates held, and consultations that respected the legal "
                  "minimum period.",
       area="consultations", indicator=True, columns=CONSULTATION_COLUMNS,
       legal_basis="Romania: Law 52/2003 on decisional transparency (at least 10 calendar days for comments); "
                   "Bulgaria: Law on Normative Acts, art. 26 (30 days, exceptionally 14).")
def consultation_participation(f: Filter, engine=None) -> pd.DataFrame:
    _scope, by_year = _consultations_by(f, engine, "year")
    rows = [{"year": year, **_consultation_row(by_year.get(year))} for year in _years(f, list(by_year))]
    return _frame(rows, CONSULTATION_COLUMNS)


@query("consultations-by-region", title="Public consultations by region",
       definition="Per level-1 region: consultations, comments, acceptance, debates and respect of the legal "
                  "minimum period (consultations of central authorities have no region).",
       area="consultations", columns=("region_code", "region_name") + CONSULTATION_COLUMNS[1:])
def consultations_by_region(f: Filter, engine=None) -> pd.DataFrame:
    scope, by_region = _consultations_by(f, engine, "region1_code")
    rows = [{"region_code": r.code, "region_name": r.name, **_consultation_row(by_region.get(r.code))}
            for r in scope.regions]
    return _frame(rows, ("region_code", "region_name") + CONSULTATION_COLUMNS[1:])


AUTHORITY_CONSULTATION_COLUMNS = ("authority_id", "authority_name", "country", "level", "region_code",
                                  "consultations", "comments_received", "comments_accepted", "acceptance_pct",
                                  "participants", "debates", "on_time", "on_time_pct")


@query("consultations-by-authority", title="Authorities that consult most",
       definition=f"The {TOP_AUTHORITIES} authorities with the most consultations in the filter, with the "
                  "comments they received and accepted, debates held and consultations on time.",
       area="consultations", columns=AUTHORITY_CONSULTATION_COLUMNS)
def consultations_by_authority(f: Filter, engine=None) -> pd.DataFrame:
    s = t.s_consultation_authority_totals if not f.has_years else t.s_consultation_authorities
    a = t.authorities
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        n = sa.func.sum(s.c.consultations)
        sums = [sa.func.sum(s.c[c]).label(c) for c in
                ("comments_received", "comments_accepted", "participants", "debates", "on_time")]
        stmt = (sa.select(s.c.authority_id, n.label("consultations"), *sums)
                .where(scope.where(s, level_col=s.c.level))
                .group_by(s.c.authority_id).order_by(n.desc(), s.c.authority_id).limit(TOP_AUTHORITIES))
        top = conn.execute(stmt).all()
        r = t.regions.alias("ar")
        info = {row.authority_id: row for row in conn.execute(
            sa.select(a.c.authority_id, a.c.name, a.c.country, a.c.level,
                      t.level1_code(r).label("region1"))
            .select_from(a.outerjoin(r, r.c.code == a.c.region_code))
            .where(a.c.authority_id.in_([row.authority_id for row in top])))}
    rows = []
    for row in top:
        i = info[row.authority_id]
        rows.append({"authority_id": row.authority_id, "authority_name": i.name, "country": i.country,
                     "level": i.level,
                     "region_code": i.region1, "consultations": row.consultations,
                     "comments_received": row.comments_received, "comments_accepted": row.comments_accepted,
                     "acceptance_pct": pct(row.comments_accepted, row.comments_received),
                     "participants": row.participants, "debates": row.debates, "on_time": row.on_time,
                     "on_time_pct": pct(row.on_time, row.consultations)})
    return _frame(rows, AUTHORITY_CONSULTATION_COLUMNS)


@query("consultation-periods", title="Consultation periods against the legal minimum",
       definition="How many consultations gave each number of days between publication and the comments "
                  "deadline, per country, next to that country's legal minimum.",
       area="consultations", columns=("country", "period_days", "consultations", "min_comment_days",
                                      "meets_minimum"))
def consultation_periods(f: Filter, engine=None) -> pd.DataFrame:
    s, rules = t.s_consultations, t.consultation_rules
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        stmt = (sa.select(s.c.country, s.c.period_days, sa.func.sum(s.c.consultations), rules.c.min_comment_days)
                .select_from(s.outerjoin(rules, rules.c.country == s.c.country))
                .where(scope.where(s, level_col=s.c.level))
                .group_by(s.c.country, s.c.period_days, rules.c.min_comment_days)
                .order_by(s.c.country, s.c.period_days))
        rows = [{"country": country, "period_days": days, "consultations": n, "min_comment_days": minimum,
                 "meets_minimum": None if minimum is None else bool(days >= minimum)}
                for country, days, n, minimum in conn.execute(stmt)]
    return _frame(rows, ("country", "period_days", "consultations", "min_comment_days", "meets_minimum"))


# --- trainings --------------------------------------------------------------------------------

TRAINING_COLUMNS = ("year", "trainings", "participants", "participants_public", "participants_cso",
                    "cso_share_pct", "municipalities_reached", "municipalities_total", "reach_pct")
_TRAINING_SUMS = ("trainings", "participants_public", "participants_cso", "participants_other")


def _training_sums(conn, scope: Scope, key_name: str) -> dict:
    s = t.s_trainings if key_name == "topic" else t.s_training_totals
    key = s.c[key_name]
    stmt = (sa.select(key.label("key"), *[sa.func.sum(s.c[c]).label(c) for c in _TRAINING_SUMS])
            .where(scope.where(s, level_col=s.c.organiser_level)).group_by(key))
    return {row.key: row for row in conn.execute(stmt)}


def _municipalities_reached(conn, scope: Scope, key_name: str) -> dict:
    """Distinct municipalities with a training (organised at one of the filter's levels) per key.
    A row is one municipality in one year, so per year the rows are counted."""
    m = t.s_training_municipalities
    key = m.c[key_name]
    where = [scope.where(m)]
    if scope.filter.levels:
        mask = functools.reduce(operator.or_, (t.ORGANISER_BITS[level] for level in scope.filter.levels))
        where.append(m.c.organiser_levels.op("&")(mask) != 0)
    reached = sa.func.count() if key_name == "year" else sa.func.count(sa.distinct(m.c.region2_code))
    return dict(conn.execute(sa.select(key, reached).where(*where).group_by(key)).all())


def _municipalities_total(conn, scope: Scope, by_region: bool = False):
    r = t.regions
    stmt = sa.select(r.c.parent_code, sa.func.count()).where(
        r.c.level == 2, r.c.parent_code.in_(scope.region_codes)).group_by(r.c.parent_code)
    per_region = dict(conn.execute(stmt).all())
    return per_region if by_region else sum(per_region.values())


def _training_row(c, reached: int, total: int) -> dict:
    get = (lambda k: int(getattr(c, k) or 0)) if c else (lambda k: 0)
    participants = get("participants_public") + get("participants_cso") + get("participants_other")
    return {"trainings": get("trainings"), "participants": participants,
            "participants_public": get("participants_public"), "participants_cso": get("participants_cso"),
            "cso_share_pct": pct(get("participants_cso"), participants),
            "municipalities_reached": reached, "municipalities_total": total, "reach_pct": pct(reached, total)}


@query("training-reach", title="Reach of capacity-building trainings",
       definition="Per year: trainings held, participants from public bodies, CSOs and others, the CSOs' "
                  "share, and the share of municipalities in scope where at least one training was held.",
       area="training", indicator=True, columns=TRAINING_COLUMNS)
def training_reach(f: Filter, engine=None) -> pd.DataFrame:
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        sums = _training_sums(conn, scope, "year")
        reached = _municipalities_reached(conn, scope, "year")
        total = _municipalities_total(conn, scope)
    rows = [{"year": y, **_training_row(sums.get(y), reached.get(y, 0), total)} for y in _years(f, list(sums))]
    return _frame(rows, TRAINING_COLUMNS)


@query("training-by-region", title="Trainings by region",
       definition="Per level-1 region: trainings, participants by sector and the share of its municipalities "
                  "reached by at least one training.",
       area="training", columns=("region_code", "region_name") + TRAINING_COLUMNS[1:])
def training_by_region(f: Filter, engine=None) -> pd.DataFrame:
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        sums = _training_sums(conn, scope, "region1_code")
        reached = _municipalities_reached(conn, scope, "region1_code")
        totals = _municipalities_total(conn, scope, by_region=True)
    rows = [{"region_code": r.code, "region_name": r.name,
             **_training_row(sums.get(r.code), reached.get(r.code, 0), totals.get(r.code, 0))}
            for r in scope.regions]
    return _frame(rows, ("region_code", "region_name") + TRAINING_COLUMNS[1:])


@query("training-by-topic", title="Trainings by topic",
       definition="Trainings and participants per topic, with each topic's share of all participants.",
       area="training", columns=("topic", "trainings", "participants", "share_pct"))
def training_by_topic(f: Filter, engine=None) -> pd.DataFrame:
    with _connect(engine) as conn:
        sums = _training_sums(conn, resolve(conn, f), "topic")
    people = {k: sum(int(getattr(v, c)) for c in _TRAINING_SUMS[1:]) for k, v in sums.items()}
    total = sum(people.values())
    rows = [{"topic": k, "trainings": int(sums[k].trainings), "participants": people[k],
             "share_pct": pct(people[k], total)}
            for k in sorted(sums, key=lambda k: (-people[k], k))]
    return _frame(rows, ("topic", "trainings", "participants", "share_pct"))


@query("training-participants-by-sector", title="Training participants by sector",
       definition="Participants in trainings from public bodies, civil society organisations and others, "
                  "with each sector's share.",
       area="training", columns=("sector", "participants", "share_pct"))
def training_participants_by_sector(f: Filter, engine=None) -> pd.DataFrame:
    s = t.s_training_totals
    with _connect(engine) as conn:
        scope = resolve(conn, f)
        got = conn.execute(sa.select(*[sa.func.coalesce(sa.func.sum(s.c[c]), 0) for c in _TRAINING_SUMS[1:]])
                           .where(scope.where(s, level_col=s.c.organiser_level))).one()
    got = [int(n) for n in got]
    total = sum(got)
    rows = [{"sector": sector, "participants": n, "share_pct": pct(n, total)}
            for sector, n in zip(("public", "cso", "other"), got)]
    return _frame(rows, ("sector", "participants", "share_pct"))
