"""The headline figures of each area: what the cards on top of the pages show, computed here like every number.

One registered query per area (liaison-headline, funding-headline, consultations-headline, training-headline), one
row per figure and period: the figure over the filter's years ("range": from its first to its last year, or the
years with data), and over the last of those years ("last_year"); liaison officers, who are a stock rather than a
flow, are counted on one date ("as_of"). Each row carries the figure of the period before it, of the same length
(the range before the range, the year before the last year; a year before the as-of date), and the change between
the two: in points for a share or a ratio, in per cent for a count or an amount (none when they are in different
currencies, or when the earlier one is 0). A figure is the sum or the ratio of the rows of the area's own queries,
so that a card says what its chart and table say.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from . import consultations, funding, liaison, meta, money, training
from . import schema as t
from .filters import Filter
from .vocabulary import LOWER_IS_BETTER
from .registry import query
from .scope import connect, frame, pct, ratio, resolve, rounded

HEADLINE_COLUMNS = ("figure", "period", "year_from", "year_to", "as_of", "value", "unit", "currency", "previous",
                    "change", "reported", "records", "target", "target_source", "target_met")
# target, target_source: the goal or legal minimum the targets table sets for the figure in the view's one country
# (the level's own, else the one for every level); none when the view spans several countries, whose goals differ.
# target_met: whether the figure reaches it (at most it, for a figure where less is better); none without a figure
# reported, records: a figure taken over the records that report what it needs (SPEC, Records as they come) says how
# many did of how many there are (comments per consultation: consultations reporting comments, of all); a figure
# over every record leaves both empty
UNITS = ("count", "money", "pct", "number")  # number: a ratio such as comments per consultation, one decimal


def change(unit: str, value, previous):
    """The change from `previous` to `value`: points for a share or ratio, per cent for a count or amount."""
    if value is None or previous is None:
        return None
    if unit in ("pct", "number"):
        return rounded(value - previous, 1)
    return ratio(value - previous, previous, 1, 100.0)


class _Rows:
    """The rows of a headline result, each figure with its period, the period before it, and the change."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, figure: str, period: str, unit: str, value, previous, years=(None, None), as_of=None,
            currency: str | None = None, comparable: bool = True, basis=(None, None)) -> None:
        self.rows.append({"figure": figure, "period": period, "year_from": years[0], "year_to": years[1],
                          "as_of": as_of.isoformat() if as_of else None, "value": value, "unit": unit,
                          "currency": currency, "previous": previous,
                          "change": change(unit, value, previous) if comparable else None,
                          "reported": basis[0], "records": basis[1]})

    def frame(self, f: Filter, engine, left_out=()) -> pd.DataFrame:
        aims = targets(f, engine)
        for row in self.rows:
            target, source = aims.get(row["figure"], (None, None))
            value = row["value"]
            row.update(target=target, target_source=source,
                       target_met=None if target is None or value is None else
                       bool(value <= target if row["figure"] in LOWER_IS_BETTER else value >= target))
        df = frame(self.rows, HEADLINE_COLUMNS)
        df.attrs[money.LEFT_OUT] = tuple(left_out)
        return df


@meta.per_version  # targets change only with an import
def _target_rows(conn) -> tuple[tuple, ...]:
    tg = t.targets
    return tuple(conn.execute(sa.select(tg.c.country, tg.c.indicator, tg.c.level, tg.c.value, tg.c.source)).all())


def targets(f: Filter, engine=None) -> dict[str, tuple[float, str]]:
    """{figure: (target, source)} for the view: its country's targets when it spans one country, a level's own
    target before the one for every level when it asks for one level."""
    with connect(engine) as conn:
        countries = {r.country for r in resolve(conn, f).regions}
        rows = _target_rows(conn)
    if len(countries) != 1:
        return {}
    (country,), level = countries, f.levels[0] if len(f.levels) == 1 else None
    ordered = sorted((r for r in rows if r.country == country and r.level in (None, level)),
                     key=lambda r: r.level is not None)  # the level's own last: it wins
    return {r.indicator: (r.value, r.source) for r in ordered}


