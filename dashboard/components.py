"""Building blocks every page uses: the filter bar, chart cards, headline figures, notices.

Component ids are constants here (or pattern-matching dicts built here), never retyped strings.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import dash
import dash_bootstrap_components as dbc
import flask
from dash import MATCH, ctx, dash_table, dcc, html

from queries import FilterError, meta
from queries.vocabulary import LEVELS_OF_GOVERNMENT

from . import cache, charts, i18n, share
from .i18n import _
from .state import State, parse as parse_state

# --- ids ---------------------------------------------------------------------------------------
URL = "url"
F_COUNTRY, F_REGION, F_YEAR_FROM, F_YEAR_TO, F_LEVEL, F_LANG = (
    "f-country", "f-region", "f-year-from", "f-year-to", "f-level", "f-lang")
FILTER_IDS = (F_COUNTRY, F_REGION, F_YEAR_FROM, F_YEAR_TO, F_LEVEL, F_LANG)
RESET = "f-reset"
F_SHOWN = "f-shown"  # the values the filter bar was drawn with (see callbacks.filters_to_address)
F_TOGGLE, F_FOLD = "f-toggle", "f-fold"  # below the md breakpoint the filters fold behind a button (callbacks)
DROPDOWN_PRELOAD = "dropdown-preload"  # a hidden dropdown in the app's shell (see app.create_app)


# Pattern-matching ids: {"type": <one of these>, "chart": <chart id>} (or "area" for a page's headline figures).
# A page's parts are found by them (callbacks match them, warming walks the page's stores): written only here.
CHART_GRAPH = "chart-graph"            # a chart's dcc.Graph
CHART_STATE = "chart-state"            # the store holding the address a figure is still to be drawn for
TABLE_STATE = "table-state"            # … a table chart's table (it has no figure)
CHART_TABLE = "chart-table"            # where a chart's table goes
CHART_DATA_TOGGLE = "chart-data-toggle"  # the summary that opens a figure's table ("Show the data behind…")
CHART_DATA = "chart-data"              # a figure's table's store: its address, and whether it has arrived
KPI_ROW, KPI_STATE = "kpi-row", "kpi-state"  # a page's headline figures, and the store that makes them drawn
STATES = (CHART_STATE, TABLE_STATE, KPI_STATE)  # the stores that make a part of a page draw itself


def pattern(kind: str, key=MATCH) -> dict:
    """The id of a part of type `kind` for one chart (or area), or MATCH / ALL of them in a callback."""
    return {"type": kind, "area" if kind in (KPI_ROW, KPI_STATE) else "chart": key}


def keyed(name: str, side: str = "") -> str:
    """The key of a chart's (or an area's headline figures') parts on a page: its id, and in a comparison the side
    too ("funding-by-year|b"), so that the same chart shown twice has parts of its own."""
    return f"{name}|{side}" if side else name


def unkeyed(key: str) -> str:
    """The chart id or area of a key made by `keyed`."""
    return key.partition("|")[0]


def chart_graph_id(chart_id: str, side: str = "") -> dict:
    return pattern(CHART_GRAPH, keyed(chart_id, side))


def chart_state_id(chart_id: str, side: str = "") -> dict:
    """The store holding the address a chart is still to be drawn for (callbacks.draw_chart, draw_table; see
    chart_view); tables without a figure have a type of their own."""
    return pattern(TABLE_STATE if charts.get(chart_id).build is charts.build_table else CHART_STATE,
                   keyed(chart_id, side))


def chart_table_id(chart_id: str, side: str = "") -> dict:
    return pattern(CHART_TABLE, keyed(chart_id, side))


def chart_data_toggle_id(chart_id: str, side: str = "") -> dict:
    return pattern(CHART_DATA_TOGGLE, keyed(chart_id, side))


def chart_data_id(chart_id: str, side: str = "") -> dict:
    return pattern(CHART_DATA, keyed(chart_id, side))


# --- the pages' own facts: stated once, in their dash.register_page(...) --------------------------
#
# Each page module registers its path, name (the heading) and order, and as it needs: `intro` (the line under the
# heading), `menu` (its label in the menu, with a context of its own: in some languages a page's full name would not
# fit on one line), `area` (the indicator area whose charts and headline figures it shows: the report's sections,
# a chart's "open in civmon" link) and `warm` (drawn into the cache after every import, dashboard/warm.py).

def pages(*having: str) -> list[dict]:
    """The registered pages (dash.page_registry) in their order, those that have each of the keys `having`."""
    found = [p for p in dash.page_registry.values() if all(p.get(k) for k in having)]
    return sorted(found, key=lambda p: (p.get("order") is None, p.get("order") or 0, p["path"]))


def page_of(module: str) -> dict:
    return dash.page_registry[module]


def area_path(area: str) -> str:
    """The address of the page of an indicator area."""
    return next(p["path"] for p in pages("area") if p["area"] == area)


# --- shell -------------------------------------------------------------------------------------

def page_title(label: str):
    """A page's browser-tab title in the address's language, for dash.register_page(title=...): Dash Pages calls
    it for the page's first HTML (the address is the request's) and in its routing callback (the callback's
    input)."""
    def title(**_path_variables) -> str:
        return f"civmon — {i18n.translator(_address_lang())(label)}"
    return title


def _address_lang() -> str:
    try:
        search = ctx.inputs.get("_pages_location.search")  # Dash Pages' routing callback
    except Exception:  # noqa: BLE001 - outside a callback: no callback context
        search = None
    if search is None:
        return i18n.normalise(flask.request.args.get("lang")) if flask.has_request_context() else i18n.DEFAULT
    return parse_state(search).lang


def navbar(state: State, path: str) -> html.Header:
    tr = i18n.translator(state.lang)
    links = [dbc.NavItem(dbc.NavLink(tr(p["menu"], context="menu"), href=p["path"] + state.search,
                                     active=(p["path"] == path), className="px-2")) for p in pages("menu")]
    # expand: the links stay in a row (wrapping on a phone) instead of a column as tall as the screen; the tagline
    # shows from 1600 px (assets/civmon.css), where the longest menu (Russian) still fits on one line beside it
    return html.Header(dbc.Navbar(dbc.Container([
        html.A([html.Span("civmon", className="brand-name"),
                html.Span(tr("Public authorities and civil society"), className="brand-tag")],
               href="/" + state.search, className="navbar-brand"),
        dbc.Nav(links, className="flex-wrap", navbar=True),
    ], fluid=True), color="primary", dark=True, expand=True, className="mb-0"), className="no-print-nav")


def filter_bar(state: State) -> html.Form:
    """Country, region (options follow the country), year range, level and language."""
    tr = i18n.translator(state.lang)
    f = state.filter
    info = _dataset_info()
    countries = [{"label": f"{i18n.country_name(c, state.lang)} ({c})", "value": c} for c in info.countries]
    regions = [{"label": f"{i18n.region_name(code, name, state.lang)} ({code})", "value": code}
               for code, name, _c in meta.level1_regions(f.countries)]
    years = [{"label": str(y), "value": y} for y in info.years]
    # Every value in the address is one of the options: a dropdown drops a value it has no option for, and
    # that change would rewrite the address (an unknown country or a year without data would vanish).
    countries += [{"label": c, "value": c} for c in f.countries if c not in info.countries]
    regions += [{"label": r, "value": r} for r in f.regions if r not in {o["value"] for o in regions}]
    years = sorted(years + [{"label": str(y), "value": y} for y in {f.year_from, f.year_to} - {None}
                            if y not in info.years], key=lambda o: o["value"])
    levels = [{"label": tr(charts.level_label(lv)), "value": lv} for lv in LEVELS_OF_GOVERNMENT]
    langs = [{"label": name, "value": code} for code, name in i18n.LANGUAGES.items()]

    def field(label, control, width, xs=12):
        return dbc.Col([dbc.Label(tr(label), html_for=control.id, className="small fw-semibold mb-1"), control],
                       xs=xs, sm=6, lg=width)

    fields = dbc.Row([
        field(_("Country"), dcc.Dropdown(id=F_COUNTRY, options=countries, value=list(f.countries), multi=True,
                                      placeholder=tr("All countries")), 2),
        field(_("Region"), dcc.Dropdown(id=F_REGION, options=regions, value=list(f.regions), multi=True,
                                     placeholder=tr("All regions")), 2),
        field(_("From"), dcc.Dropdown(id=F_YEAR_FROM, options=years, value=f.year_from, placeholder=tr("all"),
                                   clearable=True), 1, xs=6),  # the two years side by side, even on a phone
        field(_("To"), dcc.Dropdown(id=F_YEAR_TO, options=years, value=f.year_to, placeholder=tr("all"),
                                 clearable=True), 1, xs=6),
        field(_("Level of government"), dcc.Dropdown(id=F_LEVEL, options=levels, value=list(f.levels), multi=True,
                                                  placeholder=tr("All levels")), 2),
        field(_("Language"), dcc.Dropdown(id=F_LANG, options=langs, value=state.lang, clearable=False), 2),
        dbc.Col(html.A(tr("Reset filters"), id=RESET, href="?" + (f"lang={state.lang}" if state.lang != "en" else ""),
                       className="btn btn-outline-secondary btn-sm w-100"), xs=12, sm=6, lg=2,
                className="d-flex align-items-end"),
        dcc.Store(id=F_SHOWN, data=shown_values(state)),
    ], className="g-2 align-items-end")
    # on a phone the open bar takes the whole first screen: it folds behind a "Filters" button (which names the
    # filters in force), so the page's headline figures show without scrolling; from md up it is always open and
    # the button hidden (assets/civmon.css)
    chosen = [*f.countries, *f.regions, _year_range(f.year_from, f.year_to),
              *(tr(charts.level_label(lv)) for lv in f.levels)]
    toggle = html.Button([html.Span(tr("Filters"), className="fw-semibold"),
                          html.Span(" · " + ", ".join(v for v in chosen if v), className="filter-chosen")
                          if any(chosen) else None],
                         type="button", id=F_TOGGLE, className="btn btn-outline-secondary btn-sm w-100 filter-toggle",
                         **{"aria-expanded": "false", "aria-controls": F_FOLD})
    return html.Form([toggle, dbc.Collapse(fields, id=F_FOLD, is_open=False, class_name="filter-fold")],
                     className="filter-bar no-print", role="search", **{"aria-label": tr("Filters")})


def _year_range(year_from, year_to) -> str:
    """The years of a filter in a few characters: "2019–2023", "2019–", "–2023" or ""."""
    if year_from is None and year_to is None:
        return ""
    if year_from == year_to:
        return str(year_from)
    return f"{year_from or ''}–{year_to or ''}"


def shown_values(state: State) -> list:
    """The filter controls' values for a state, in FILTER_IDS order (as the browser sends them back)."""
    f = state.filter
    return [list(f.countries), list(f.regions), f.year_from, f.year_to, list(f.levels), state.lang]


