"""Liaison officers: coverage and rank compliance by region, level and year; who has no officer."""
import dash
import dash_bootstrap_components as dbc

from dashboard import components as c, kpis, state as st
from dashboard.i18n import _, pgettext

NAME = _("Liaison officers")
dash.register_page(__name__, path="/liaison", name=NAME, title=c.page_title(NAME), order=1,
                   menu=pgettext("menu", "Liaison officers"), area="liaison", warm=True,
                   intro=_("Has every public authority designated an official for cooperation with civil society, "
                           "and is that official senior enough?"))


def layout(**query):
    state = st.parse(query)
    return c.guarded(state, __name__, lambda: [
        kpis.slot("liaison", state),
        dbc.Row([c.chart_card("liaison-coverage-by-region", state, 7),
                 c.chart_card("liaison-coverage-by-region-ranking", state, 5)]),
        dbc.Row([c.chart_card("liaison-coverage-by-year", state, 6), c.chart_card("liaison-coverage", state, 6)]),
        dbc.Row([c.chart_card("liaison-authorities-without-officer", state, 12)]),
    ])
