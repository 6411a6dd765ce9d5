"""Consultations: draft acts put to public consultation, participation and the legal minimum period."""
import dash
import dash_bootstrap_components as dbc

from queries import consultations
from dashboard import cache, components as c, kpis, state as st
from dashboard.i18n import _, pgettext

NAME = _("Consultations")
dash.register_page(__name__, path="/consultations", name=NAME, title=c.page_title(NAME), order=3,
                   menu=pgettext("menu", "Consultations"), area="consultations", warm=True,
                   intro=_("How many draft acts go to public consultation, how much the public takes part, how many "
                           "comments are accepted, and whether the legal minimum period is respected."))


def central(state) -> bool:
    """Whether the view is of central authorities (the level asked for, or most of its consultations): they have
    no region, so the page leads with authorities instead of a county map."""
    f = state.filter
    if f.levels == ("central",):
        return True
    if f.levels and "central" not in f.levels or f.regions:
        return False
    share = cache.cached("central-share", (f,), lambda: consultations.central_share(f))
    return share is not None and share > 0.5


def layout(**query):
    state = st.parse(query)

    def content():
        if central(state):
            return [kpis.slot("consultations", state),
                    dbc.Row([c.chart_card("consultations-on-time-by-authority", state, 7),
                             c.chart_card("consultations-by-authority", state, 5)]),
                    dbc.Row([c.chart_card("consultation-participation", state, 6),
                             c.chart_card("consultation-participation-rates", state, 6)]),
                    dbc.Row([c.chart_card("consultation-periods", state, 12)])]
        return [kpis.slot("consultations", state),
                dbc.Row([c.chart_card("consultations-by-region", state, 7),
                         c.chart_card("consultations-by-region-ranking", state, 5)]),
                dbc.Row([c.chart_card("consultation-participation", state, 6),
                         c.chart_card("consultation-participation-rates", state, 6)]),
                dbc.Row([c.chart_card("consultation-periods", state, 6),
                         c.chart_card("consultations-by-authority", state, 6)]),
                dbc.Row([c.chart_card("consultations-on-time-by-authority", state, 12)])]
    leave_out = ("consultations-by-region", "consultations-by-region-ranking") if state.filter.levels == (
        "central",) else ()
    return c.guarded(state, __name__, content, leave_out)
