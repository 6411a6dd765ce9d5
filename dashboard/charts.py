"""The chart registry: each chart is (id, query, figure builder, title), in the order pages show them.

Page cards, and later the embed page and the image and data routes, all come from this registry.
Figures are built with plotly.graph_objects on one template and a colour-blind-safe palette
(Okabe–Ito); titles, axis labels and hover texts are translated.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from queries import formats, registry

from . import cache, i18n, maps
from .state import State

# Okabe & Ito (2008), safe for the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=13, color="#222")
GRAPH_CONFIG = {**maps.MAP_CONFIG}
RANKING_ROWS = 25


def _(text: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Chart:
    id: str
    query_id: str
    title: str            # English msgid
    build: Callable       # (chart, df, state) -> go.Figure
    value: str = ""       # main value column
    label: str = ""       # English msgid of the value's label
    fmt: str = ",.0f"     # d3 format of the value
    area: str = ""
    height: int = 380

    @property
    def query(self):
        return registry.get(self.query_id)

    def data(self, state: State) -> pd.DataFrame:
        """The chart's rows for the view's filters, through the cache (keyed by the data version)."""
        return cache.query(self.query_id, state.filter)

    def figure(self, df: pd.DataFrame, state: State) -> go.Figure:
        return self.build(self, df, state)


def _layout(fig: go.Figure, chart: Chart, state: State, **extra) -> go.Figure:
    extra.setdefault("height", chart.height)
    fig.update_layout(template="plotly_white", font=FONT, colorway=PALETTE,
                      margin=dict(l=10, r=10, t=10, b=10), hoverlabel=dict(font_size=13),
                      legend=dict(orientation="h", y=-0.15), separators=_separators(state.lang), **extra)
    return fig


def _separators(lang: str) -> str:
    """plotly's decimal and thousands separators for the language."""
    loc = i18n.locale(lang)
    return loc.number_symbols["latn"]["decimal"] + loc.number_symbols["latn"]["group"].replace("\u202f", "\u00a0")


