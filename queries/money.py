"""Money across currencies: which currency a country's amounts are in, euro rates, and the basis a sum is stated in.

A breakdown is stated in the national currency when every grant in its filter is in one currency, and in euro
otherwise (several countries, or Bulgaria across its 2026 changeover). Compared in euro, a country some of whose
grants in the filter have no euro rate (Kazakhstan's tenge before 2015, the Serbian dinar from 2022) is left out
of the comparison whole, so every country compared is complete over the years shown: `euro_comparable` says who.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from . import meta
from . import schema as t
from .filters import Filter
from .scope import Scope, connect, frame, pct, resolve, rounded

@meta.per_version
def rates(conn) -> dict[tuple[str, int], float]:
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
def currencies(conn) -> Currencies:
    return Currencies(conn)


def rate(rates, currency: str, year: int):
    return 1.0 if currency == "EUR" else rates.get((currency, year))


def in_currency(parts, target: str, rates):
    """Sum (currency, year, amount) parts in `target`, through each year's EUR rates; None if a rate lacks."""
    total = 0.0
    for currency, year, amount in parts:
        if currency == target:
            total += amount
            continue
        src, dst = rate(rates, currency, year), rate(rates, target, year)
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


def eur_value(amount_eur, unconverted):
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
        return rounded(amount, 2) if self.national else eur_value(amount, unconverted)


def basis(conn, scope: Scope) -> Basis:
    """The basis of the grants in the filter (read from s_grants, the smallest grant summary)."""
    s = t.s_grants
    stmt = sa.select(s.c.currency).distinct().where(scope.where(s, level_col=s.c.funder_level)).limit(2)
    found = conn.execute(stmt).scalars().all()
    return Basis(found[0]) if len(found) == 1 else Basis("EUR") if found else basis_without_grants(conn, scope)


def basis_without_grants(conn, scope: Scope) -> Basis:
    """No grant in the filter: the currency of the countries asked for in its last year, when they share one
    (Romania's 2030 is stated in RON, not EUR), else euro."""
    countries = scope.filter.countries or tuple({r.country for r in scope.regions})
    used = {currencies(conn).in_year(country, scope.filter.year_to) for country in countries}
    return Basis(used.pop()) if len(used) == 1 and None not in used else Basis("EUR")


def basis_and_total(conn, scope: Scope) -> tuple[Basis, float, int]:
    """The basis, the total amount in it and the grants without a rate, in one query on s_grants."""
    s = t.s_grants
    per_currency = conn.execute(
        sa.select(s.c.currency, sa.func.sum(s.c.amount_cents), sa.func.sum(s.c.amount_eur),
                  sa.func.sum(s.c.unconverted))
        .where(scope.where(s, level_col=s.c.funder_level)).group_by(s.c.currency)).all()
    missing = sum(int(m) for *_, m in per_currency)
    if not per_currency:
        return basis_without_grants(conn, scope), 0.0, 0
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
    with connect(engine) as conn:
        return _comparable(conn, f)


@meta.per_version  # asked by every funding breakdown of a page: once per filter and data version
def _comparable(conn, f: Filter) -> tuple[Filter | None, tuple[RateGap, ...]]:
    s = t.s_grants
    scope = resolve(conn, f)
    gaps = rate_gaps(conn.execute(sa.select(s.c.country, s.c.currency, s.c.year, sa.func.sum(s.c.unconverted))
                                  .where(scope.where(s, level_col=s.c.funder_level))
                                  .group_by(s.c.country, s.c.currency, s.c.year)).all())
    if not gaps:
        return f, ()
    left_out = {g.country for g in gaps}
    country_of = {r.code: r.country for r in scope.regions}
    in_scope = f.countries or tuple(dict.fromkeys(r.country for r in scope.regions))
    countries = tuple(c for c in in_scope if c not in left_out)
    regions = tuple(code for code in scope.region1 if country_of.get(code) not in left_out)
    if not countries or (scope.region1 and not regions):
        return None, gaps
    return f.with_(countries=countries, regions=regions), gaps


def rate_gaps(sums) -> tuple[RateGap, ...]:
    """From (country, currency, year, grants without a euro rate) of the grants in a filter: the countries a
    comparison in euro leaves out, when the grants are in several currencies (none when in one)."""
    # The same country, currency and year may come once per region: each year is named once
    missing, currencies = defaultdict(lambda: defaultdict(int)), set()
    for country, currency, year, unconverted in sums:
        currencies.add(currency)
        if unconverted:
            missing[(country, currency)][int(year)] += int(unconverted)
    if len(currencies) < 2:
        return ()
    return tuple(RateGap(country, currency, tuple(sorted(years)), sum(years.values()))
                 for (country, currency), years in sorted(missing.items()))


LEFT_OUT = "left_out"  # a result's attrs: the RateGaps of the countries a comparison in euro left out


def left_out(df) -> tuple[RateGap, ...]:
    """The countries a funding result compared in euro left out for want of a rate (empty when none)."""
    return tuple(df.attrs.get(LEFT_OUT) or ())


def compared_in_euro(columns: tuple[str, ...], counts_by: str | None = None):
    """A funding breakdown `compute(f, engine)` compared across currencies: run on the filter narrowed to the
    countries whose grants all have a euro rate (no row when none has), the others named in its LEFT_OUT. A count
    needs no rate: with `counts_by` (the rows' key), the grants of each row are counted over the whole filter."""
    def wrap(compute):
        @functools.wraps(compute)
        def run(f: Filter, engine=None):
            comparable, gaps = euro_comparable(f, engine)
            df = frame([], columns) if comparable is None else compute(comparable, engine)
            if counts_by and gaps:
                every = compute(f, engine).set_index(counts_by)["grants"]
                df = (df.set_index(counts_by).reindex(every.index).reset_index() if len(df) else
                      every.reset_index().reindex(columns=list(df.columns)))
                df = df.astype(object).where(df.notna(), None)  # a row only the whole filter has: no amounts
                df["grants"] = df[counts_by].map(every).astype(object)
                if "currency" in df:  # a row only the whole filter has: no amount in euro, but in euro still
                    known = df["currency"].dropna()
                    df["currency"] = known.iloc[0] if len(known) else "EUR"
            df.attrs[LEFT_OUT] = gaps
            return df
        return run
    return wrap


MONEY_COLUMNS = ("amount", "currency", "amount_eur")


def money_values(basis: Basis, amount, eur, unconverted) -> dict:
    return {"amount": basis.value(amount, unconverted), "currency": basis.currency,
            "amount_eur": eur_value(eur, unconverted)}


def share(basis: Basis, part, total, unconverted):
    return None if (unconverted and not basis.national) else pct(part, total)
