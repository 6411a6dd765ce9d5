"""The chart registry: each chart is (id, query, figure builder, title), in the order pages show them.

Page cards, and later the embed page and the image and data routes, all come from this registry.
Figures are built with plotly.graph_objects on one template and a colour-blind-safe palette
(Okabe–Ito); titles, axis labels and hover texts are translated.
"""
from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from queries import formats, funding, records, registry
from queries.consultations import RANKED_FROM
from queries.money import left_out

from . import cache, figures, i18n, maps
from .i18n import _
from .figures import figure
from .state import State

CONTEXT_BAR = "#c5cad1"  # the regions around a selection in a ranking (the selection in the palette's first colour)
# Okabe & Ito (2008), safe for the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=13, color="#222")
GRAPH_CONFIG = {**maps.MAP_CONFIG}
RANKING_ROWS = 25
LINE_DASHES = ("solid", "dash", "dot")

# One colour per category, whichever chart draws it: a sector of participants, a country, a measure reads the same on
# every chart (Okabe–Ito, and a neutral grey for "others"). Sectors and countries have colours of their own; a
# measure drawn beside another (a chart's series) keeps its colour wherever it is drawn.
CATEGORY_COLOURS = {
    # sectors of participants (training)
    "public": "#0072B2", "cso": "#009E73", "other": "#999999",
    # countries
    "RO": "#E69F00", "BG": "#D55E00", "RS": "#CC79A7", "KZ": "#56B4E9",
    # measures
    "coverage_pct": "#0072B2", "compliance_pct": "#E69F00",
    "consultations": "#0072B2", "comments_received": "#E69F00",
    "on_time_pct": "#0072B2", "acceptance_pct": "#E69F00", "debate_pct": "#009E73",
    "amount": "#0072B2", "participants": "#E69F00",
}
_COLOUR_ALIASES = {"participants_public": "public", "participants_cso": "cso", "participants_other": "other",
                   "amount_eur": "amount", "per_1000_inhabitants": "amount", "per_1000_eur": "amount"}


def colour(category: str) -> str:
    """The colour of a category (a sector, a country's code, a measure's column) on every chart; one not listed
    gets a colour of the palette chosen by its name, the same on every chart and in every run."""
    key = _COLOUR_ALIASES.get(category, category)
    if key in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[key]
    return PALETTE[sum(str(key).encode()) % len(PALETTE)]



@dataclass(frozen=True)
class Chart:
    """A chart: the registered query whose rows it draws, and what is its own (how it draws them). Its id is the
    query's unless the query has several charts; its title is the query's unless it names itself; its area and its
    definition are always the query's."""
    query_id: str
    build: Callable       # (chart, df, state) -> go.Figure
    value: str = ""       # main value column
    label: str = ""       # English msgid of the value's label
    fmt: str = ",.0f"     # d3 format of the value
    height: int = 380
    name: str = ""        # the chart's id, when not its query's
    heading: str = ""     # English msgid of its title, when not its query's

    @property
    def id(self) -> str:
        return self.name or self.query_id

    @property
    def query(self):
        return registry.get(self.query_id)

    @property
    def title(self) -> str:
        return self.heading or self.query.title

    @property
    def area(self) -> str:
        return self.query.area

    @property
    def definition(self) -> str:
        return self.query.definition

    def data(self, state: State) -> pd.DataFrame:
        """The chart's rows for the view's filters, through the cache (keyed by the data version)."""
        return cache.query(self.query_id, state.filter)

    def figure(self, df: pd.DataFrame, state: State) -> go.Figure:
        return self.build(self, df, state)


def _layout(chart: Chart, state: State, **extra) -> dict:
    """The layout every chart shares, with the chart's own properties (`extra`, None values left out).

    Figures are built from whole dicts, once (figures.figure): each update_layout of a go.Figure costs a few ms."""
    layout = dict(font=FONT, colorway=PALETTE, hoverlabel=dict(font=dict(size=13)),
                  # t=30: room above the plot for plotly's tool bar (24 px, shown on hover at the top right),
                  # which covered a ranking's top bar and the tallest bar of a series
                  separators=_separators(state.lang), height=chart.height, margin=dict(l=10, r=10, t=30, b=10),
                  legend=dict(orientation="h", y=-0.15))
    layout.update({k: v for k, v in extra.items() if v is not None})
    return layout


def _axis(title: str | None = None, **props) -> dict:
    """An axis: its title (as plotly.js reads it) and its other properties, None values left out."""
    axis = {k: v for k, v in props.items() if v is not None}
    if title is not None:
        axis["title"] = dict(text=title)
    return axis


def _separators(lang: str) -> str:
    """plotly's decimal and thousands separators for the language."""
    loc = i18n.locale(lang)
    return loc.number_symbols["latn"]["decimal"] + loc.number_symbols["latn"]["group"].replace("\u202f", "\u00a0")


def _empty(chart: Chart, state: State, message: str) -> go.Figure:
    # the message wrapped narrow enough for a phone's width
    return figure(**_layout(chart, state, annotations=[dict(
        text="<br>".join(textwrap.wrap(message, 40)), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font=dict(size=14, color="#555"))], xaxis=dict(visible=False), yaxis=dict(visible=False)))