def _dataset_info():
    return meta.dataset_info()


def demo_notice(state: State):
    info = _dataset_info()
    if not info.demo:
        return None
    tr = i18n.translator(state.lang)
    return dbc.Alert([html.Strong(tr("Demo data. ")),
                      tr("The figures on these pages are generated examples, not official statistics.")],
                     color="warning", className="py-2 mb-3", id="demo-notice")


def footer(state: State) -> html.Footer:
    tr = i18n.translator(state.lang)
    info = _dataset_info()
    last = i18n.date(info.last_import_at.date(), state.lang) if info.last_import_at else tr("never")
    return html.Footer(dbc.Container([
        html.Span(tr("Last import: {date}").format(date=last), id="last-import"),
        html.Span(" · "),
        html.A(tr("About the data"), href="/about" + state.search),
        html.Span([" · ", html.A(tr("Data stewards: sign in"), id="steward-link", className="steward-link",
                                 href="/login" + (f"?lang={state.lang}" if state.lang != "en" else ""))],
                  className="no-print"),
    ], fluid=True), className="site-footer")


def problem_view(state: State, message: str) -> html.Div:
    """The explained empty view for parameters that cannot be used."""
    tr = i18n.translator(state.lang)
    return dbc.Alert([html.H2(tr("Nothing to show for this address"), className="h5"),
                      html.P(message, className="mb-1", id="problem-message"),
                      html.A(tr("Show everything"), href="?" + (f"lang={state.lang}" if state.lang != "en" else ""),
                             className="alert-link")],  # the alert's own dark link colour: contrast ≥ 4.5:1
                     color="info", className="mt-3")