def _before(f: Filter, years: tuple[int, int], engine) -> Filter | None:
    """The filter for the period of the same length that ends the year before `years` begin; None when that period
    ends before the dataset's first year (nothing to ask for)."""
    first, last = years
    data = meta.dataset_info(engine).years
    if not data or first - 1 < data[0]:
        return None
    return f.with_(year_from=2 * first - last - 1, year_to=first - 1, as_of=None)


def _span(df: pd.DataFrame) -> tuple[int, int] | None:
    return (int(df["year"].iloc[0]), int(df["year"].iloc[-1])) if len(df) else None


def _total(df: pd.DataFrame, column: str):
    """The sum of a column of a per-year table; None when a year lacks it (an amount without a euro rate)."""
    values = list(df[column]) if len(df) else []
    if any(v is None or v != v for v in values):
        return None
    return sum(values)


def _flows(f: Filter, engine, per_year, figures, units: dict[str, str], yearly: tuple[str, ...] = ()) -> pd.DataFrame:
    """Headline rows of figures made from an area's per-year table (`per_year(f, engine)`): `figures(rows, period,
    engine)` gives them for some of its rows, those of the filter `period`, each as (value, (reported, records)).
    Each figure over the range (but the `yearly` ones, which are a year's) and over its last year, beside the period
    before it; none before when its first figure (a count) is 0."""
    years = per_year(f, engine)
    out, span = _Rows(), _span(years)
    if span is None:
        return out.frame(f, engine)
    before = _before(f, span, engine)

    def of(rows, first, last):
        return figures(rows, f.with_(year_from=first, year_to=last, as_of=None), engine)
    now = of(years, *span)
    then = figures(per_year(before, engine), before, engine) if before else None
    last = of(years.iloc[-1:], span[1], span[1])
    earlier = of(years.iloc[-2:-1], span[1] - 1, span[1] - 1) if len(years) > 1 else None
    counted = next(iter(units))
    for figure, unit in units.items():
        if figure not in yearly:
            out.add(figure, "range", unit, now[figure][0], then[figure][0] if then and then[counted][0] else None,
                    span, basis=now[figure][1])
    for figure, unit in units.items():
        out.add(figure, "last_year", unit, last[figure][0], earlier[figure][0] if earlier else None,
                (span[1], span[1]), basis=last[figure][1])
    return out.frame(f, engine)


def _one(df: pd.DataFrame, column: str, at: int):
    value = df[column].iloc[at]
    return None if value is None or value != value else value


# --- liaison officers ------------------------------------------------------------------------------------------

@query("liaison-headline", title="Headline figures: liaison officers",
       definition="Authorities in scope on the reference date, those with an active officer for civil society and "
                  "those whose most senior active officer meets the minimum rank, as counts and shares of all, "
                  "beside the same figures a year earlier.",
       area="liaison", columns=HEADLINE_COLUMNS,
       parameters=("country", "region", "year_from", "year_to", "level", "as_of"))
