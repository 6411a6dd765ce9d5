"""The app's callbacks: filters write the address; each chart draws itself from the address.

Filters → `?country=…&region=…` (canonical order) → Dash Pages renders the page for that address,
with every chart and headline figure the cache already holds for it → each chart still to draw has
a store holding the address → one small callback per chart draws it. Back and forward, shared links
and reloads all go through the same address, so they restore the view.
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from dash import ALL, Input, Output, State as DashState, callback, clientside_callback, ctx, html, no_update

from queries import FilterError, meta

from . import cache, charts, components as c, i18n, kpis, share, state as st


def _values_to_state(country, region, year_from, year_to, level, lang) -> st.State:
    country = tuple(country or ())
    region = [r for r in (region or ()) if not country or r.split("-")[0] in country]
    return st.parse({"country": ",".join(country), "region": ",".join(region),
                     "year_from": year_from, "year_to": year_to, "level": ",".join(level or ()),
                     "lang": lang})


@callback(Output(c.URL, "search"),
          [Input(i, "value") for i in c.FILTER_IDS], DashState(c.URL, "search"), DashState(c.F_SHOWN, "data"),
          prevent_initial_call=True)
def filters_to_address(country, region, year_from, year_to, level, lang, current, shown=None):
    """A filter change becomes the page's address (and a step in the browser's history).

    The callback also fires when a page's filter bar appears; values equal to those the bar was drawn with
    (`shown`) are no change by the user, and must not rewrite the address: an address the page could not
    use (?year_from=abc) keeps its explained empty view instead of silently becoming the unfiltered one."""
    if shown is not None and [country or [], region or [], year_from, year_to, level or [], lang] == shown:
        return no_update
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    kept = st.parse(current)  # a comparison, a search and the follow-up list stay while the filters change
    new = replace(_values_to_state(country, region, year_from, year_to, level, lang), compare=kept.compare,
                  compare_years=kept.compare_years, q=kept.q, follow_up=kept.follow_up).search
    return no_update if new == (current or "") else new


@callback(Output(c.URL, "search", allow_duplicate=True),
          Input(c.pattern(c.CHART_GRAPH, ALL), "clickData"), DashState(c.URL, "search"),
          DashState(c.URL, "pathname"), prevent_initial_call=True)
def region_click_to_address(clicks, current, path=None):
    """A click on a region in a map or ranking filters the page to that region (not on /embed or /report:
    an embedded chart shows the view it was given, and a report's address names its charts too)."""
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered or not ctx.triggered[0]["value"]:
        return no_update
    if path and path.startswith(("/embed/", "/report")):
        return no_update
    point = ctx.triggered[0]["value"]["points"][0]
    code = point.get("customdata") or point.get("location")
    if isinstance(code, list):
        code = code[0] if code else None
    if not isinstance(code, str) or "-" not in code or code.startswith((charts.AUTHORITY_POINT,
                                                                         charts.RECIPIENT_POINT)):
        return no_update
    state = st.parse(current)
    new = state.with_filter(regions=(code,), countries=(code.split("-")[0],)).search
    return no_update if new == (current or "") else new


@callback(Output(c.URL, "pathname", allow_duplicate=True), Output(c.URL, "search", allow_duplicate=True),
          Input(c.pattern(c.CHART_GRAPH, ALL), "clickData"), DashState(c.URL, "search"), DashState(c.URL, "pathname"),
          prevent_initial_call=True)
def authority_click_to_page(clicks, current, path=None):
    """A click on a bar that is an authority or a recipient opens its page, with the view's filters (not on /embed
    or /report)."""
    if not ctx.triggered or not ctx.triggered[0]["value"] or (path and path.startswith(("/embed/", "/report"))):
        return no_update, no_update
    point = ctx.triggered[0]["value"]["points"][0]
    data = point.get("customdata")
    code = data[0] if isinstance(data, list) and data else data
    pages = {charts.AUTHORITY_POINT: "/authority/", charts.RECIPIENT_POINT: "/recipient/"}
    prefix = next((p for p in pages if isinstance(code, str) and code.startswith(p)), None)
    if prefix is None:
        return no_update, no_update
    state = st.parse(current)
    plain = replace(state, compare=(), compare_years=None, q="", follow_up=False)
    return pages[prefix] + quote(code[len(prefix):], safe=""), plain.search


@callback(Output(c.URL, "search", allow_duplicate=True), Input(c.F_COMPARE, "value"), DashState(c.URL, "search"),
          prevent_initial_call=True)
def compare_to_address(value, current):
    """The "Compare with" choice becomes the address: `compare=RO-TM` or `compare_years=2017-2019` beside the
    filter, or neither."""
    state = st.parse(current)
    if state.error or value == c.compare_value(state):
        return no_update
    kind, _, what = (value or "").partition(":")
    if kind == "region":
        new = replace(state, compare=tuple(what.split(",")), compare_years=None)
    elif kind == "years":
        first, last = what.split("-")
        new = replace(state, compare=(), compare_years=(int(first), int(last)))
    else:
        new = replace(state, compare=(), compare_years=None)
    return no_update if new.search == (current or "") else new.search


def cached_chart(chart_id: str, search: str):
    """render_chart through the cache, the figure as plain data (a cached go.Figure would be validated
    again on every hit: ~10 ms for a map, against ~0.1 ms for its dict)."""
    def draw():
        fig, table = render_chart(chart_id, search)
        return (fig.to_plotly_json() if fig is not None else None), table
    key = c.chart_key(chart_id, search)
    return cache.cached("chart", key, draw) if key else draw()


TABLE_ROWS = 200  # rows of a chart's table sent with the chart (the list of authorities can run into thousands)


def render_chart(chart_id: str, search: str):
    """(figure, table) of one chart for an address; an explained empty view when it cannot be drawn."""
    state = st.parse(search)
    chart = charts.get(chart_id)
    if state.error:
        return charts._empty(chart, state, state.error), html.P(state.error)
    try:
        df = chart.data(state)
    except FilterError as exc:
        message = i18n.filter_message(exc, state.lang)
        return charts._empty(chart, state, message), html.P(message)
    return chart.figure(df, state), _table(chart, df, state)


def _table(chart, df, state: st.State):
    """The chart's rows as a table: at most TABLE_ROWS of them (a page's callbacks stay small); the CSV has all."""
    tr = i18n.translator(state.lang)
    if not len(df):
        return html.P(tr("No rows for these filters."))
    table = c.data_table(df.head(TABLE_ROWS), state, label=tr(chart.title))
    if len(df) <= TABLE_ROWS:
        return table
    note = html.P([tr("The first {shown} of {total} rows; ").format(shown=i18n.number(TABLE_ROWS, state.lang),
                                                                   total=i18n.number(len(df), state.lang)),
                   html.A(tr("download all of them as CSV"), href=share.api_href(chart.id, "csv", state.search))],
                  className="small text-muted mb-1")
    return html.Div([note, table])


@callback(Output(c.pattern(c.CHART_GRAPH), "figure"),
          Input(c.pattern(c.CHART_STATE), "data"), DashState(c.pattern(c.CHART_STATE), "id"))
def draw_chart(search, store_id):
    return cached_chart(c.unkeyed(store_id["chart"]), search)[0]


@callback(Output(c.pattern(c.CHART_TABLE), "children", allow_duplicate=True),
          Output(c.pattern(c.CHART_DATA), "data"),
          Input(c.pattern(c.CHART_DATA_TOGGLE), "n_clicks"),
          DashState(c.pattern(c.CHART_DATA), "data"), DashState(c.pattern(c.CHART_DATA), "id"),
          prevent_initial_call=True)
def draw_chart_data(clicks, data, store_id):
    """The table behind a figure, fetched when its "Show the data behind this chart" is first opened.

    Sent with the figure, every chart page loaded the DataTable's code (async-table.js, ~480 KB) and drew up to
    200 rows per chart that few readers open: on a first visit that work came after the charts and kept the page
    busy for ~0.4 s more. Once the table is there (`loaded`), opening it again changes nothing (the answer is
    "no update") and keeps it as the reader left it (sorted, paged); if drawing it failed, the next opening tries
    again."""
    if data["loaded"]:
        return no_update, no_update
    return cached_chart(c.unkeyed(store_id["chart"]), data["search"])[1], {**data, "loaded": True}


@callback(Output(c.pattern(c.CHART_TABLE), "children"),
          Input(c.pattern(c.TABLE_STATE), "data"), DashState(c.pattern(c.TABLE_STATE), "id"))
def draw_table(search, store_id):
    return cached_chart(c.unkeyed(store_id["chart"]), search)[1]


@callback(Output(c.pattern(c.KPI_ROW), "children"),
          Input(c.pattern(c.KPI_STATE), "data"), DashState(c.pattern(c.KPI_STATE), "id"))
def draw_kpis(search, store_id):
    """A page's headline figures for its address (kpis.slot holds their place)."""
    return kpis.row(c.unkeyed(store_id["area"]), search, store_id["area"])


# The filter bar's "Filters" button (shown below the md breakpoint) opens and folds the filters, in the browser: no
# request. The bar is drawn anew with each page (a filter change is a new address); whether the reader left it open
# is kept for the tab (sessionStorage), so choosing a country does not fold the filters before the years are chosen.
clientside_callback(
    """function (clicks, open) {
        var key = "civmon-filters-open", next;
        try {
            next = clicks ? !open : window.sessionStorage.getItem(key) === "1";
            if (clicks) window.sessionStorage.setItem(key, next ? "1" : "0");
        } catch (e) { next = clicks ? !open : false; }
        return [next, next ? "true" : "false"];
    }""",
    Output(c.F_FOLD, "is_open"), Output(c.F_TOGGLE, "aria-expanded"),
    Input(c.F_TOGGLE, "n_clicks"), DashState(c.F_FOLD, "is_open"))


__all__ = ["filters_to_address", "region_click_to_address", "authority_click_to_page", "draw_chart", "draw_chart_data", "draw_table", "draw_kpis",
           "meta"]