# --- content -----------------------------------------------------------------------------------

def chart_card(chart_id: str, state: State, width: int = 6, side: str = "", side_name: str | None = None) -> dbc.Col:
    """A card with the chart's title, its download / share menu and its definition; the figure as chart_view gives
    it, its data table one click away as the chart's text alternative, fetched on that click. The card's column
    carries the chart's id: a link to the view ends in #<chart-id>. `side`: which side of a comparison it is on
    (its parts' ids then carry it, the column's id too: "<chart-id>-b"), `side_name` what that side shows."""
    tr = i18n.translator(state.lang)
    chart = charts.get(chart_id)
    view = chart_view(chart_id, state, side)
    body = [html.P(tr(chart.definition), className="small text-muted mb-2 chart-definition")]
    if chart.build is charts.build_table:
        body.append(view.loading(html.Div(view.table, id=chart_table_id(chart_id, side))))
    else:
        body += [
            # a figure named by the chart's title for screen readers (not role="img": that would hide the
            # plotly mode bar's buttons inside it); the table below is the chart's text alternative
            html.Div(view.loading(dcc.Graph(id=chart_graph_id(chart_id, side), config=charts.GRAPH_CONFIG,
                                            figure=view.figure, className="chart-graph")),
                     role="figure", **{"aria-label": tr(chart.title)}),
            # the table is fetched when the summary is first opened (callbacks.draw_chart_data)
            html.Details([html.Summary(tr("Show the data behind this chart"), id=chart_data_toggle_id(chart_id, side)),
                          html.Div(html.P(tr("Loading the data…"), className="small text-muted mb-0"),
                                   id=chart_table_id(chart_id, side), className="mt-2", **{"aria-live": "polite"}),
                          dcc.Store(id=chart_data_id(chart_id, side), data={"search": state.search, "loaded": False}),
                          records_link(chart, state)],
                         className="chart-data"),
        ]
    body.append(view.store)
    return dbc.Col(dbc.Card([
        dbc.CardHeader(html.Div([html.H2([tr(chart.title), html.Span(side_name, className="compare-side-tag")
                                          if side_name else None], className="h6 mb-0"),
                                 chart_actions(chart_id, state)], className="chart-card-head")),
        dbc.CardBody(body),
    ], className="chart-card h-100", id=f"card-{keyed(chart_id, side).replace('|', '-')}"), xs=12, lg=width,
        className="mb-3", id=keyed(chart_id, side).replace("|", "-"))


