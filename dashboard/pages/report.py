"""A printable report: several charts, in the order asked, with their definitions, filters, date and sources.

`/report?charts=a,b,c&country=…` — the charts are drawn by the same callbacks as the pages' cards; the page is
as wide as an A4 page's text so that what the screen shows is what the printer prints (assets/civmon.css)."""
import datetime as dt

import dash
from dash import dcc, html

from dashboard import charts as registry, components as c, i18n, provenance, share, state as st
from dashboard.i18n import _

dash.register_page(__name__, path="/report", title=c.page_title(_("Printable report")), order=7)



def asked_charts(charts) -> list[str]:
    """The ids in `charts=a,b,c` (the parameter may also come twice), in order, each once."""
    values = charts if isinstance(charts, (list, tuple)) else [charts or ""]
    ids = [part.strip() for value in values for part in value.split(",")]
    return list(dict.fromkeys(i for i in ids if i))


def layout(charts=None, **query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)
    asked = asked_charts(charts)
    found = [i for i in asked if i in registry.CHARTS]
    missing = [i for i in asked if i not in registry.CHARTS]
    if state.error:
        content, found, missing = [html.P(state.error, id="problem-message", className="alert alert-info")], [], []
    elif found:
        content = [_chart(registry.get(i), state) for i in found]
    else:
        content = _choose(state)
    return html.Div([
        html.Nav([
            html.A(tr("Back to the dashboard"), href="/" + state.search, className="btn btn-outline-secondary btn-sm"),
            html.Button(tr("Print or save as PDF"), type="button", className="btn btn-primary btn-sm",
                        id="report-print", **{"data-print": ""}) if found else None,
        ], className="report-toolbar no-print", **{"aria-label": tr("Report")}),
        html.Main([
            html.Header([
                html.H1(tr("civmon report"), className="h3 mb-1"),
                html.P(provenance.filter_summary(state), id="report-filters", className="mb-0"),
                html.P(tr("Made on {date}").format(date=i18n.date(dt.date.today(), state.lang)), id="report-date",
                       className="text-muted small"),
            ], className="report-head"),
            html.Div([html.Strong(tr("Not found: ")), ", ".join(missing), ". ",
                      tr("These charts are not in civmon; the others are shown.") if found else
                      tr("None of the charts asked for is in civmon; choose from the list below.")],
                     id="report-missing", className="alert alert-warning py-2", role="note") if missing else None,
            *content,
            html.Section([
                html.H2(tr("Sources"), className="h5"),
                html.P(provenance.source_line(state), id="report-source"),
                dcc.Markdown(tr(provenance.SOURCES), className="small"),
            ], className="report-sources") if found else None,
        ], id="main", className="report-page"),
    ], lang=state.lang, className="report-shell")


def _chart(chart, state) -> html.Section:
    """One chart: its title, its definition from the query registry, and the figure (or the table)."""
    tr = i18n.translator(state.lang)
    title = tr(chart.title)
    view = c.chart_view(chart.id, state)
    if chart.build is registry.build_table:
        body = [html.Div(view.table, id=c.chart_table_id(chart.id)),
                html.P([tr("The table shows ten rows at a time; all of them are in the CSV file: "),
                        html.A(f"{chart.id}.csv", href=share.api_href(chart.id, "csv", state.search))],
                       className="small text-muted")]
    else:
        body = [html.Div(dcc.Graph(id=c.chart_graph_id(chart.id), config=registry.GRAPH_CONFIG,
                                   figure=view.figure, className="chart-graph"),
                         role="figure", **{"aria-label": title})]
    return html.Section([
        html.H2(title, className="h5 mb-1"),
        html.P(tr(chart.definition), className="small text-muted mb-2 chart-definition"),
        *body,
        view.store,
    ], className="report-chart", id=chart.id)


def _choose(state) -> list:
    """Without charts=: what a report is, and every chart as a link that makes one."""
    tr = i18n.translator(state.lang)
    areas = [(p["area"], p["name"]) for p in c.pages("area")]
    by_area = {area: [ch for ch in registry.CHARTS.values() if ch.area == area] for area, _label in areas}
    return [
        html.P(tr("A report puts charts, with their definitions, the filters and the sources, on pages ready to "
                  "print or save as PDF. Name the charts in the address (charts=, separated by commas) or start "
                  "from one of these:"), id="report-explain"),
        *[html.Section([
            html.H2(tr(label), className="h5"),
            html.P(html.A(tr("All charts of this page"), href=share.report_href([ch.id for ch in by_area[area]],
                                                                                 state.search))),
            html.Ul([html.Li(html.A(tr(ch.title), href=share.report_href([ch.id], state.search)))
                     for ch in by_area[area]]),
        ], className="report-choose") for area, label in areas],
    ]