def _empty(chart: Chart, state: State, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text="<br>".join(textwrap.wrap(message, 48)), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=14, color="#555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, chart, state)


def _names(df: pd.DataFrame, state: State) -> list[str]:
    return [i18n.region_name(c, n, state.lang) for c, n in zip(df["region_code"], df["region_name"])]


def _money_label(df: pd.DataFrame, base: str, state: State) -> str:
    tr = i18n.translator(state.lang)
    currency = next((c for c in df.get("currency", []) if c), "")
    return f"{tr(base)} ({currency})" if currency else tr(base)


def build_map(chart: Chart, df: pd.DataFrame, state: State) -> go.Figure:
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No regions match these filters."))
    df = df.assign(region_name=_names(df, state))
    countries = sorted({c.split("-")[0] for c in df["region_code"]})
    value, label = chart.value, tr(chart.label)
    if chart.value == "per_1000_inhabitants" and len(countries) > 1:
        value, label = "amount_eur", tr("Amount (EUR)")
    elif chart.value == "per_1000_inhabitants":
        label = _money_label(df, chart.label, state)
    fig = maps.region_map(df, country=countries[0] if len(countries) == 1 else None, value_col=value,
                          value_label=label, hover_format=chart.fmt, selected=list(state.filter.regions),
                          no_data=tr("no data"), empty=tr("No regions match these filters."),
                          no_geometry=tr("not on the map (no geometry)"),
                          country_name=lambda cc: i18n.country_name(cc, state.lang))
    fig.update_layout(height=chart.height, separators=_separators(state.lang))
    return fig


def build_ranking(chart: Chart, df: pd.DataFrame, state: State) -> go.Figure:
    """Regions ranked by the value, largest on top; a click filters to the region."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No regions match these filters."))
    df = df.assign(name=_names(df, state)).sort_values(chart.value, ascending=False, na_position="last")
    shown = df.head(RANKING_ROWS).iloc[::-1]
    label = _money_label(df, chart.label, state) if chart.value == "amount" else tr(chart.label)
    title = (tr("The {shown} highest of {total}; every region is in the data table").format(
        shown=len(shown), total=len(df)) if len(df) > len(shown) else None)
    df = shown
    fig = go.Figure(go.Bar(
        x=df[chart.value], y=df["name"], orientation="h", customdata=df["region_code"],
        marker_color=PALETTE[0], hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:{chart.fmt}}}<extra></extra>"))
    height = max(chart.height, 22 * len(df) + 60)
    _layout(fig, chart, state, height=height)
    if title:
        fig.update_layout(title=dict(text=title, font=dict(size=12, color="#4a5561"), x=0, y=0.99),
                          margin=dict(t=30))
    fig.update_xaxes(title=label, tickformat=chart.fmt)
    fig.update_yaxes(automargin=True)
    return fig


def _series(chart, df, state, columns: list[tuple[str, str]], kind: str, x: str = "year",
            label: str | None = None, fmt: str | None = None, stacked: bool = False) -> go.Figure:
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    fig = go.Figure()
    fmt = fmt or chart.fmt
    for i, (col, name) in enumerate(columns):
        name = tr(name)
        hover = f"%{{x}}<br>{name}: %{{y:{fmt}}}<extra></extra>"
        if kind == "line":
            fig.add_trace(go.Scatter(x=df[x], y=df[col], name=name, mode="lines+markers",
                                     line=dict(color=PALETTE[i], width=2.5), hovertemplate=hover))
        else:
            fig.add_trace(go.Bar(x=df[x], y=df[col], name=name, marker_color=PALETTE[i], hovertemplate=hover))
    _layout(fig, chart, state, barmode="stack" if stacked else "group", showlegend=len(columns) > 1)
    fig.update_xaxes(type="category" if x != "year" else "linear", dtick=1 if x == "year" else None)
    fig.update_yaxes(title=label if label is not None else tr(chart.label), tickformat=fmt, rangemode="tozero")
    return fig


def build_trend_pct(chart, df, state):
    return _series(chart, df, state, [("coverage_pct", _("Coverage")), ("compliance_pct", _("Rank compliance"))],
                   "line", fmt=".1f")


def build_coverage_levels(chart, df, state):
    tr = i18n.translator(state.lang)
    df = df.assign(level=[tr(level_label(v)) for v in df["level"]])
    return _series(chart, df, state, [("coverage_pct", _("Coverage")), ("compliance_pct", _("Rank compliance"))],
                   "bar", x="level", fmt=".1f")


def build_money_trend(chart, df, state):
    if len(df) and all(v is None or v != v for v in df["amount"]):
        return _empty(chart, state, i18n.translator(state.lang)(_(
            "No euro amounts: exchange rates are missing for some currencies and years in these filters. "
            "Choose one country to see its amounts in its own currency.")))
    return _series(chart, df, state, [("amount", _("Amount"))], "bar",
                   label=_money_label(df, "Amount", state) if not df.empty else "")


def build_mix(chart, df, state):
    """Amounts by a category (domain, procedure), largest first."""
    tr = i18n.translator(state.lang)
    key = chart.query.columns[0]
    df = df.sort_values("amount", ascending=True, na_position="first")
    label = _money_label(df, "Amount", state)
    names = [tr(category_label(v)) for v in df[key]]
    fig = go.Figure(go.Bar(x=df["amount"], y=names, orientation="h", marker_color=PALETTE[0],
                           text=[i18n.percent(v, state.lang) for v in df["share_pct"]], textposition="auto",
                           hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:,.0f}}<br>%{{text}}<extra></extra>"))
    _layout(fig, chart, state)
    fig.update_xaxes(title=label, tickformat=",.0f")
    fig.update_yaxes(automargin=True)
    return fig


def build_top(chart, df, state):
    """The largest recipients or funders, with their share of all funding."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    name_col = "recipient_name" if "recipient_name" in df else "funder_name"
    df = df.iloc[::-1]
    label = _money_label(df, "Amount", state)
    fig = go.Figure(go.Bar(x=df["amount"], y=[_short(n) for n in df[name_col]], orientation="h",
                           marker_color=PALETTE[2],
                           text=[i18n.percent(v, state.lang) for v in df["share_pct"]], textposition="auto",
                           hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:,.0f}}<br>"
                                         + tr("Share of all funding") + ": %{text}<extra></extra>"))
    _layout(fig, chart, state, height=max(chart.height, 28 * len(df) + 60))
    fig.update_xaxes(title=label, tickformat=",.0f")
    fig.update_yaxes(automargin=True)
    return fig


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def build_consultation_trend(chart, df, state):
    return _series(chart, df, state, [("consultations", _("Consultations")),
                                      ("comments_received", _("Comments received"))], "bar")


