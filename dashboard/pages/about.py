"""About: what each indicator means and its legal basis (from the query registry), sources, imports."""
import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from queries import all_queries
from queries.contract import KINDS, LOAD_ORDER
from dashboard import components as c, i18n, state as st
from dashboard.i18n import _

dash.register_page(__name__, path="/about", title="civmon — about", order=6)


def layout(**query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)

    def definition(q):
        return html.Div([
            html.H3(tr(q.title), className="h6 mb-1"),
            html.P([html.Code(q.id), " — ", tr(q.definition)], className="mb-1"),
            html.P([html.Em(tr("Legal basis: ")), tr(q.legal_basis)], className="small mb-1") if q.legal_basis else None,
            html.P([tr("Columns: "), ", ".join(q.columns)], className="small text-muted"),
        ], className="mb-3")

    indicators = [q for q in all_queries() if q.indicator]
    others = [q for q in all_queries() if not q.indicator]
    return c.page(state, "/about", _("About"), _("What the figures mean, where they come from, and how to load data."),
                  dbc.Row([
        dbc.Col([html.H2(tr("The four indicators"), className="h5"), *map(definition, indicators),
                 html.H2(tr("Breakdowns on the pages"), className="h5 mt-4"), *map(definition, others)], lg=7),
        dbc.Col([
            html.H2(tr("Sources"), className="h5"),
            dcc.Markdown(tr(
                "Regions: ISO 3166-2 codes and names from pycountry (Debian iso-codes). Population: national "
                "statistics offices (Romania: INS census 2021; Bulgaria: NSI census 2021; Serbia: RZS census "
                "2022; Kazakhstan: Bureau of National Statistics, 1 January 2024, 7 of 20 regions). Exchange "
                "rates: annual averages of the ECB (RON), the fixed conversion rate (BGN) and the National Bank "
                "of Serbia (RSD). Maps: Natural Earth admin-1 boundaries (public domain); Kazakhstan as a tile "
                "grid.")),
            html.H2(tr("How to load data"), className="h5 mt-4"),
            html.P(tr("Data stewards load CSV or XLSX files that follow the templates below with "
                      "`civmon import KIND FILE`. A file with problems is rejected as a whole, with every problem "
                      "listed by row and column; nothing changes.")),
            html.Ol([html.Li([html.Code(k), " — ", tr(KINDS[k].title), ": ",
                              html.Span(", ".join(KINDS[k].column_names), className="small text-muted")])
                     for k in LOAD_ORDER]),
            html.P(tr("Officers' names are personal data: they are stored for the stewards and never shown or "
                      "exported by this site."), className="small"),
        ], lg=5),
    ]))