def _names(df: pd.DataFrame, state: State) -> list[str]:
    return [i18n.region_name(c, n, state.lang) for c, n in zip(df["region_code"], df["region_name"])]


def _view_years(state: State) -> tuple[int | None, int | None]:
    """The first and last year of the view: the filter's, else the data's."""
    from queries import meta
    f, years = state.filter, meta.dataset_info().years
    first = f.year_from if f.year_from is not None else (min(years) if years else None)
    last = f.year_to if f.year_to is not None else (max(years) if years else None)
    return (first, last) if first is not None and last is not None and first <= last else (None, None)


def years_of(state: State) -> str:
    """'2015–2024', '2024' or '': the years of the view."""
    first, last = _view_years(state)
    return "" if first is None else str(first) if first == last else f"{first}–{last}"


def _over_years(label: str, state: State) -> str:
    """'Amount per 1,000 inhabitants (RON), 2015–2024 (10 years)': a figure summed over the years of the view says
    over which, and how many (a per-1,000 figure over ten years is not a yearly one)."""
    first, last = _view_years(state)
    if first is None:
        return label
    if first == last:
        return i18n.translator(state.lang)(_("{label}, {year}")).format(label=label, year=first)
    return i18n.translator(state.lang)(_("{label}, {first}–{last} ({n} years)")).format(
        label=label, first=first, last=last, n=last - first + 1)


def _on_date(label: str, state: State) -> str:
    """'Coverage (%), on 31 December 2024': officers are counted on one date, the liaison headline's (the end of the
    last year with data unless the address asks for another)."""
    rows = cache.query("liaison-headline", state.filter)
    if not len(rows) or not rows["as_of"].iloc[0]:
        return label
    import datetime as dt
    on = i18n.translator(state.lang)(_("on {date}")).format(
        date=i18n.date(dt.date.fromisoformat(rows["as_of"].iloc[0]), state.lang))
    return f"{label}, {on}"


def _money_label(df: pd.DataFrame, base: str, state: State) -> str:
    tr = i18n.translator(state.lang)
    currency = next((c for c in df.get("currency", []) if c), "")
    return f"{tr(base)} ({currency})" if currency else tr(base)


# --- money across currencies --------------------------------------------------------------------
#
# Amounts in several currencies are compared in euro by the funding queries themselves (queries.money), which leave
# out a country whose grants in the filter lack a euro rate (Kazakhstan's tenge, the Serbian dinar from 2022) and
# name it: each chart says who is left out and why.

def _year_span(years) -> str:
    """2015, 2016, 2017, 2020 -> '2015–2017, 2020'."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def rate_note(df: pd.DataFrame, state: State) -> str | None:
    """'Not included (no euro exchange rate): Kazakhstan (KZT, 2015–2024).' for a comparison in euro."""
    gaps = left_out(df)
    if not gaps:
        return None
    parts = [f"{i18n.country_name(g.country, state.lang)} ({g.currency}, {_year_span(g.years)})" for g in gaps]
    return i18n.translator(state.lang)(_("Not included (no euro exchange rate): {countries}.")).format(
        countries="; ".join(parts))


def _no_euro(chart: Chart, df: pd.DataFrame, state: State) -> go.Figure:
    """The explained empty view when no country in the filter has euro amounts to compare."""
    advice = i18n.translator(state.lang)(_("Choose one country to see its amounts in its own currency."))
    return _empty(chart, state, f"{rate_note(df, state)} {advice}")


def _caption(layout: dict, *lines: str | None, width: int = 46) -> dict:
    """The layout with small grey lines above the plot (what is shown, what is left out), wrapped for a narrow
    card."""
    text = "<br>".join(part for line in lines if line for part in textwrap.wrap(line, width))
    if text:  # above the plot area, whose top margin grows to hold it
        layout["title"] = dict(text=text, font=dict(size=12, color="#4a5561"), x=0, xref="container",
                               xanchor="left", y=1, yref="paper", yanchor="bottom", pad=dict(l=10, b=8),
                               automargin=True)
    return layout


def _several_currencies(df: pd.DataFrame) -> bool:
    return "currency" in df and df["currency"].dropna().nunique() > 1


def build_map(chart: Chart, df: pd.DataFrame, state: State) -> go.Figure:
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No regions match these filters."))
    note = rate_note(df, state)
    df = df.assign(region_name=[figures.text(name) for name in _names(df, state)])  # hover and tile labels
    countries = sorted({c.split("-")[0] for c in df["region_code"]})
    value, label = chart.value, tr(chart.label)
    if chart.value == "per_1000_inhabitants" and _several_currencies(df):
        value, label = "per_1000_eur", tr("Amount per 1,000 inhabitants (EUR)")
    elif chart.value == "per_1000_inhabitants":
        label = _money_label(df, chart.label, state)
    label = _over_years(label, state) if chart.area != "liaison" else _on_date(label, state)
    values = [v for v in df[value] if v is not None and not pd.isna(v)]
    no_data = _missing_reason(df, value, state)
    layout = dict(height=chart.height, separators=_separators(state.lang), annotations=[])
    around = _around(chart, state)
    if len(values) == 1 and len(df) == 1:  # one region: its value in words instead of a colour bar
        words = f"<b>{df['region_name'].iloc[0]}</b><br>{label}: {_number(chart, values[0], state)}"
        whole = _whole(around, value, state)
        words += f"<br>{whole}" if whole else ""
    else:  # one value for every region (no grant in 2030: all 0): said in words, the colour bar left out
        same = _same_value(chart, values, len(df), state)
        words = f"<b>{label}</b><br>{same}" if same else None
    if words:
        layout["annotations"].append(dict(
            text=words, xref="paper", yref="paper", x=0, y=1, xanchor="left", yanchor="top", showarrow=False,
            align="left", font=dict(size=13)))
    if note:  # under the map and its "no data" line: a title would push the blocks' labels onto the tiles
        lines = textwrap.wrap(note, 46)
        layout["annotations"].append(dict(
            text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
            yshift=-26, showarrow=False, align="left", font=dict(size=12, color="#4a5561")))
        layout.update(margin=dict(l=8, r=8, t=8, b=34 + 16 * len(lines)), height=chart.height + 16 * len(lines))
    return maps.region_map(df, country=countries[0] if len(countries) == 1 else None, value_col=value,
                           # the colour bar's title on two lines: it fits beside a phone's map
                           value_label="<br>".join(textwrap.wrap(label, 26)), hover_format=chart.fmt,
                           selected=list(state.filter.regions), no_data=no_data,
                           empty=tr("No regions match these filters."), no_geometry=tr("not on the map (no geometry)"),
                           country_name=lambda cc: i18n.country_name(cc, state.lang), geometry="url",
                           # a colour scale of one value says nothing (its ticks all read the same)
                           colorbar=len(set(values)) > 1, layout=layout, context=around)


def _whole(around: pd.DataFrame | None, value: str, state: State) -> str | None:
    """'Romania: 29,458': the per-1,000 figure of the whole country beside a region's (queries.funding)."""
    if around is None or value not in ("per_1000_inhabitants", "per_1000_eur") or "population" not in around:
        return None
    figure = funding.per_1000_over(around, "amount" if value == "per_1000_inhabitants" else "amount_eur")
    if figure is None:
        return None
    countries = dict.fromkeys(code.split("-")[0] for code in around["region_code"])
    names = ", ".join(i18n.country_name(code, state.lang) for code in countries)
    return i18n.translator(state.lang)(_("{where}: {value}")).format(where=names, value=i18n.number(figure, state.lang))