RECORDS_OF_AREA = {"liaison": "officers", "funding": "grants", "consultations": "consultations",
                   "training": "trainings"}


def records_link(chart, state: State) -> html.P | None:
    """"The records behind this chart": the grants, consultations, trainings or officers its filters select, one
    row each (/data/records/<kind>); a click on a region of the chart first narrows the view to it."""
    kind = RECORDS_OF_AREA.get(chart.area)
    if kind is None:
        return None
    tr = i18n.translator(state.lang)
    return html.P(html.A(tr("The records behind this chart"), href=f"/data/records/{kind}" + state.search),
                  className="small mt-2 mb-0")


def chart_key(chart_id: str, search: str) -> tuple | None:
    """The cache key of a chart's drawing (figure and table) for an address, in its canonical form; None for an
    address that cannot be used (its explanation is not kept: made-up variants are endless)."""
    state = parse_state(search)
    return None if state.error else (chart_id, state.search)


class ChartView(NamedTuple):
    figure: dict | None    # what dcc.Graph shows on arrival: the chart, or an empty placeholder of its height
    table: Any             # a table chart's table, when drawn
    store: dcc.Store | None  # when not drawn: the store whose address makes a callback draw it

    def loading(self, component):
        """The figure or table under a loading indicator while a callback is still to draw it."""
        return component if self.store is None else dcc.Loading(component, type="dot")


