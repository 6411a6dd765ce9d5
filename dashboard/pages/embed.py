"""One chart alone, for an iframe on another site: its title, filters, the figure filling the frame, its source.

The figure is drawn by the same callback as a card's (callbacks.draw_chart, on the chart's state store), so
an embedded chart is the chart of the page, for the filters in the address."""
import dash
from dash import dcc, html

from dashboard import charts, components as c, i18n, provenance, share, state as st
from dashboard.i18n import _


def _title(chart_id=None, **_query):
    """'civmon — <the chart's title>' in the address's language."""
    chart = charts.CHARTS.get(chart_id or "")
    return c.page_title(chart.title if chart else _("Chart not found"))()


dash.register_page(__name__, path_template="/embed/<chart_id>", title=_title,
                   exists=lambda chart_id=None: chart_id in charts.CHARTS)  # else the answer's status is 404


def layout(chart_id=None, **query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)
    chart = charts.CHARTS.get(chart_id or "")
    if chart is None:
        return html.Div(html.Main([
            html.H1(tr("Chart not found"), className="h5"),
            html.P(tr("civmon has no chart called “{chart}”. The address of an embedded chart names one of the "
                      "charts of the dashboard's pages.").format(chart=chart_id or ""), id="embed-problem"),
            html.A(tr("Open civmon"), href="/" + state.search, target="_blank", rel="noopener"),
        ], id="main", className="embed-page"), lang=state.lang)

    title = tr(chart.title)
    view = None if state.error else c.chart_view(chart.id, state)
    if view is None:  # the explained message, not the unfiltered chart
        body = html.P(state.error, className="embed-figure", id="problem-message")
    elif chart.build is charts.build_table:
        body = html.Div(html.Div(view.table, id=c.chart_table_id(chart.id)), className="embed-figure embed-table")
    else:
        body = html.Div(
            html.Div(dcc.Graph(id=c.chart_graph_id(chart.id), config=charts.GRAPH_CONFIG, responsive=True,
                               figure=view.figure, className="chart-graph",
                               style={"height": "100%", "width": "100%"}),
                     role="figure", className="embed-graph", **{"aria-label": title}),
            className="embed-figure")
    return html.Div(html.Main([
        html.Header([
            html.H1(title, className="embed-title"),
            None if state.error else html.P(provenance.filter_summary(state), className="embed-summary",
                                            id="embed-summary"),
        ]),
        body,
        html.Footer([
            html.Span(provenance.source_line(state), className="embed-source", id="embed-source"),
            html.A(tr("Open in civmon"), href=share.area_href(chart.id, c.area_path(chart.area), state.search), target="_blank",
                   rel="noopener", id="embed-open", className="embed-open"),
        ], className="embed-foot"),
        None if view is None else view.store,
    ], id="main", className="embed-page"), lang=state.lang)