def _around(chart: Chart, state: State) -> pd.DataFrame | None:
    """The chart's rows for the whole countries of a region filter: a map or a ranking of a selection keeps the
    regions around it, grey, so that the selection is seen in its place; None without a region filter."""
    whole = state.around()
    return cache.query(chart.query_id, whole.filter) if whole is not None else None


def _missing_reason(df: pd.DataFrame, value: str, state: State) -> str:
    """Why a region of the map has no value: a region with grants but no euro rate or no population figure is never
    said to have "no data"."""
    tr = i18n.translator(state.lang)
    if value not in ("per_1000_eur", "per_1000_inhabitants"):
        return tr("no data")
    missing = df[pd.to_numeric(df[value], errors="coerce").isna()]
    unrated = ~missing["compared"].astype(bool) if "compared" in missing and value == "per_1000_eur" else \
        pd.Series(False, index=missing.index)
    if len(missing) and unrated.all():
        return tr("no euro rate")
    return tr("no euro rate or no population figure") if unrated.any() else tr("no population figure")


def _number(chart: Chart, value, state: State) -> str:
    """A value in words: a percentage with its sign, else one decimal for a ".1f" chart, else whole."""
    if chart.value.endswith("_pct"):
        return i18n.percent(value, state.lang)
    return i18n.number(value, state.lang, 1 if chart.fmt.endswith(".1f") else 0)


def _same_value(chart: Chart, values: list, rows: int, state: State) -> str | None:
    """"Every region: 0" when the regions shown (several) all have one value: a map of one colour, or bars all
    of one length (or no bar at all, at 0), would otherwise not say what that value is."""
    if rows < 2 or not values or len(set(values)) > 1:
        return None
    tr = i18n.translator(state.lang)
    text = tr("Every region: {value}") if len(values) == rows else tr("Every region with data: {value}")
    return text.format(value=_number(chart, values[0], state))


def _labels(names, *qualifiers, width: int = 38) -> list[str]:
    """One label per bar, at most `width` characters: plotly draws bars with equal labels as one bar, so names
    that come out equal get the first qualifier (a list per bar: country, region, id…) that tells them apart.
    Labels are escaped for plotly (figures.text); a line break in a name is kept as one."""
    names = [str(n) for n in names]
    qualifiers = [[v if isinstance(v, str) and v else None for v in values] for values in qualifiers]
    short = [_short(n, width) for n in names]
    groups = defaultdict(list)
    for i, label in enumerate(short):
        groups[label].append(i)
    out = list(short)
    for label, idx in groups.items():
        if len(idx) < 2:
            continue
        for values in qualifiers:
            tags = [values[i] for i in idx]
            if all(tags) and len(set(tags)) == len(tags):
                for i, tag in zip(idx, tags):
                    out[i] = f"{_short(names[i], max(width - len(str(tag)) - 3, 12))} ({tag})"
                break
        else:
            for k, i in enumerate(idx, start=1):
                out[i] = f"{label} ({k})"
    return [figures.text(label).replace("\n", "<br>") for label in out]