def chart_view(chart_id: str, state: State, side: str = "") -> ChartView:
    """A chart as a page shows it on arrival. When the cache holds its drawing for this address (someone has seen
    this view of the data), the page arrives with it: no request per chart, and plotly.js draws it as the page
    mounts (a page of seven charts drawn ~0.3 s sooner: bench/bench_pages_ab.py). Otherwise a placeholder, and the store
    that makes callbacks.draw_chart (or draw_table) draw it in a request of its own, beside the other charts' on
    another worker; the page's answer is then incomplete, so it is not kept whole (the next one carries the chart)."""
    key = chart_key(chart_id, state.search)
    drawn = cache.peek("chart", key) if key else None
    if drawn is not None:
        return ChartView(drawn[0], drawn[1], None)
    cache.mark_incomplete()
    return ChartView(_placeholder_figure(charts.get(chart_id).height), None,
                     dcc.Store(id=chart_state_id(chart_id, side), data=state.search))


def chart_actions(chart_id: str, state: State) -> html.Div:
    """The card's download / share menu: the view as a PNG or SVG image (not for a table), its data as CSV or
    XLSX (dashboard/api.py serves them), and a link to the view and an embed code to copy; assets/civmon-share.js
    copies them and the status line next to the menu says it did."""
    tr = i18n.translator(state.lang)
    chart = charts.get(chart_id)
    title = tr(chart.title)
    item = {"className": "dropdown-item", "data-rr-ui-dropdown-item": ""}  # the arrow keys move between items

    def download(label, fmt):
        return html.A(tr(label), href=share.api_href(chart_id, fmt, state.search), download=f"{chart_id}.{fmt}",
                      **item)

    def copy(label, text, done):
        return html.Button(tr(label), type="button", **item,
                           **{"data-copy": text, "data-copied": tr(done), "data-copy-prompt": tr(_("Copy this text:"))})

    images = [] if chart.build is charts.build_table else [
        download(_("Download PNG image"), "png"), download(_("Download SVG image"), "svg")]
    menu = dbc.DropdownMenu([
        *images,
        download(_("Download data (CSV)"), "csv"),
        download(_("Download data (XLSX)"), "xlsx"),
        dbc.DropdownMenuItem(divider=True),
        copy(_("Copy link to this view"), share.view_link(chart_id, state.search), _("Link copied")),
        copy(_("Copy embed code"), share.embed_code(chart_id, state.search, title), _("Embed code copied")),
    ], label=[tr("Download / share"), html.Span(f": {title}", className="visually-hidden")], size="sm",
        color="light", align_end=True, toggle_class_name="chart-actions-toggle", id=f"actions-{chart_id}")
    return html.Div([html.Span(className="copy-status", role="status"), menu],
                    className="chart-actions no-print", **{"data-share": ""})


