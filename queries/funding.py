"""Public funding of NGOs: by county, year, domain, procedure, funder and recipient."""
from __future__ import annotations

import functools
import operator
from collections import defaultdict

import pandas as pd
import sqlalchemy as sa

from . import money as m
from . import schema as t
from .filters import Filter
from .registry import query
from .scope import Scope, complete_years, connect, frame, pct, ratio, resolve, rounded
from .vocabulary import DOMAINS, PROCEDURES

TOP_N = 10
TOP_FUNDERS = 15

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
    with connect(engine) as conn:
        scope = resolve(conn, f)
        rows, gaps = _county_rows(conn, scope)
    df = frame(rows, FUNDING_BY_COUNTY_COLUMNS)
    df.attrs[m.LEFT_OUT] = gaps
    return df


def _county_rows(conn, scope: Scope) -> tuple[list[dict], tuple[m.RateGap, ...]]:
    """funding-by-county's rows, and the countries a comparison of them in euro leaves out."""
    parts, by_country = defaultdict(list), []
    # PostgreSQL sums bigints as numeric: back to int and float
    for row in scope.execute(conn, _funding_by_county_stmt):
        parts[row.region1_code].append(m.MoneyPart(row.currency, row.year, int(row.grants), int(row.cents),
                                                   int(row.comp), float(row.eur), int(row.missing)))
    recipients = _recipients_per_region(conn, scope)
    rates, currencies = m.rates(conn), m.currencies(conn)
    rows = []
    for region in scope.regions:
        p = parts.get(region.code, [])
        by_country += [(region.country, x.currency, x.year, x.missing) for x in p]
        used = {x.currency for x in p}
        if len(used) > 1:
            currency = currencies.latest(region.country)
            amount = m.in_currency([(x.currency, x.year, x.cents / 100) for x in p], currency, rates)
            comp = m.in_currency([(x.currency, x.year, x.comp / 100) for x in p], currency, rates)
        else:
            currency = used.pop() if used else currencies.in_year(region.country, scope.filter.year_to)
            amount, comp = sum(x.cents for x in p) / 100, sum(x.comp for x in p) / 100
        missing = sum(x.missing for x in p)
        rows.append({
            "region_code": region.code, "region_name": region.name,
            "grants": sum(x.grants for x in p), "recipients": recipients.get(region.code, 0),
            "amount": rounded(amount, 2), "currency": currency,
            "amount_eur": None if missing else rounded(sum(x.eur for x in p), 2),
            "per_1000_inhabitants": ratio(amount, region.population, 2, 1000.0),
            "competitive_share_pct": pct(comp, amount),
            "per_1000_eur": None if missing else ratio(sum(x.eur for x in p), region.population, 2, 1000.0),
            "population": region.population,
        })
    return rows, m.rate_gaps(by_country)


COMPARED_COLUMNS = FUNDING_BY_COUNTY_COLUMNS + ("per_1000_eur", "compared", "population")


def per_1000_over(df: pd.DataFrame, column: str = "amount") -> float | None:
    """The amount per 1,000 inhabitants of all the regions of a funding-by-county-compared table together (the
    regions with a population figure: their amounts over their people), rounded as each region's is; None when
    none has one or the amounts are in several currencies (`column` amount_eur compares them in euro)."""
    known = df[df["population"].notna() & df[column].notna()] if len(df) else df
    if not len(known) or (column == "amount" and known["currency"].nunique() > 1):
        return None
    return ratio(float(known[column].sum()), int(known["population"].sum()), 2, 1000.0)


@query("funding-by-county-compared", title="Public funding of NGOs by county, compared across countries",
       definition="Per level-1 region: grants awarded in the years, distinct recipients, amount in the "
                  "country's currency and in euro, amount per 1,000 inhabitants (also in euro, to compare "
                  "countries) and the share awarded through competitive calls; counties of a country some of "
                  "whose grants in the filter have no euro rate are not compared in euro.",
       area="funding", columns=COMPARED_COLUMNS)