RECORD_COUNTS = ("consultations", "grants", "trainings", "authorities")  # a region's records, by area


def build_ranking(chart: Chart, df: pd.DataFrame, state: State) -> go.Figure:
    """Regions ranked by the value, largest on top; a click filters to the region."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No regions match these filters."))
    around = _around(chart, state)  # a selection: ranked among the rest of its country, which is grey
    chosen = set(df["region_code"]) if around is not None else set()
    df = around if around is not None else df
    note, value = rate_note(df, state), chart.value
    label = _money_label(df, chart.label, state) if chart.value == "amount" else tr(chart.label)
    if chart.value == "amount" and _several_currencies(df):  # compared in euro, without the countries left out
        value, label = "amount_eur", tr("Amount (EUR)")
        df = df[df["compared"] & df["amount_eur"].notna()]
    label = _over_years(label, state) if chart.area != "liaison" else _on_date(label, state)
    # regions without a record of the area (or without the figure) are left out: a ranking of empty rows says
    # nothing (the data table keeps every region)
    records = next((c for c in RECORD_COUNTS if c in df), None)
    ranked = df[pd.to_numeric(df[value], errors="coerce").notna()
                & ((pd.to_numeric(df[records], errors="coerce") > 0) if records else True)]
    empty = len(df) - len(ranked)
    if ranked.empty:
        return _empty(chart, state, tr("No region in these filters has records for this ranking."))
    df = ranked.assign(name=_names(ranked, state)).sort_values(value, ascending=False, na_position="last")
    values = [v for v in df[value] if v is not None and not pd.isna(v)]
    same = _same_value(chart, values, len(df), state)
    # where it goes badly matters as much as where it goes well: a long ranking shows its top and its bottom, a
    # dotted line between them; with one value for all (all at 0 %), none is "highest": the caption says so
    half = RANKING_ROWS // 2
    split = len(df) > RANKING_ROWS and not same
    middle = df.iloc[half:-half] if split else df.iloc[RANKING_ROWS:]
    picked = middle[middle["region_code"].isin(chosen)]  # a selection in the middle is shown between the two
    shown = (pd.concat([df.head(half), picked, df.tail(half)]) if split else
             pd.concat([df.head(RANKING_ROWS), picked])).iloc[::-1]
    ranks = {code: i + 1 for i, code in enumerate(df["region_code"])}
    place = [tr("{region}: {rank} of {total}").format(region=name, rank=ranks[code], total=len(df))
             for code, name in zip(df["region_code"], df["name"]) if code in chosen]
    count = (tr("{shown} of {total} shown; every region is in the data table") if same else
             tr("The {half} highest and the {half} lowest of {total}; every region is in the data table"))
    title = count.format(shown=len(shown), half=half, total=len(df)) if len(df) > len(shown) else None
    left = tr("{count} regions without records left out").format(count=empty) if empty else None
    title = ". ".join(t for t in (", ".join(place), same, title, left) if t) or None
    df = shown
    colours = [PALETTE[0] if not chosen or code in chosen else CONTEXT_BAR for code in df["region_code"]]
    bars = dict(type="bar", x=df[value], y=_labels(df["name"], list(df["region_code"]), width=60), orientation="h",
                customdata=df["region_code"], marker=dict(color=colours),
                hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:{chart.fmt}}}<extra></extra>")
    height = max(min(chart.height, 40 * len(df) + 140), 22 * len(df) + 60)  # a few regions: no fat bars
    return figure(bars, **_caption(_layout(
        chart, state, height=height,
        # fewer long amounts: not slanted; never below zero (all regions at 0 % had an axis from −1 to 1); one
        # value for all: its tick alone (at 0, an axis from 0 to 1 in whole numbers read "0, 1, 1")
        xaxis=_axis(label, tickformat=chart.fmt, nticks=5, rangemode="nonnegative",
                    tickvals=values[:1] if same else None),
        shapes=[dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y - 0.5, y1=y - 0.5,
                     line=dict(color="#6c757d", width=1, dash="dot"))
                for y in ((half, half + len(picked)) if len(picked) else (half,))] if split else None,
        yaxis=_axis(automargin=True)), title, note))


def _series(chart, df, state, columns: list[tuple[str, str]], kind: str, x: str = "year",
            label: str | None = None, fmt: str | None = None, stacked: bool = False,
            caption: str | None = None, caption_width: int = 46, right: tuple[str, str] | None = None) -> go.Figure:
    """Series over `x`: bars or lines of `columns` (column, msgid of its name) on the left axis; `right`: one more
    series (column, msgid) drawn as a line on an axis of its own on the right, titled by its name, for a measure
    of another magnitude (twenty times as many comments as consultations would flatten the consultations' bars)."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    fmt = fmt or chart.fmt
    traces = []
    for i, (col, name) in enumerate(columns):
        name = tr(name)
        hover = f"%{{x}}<br>{name}: %{{y:{fmt}}}<extra></extra>"
        if kind == "line":  # a dash of its own per line: two equal series (Bulgaria's coverage and rank
            # compliance) stay both visible, and a print in grey still tells the lines apart
            traces.append(dict(type="scatter", x=df[x], y=df[col], name=name, mode="lines+markers",
                               line=dict(color=colour(col), width=2.5, dash=LINE_DASHES[i % len(LINE_DASHES)]),
                               hovertemplate=hover))
        else:
            traces.append(dict(type="bar", x=df[x], y=df[col], name=name, marker=dict(color=colour(col)),
                               hovertemplate=hover))
    years = df[x].nunique() if x == "year" else 0  # every year up to 8, else every other one: upright in a card
    xaxis = _axis(type="category" if x != "year" else "linear",
                  dtick=(1 if years <= 8 else 2 if years <= 16 else 5) if x == "year" else None,
                  tick0=df[x].max() if x == "year" else None)  # the latest year, the one most read, always labelled
    yaxis = _axis(label if label is not None else tr(chart.label), tickformat=fmt, rangemode="tozero")
    yaxis2 = None
    if right is not None:
        col, name = right[0], tr(right[1])
        traces.append(dict(type="scatter", x=df[x], y=df[col], name=name, yaxis="y2", mode="lines+markers",
                           line=dict(color=colour(col), width=2.5, dash="dash"), marker=dict(size=7),
                           hovertemplate=f"%{{x}}<br>{name}: %{{y:{fmt}}}<extra></extra>"))
        yaxis2 = _axis(name, tickformat=fmt, rangemode="tozero", overlaying="y", side="right", showgrid=False,
                       automargin=True)
    return figure(*traces, **_caption(_layout(chart, state, barmode="stack" if stacked else "group",
                                              showlegend=len(traces) > 1, xaxis=xaxis, yaxis=yaxis, yaxis2=yaxis2),
                                      caption, width=caption_width))


def build_trend_pct(chart, df, state):
    return _series(chart, df, state, [("coverage_pct", _("Coverage")), ("compliance_pct", _("Rank compliance"))],
                   "line", fmt=".1f")


def build_coverage_levels(chart, df, state):
    tr = i18n.translator(state.lang)  # long level names on lines of their own, not slanted over the legend
    df = df.assign(level=["<br>".join(textwrap.wrap(tr(level_label(v)), 16)) for v in df["level"]])
    return _series(chart, df, state, [("coverage_pct", _("Coverage")), ("compliance_pct", _("Rank compliance"))],
                   "bar", x="level", fmt=".1f")


def build_money_trend(chart, df, state):
    if df.empty and left_out(df):
        return _no_euro(chart, df, state)
    if len(df) and all(v is None or v != v for v in df["amount"]):
        return _empty(chart, state, i18n.translator(state.lang)(_(
            "No euro amounts: exchange rates are missing for some currencies and years in these filters. "
            "Choose one country to see its amounts in its own currency.")))
    return _series(chart, df, state, [("amount", _("Amount"))], "bar",
                   label=_money_label(df, "Amount", state) if not df.empty else "", caption=rate_note(df, state))


def build_mix(chart, df, state):
    """Amounts by a category (domain, procedure), largest first."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _no_euro(chart, df, state) if left_out(df) else _empty(chart, state, tr("No data for these filters."))
    key = chart.query.columns[0]
    df = df.sort_values("amount", ascending=True, na_position="first")
    label = _money_label(df, "Amount", state)
    names = [tr(category_label(v)) for v in df[key]]
    bars = dict(type="bar", x=df["amount"], y=names, orientation="h", marker=dict(color=colour("amount")),
                customdata=[[authority_point(a)] for a in df["funder_authority_id"]] if "funder_authority_id" in df
                else [[recipient_point(i, n)] for i, n in zip(df["recipient_id"], df["recipient_name"])]
                if "recipient_id" in df else None,
                text=[i18n.percent(v, state.lang) for v in df["share_pct"]], textposition="auto",
                hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:,.0f}}<br>%{{text}}<extra></extra>")
    return figure(bars, **_caption(_layout(chart, state, xaxis=_axis(label, tickformat=",.0f"),
                                           yaxis=_axis(automargin=True)), rate_note(df, state)))


def build_top(chart, df, state):
    """The largest recipients or funders, with their share of all funding."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _no_euro(chart, df, state) if left_out(df) else _empty(chart, state, tr("No data for these filters."))
    df = df.iloc[::-1]
    if "recipient_name" in df:
        names = _labels([_wrapped(str(n)) for n in df["recipient_name"]], list(df["recipient_id"]), width=80)
    else:  # authorities of several countries share names (Ministry of Culture…): the country tells them apart
        names = _authority_labels(df["funder_name"], df["country"], [None] * len(df), df["funder_authority_id"],
                                  state)
    label = _money_label(df, "Amount", state)
    bars = dict(type="bar", x=df["amount"], y=names, orientation="h", marker=dict(color=colour("amount")),
                customdata=[[authority_point(a)] for a in df["funder_authority_id"]] if "funder_authority_id" in df
                else [[recipient_point(i, n)] for i, n in zip(df["recipient_id"], df["recipient_name"])]
                if "recipient_id" in df else None,
                text=[i18n.percent(v, state.lang) for v in df["share_pct"]], textposition="auto",
                hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:,.0f}}<br>"
                              + tr("Share of all funding") + ": %{text}<extra></extra>")
    return figure(bars, **_caption(_layout(chart, state, height=max(chart.height, ROW_HEIGHT * len(df) + 60),
                                           xaxis=_axis(label, tickformat=",.0f", nticks=5),
                                           yaxis=_axis(automargin=True)), rate_note(df, state)))


