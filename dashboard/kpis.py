"""Headline figures for the pages, computed from the same indicator tables the charts use."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from queries import FilterError, meta, registry, scope
from queries.money import left_out

from . import cache, charts, components as c, i18n, state as st
from .state import State


def _sum(df, col) -> float:
    return float(sum(v for v in df[col] if v is not None and v == v)) if len(df) else 0.0


def _pct(num, den):
    return None if not den else round(100.0 * num / den, 1)


def _change(df, col, state: State, pct: bool = False) -> str | None:
    """'+12.3 % vs 2023' style note comparing the last year in the table with the one before."""
    tr = i18n.translator(state.lang)
    if len(df) < 2:
        return None
    last, prev = df.iloc[-1], df.iloc[-2]
    a, b = last[col], prev[col]
    if a is None or b is None or a != a or b != b:
        return None
    if pct:
        return tr("{change} points vs {year}").format(
            change=f"{'+' if a >= b else '−'}{i18n.number(abs(a - b), state.lang, 1)}", year=int(prev["year"]))
    if not b:
        return None
    change = 100.0 * (a - b) / b
    return tr("{change} vs {year}").format(
        change=f"{'+' if change >= 0 else '−'}{i18n.percent(abs(change), state.lang)}", year=int(prev["year"]))


def _run(query_id, state):
    return cache.query(query_id, state.filter)


def _definition(query_id, state):
    return i18n.translator(state.lang)(registry.get(query_id).definition)


def _without(df, state: State) -> str | None:
    """'without Kazakhstan, Serbia': the countries a sum in euro leaves out (queries.money)."""
    tr = i18n.translator(state.lang)
    names = list(dict.fromkeys(i18n.country_name(g.country, state.lang) for g in left_out(df)))
    return tr("without {countries}").format(countries=", ".join(names)) if names else None


def _no_minimum(state: State) -> str | None:
    """'No legal minimum recorded: Kazakhstan, Serbia': the countries in view whose consultations have no legal
    minimum period to respect, so none of them counts as on time (SPEC), which a bare 0.0 % would not say."""
    tr = i18n.translator(state.lang)
    f, info = state.filter, meta.dataset_info()  # kept per data version: no query on the headline figures' path
    countries = f.countries or tuple(dict.fromkeys(r.split("-")[0] for r in f.regions)) or info.countries
    names = [i18n.country_name(c, state.lang) for c in countries if c not in info.ruled_countries]
    return tr("No legal minimum recorded: {countries}").format(countries=", ".join(names)) if names else None


def _notes(*notes) -> str | None:
    return " · ".join(n for n in notes if n) or None


def liaison(state: State) -> dbc.Row:
    tr = i18n.translator(state.lang)
    df = _run("liaison-coverage", state)
    n, covered, compliant = _sum(df, "authorities"), _sum(df, "covered"), _sum(df, "compliant")
    on = i18n.date(state.filter.reference_date(), state.lang)
    d = _definition("liaison-coverage", state)
    return dbc.Row([
        c.kpi(tr("Authorities"), i18n.number(n, state.lang), d, "kpi-authorities", tr("on {date}").format(date=on)),
        c.kpi(tr("With a liaison officer"), i18n.percent(_pct(covered, n), state.lang), d, "kpi-coverage",
              tr("{count} authorities").format(count=i18n.number(covered, state.lang))),
        c.kpi(tr("Officer of sufficient rank"), i18n.percent(_pct(compliant, n), state.lang), d, "kpi-compliance",
              tr("{count} authorities").format(count=i18n.number(compliant, state.lang))),
        c.kpi(tr("Without an officer"), i18n.number(n - covered, state.lang), d, "kpi-without", None),
    ])


def funding(state: State) -> dbc.Row:
    tr = i18n.translator(state.lang)
    # several currencies: the sums in euro, without the countries whose grants lack a euro rate (as the charts)
    years = _run("funding-by-year", state)
    procs = _run("funding-by-procedure", state)
    currency = next((x for x in years["currency"] if x), "") if len(years) else ""
    total = _sum(years, "amount") if len(years) and all(v is not None and v == v for v in years["amount"]) else None
    comp = next((r["share_pct"] for r in procs.to_dict("records") if r["procedure"] == "competitive"), None)
    without = _without(years, state)
    d = _notes(_definition("funding-by-year", state), charts.rate_note(years, state))
    last = years.iloc[-1] if len(years) else None
    return dbc.Row([
        c.kpi(tr("Granted to NGOs"), i18n.money(total, currency, state.lang), d, "kpi-amount",
              _notes(f"{int(years['year'].iloc[0])}–{int(years['year'].iloc[-1])}" if len(years) else None,
                     without)),
        c.kpi(tr("Grants"), i18n.number(_sum(years, "grants"), state.lang), d, "kpi-grants",
              _notes(_change(years, "grants", state), without)),
        c.kpi(tr("Last year"), i18n.money(None if last is None else last["amount"], currency, state.lang), d,
              "kpi-last-year", _notes(_change(years, "amount", state), without)),
        c.kpi(tr("Through competitive calls"), i18n.percent(comp, state.lang),
              _notes(_definition("funding-by-procedure", state), charts.rate_note(procs, state)), "kpi-competitive",
              without),
    ])


def consultations(state: State) -> dbc.Row:
    tr = i18n.translator(state.lang)
    df = _run("consultation-participation", state)
    n, comments = _sum(df, "consultations"), _sum(df, "comments_received")
    d = _definition("consultation-participation", state)
    return dbc.Row([
        c.kpi(tr("Consultations"), i18n.number(n, state.lang), d, "kpi-consultations", _change(df, "consultations", state)),
        c.kpi(tr("Comments per consultation"), i18n.number(None if not n else comments / n, state.lang, 1), d,
              "kpi-comments", None),
        c.kpi(tr("Comments accepted"), i18n.percent(_pct(_sum(df, "comments_accepted"), comments), state.lang), d,
              "kpi-accepted", _change(df, "acceptance_pct", state, pct=True)),
        c.kpi(tr("Legal minimum period respected"), i18n.percent(_pct(_sum(df, "on_time"), n), state.lang), d,
              "kpi-on-time", _notes(_change(df, "on_time_pct", state, pct=True), _no_minimum(state))),
    ])


def training(state: State) -> dbc.Row:
    tr = i18n.translator(state.lang)
    df = _run("training-reach", state)
    people = _sum(df, "participants")
    d = _definition("training-reach", state)
    last = df.iloc[-1] if len(df) else None
    return dbc.Row([
        c.kpi(tr("Trainings"), i18n.number(_sum(df, "trainings"), state.lang), d, "kpi-trainings",
              _change(df, "trainings", state)),
        c.kpi(tr("Participants"), i18n.number(people, state.lang), d, "kpi-participants",
              _change(df, "participants", state)),
        c.kpi(tr("From CSOs"), i18n.percent(_pct(_sum(df, "participants_cso"), people), state.lang), d, "kpi-cso",
              None),
        c.kpi(tr("Municipalities reached, last year"),
              i18n.percent(None if last is None else last["reach_pct"], state.lang), d, "kpi-reach",
              None if last is None else str(int(last["year"]))),
    ])


def overview(state: State) -> dbc.Row:
    """One headline figure per area, with what changed since the previous year."""
    tr = i18n.translator(state.lang)
    cov = _run("liaison-coverage", state)
    n, covered = _sum(cov, "authorities"), _sum(cov, "covered")
    years = _run("funding-by-year", state)  # in euro across currencies, as the charts
    currency = next((x for x in years["currency"] if x), "") if len(years) else ""
    cons = _run("consultation-participation", state)
    train = _run("training-reach", state)
    last = lambda df, col: None if not len(df) else df.iloc[-1][col]  # noqa: E731
    year = lambda df: str(int(df.iloc[-1]["year"])) if len(df) else ""  # noqa: E731
    return dbc.Row([
        c.kpi(tr("Authorities with a liaison officer"), i18n.percent(_pct(covered, n), state.lang),
              _definition("liaison-coverage", state), "kpi-coverage",
              tr("on {date}").format(date=i18n.date(state.filter.reference_date(), state.lang))),
        c.kpi(tr("Granted to NGOs in {year}").format(year=year(years)),
              i18n.money(last(years, "amount"), currency, state.lang),
              _notes(_definition("funding-by-year", state), charts.rate_note(years, state)), "kpi-amount",
              _notes(_change(years, "amount", state), _without(years, state))),
        c.kpi(tr("Consultations on time in {year}").format(year=year(cons)),
              i18n.percent(last(cons, "on_time_pct"), state.lang),
              _definition("consultation-participation", state), "kpi-on-time",
              _notes(_change(cons, "on_time_pct", state, pct=True), _no_minimum(state))),
        c.kpi(tr("Training participants in {year}").format(year=year(train)),
              i18n.number(last(train, "participants"), state.lang),
              _definition("training-reach", state), "kpi-participants", _change(train, "participants", state)),
    ])


AREAS = {"overview": overview, "liaison": liaison, "funding": funding, "consultations": consultations,
         "training": training}
PLACEHOLDERS = 4  # cards in every area's row


def slot(area: str, state: State) -> html.Div:
    """A page's headline figures: with the page when the cache holds them for its address, else drawn by their own
    callback (callbacks.draw_kpis) like a chart's figure (components.chart_view): the page answers without waiting
    for their queries, which run beside the charts' on another worker, and empty cards of the same size hold their
    place. An address naming an unknown region raises FilterError here, so the page explains it at once."""
    scope.check(state.filter)
    row_id = c.pattern(c.KPI_ROW, area)
    drawn = cache.peek("kpis", (area, state.search))
    if drawn is not None:
        return html.Div(html.Div(drawn, id=row_id))
    cache.mark_incomplete()
    placeholder = dbc.Row([dbc.Col(html.Div([html.Div("\u00a0", className="kpi-label"),
                                             html.Div("…", className="kpi-value"),
                                             html.Div("", className="kpi-note")], className="kpi kpi-loading"),
                                   xs=6, md=3, className="mb-3") for _ in range(PLACEHOLDERS)])
    return html.Div([dcc.Store(id=c.pattern(c.KPI_STATE, area), data=state.search),
                     html.Div(html.Div(placeholder, **{"aria-busy": "true"}), id=row_id)])


def row(area: str, search: str):
    """The area's headline figures for an address, through the cache; a sentence when the filter cannot be used."""
    build = AREAS.get(area)
    if build is None:
        return None
    state = st.parse(search)

    def draw():
        if state.error:
            return html.P(state.error, className="text-muted")
        try:
            return build(state)
        except FilterError as exc:
            return html.P(i18n.filter_message(exc, state.lang), className="text-muted")
    return draw() if state.error else cache.cached("kpis", (area, state.search), draw)
