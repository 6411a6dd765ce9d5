"""Consultations: draft acts put to public consultation, participation and the legal minimum period."""
import dash
import dash_bootstrap_components as dbc

from dashboard import components as c, kpis, state as st
from dashboard.i18n import _, pgettext

NAME = _("Consultations")
dash.register_page(__name__, path="/consultations", name=NAME, title=c.page_title(NAME), order=3,
                   menu=pgettext("menu", "Consultations"), area="consultations", warm=True,
                   intro=_("How many draft acts go to public consultation, how much the public takes part, how many "
                           "comments are accepted, and whether the legal minimum period is respected."))


def layout(**query):
    state = st.parse(query)
    return c.guarded(state, __name__, lambda: [
        kpis.slot("consultations", state),
        dbc.Row([c.chart_card("consultations-by-region", state, 7),
                 c.chart_card("consultations-by-region-ranking", state, 5)]),
        dbc.Row([c.chart_card("consultation-participation", state, 6),
                 c.chart_card("consultation-participation-rates", state, 6)]),
        dbc.Row([c.chart_card("consultation-periods", state, 6), c.chart_card("consultations-by-authority", state, 6)]),
    ])