def liaison_headline(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        on = liaison.reference_date(conn, resolve(conn, f))
    earlier = on.replace(year=on.year - 1) if not (on.month == 2 and on.day == 29) else dt.date(on.year - 1, 2, 28)
    (n, covered, compliant), (n0, covered0, compliant0) = liaison.coverage_on(f, (on, earlier), engine)
    out = _Rows()
    for figure, unit, value, previous in (
            ("authorities", "count", n, n0),
            ("covered", "count", covered, covered0),
            ("coverage_pct", "pct", pct(covered, n), pct(covered0, n0)),
            ("compliant", "count", compliant, compliant0),
            ("compliance_pct", "pct", pct(compliant, n), pct(compliant0, n0)),
            ("without_officer", "count", n - covered, n0 - covered0)):
        out.add(figure, "as_of", unit, value, previous, as_of=on)
    return out.frame(f, engine)


# --- funding ----------------------------------------------------------------------------------------------------

@query("funding-headline", title="Headline figures: funding",
       definition="The amount granted to NGOs, the grants and the share of the amount awarded through competitive "
                  "calls, over the years in the filter and in the last of them, each beside the period of the same "
                  "length before it (compared in euro across currencies, as the funding breakdowns are).",
       area="funding", columns=HEADLINE_COLUMNS)
def funding_headline(f: Filter, engine=None) -> pd.DataFrame:
    years = funding.funding_years(f, engine)
    out, span = _Rows(), _span(years)
    if span is None:
        return out.frame(f, engine, money.left_out(years))
    before = _before(f, span, engine)
    earlier = funding.funding_years(before, engine) if before else None
    currency = years["currency"].iloc[-1]
    same = earlier is None or set(earlier["currency"]) == {currency}

    def competitive(df):  # the amount's share awarded through competitive calls, over the period's years
        return None if df is None else pct(_total(df, "competitive_amount"), _total(df, "amount"))
    out.add("amount", "range", "money", _total(years, "amount"), _total(earlier, "amount") if earlier is not None
            else None, span, currency=currency, comparable=same)
    out.add("grants", "range", "count", _total(years, "grants"), _total(earlier, "grants") if earlier is not None
            else None, span)
    out.add("competitive_share_pct", "range", "pct", competitive(years), competitive(earlier), span)
    last, several = (span[1], span[1]), len(years) > 1
    for figure, unit, column in (("amount", "money", "amount"), ("grants", "count", "grants"),
                                 ("competitive_share_pct", "pct", "competitive_share_pct")):
        out.add(figure, "last_year", unit, _one(years, column, -1), _one(years, column, -2) if several else None,
                last, currency=currency if unit == "money" else None,
                comparable=unit != "money" or (several and years["currency"].iloc[-2] == currency))
    return out.frame(f, engine, money.left_out(years))


# --- consultations ----------------------------------------------------------------------------------------------

def _consultation_figures(_rows: pd.DataFrame, period: Filter, engine) -> dict:
    """Consultations, comments per consultation, share of comments accepted and share on time over the period, each
    over the consultations that report what it needs (a ratio over several years is the ratio of their sums)."""
    total = consultations.participation_total(period, engine)
    n = total["consultations"]
    return {"consultations": (n, (None, None)),
            "comments_per_consultation": (ratio(total["comments_received"], total["comments_reported"], 1),
                                          (total["comments_reported"], n)),
            "acceptance_pct": (total["acceptance_pct"], (total["accepted_reported"], n)),
            "on_time_pct": (total["on_time_pct"], (total["with_rule"], n))}


CONSULTATION_UNITS = {"consultations": "count", "comments_per_consultation": "number", "acceptance_pct": "pct",
                      "on_time_pct": "pct"}


@query("consultations-headline", title="Headline figures: consultations",
       definition="Draft acts put to consultation, comments per consultation, the share of comments accepted and "
                  "the share of consultations that respected the legal minimum period, over the years in the "
                  "filter and in the last of them, each beside the period of the same length before it.",
       area="consultations", columns=HEADLINE_COLUMNS)
def consultations_headline(f: Filter, engine=None) -> pd.DataFrame:
    return _flows(f, engine, consultations.consultation_participation, _consultation_figures, CONSULTATION_UNITS)


# --- trainings ----------------------------------------------------------------------------------------------------

def _training_figures(years: pd.DataFrame, period: Filter, engine) -> dict:
    """Trainings, participants, the CSOs' share of participants (over the trainings that report the split), and the
    share of municipalities reached in the last of the years."""
    cso = training.training_participants_by_sector(period, engine).set_index("sector").loc["cso"]
    n = _total(years, "trainings") or 0
    return {"trainings": (n, (None, None)), "participants": (_total(years, "participants") or 0, (None, None)),
            "cso_share_pct": (cso["share_pct"], (int(cso["split_reported"]), n)),
            "reach_pct": (_one(years, "reach_pct", -1) if len(years) else None, (None, None))}


# reach_pct is given for the last year only: over a range it would need the range's distinct municipalities, a
# statement of its own on every page of the area (training-by-region has them per region)
TRAINING_UNITS = {"trainings": "count", "participants": "count", "cso_share_pct": "pct", "reach_pct": "pct"}


@query("training-headline", title="Headline figures: training",
       definition="Trainings held, their participants and the share of participants from CSOs, over the years "
                  "in the filter and in the last of them, and the share of municipalities in scope where a training "
                  "was held in that last year, each beside the period of the same length before it.",
       area="training", columns=HEADLINE_COLUMNS)
def training_headline(f: Filter, engine=None) -> pd.DataFrame:
    return _flows(f, engine, training.training_reach, _training_figures, TRAINING_UNITS, yearly=("reach_pct",))