AUTHORITY_POINT = "authority:"  # a bar that is an authority carries this before its id: a click opens its page


RECIPIENT_POINT = "recipient:"  # and a recipient's bar its key (registry id, else name): a click opens its page


def authority_point(authority_id: str) -> str:
    return AUTHORITY_POINT + str(authority_id)


def recipient_point(recipient_id, name) -> str:
    return RECIPIENT_POINT + records.recipient_key(recipient_id, name)


def _authority_labels(names, countries, regions, ids, state: State) -> list[str]:
    """Bar labels of authorities: with the country's code when the bars span several countries, and where two
    still read the same, the region or else the id."""
    countries, ids = list(countries), list(ids)
    several = len({c for c in countries if c}) > 1
    names = [_wrapped(str(n)) + (f" ({c})" if several and c else "") for n, c in zip(names, countries)]
    regions = [i18n.region_name(r, r, state.lang) if isinstance(r, str) else None for r in regions]
    return _labels(names, regions, ids, width=80)


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


LABEL_WIDTH = 24  # characters of a line of a bar's label: two such lines leave a phone's card room for the bars
ROW_HEIGHT = 40   # pixels per bar of a chart whose labels take two lines


def _wrapped(name: str, width: int = LABEL_WIDTH, lines: int = 2) -> str:
    """A bar's label on at most `lines` lines of `width` characters (a line break as "\n"), the last one shortened
    with an ellipsis: names on one line of 40 characters left a phone's card no room for the bars and cut the
    labels and the axis title."""
    parts = textwrap.wrap(name, width) or [name]
    if len(parts) > lines:
        parts = parts[: lines - 1] + [_short(" ".join(parts[lines - 1:]), width)]
    return "\n".join(parts)