def funding_by_county_compared(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        rows, gaps = _county_rows(conn, resolve(conn, f))
    left_out = {g.country for g in gaps}
    for row in rows:
        row["compared"] = row["region_code"].split("-")[0] not in left_out
        if not row["compared"]:
            row["per_1000_eur"] = None
    df = frame(rows, COMPARED_COLUMNS)
    df.attrs[m.LEFT_OUT] = gaps
    return df


def _funding_by_county_stmt(scope: Scope) -> sa.Select:
    s = t.s_grants
    competitive = sa.case((s.c.procedure == "competitive", s.c.amount_cents), else_=0)
    return (sa.select(s.c.region1_code, s.c.currency, s.c.year, sa.func.sum(s.c.grants).label("grants"),
                      sa.func.sum(s.c.amount_cents).label("cents"), sa.func.sum(competitive).label("comp"),
                      sa.func.sum(s.c.amount_eur).label("eur"), sa.func.sum(s.c.unconverted).label("missing"))
            .where(scope.where(s, level_col=s.c.funder_level))
            .group_by(s.c.region1_code, s.c.currency, s.c.year))


YEAR_COLUMNS = ("year", "grants") + m.MONEY_COLUMNS + ("competitive_share_pct",)


@query("funding-by-year", title="Public funding of NGOs over the years",
       definition="For each year: grants awarded, their amount (in the national currency when the filter "
                  "holds one, else in euro at each year's average rate, between the countries whose grants all "
                  "have a rate) and the share awarded through competitive calls.",
       area="funding", columns=YEAR_COLUMNS)
def funding_by_year(f: Filter, engine=None) -> pd.DataFrame:
    return funding_years(f, engine)[list(YEAR_COLUMNS)]


@m.compared_in_euro(YEAR_COLUMNS + ("competitive_amount",), counts_by="year")
def funding_years(f: Filter, engine=None) -> pd.DataFrame:
    """funding-by-year's rows, with the amount awarded through competitive calls, unrounded (the headline figures
    sum it over a period)."""
    s = t.s_grants
    with connect(engine) as conn:
        scope = resolve(conn, f)
        basis = m.basis(conn, scope)
        comp_sum = sa.func.sum(sa.case((s.c.procedure == "competitive",
                                        s.c.amount_cents / 100.0 if basis.national else s.c.amount_eur), else_=0.0))
        stmt = (sa.select(s.c.year, sa.func.sum(s.c.grants), basis.amount(s), sa.func.sum(s.c.amount_eur),
                          comp_sum, sa.func.sum(s.c.unconverted))
                .where(scope.where(s, level_col=s.c.funder_level)).group_by(s.c.year))
        by_year = {row[0]: row for row in conn.execute(stmt)}
    rows = []
    for year in complete_years(f, list(by_year)):
        _, grants, amount, eur, comp_amount, missing = by_year.get(year, (year, 0, 0.0, 0.0, 0.0, 0))
        rows.append({"year": year, "grants": grants, **m.money_values(basis, amount, eur, missing),
                     "competitive_share_pct": m.share(basis, comp_amount, amount, missing),
                     "competitive_amount": None if missing and not basis.national else float(comp_amount)})
    return frame(rows, YEAR_COLUMNS + ("competitive_amount",))


def _funding_mix(f: Filter, engine, column: str, values: tuple[str, ...]) -> pd.DataFrame:
    s = t.s_grant_domains if column == "domain" else t.s_grants
    key = s.c[column]
    with connect(engine) as conn:
        scope = resolve(conn, f)
        basis = m.basis(conn, scope)
        stmt = (sa.select(key, sa.func.sum(s.c.grants), basis.amount(s), sa.func.sum(s.c.amount_eur),
                          sa.func.sum(s.c.unconverted))
                .where(scope.where(s, level_col=s.c.funder_level)).group_by(key))
        got = {row[0]: row[1:] for row in conn.execute(stmt)}
    total = sum(float(v[1]) for v in got.values())
    missing = sum(v[3] for v in got.values())
    rows = []
    for value in values:
        grants, amount, eur, unconverted = got.get(value, (0, 0.0, 0.0, 0))
        rows.append({column: value, "grants": grants, **m.money_values(basis, amount, eur, unconverted),
                     "share_pct": m.share(basis, amount, total, missing)})
    return frame(rows, (column, "grants") + m.MONEY_COLUMNS + ("share_pct",))


@query("funding-by-domain", title="Public funding of NGOs by domain",
       definition="Grants and their amount per domain of activity, with each domain's share of the total.",
       area="funding", columns=("domain", "grants") + m.MONEY_COLUMNS + ("share_pct",))
@m.compared_in_euro(("domain", "grants") + m.MONEY_COLUMNS + ("share_pct",), counts_by="domain")
def funding_by_domain(f: Filter, engine=None) -> pd.DataFrame:
    return _funding_mix(f, engine, "domain", DOMAINS)


@query("funding-by-procedure", title="Competitive calls and direct awards",
       definition="Grants and their amount by award procedure (competitive call or direct award), "
                  "with each procedure's share of the total.",
       area="funding", columns=("procedure", "grants") + m.MONEY_COLUMNS + ("share_pct",))
@m.compared_in_euro(("procedure", "grants") + m.MONEY_COLUMNS + ("share_pct",), counts_by="procedure")
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
    basis, total, missing = m.basis_and_total(conn, scope)
    amount = basis.amount_of(money["amount_cents"], money["amount_eur"])
    stmt = (sa.select(key.label("key"), sa.func.sum(money["grants"]).label("grants"), amount.label("amount"),
                      sa.func.sum(money["amount_eur"]).label("eur"), sa.func.sum(money["unconverted"]).label("missing"))
            .where(*where).group_by(key).order_by(amount.desc(), key).limit(limit))
    top = conn.execute(stmt).all()
    return basis, top, total, missing


RECIPIENT_COLUMNS = ("rank", "recipient_name", "recipient_id", "grants") + m.MONEY_COLUMNS + (
    "share_pct", "cumulative_share_pct")


@query("funding-top-recipients", title="Largest recipients of public funding",
       definition=f"The {TOP_N} recipients with the largest amounts, with their share of all funding in the "
                  "filter and the cumulative share (how concentrated funding is).",
       area="funding", columns=RECIPIENT_COLUMNS)
@m.compared_in_euro(RECIPIENT_COLUMNS)
def funding_top_recipients(f: Filter, engine=None) -> pd.DataFrame:
    st = t.s_grant_recipient_totals
    with connect(engine) as conn:
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
                     "grants": row.grants, **m.money_values(basis, row.amount, row.eur, row.missing),
                     "share_pct": m.share(basis, row.amount, total, missing),
                     "cumulative_share_pct": m.share(basis, cumulative, total, missing)})
    return frame(rows, RECIPIENT_COLUMNS)


