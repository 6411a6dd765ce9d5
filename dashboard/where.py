"""The overview's "where": for each of the four areas, the regions where its figure is lowest and highest.

A headline figure says how much; this says where it goes badly, which a national figure hides. Each line names the
figure of the area's own regional query (the one its map and ranking draw), over the regions with records of the
area, and links to the area's page filtered to the region.
"""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from queries import FilterError

from . import cache, charts, components as c, i18n
from .i18n import _
from .state import State

SHOWN = 3  # regions at each end


@dataclass(frozen=True)
class Where:
    area: str
    chart: str      # the area's regional chart, whose query and value the line uses
    records: str    # the column that counts a region's records of the area
    label: str      # English msgid: what the figure is
    euro: str = ""  # the value compared in euro when the view's amounts are in several currencies


WHERE = (
    Where("liaison", "liaison-coverage-by-region", "authorities", _("Authorities with a liaison officer")),
    Where("funding", "funding-by-county", "grants", _("Granted per 1,000 inhabitants"), euro="per_1000_eur"),
    Where("consultations", "consultations-by-region-ranking", "consultations", _("Consultations on time")),
    Where("training", "training-by-region", "trainings", _("Municipalities reached by trainings")),
)


def _value_text(where: Where, row: dict, column: str, state: State) -> str:
    value = row[column]
    if column == "per_1000_eur":
        return i18n.money(value, "EUR", state.lang)
    if column == "per_1000_inhabitants":
        return i18n.money(value, row.get("currency"), state.lang)
    return i18n.percent(value, state.lang)


def ends(where: Where, state: State) -> tuple[str, list[dict], list[dict]] | None:
    """(the value column, the lowest regions, the highest) over the regions with records and a value; None when
    fewer than two regions have one (nothing to compare)."""
    chart = charts.get(where.chart)
    df = cache.query(chart.query_id, state.filter)
    column = where.euro if where.euro and charts._several_currencies(df) else chart.value
    ranked = df[pd.to_numeric(df[column], errors="coerce").notna() & (pd.to_numeric(df[where.records],
                                                                                    errors="coerce") > 0)]
    if len(ranked) < 2:
        return None
    ranked = ranked.sort_values([column, "region_code"], ascending=[True, True])
    n = min(SHOWN, len(ranked) // 2)
    return column, ranked.head(n).to_dict("records"), ranked.tail(n).iloc[::-1].to_dict("records")


def _regions(where: Where, rows: list[dict], column: str, state: State) -> list:
    out = []
    for i, row in enumerate(rows):
        name = i18n.region_name(row["region_code"], row.get("region_name") or row["region_code"], state.lang)
        href = c.area_path(where.area) + state.with_filter(regions=(row["region_code"],),
                                                            countries=(row["region_code"].split("-")[0],)).search
        out += [", " if i else None, html.A(name, href=href), f" {_value_text(where, row, column, state)}"]
    return [part for part in out if part]


def period(where: Where, state: State) -> str:
    """The period a line covers: the officers' reference date, else the years of the view ('2015–2024')."""
    from . import kpis
    if where.area == "liaison":
        rows = kpis.headline("liaison", state).to_dict("records")
        return kpis.period_text(rows[0], state.lang) if rows else ""
    return charts.years_of(state)


def panel(state: State) -> dbc.Row | None:
    """One card per area: its lowest and its highest regions, each a link to the area's page for that region."""
    tr = i18n.translator(state.lang)
    cols = []
    for where in WHERE:
        try:
            found = ends(where, state)
        except FilterError:
            return None
        if found is None:
            body = [html.P(tr("Too few regions with a figure to compare."), className="small text-muted mb-0")]
        elif found[1][0][found[0]] == found[2][0][found[0]]:  # the lowest is the highest: no "where" to tell
            column, low, _high = found
            body = [html.P(tr("Every region with records: {value}").format(
                value=_value_text(where, low[0], column, state)), className="small mb-0")]
        else:
            column, low, high = found
            body = [html.P([html.Span(tr("Lowest: "), className="fw-semibold"), *_regions(where, low, column, state)],
                           className="small mb-1 where-low"),
                    html.P([html.Span(tr("Highest: "), className="fw-semibold"),
                            *_regions(where, high, column, state)], className="small mb-0 where-high")]
        heading = html.H2([tr(where.label), html.Span(period(where, state), className="where-period")],
                          className="h6 mb-1")
        cols.append(dbc.Col(html.Div([heading, *body], className="where"),
                            xs=12, md=6, xl=3, className="mb-3"))
    return html.Section([html.H2(tr("Where"), className="h5 mb-2"), dbc.Row(cols)], className="where-panel",
                        **{"aria-label": tr("Where each figure is lowest and highest")})
