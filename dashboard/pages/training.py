"""Training: capacity-building trainings, participants by sector and topic, municipalities reached."""
import dash
import dash_bootstrap_components as dbc

from dashboard import components as c, kpis, state as st
from dashboard.i18n import _, pgettext

NAME = _("Training")
dash.register_page(__name__, path="/training", name=NAME, title=c.page_title(NAME), order=4,
                   menu=pgettext("menu", "Training"), area="training", warm=True,
                   intro=_("How many capacity-building trainings for officials and CSOs were held, where, with whom, "
                           "and what share of municipalities they reached."))


def layout(**query):
    state = st.parse(query)
    return c.guarded(state, __name__, lambda: [
        kpis.slot("training", state),
        dbc.Row([c.chart_card("training-by-region", state, 7), c.chart_card("training-by-region-ranking", state, 5)]),
        dbc.Row([c.chart_card("training-reach", state, 6), c.chart_card("training-by-topic", state, 6)]),
        dbc.Row([c.chart_card("training-participants-by-sector", state, 6)]),
    ])
