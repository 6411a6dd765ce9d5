"""Overview: one headline figure and trend per area, a map of regions, changes since last year."""
import dash
import dash_bootstrap_components as dbc

from dashboard import components as c, kpis, state as st, where
from dashboard.i18n import _, pgettext

NAME = _("Overview")
dash.register_page(__name__, path="/", name=NAME, title=c.page_title(NAME), order=0, menu=pgettext("menu", "Overview"),
                   warm=True, intro=_("Cooperation between public authorities and civil society at a glance: one "
                                      "headline figure per area, what changed since the year before, and where."))


def layout(**query):
    state = st.parse(query)
    return c.guarded(state, __name__, lambda: [
        kpis.slot("overview", state),
        where.panel(state),
        dbc.Row([c.chart_card("funding-by-county", state, 6), c.chart_card("liaison-coverage-by-year", state, 6)]),
        dbc.Row([c.chart_card("funding-by-year", state, 4), c.chart_card("consultation-participation-rates", state, 4),
                 c.chart_card("training-reach", state, 4)]),
    ])