def build_consultation_rates(chart, df, state):
    return _series(chart, df, state, [("on_time_pct", _("On time")), ("acceptance_pct", _("Comments accepted")),
                                      ("debate_pct", _("Public debate held"))], "line", fmt=".1f")


def build_authorities(chart, df, state):
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    df = df.iloc[::-1]
    fig = go.Figure(go.Bar(x=df["consultations"], y=[_short(n) for n in df["authority_name"]], orientation="h",
                           marker_color=PALETTE[0], customdata=df["on_time_pct"],
                           hovertemplate="<b>%{y}</b><br>" + tr("Consultations") + ": %{x:,}<br>"
                                         + tr("On time") + ": %{customdata:.1f}%<extra></extra>"))
    _layout(fig, chart, state, height=max(chart.height, 24 * len(df) + 60))
    fig.update_xaxes(title=tr("Consultations"))
    fig.update_yaxes(automargin=True)
    return fig


def build_periods(chart, df, state):
    """Consultations by length of the comment period, with each country's legal minimum marked."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    fig = go.Figure()
    for i, (country, part) in enumerate(df.groupby("country", sort=True)):
        fig.add_trace(go.Bar(x=part["period_days"], y=part["consultations"], name=i18n.country_name(country, state.lang),
                             marker_color=PALETTE[i % len(PALETTE)],
                             hovertemplate=tr("{days} days").format(days="%{x}") + ": %{y:,}<extra></extra>"))
        minimum = part["min_comment_days"].iloc[0]
        if minimum is not None and minimum == minimum:
            fig.add_vline(x=float(minimum) - 0.5, line=dict(color=PALETTE[i % len(PALETTE)], dash="dash", width=2),
                          annotation_text=tr("legal minimum {country}: {days}").format(
                              country=i18n.country_name(country, state.lang), days=int(minimum)),
                          annotation_position="top right")
    _layout(fig, chart, state, barmode="group", showlegend=df["country"].nunique() > 1)
    fig.update_xaxes(title=tr("Days between publication and the comments deadline"))
    fig.update_yaxes(title=tr("Consultations"))
    return fig


def build_training_trend(chart, df, state):
    df = df.assign(participants_other=df["participants"] - df["participants_public"] - df["participants_cso"]) \
        if not df.empty else df
    return _series(chart, df, state, [("participants_public", _("Public bodies")), ("participants_cso", _("CSOs")),
                                      ("participants_other", _("Others"))], "bar", stacked=True)


def build_topics(chart, df, state):
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    df = df.iloc[::-1]
    fig = go.Figure(go.Bar(x=df["participants"], y=[_short(tr(t)) for t in df["topic"]], orientation="h",
                           marker_color=PALETTE[1], customdata=df["trainings"],
                           hovertemplate="<b>%{y}</b><br>" + tr("Participants") + ": %{x:,}<br>"
                                         + tr("Trainings") + ": %{customdata:,}<extra></extra>"))
    _layout(fig, chart, state)
    fig.update_xaxes(title=tr("Participants"))
    fig.update_yaxes(automargin=True)
    return fig


def build_sectors(chart, df, state):
    tr = i18n.translator(state.lang)
    names = {"public": _("Public bodies"), "cso": _("CSOs"), "other": _("Others")}
    fig = go.Figure(go.Bar(x=[tr(names[s]) for s in df["sector"]], y=df["participants"],
                           marker_color=[PALETTE[0], PALETTE[2], PALETTE[7]][: len(df)],
                           text=[i18n.percent(v, state.lang) for v in df["share_pct"]], textposition="auto",
                           hovertemplate=f"%{{x}}: %{{y:,}}<extra></extra>"))
    _layout(fig, chart, state)
    fig.update_yaxes(title=tr("Participants"))
    return fig


def build_table(chart, df, state):
    return None  # a table, not a figure: the card shows the rows


LEVEL_LABELS = {"central": _("Central"), "regional": _("Regional"), "regional_department": _("Regional department"),
                "district": _("District"), "local": _("Local")}
CATEGORY_LABELS = {
    "social": _("Social"), "culture": _("Culture"), "sport": _("Sport"), "education": _("Education"),
    "youth": _("Youth"), "environment": _("Environment"), "health": _("Health"), "civic": _("Civic"),
    "religious": _("Religious"), "other": _("Other"), "competitive": _("Competitive call"), "direct": _("Direct award"),
}


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def category_label(value: str) -> str:
    return CATEGORY_LABELS.get(value, value)


C = Chart
CHARTS: dict[str, Chart] = {c.id: c for c in (
    # liaison officers
    C("liaison-coverage-by-region", "liaison-coverage-by-region", _("Liaison officer coverage by region"),
      build_map, "coverage_pct", _("Coverage (%)"), ".1f", "liaison"),
    C("liaison-coverage-by-region-ranking", "liaison-coverage-by-region", _("Regions ranked by coverage"),
      build_ranking, "coverage_pct", _("Coverage (%)"), ".1f", "liaison"),
    C("liaison-coverage-by-year", "liaison-coverage-by-year", _("Coverage and rank compliance over the years"),
      build_trend_pct, "coverage_pct", _("Share of authorities (%)"), ".1f", "liaison"),
    C("liaison-coverage", "liaison-coverage", _("Coverage and rank compliance by level of government"),
      build_coverage_levels, "coverage_pct", _("Share of authorities (%)"), ".1f", "liaison"),
    C("liaison-authorities-without-officer", "liaison-authorities-without-officer",
      _("Authorities without an active liaison officer"), build_table, area="liaison"),
    # funding
    C("funding-by-county", "funding-by-county", _("Funding per 1,000 inhabitants by county"),
      build_map, "per_1000_inhabitants", _("Amount per 1,000 inhabitants"), ",.0f", "funding"),
    C("funding-by-county-ranking", "funding-by-county", _("Counties ranked by amount granted"),
      build_ranking, "amount", _("Amount"), ",.0f", "funding"),
    C("funding-by-year", "funding-by-year", _("Funding over the years"), build_money_trend, "amount",
      _("Amount"), ",.0f", "funding"),
    C("funding-by-domain", "funding-by-domain", _("Funding by domain"), build_mix, "amount", _("Amount"),
      ",.0f", "funding"),
    C("funding-by-procedure", "funding-by-procedure", _("Competitive calls and direct awards"), build_mix,
      "amount", _("Amount"), ",.0f", "funding", height=220),
    C("funding-top-recipients", "funding-top-recipients", _("Largest recipients and their share"), build_top,
      "amount", _("Amount"), ",.0f", "funding"),
    C("funding-by-funder", "funding-by-funder", _("Largest funding authorities"), build_top, "amount",
      _("Amount"), ",.0f", "funding"),
    # consultations
    C("consultations-by-region", "consultations-by-region", _("Consultations by region"), build_map,
      "consultations", _("Consultations"), ",.0f", "consultations"),
    C("consultations-by-region-ranking", "consultations-by-region", _("Regions ranked by consultations on time"),
      build_ranking, "on_time_pct", _("On time (%)"), ".1f", "consultations"),
    C("consultation-participation", "consultation-participation", _("Consultations and comments over the years"),
      build_consultation_trend, "consultations", _("Number"), ",.0f", "consultations"),
    C("consultation-participation-rates", "consultation-participation",
      _("On time, accepted comments and debates over the years"), build_consultation_rates, "on_time_pct",
      _("Share (%)"), ".1f", "consultations"),
    C("consultation-periods", "consultation-periods", _("Consultation periods against the legal minimum"),
      build_periods, "consultations", _("Consultations"), ",.0f", "consultations"),
    C("consultations-by-authority", "consultations-by-authority", _("Authorities that consult most"),
      build_authorities, "consultations", _("Consultations"), ",.0f", "consultations"),
    # trainings
    C("training-by-region", "training-by-region", _("Share of municipalities reached by trainings"), build_map,
      "reach_pct", _("Municipalities reached (%)"), ".1f", "training"),
    C("training-by-region-ranking", "training-by-region", _("Regions ranked by participants"), build_ranking,
      "participants", _("Participants"), ",.0f", "training"),
    C("training-reach", "training-reach", _("Participants by sector over the years"), build_training_trend,
      "participants", _("Participants"), ",.0f", "training"),
    C("training-by-topic", "training-by-topic", _("Participants by topic"), build_topics, "participants",
      _("Participants"), ",.0f", "training"),
    C("training-participants-by-sector", "training-participants-by-sector", _("Participants by sector"),
      build_sectors, "participants", _("Participants"), ",.0f", "training", height=300),
)}


def get(chart_id: str) -> Chart:
    return CHARTS[chart_id]


def rows(df: pd.DataFrame) -> list[dict]:
    return formats.records(df)