FUNDER_COLUMNS = ("funder_authority_id", "funder_name", "country", "level", "grants") + m.MONEY_COLUMNS + ("share_pct",)


@query("funding-by-funder", title="Largest funding authorities",
       definition=f"The {TOP_FUNDERS} authorities that granted the largest amounts to NGOs, with their level "
                  "of government and share of all funding in the filter.",
       area="funding", columns=FUNDER_COLUMNS)
@m.compared_in_euro(FUNDER_COLUMNS)
def funding_by_funder(f: Filter, engine=None) -> pd.DataFrame:
    a = t.authorities
    with connect(engine) as conn:
        scope = resolve(conn, f)
        basis, top, total, missing = _ranking(conn, scope, _funder_table(f), "funder_authority_id", TOP_FUNDERS)
        ids = [row.key for row in top]
        info = {row.authority_id: row for row in conn.execute(
            sa.select(a.c.authority_id, a.c.name, a.c.country, a.c.level).where(a.c.authority_id.in_(ids)))}
    rows = [{"funder_authority_id": row.key, "funder_name": info[row.key].name, "country": info[row.key].country,
             "level": info[row.key].level,
             "grants": row.grants, **m.money_values(basis, row.amount, row.eur, row.missing),
             "share_pct": m.share(basis, row.amount, total, missing)} for row in top]
    return frame(rows, FUNDER_COLUMNS)