def _total(df: pd.DataFrame, column: str) -> int:
    return int(pd.to_numeric(df[column], errors="coerce").fillna(0).sum()) if column in df else 0


# (figure's label, column of the records that report it, column of all records); the share on time is over the
# consultations under a legal minimum, said in other words
_REPORTED = {"comments": (_("Comments reported for {n} of {m} consultations."), "comments_reported", "consultations"),
             "debates": (_("Debates reported for {n} of {m} consultations."), "debates_reported", "consultations"),
             "on_time": (_("On time: {n} of {m} consultations are under a legal minimum."), "with_rule",
                         "consultations"),
             "split": (_("Sectors reported for {n} of {m} trainings."), "split_reported", "trainings")}


REPORTED_WIDTH = 36  # characters a line of these notes takes: short of the plot's tool bar in a third of the page


def reported_note(df: pd.DataFrame, state: State, *figures: str) -> str | None:
    """What a chart's figures are taken over, where some records do not report them (SPEC, Records as they come):
    'Comments reported for 120 of 2,797 consultations.' A figure every record reports says nothing."""
    tr, notes = i18n.translator(state.lang), []
    for name in figures:
        text, reported, records = _REPORTED[name]
        n, m = _total(df, reported), _total(df, records)
        if m and n < m:
            notes.append(tr(text).format(n=i18n.number(n, state.lang), m=i18n.number(m, state.lang)))
    return " ".join(notes) or None


def build_consultation_trend(chart, df, state):
    """Consultations as bars on the left axis, the comments they received (some twenty times as many) as a line on
    an axis of their own on the right: on one axis the consultations' bars were flat."""
    return _series(chart, df, state, [("consultations", _("Consultations"))], "bar",
                   label=i18n.translator(state.lang)(_("Consultations")),
                   right=("comments_received", _("Comments received")),
                   caption=reported_note(df, state, "comments"), caption_width=REPORTED_WIDTH)


def build_consultation_rates(chart, df, state):
    return _series(chart, df, state, [("on_time_pct", _("On time")), ("acceptance_pct", _("Comments accepted")),
                                      ("debate_pct", _("Public debate held"))], "line", fmt=".1f",
                   caption=reported_note(df, state, "on_time", "comments", "debates"), caption_width=REPORTED_WIDTH)


def build_authorities(chart, df, state):
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    df = df.iloc[::-1]
    names = _authority_labels(df["authority_name"], df["country"], df["region_code"], df["authority_id"], state)
    bars = dict(type="bar", x=df["consultations"], y=names, orientation="h",
                marker=dict(color=colour("consultations")),
                customdata=[[authority_point(a), v] for a, v in zip(df["authority_id"], df["on_time_pct"])],
                hovertemplate="<b>%{y}</b><br>" + tr("Consultations") + ": %{x:,}<br>"
                              + tr("On time") + ": %{customdata[1]:.1f}%<extra></extra>")
    return figure(bars, **_layout(chart, state, height=max(chart.height, ROW_HEIGHT * len(df) + 60),
                                  xaxis=_axis(tr("Consultations"), tickformat=",.0f"), yaxis=_axis(automargin=True)))