def _placeholder_figure(height: int) -> dict:
    return {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": height,
                                   "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}


LONG_TEXT = 60  # characters of a cell shown whole; longer ones are shortened, whole on hover


def data_table(df, state: State, page_size: int = 10, table_id=None, label: str | None = None) -> html.Div:
    """The rows as a sortable, paged table, in a box that scrolls sideways when the table is wider than the
    page; the box takes keyboard focus (so it can be scrolled without a mouse) and is named `label`."""
    tr = i18n.translator(state.lang)
    kwargs = {"id": table_id} if table_id else {}
    rows = charts.rows(df)
    # long texts (titles run to thousands of characters) end in an ellipsis in their cell, the whole text on hover;
    # the data keep it whole, so sorting and every export have it
    long = [c for c in df.columns if any(isinstance(r[c], str) and len(r[c]) > LONG_TEXT for r in rows)]
    if long:
        kwargs["tooltip_data"] = [{c: {"value": r[c], "type": "text"} for c in long
                                   if isinstance(r[c], str) and len(r[c]) > LONG_TEXT} for r in rows]
        kwargs["tooltip_duration"] = None
        kwargs["style_data_conditional"] = [{"if": {"column_id": c}, "maxWidth": "24em", "overflow": "hidden",
                                             "textOverflow": "ellipsis", "whiteSpace": "nowrap"} for c in long]
    table = dash_table.DataTable(
        data=rows, columns=[{"name": c, "id": c} for c in df.columns],
        sort_action="native", page_size=page_size,
        style_cell={"fontFamily": "inherit", "fontSize": "13px", "padding": "4px 8px", "textAlign": "left"},
        style_header={"fontWeight": "600", "backgroundColor": "#f1f3f5"},
        tooltip_header={c: tr(c) for c in df.columns}, **kwargs)
    named = {"role": "region", "aria-label": label} if label else {}
    return html.Div(table, className="table-scroll", tabIndex=0, **named)


def kpi(label: str, value: str, definition: str, kpi_id: str, note: str | None = None,
        target: tuple[str, bool, str] | None = None, exact: str | None = None) -> dbc.Col:
    """One headline figure; its definition shows on hover and to screen readers. `target`: (the words that say how
    the figure stands against its target, whether it meets it, the target's source), drawn in green or red beside
    an arrow, the words saying what both mean. `exact`: the figure in full, when `value` is its short form."""
    aim = None
    if target:
        words, met, source = target
        aim = html.Div(words, className="kpi-target " + ("kpi-target-met" if met else "kpi-target-missed"),
                       title=source)
    spoken = " ".join(part for part in (f"{label}: {exact or value}.", f"{target[0]} ({target[2]})." if target
                                        else None, definition) if part)
    return dbc.Col(html.Div([
        html.Div(label, className="kpi-label"),
        # a short amount ("234.8m RON") has the exact one on hover and for screen readers
        html.Div(value, className="kpi-value", id=kpi_id, title=exact),
        html.Div(note or "", className="kpi-note"),
        aim,
    ], className="kpi", title=definition, tabIndex=0, role="group", **{"aria-label": spoken}),
        xs=6, md=3, className="mb-3")


def page(state: State, module: str, content, error: str | None = None) -> html.Div:
    """The frame every page shares: navigation, filters, notices, the page's name and intro (from its registration),
    the content and the footer."""
    tr = i18n.translator(state.lang)
    registered = page_of(module)
    path, title, intro = registered["path"], registered["name"], registered.get("intro", "")
    message = error or state.error
    return html.Div([
        navbar(state, path),
        html.Main(dbc.Container([
            filter_bar(state),
            demo_notice(state),
            html.Div([html.H1(tr(title), className="h3 mb-1"),
                      html.Div([None if message or not _comparable(module) else compare_control(state),
                                None if message else report_link(state, content)], className="page-tools")],
                     className="page-title mt-3"),
            html.P(tr(intro), className="text-muted mb-3 page-intro"),
            problem_view(state, message) if message else html.Div(content, id="page-content"),
        ], fluid=True, className="page-body"), id="main"),
        footer(state),
    ], lang=state.lang)


def report_link(state: State, content) -> html.A | None:
    """'Printable report': the page's charts, in the page's order and with its filters, on /report."""
    ids = placed(content)
    if not ids:
        return None
    return html.A(i18n.translator(state.lang)(_("Printable report")), href=share.report_href(ids, state.search),
                  id="report-link", className="btn btn-outline-secondary btn-sm no-print")


def safe_run(query_id: str, state: State):
    """A query's rows, or (None, message) when the filter names something unknown."""
    try:
        return cache.query(query_id, state.filter), None
    except FilterError as exc:
        return None, i18n.filter_message(exc, state.lang)


def guarded(state: State, module: str, build, leave_out: tuple[str, ...] = (), path: tuple = ()) -> html.Div:
    """The page registered by `module`, or the explained empty view when the address names something unknown;
    through the cache (keyed by page, the variables of its path — /authority/<id> —, address and data version: the
    filter bar and headline cards cost 15–30 ms to build). An address that cannot be used is explained afresh each
    time: its variants are endless, and explaining costs nothing."""
    if state.error:
        return _guarded(state, module, build, leave_out)
    return cache.cached("page", (module, *path, state.search), lambda: _guarded(state, module, build, leave_out))


def _guarded(state: State, module: str, build, leave_out: tuple[str, ...] = ()) -> html.Div:
    """`leave_out`: charts of the area the view has no use for (a county map of central authorities)."""
    if state.error:
        return page(state, module, None)
    try:
        content = build()
        rest = [chart_card(chart_id, state, 12) for chart_id in unplaced(page_of(module).get("area"), content)
                if chart_id not in leave_out]
        if state.comparing:
            return page(state, module, comparison(state, module, placed(content) + rest))
    except FilterError as exc:
        return page(state, module, None, error=i18n.filter_message(exc, state.lang))
    return page(state, module, [*content, dbc.Row(rest)] if rest else content)


F_COMPARE = "f-compare"


def compare_value(state: State) -> str | None:
    """The compare control's value for a view: 'region:RO-TM,RO-CJ', 'years:2017-2019' or None."""
    if state.compare:
        return "region:" + ",".join(state.compare)
    if state.compare_years:
        return "years:{}-{}".format(*state.compare_years)
    return None


def compare_control(state: State) -> html.Div:
    """'Compare with': the period of the same length before the view's years, or another region of the countries in
    view; the choice goes into the address (callbacks.compare_to_address), so a comparison is a link like any view."""
    tr, f = i18n.translator(state.lang), state.filter
    options = []
    first, last = charts._view_years(state)
    if first is not None and first - (last - first + 1) >= min(_dataset_info().years or (first,)):
        before = (2 * first - last - 1, first - 1)
        label = str(before[0]) if before[0] == before[1] else "{}–{}".format(*before)
        options.append({"label": tr("The period before ({years})").format(years=label),
                        "value": "years:{}-{}".format(*before)})
    countries = f.named_countries
    options += [{"label": f"{i18n.region_name(code, name, state.lang)} ({code})", "value": f"region:{code}"}
                for code, name, _c in meta.level1_regions(countries) if code not in f.regions]
    value = compare_value(state)
    if value and value not in {o["value"] for o in options}:  # every value in the address is an option
        options.insert(0, {"label": value.partition(":")[2], "value": value})
    return html.Div([dbc.Label(tr("Compare with"), html_for=F_COMPARE, className="small fw-semibold mb-0 me-2"),
                     dcc.Dropdown(id=F_COMPARE, options=options, value=value, placeholder=tr("Nothing"),
                                  clearable=True, className="compare-select")],
                    className="compare-control no-print")


def _comparable(module: str) -> bool:
    """Pages with headline figures can show a comparison: the overview and the four areas'."""
    from . import kpis
    return (page_of(module).get("area") or ("overview" if module.endswith(".overview") else None)) in kpis.CARDS


def side_label(state: State) -> str:
    """What one side of a comparison shows: 'Cluj · 2020–2022', 'Romania · all years'."""
    from queries import scope
    tr, f = i18n.translator(state.lang), state.filter
    if f.regions:
        with scope.connect() as conn:
            regions = scope.resolve(conn, f).regions
        where = ", ".join(i18n.region_name(r.code, r.name, state.lang) for r in regions)
    elif f.countries:
        where = ", ".join(i18n.country_name(code, state.lang) for code in f.countries)
    else:
        where = tr("All countries")
    return f"{where} · {_year_range(f.year_from, f.year_to) or tr('all years')}"


def comparison(state: State, module: str, chart_ids: list[str]) -> list:
    """A comparison view (`compare=` or `compare_years=` in the address): the page's headline figures for each side,
    one row above the other, then each of its charts for the two sides next to each other, each card naming its
    side. The charts are the page's own, drawn by the same callbacks (their ids carry the side)."""
    from . import kpis
    from queries import scope
    a, b = state.sides()
    scope.check(b.filter)  # an unknown region compared with is explained like one in the filter
    tr, labels = i18n.translator(state.lang), (side_label(a), side_label(b))
    area = page_of(module).get("area") or ("overview" if module.endswith(".overview") else None)
    out = [html.P(tr("Comparison: {a} beside {b}.").format(a=labels[0], b=labels[1]), className="compare-intro")]
    if area in kpis.CARDS:
        out += [html.Div([html.H2(label, className="h6 compare-side"), kpis.slot(area, side, key)])
                for label, side, key in zip(labels, (a, b), ("a", "b"))]
    for chart_id in chart_ids:
        out.append(dbc.Row([chart_card(chart_id, side, 6, key, label)
                            for label, side, key in zip(labels, (a, b), ("a", "b"))]))
    return out


def placed(content) -> list[str]:
    """The ids of the charts a page's content shows (their cards' columns carry them)."""
    return [i for i in (getattr(n, "id", None) for n in html.Div(content)._traverse())
            if isinstance(i, str) and i in charts.CHARTS]


def unplaced(area: str | None, content) -> list[str]:
    """The charts of an area that its page's layout does not place: a chart added to the registry shows at the foot
    of its area's page until the layout gives it a place of its own."""
    shown = set(placed(content))
    return [chart.id for chart in charts.CHARTS.values() if area and chart.area == area and chart.id not in shown]
