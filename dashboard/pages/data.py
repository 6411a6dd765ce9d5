"""Data: the tables behind every chart, sortable and downloadable as CSV, for the current filters."""
import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from queries import FilterError, all_queries, formats
from dashboard import cache, components as c, i18n, state as st
from dashboard.i18n import _, pgettext

NAME = _("Data")
dash.register_page(__name__, path="/data", name=NAME, title=c.page_title(NAME), order=5, menu=pgettext("menu", "Data"),
                   intro=_("The tables behind the charts, for the filters above. Sort by clicking a column; download "
                           "what you see as CSV."))

TABLE_SELECT, TABLE_BODY, TABLE_STATE, DOWNLOAD_BUTTON, DOWNLOAD = (
    "data-table-select", "data-table-body", "data-table-state", "data-download-button", "data-download")


def layout(**query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)
    options = [{"label": tr(q.title), "value": q.id} for q in all_queries()]

    def content():
        _rows, problem = c.safe_run(options[0]["value"], state)  # an unknown region: the explained empty view
        if problem:
            raise FilterError(problem)
        return [
            dbc.Row([
                dbc.Col([dbc.Label(tr("Table"), html_for=TABLE_SELECT, className="small fw-semibold"),
                         dcc.Dropdown(id=TABLE_SELECT, options=options, value=options[0]["value"], clearable=False)],
                        md=6),
                dbc.Col(dbc.Button(tr("Download CSV"), id=DOWNLOAD_BUTTON, color="primary", className="mt-3 mt-md-4"),
                        md=3),
            ], className="mb-3"),
            html.P([tr("Records that loaded but deserve a look (periods under the legal minimum, counts not "
                       "reported, amounts far above the usual): "),
                    html.A(tr("Data quality"), href="/data/quality" + state.search, id="data-quality-link")],
                   className="small"),
            dcc.Store(id=TABLE_STATE, data=state.search),
            dcc.Loading(html.Div(id=TABLE_BODY)),
            dcc.Download(id=DOWNLOAD),
        ]
    return c.guarded(state, __name__, content)


def _result(query_id, search):
    state = st.parse(search)
    q = next(q for q in all_queries() if q.id == query_id)
    return state, q, cache.query(q.id, state.filter)


@callback(Output(TABLE_BODY, "children"), Input(TABLE_SELECT, "value"), Input(TABLE_STATE, "data"))
def show_table(query_id, search):
    try:
        state, q, df = _result(query_id, search)
    except FilterError as exc:
        return html.P(i18n.filter_message(exc, st.parse(search).lang))
    tr = i18n.translator(state.lang)
    return [html.P(tr(q.definition), className="text-muted small"),
            c.data_table(df, state, page_size=25, table_id="data-table", label=tr(q.title)) if len(df)
            else html.P(tr("No rows for these filters."))]


@callback(Output(DOWNLOAD, "data"), Input(DOWNLOAD_BUTTON, "n_clicks"), State(TABLE_SELECT, "value"),
          State(TABLE_STATE, "data"), prevent_initial_call=True)
def download(_clicks, query_id, search):
    try:
        _state, q, df = _result(query_id, search)
    except FilterError:
        return dash.no_update
    return dcc.send_string(formats.to_csv(df), f"{q.id}.csv", type="text/csv")