def build_timeliness(chart, df, state):
    """Authorities ranked by their share of consultations on time, worst on top, each with its counts and the legal
    minimum it had to give."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No authority in these filters has enough consultations under a legal "
                                       "minimum to be ranked."))
    df = df.iloc[::-1]  # the worst first, on top
    names = _authority_labels(df["authority_name"], df["country"], df["region_code"], df["authority_id"], state)
    counts = [tr("{on_time} of {total} on time; minimum {days} days").format(
        on_time=i18n.number(o, state.lang), total=i18n.number(n, state.lang), days=i18n.number(d, state.lang))
        for o, n, d in zip(df["on_time"], df["with_rule"], df["min_comment_days"])]
    # on the bar the counts alone (the minimum is in the caption, everything on hover): the whole sentence did not
    # fit beside a bar on a phone
    short = [tr("{on_time} of {total}").format(on_time=i18n.number(o, state.lang), total=i18n.number(n, state.lang))
             for o, n in zip(df["on_time"], df["with_rule"])]
    bars = dict(type="bar", x=df["on_time_pct"], y=names, orientation="h", text=short, textposition="auto",
                customdata=[[authority_point(a), n] for a, n in zip(df["authority_id"], counts)], cliponaxis=False,
                marker=dict(color=colour("on_time_pct")),
                hovertemplate="<b>%{y}</b><br>" + tr("On time") + ": %{x:.1f}%<br>%{customdata[1]}<extra></extra>")
    minima = sorted({(country, int(d)) for country, d in zip(df["country"], df["min_comment_days"])})
    caption = tr("Legal minimum for comments: {minima}. Ranked: authorities with at least {count} consultations "
                 "under it.").format(minima=", ".join(tr("{country} {days} days").format(
                     country=i18n.country_name(country, state.lang), days=days) for country, days in minima),
                     count=RANKED_FROM)
    layout = _layout(chart, state, height=max(chart.height, ROW_HEIGHT * len(df) + 90),
                     xaxis=_axis(tr("On time (%)"), range=[0, 100], ticksuffix="%"), yaxis=_axis(automargin=True))
    return figure(bars, **_caption(layout, caption))


def build_periods(chart, df, state):
    """Consultations by length of the comment period, with each country's legal minimum marked."""
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    traces, minima = [], []
    for country, part in df.groupby("country", sort=True):
        name, hue = i18n.country_name(country, state.lang), colour(country)  # the country's, on every chart
        traces.append(dict(type="bar", x=part["period_days"], y=part["consultations"], name=name,
                           marker=dict(color=hue), hovertemplate=tr("{days} days").format(days="%{x}")
                                                                 + f": %{{y:,}}<extra>{name}</extra>"))
        minimum = part["min_comment_days"].iloc[0]
        if minimum is not None and minimum == minimum:
            minima.append((int(minimum), hue, tr("legal minimum {country}: {days}").format(country=name,
                                                                                           days=int(minimum))))
    # each country's minimum: a dashed line in its colour, its label above the plot on a line of its own (labels
    # of minima a few days apart would otherwise run into each other, or into the bars). The days' range is
    # fixed: plotly widens an automatic range until every label fits, which on a phone means a range of months.
    days = [*df["period_days"], *(m for m, _c, _t in minima)]
    low, high = min(days) - 1.5, max(days) + 1.5
    lines, labels = [], []
    for k, (minimum, hue, text) in enumerate(minima):
        lines.append(dict(type="line", x0=minimum - 0.5, x1=minimum - 0.5, xref="x", y0=0, y1=1, yref="y domain",
                          line=dict(color=hue, dash="dash", width=2)))
        labels.append(dict(x=minimum - 0.5, y=1, xref="x", yref="paper", yanchor="bottom", yshift=18 * k,
                           xanchor=("left", "center", "right")[min(int(3 * (minimum - 0.5 - low) / (high - low)), 2)],
                           text=text, showarrow=False, font=dict(size=12, color="#222")))
    # stacked: a bar per number of days however many countries, wide enough to read
    return figure(*traces, **_layout(
        chart, state, barmode="stack", bargap=0.15, showlegend=df["country"].nunique() > 1,
        margin=dict(l=10, r=24, t=18 * len(minima) + 10, b=10),  # r: room for the last tick's label
        legend=dict(orientation="h", y=-0.4),  # under the axis title (two lines on a phone), not on it
        shapes=lines or None, annotations=labels or None,
        xaxis=_axis("<br>".join(textwrap.wrap(tr("Days between publication and the comments deadline"), 26)),
                    range=[low, high]),
        yaxis=_axis(tr("Consultations"), tickformat=",.0f")))


def build_training_trend(chart, df, state):
    """Participants stacked by sector; participants of trainings that do not report the split (and others) make the
    rest, named so, so that the bars' height is every participant and no sector is guessed."""
    note = reported_note(df, state, "split")
    if not df.empty:
        public, cso = (pd.to_numeric(df[c], errors="coerce").fillna(0) for c in ("participants_public",
                                                                                  "participants_cso"))
        df = df.assign(participants_public=public, participants_cso=cso,
                       participants_other=df["participants"] - public - cso)
    rest = _("Others or sector not reported") if note else _("Others")
    return _series(chart, df, state, [("participants_public", _("Public bodies")), ("participants_cso", _("CSOs")),
                                      ("participants_other", rest)], "bar", stacked=True, caption=note,
                   caption_width=REPORTED_WIDTH)


