"""Liaison officers: coverage of authorities by an officer for civil society, and rank compliance."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import meta
from . import schema as t
from .filters import Filter
from .registry import query
from .scope import Scope, complete_years, connect, frame, pct, resolve, text_frame
from .vocabulary import LEVELS_OF_GOVERNMENT


def reference_date(conn, scope: Scope, today: dt.date | None = None) -> dt.date:
    """The date officers are counted on: the filter's as-of date, else 31 December of its range's last year, else
    of the last year with an officer appointed or ending in the authorities in scope; never a date past the data,
    nor past today. Without any officer: today."""
    f = scope.filter
    if f.as_of or f.year_to is not None:
        return f.reference_date()
    today = today or dt.date.today()
    last = _last_officer_year(conn, f.with_(year_from=None, year_to=None, as_of=None))
    return min(dt.date(last, 12, 31), today) if last else today


@meta.per_version  # changes only with an import
def _last_officer_year(conn, f: Filter) -> int | None:
    o, a = t.liaison_officers, t.authorities
    base, _region1, where = _authority_scope(resolve(conn, f))
    latest = conn.execute(sa.select(sa.func.max(o.c.appointed_on), sa.func.max(o.c.ended_on))
                          .select_from(base.join(o, o.c.authority_id == a.c.authority_id)).where(where)).one()
    years = [d.year if isinstance(d, dt.date) else int(str(d)[:4]) for d in latest if d is not None]
    return max(years) if years else None


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


def coverage_on(f: Filter, days: tuple[dt.date, ...], engine=None) -> list[tuple[int, int, int]]:
    """(authorities, covered, compliant) of the authorities in the filter on each of some dates, in one pass over the
    officers: liaison-coverage's totals over its levels, for the headline figures and the date they compare with."""
    a, o, rr = t.authorities, t.liaison_officers, t.rank_requirements
    best = [sa.func.min(sa.case((sa.and_(o.c.appointed_on <= day, sa.or_(o.c.ended_on.is_(None), o.c.ended_on > day)),
                                 o.c.position_rank))).label(f"best{i}") for i, day in enumerate(days)]
    active = (sa.select(o.c.authority_id, *best).where(o.c.appointed_on <= max(days))
              .group_by(o.c.authority_id).subquery("active"))
    with connect(engine) as conn:
        frm, _region1, where = _authority_scope(resolve(conn, f))
        frm = (frm.outerjoin(active, active.c.authority_id == a.c.authority_id)
               .outerjoin(rr, sa.and_(rr.c.country == a.c.country, rr.c.level == a.c.level)))
        sums = []
        for i in range(len(days)):
            rank = active.c[f"best{i}"]
            sums += [sa.func.sum(sa.case((rank.is_not(None), 1), else_=0)),
                     sa.func.sum(sa.case((sa.and_(rank.is_not(None), sa.or_(rr.c.max_position_rank.is_(None),
                                                                           rank <= rr.c.max_position_rank)), 1),
                                         else_=0))]
        row = conn.execute(sa.select(sa.func.count(), *sums).select_from(frm).where(where)).one()
    return [(int(row[0]), int(row[1 + 2 * i] or 0), int(row[2 + 2 * i] or 0)) for i in range(len(days))]


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
    with connect(engine) as conn:
        scope = resolve(conn, f)
        counts = _coverage_counts(conn, scope, reference_date(conn, scope), "level")
    rows = [{"level": level, **_coverage_row(c.authorities, c.covered, c.compliant)}
            for level in LEVELS_OF_GOVERNMENT if (c := counts.get(level)) and c.authorities]
    return frame(rows, ("level",) + COVERAGE_COLUMNS)


@query("liaison-coverage-by-region", title="Liaison officer coverage by region",
       definition="Per level-1 region: authorities with an active officer and with one of sufficient rank "
                  "on the reference date (central authorities have no region and are not counted here).",
       area="liaison", columns=("region_code", "region_name") + COVERAGE_COLUMNS,
       parameters=("country", "region", "year_from", "year_to", "level", "as_of"))
def liaison_coverage_by_region(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        scope = resolve(conn, f)
        counts = _coverage_counts(conn, scope, reference_date(conn, scope), "region")
    rows = []
    for region in scope.regions:
        c = counts.get(region.code)
        n = (c.authorities, c.covered, c.compliant) if c else (0, 0, 0)
        rows.append({"region_code": region.code, "region_name": region.name, **_coverage_row(*n)})
    return frame(rows, ("region_code", "region_name") + COVERAGE_COLUMNS)


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
    with connect(engine) as conn:
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
    for year in complete_years(f, data_years[:1] + data_years[-1:]):
        on = np.datetime64(dt.date(year, 12, 31), "D").astype(np.int64)
        active = (start <= on) & (end > on)
        n = len(authorities_with_officers)
        covered = int(np.count_nonzero(np.bincount(authority[active], minlength=n)))
        compliant = int(np.count_nonzero(np.bincount(authority[active & meets], minlength=n)))
        rows.append({"year": year, **_coverage_row(authorities, covered, compliant)})
    return frame(rows, ("year",) + COVERAGE_COLUMNS)


@query("liaison-authorities-without-officer", title="Authorities without an active liaison officer",
       definition="Authorities in scope with no officer for civil society active on the reference date.",
       area="liaison", columns=("authority_id", "authority_name", "country", "level", "region_code", "region_name"),
       parameters=("country", "region", "year_from", "year_to", "level", "as_of"))
def authorities_without_officer(f: Filter, engine=None) -> pd.DataFrame:
    a = t.authorities
    r1 = t.regions.alias("r1")
    with connect(engine) as conn:
        scope = resolve(conn, f)
        frm, region1, _cov, _comp, where, active = _authorities_in_scope(scope, reference_date(conn, scope))
        level_order = sa.case({lv: i for i, lv in enumerate(LEVELS_OF_GOVERNMENT)}, value=a.c.level)
        stmt = (sa.select(a.c.authority_id, a.c.name.label("authority_name"), a.c.country, a.c.level,
                          region1.label("region_code"), r1.c.name.label("region_name"))
                .select_from(frm.outerjoin(r1, r1.c.code == region1))
                .where(where, active.c.best_rank.is_(None))
                .order_by(a.c.country, level_order, region1, a.c.name))
        rows = conn.execute(stmt).all()
    return text_frame(rows, ("authority_id", "authority_name", "country", "level", "region_code", "region_name"))
