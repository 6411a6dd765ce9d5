"""About: what each indicator means and its legal basis (from the query registry), sources, imports."""
import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from queries import all_queries
from queries.contract import KINDS, LOAD_ORDER
from dashboard import components as c, i18n, provenance, state as st
from dashboard.i18n import _, pgettext

NAME = _("About")
dash.register_page(__name__, path="/about", name=NAME, title=c.page_title(NAME), order=6, menu=pgettext("menu", "About"),
                   intro=_("What the figures mean, where they come from, and how to load data."))


def _with_code(text: str) -> list:
    """A text whose `backticked` parts show as code (the catalogues keep the backticks, as Markdown does)."""
    return [html.Code(part) if i % 2 else part for i, part in enumerate(text.split("`")) if part]


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
    return c.page(state, __name__, dbc.Row([
        dbc.Col([html.H2(tr("The four indicators"), className="h5"), *map(definition, indicators),
                 html.H2(tr("Breakdowns on the pages"), className="h5 mt-4"), *map(definition, others)], lg=7),
        dbc.Col([
            html.H2(tr("Sources"), className="h5"),
            dcc.Markdown(tr(provenance.SOURCES)),
            html.H2(tr("How to load data"), className="h5 mt-4"),
            html.P(_with_code(tr("Data stewards load CSV or XLSX files that follow the templates below with "
                                 "`civmon import KIND FILE`. A file with problems is rejected as a whole, with every "
                                 "problem listed by row and column; nothing changes."))),
            html.Ol([html.Li([html.Code(k), " — ", tr(KINDS[k].title), ": ",
                              html.Span(", ".join(KINDS[k].column_names), className="small text-muted")])
                     for k in LOAD_ORDER]),
            html.P(tr("Officers' names are personal data: they are stored for the stewards and never shown or "
                      "exported by this site."), className="small"),
        ], lg=5),
    ]))