def build_topics(chart, df, state):
    tr = i18n.translator(state.lang)
    if df.empty:
        return _empty(chart, state, tr("No data for these filters."))
    df = df.iloc[::-1]
    # topics are short phrases: on two lines rather than cut, capitalised as labels
    topics = ["\n".join(textwrap.wrap(tr(t)[:1].upper() + tr(t)[1:], 28)) for t in df["topic"]]
    bars = dict(type="bar", x=df["participants"], y=_labels(topics, width=80), orientation="h",
                marker=dict(color=colour("participants")), customdata=df["trainings"],
                hovertemplate="<b>%{y}</b><br>" + tr("Participants") + ": %{x:,}<br>"
                              + tr("Trainings") + ": %{customdata:,}<extra></extra>")
    return figure(bars, **_layout(chart, state, yaxis=_axis(automargin=True),
                                  # full numbers, the language's separators
                                  xaxis=_axis(tr("Participants"), tickformat=",.0f")))


def build_sectors(chart, df, state):
    tr = i18n.translator(state.lang)
    if df.empty or not _total(df.head(1), "split_reported"):
        return _empty(chart, state, tr("No training in these filters reports its participants by sector."))
    names = {"public": _("Public bodies"), "cso": _("CSOs"), "other": _("Others")}
    bars = dict(type="bar", x=[tr(names[s]) for s in df["sector"]], y=df["participants"],
                marker=dict(color=[colour(s) for s in df["sector"]]),
                text=[i18n.percent(v, state.lang) for v in df["share_pct"]], textposition="auto",
                hovertemplate="%{x}: %{y:,}<extra></extra>")
    layout = _layout(chart, state, yaxis=_axis(tr("Participants"), tickformat=",.0f"))
    return figure(bars, **_caption(layout, reported_note(df.head(1), state, "split")))


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
    C("liaison-coverage-by-region", build_map, "coverage_pct", _("Coverage (%)"), ".1f"),
    C("liaison-coverage-by-region", build_ranking, "coverage_pct", _("Coverage (%)"), ".1f",
      name="liaison-coverage-by-region-ranking", heading=_("Regions ranked by coverage")),
    C("liaison-coverage-by-year", build_trend_pct, "coverage_pct", _("Share of authorities (%)"), ".1f",
      heading=_("Coverage and rank compliance over the years")),
    C("liaison-coverage", build_coverage_levels, "coverage_pct", _("Share of authorities (%)"), ".1f",
      heading=_("Coverage and rank compliance by level of government")),
    C("liaison-authorities-without-officer", build_table),
    # funding
    C("funding-by-county-compared", build_map, "per_1000_inhabitants", _("Amount per 1,000 inhabitants"),
      name="funding-by-county", heading=_("Funding per 1,000 inhabitants by county")),
    C("funding-by-county-compared", build_ranking, "amount", _("Amount"),
      name="funding-by-county-ranking", heading=_("Counties ranked by amount granted")),
    C("funding-by-year", build_money_trend, "amount", _("Amount"), heading=_("Funding over the years")),
    C("funding-by-domain", build_mix, "amount", _("Amount"), heading=_("Funding by domain")),
    C("funding-by-procedure", build_mix, "amount", _("Amount"), height=240),
    C("funding-top-recipients", build_top, "amount", _("Amount"), heading=_("Largest recipients and their share")),
    C("funding-by-funder", build_top, "amount", _("Amount")),
    # consultations
    C("consultations-by-region", build_map, "consultations", _("Consultations"), heading=_("Consultations by region")),
    C("consultations-by-region", build_ranking, "on_time_pct", _("On time (%)"), ".1f",
      name="consultations-by-region-ranking", heading=_("Regions ranked by consultations on time")),
    C("consultation-participation", build_consultation_trend, "consultations", _("Number"),
      heading=_("Consultations and comments over the years")),
    C("consultation-participation", build_consultation_rates, "on_time_pct", _("Share (%)"), ".1f",
      name="consultation-participation-rates", heading=_("On time, accepted comments and debates over the years")),
    C("consultation-periods", build_periods, "consultations", _("Consultations")),
    C("consultations-by-authority", build_authorities, "consultations", _("Consultations")),
    C("consultations-on-time-by-authority", build_timeliness, "on_time_pct", _("On time (%)"), ".1f", height=420,
      heading=_("Authorities with the lowest share of consultations on time")),
    # trainings
    C("training-by-region", build_map, "reach_pct", _("Municipalities reached (%)"), ".1f",
      heading=_("Share of municipalities reached by trainings")),
    C("training-by-region", build_ranking, "participants", _("Participants"),
      name="training-by-region-ranking", heading=_("Regions ranked by participants")),
    C("training-reach", build_training_trend, "participants", _("Participants"),
      heading=_("Participants by sector over the years")),
    C("training-by-topic", build_topics, "participants", _("Participants"), heading=_("Participants by topic")),
    C("training-participants-by-sector", build_sectors, "participants", _("Participants"), height=300,
      heading=_("Participants by sector")),
)}


def get(chart_id: str) -> Chart:
    return CHARTS[chart_id]


def rows(df: pd.DataFrame) -> list[dict]:
    return formats.records(df)
