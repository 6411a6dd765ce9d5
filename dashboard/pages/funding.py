"""Funding: public money granted to NGOs by county, year, domain, procedure, funder and recipient."""
import dash
import dash_bootstrap_components as dbc

from dashboard import components as c, kpis, state as st
from dashboard.i18n import _, pgettext

NAME = _("Funding")
dash.register_page(__name__, path="/funding", name=NAME, title=c.page_title(NAME), order=2,
                   menu=pgettext("menu", "Funding"), area="funding", warm=True,
                   intro=_("How much public money do authorities grant to NGOs, where, for what, and through which "
                           "procedure?"))


def layout(**query):
    state = st.parse(query)

    def content():
        where = dbc.Row([c.chart_card("funding-by-county", state, 7),
                         c.chart_card("funding-by-county-ranking", state, 5)])
        when_what = [dbc.Row([c.chart_card("funding-by-year", state, 6), c.chart_card("funding-by-domain", state, 6)]),
                     dbc.Row([c.chart_card("funding-by-procedure", state, 12)])]
        if state.filter.levels == ("central",):  # ministries and agencies: who grants leads, then where it goes
            who = dbc.Row([c.chart_card("funding-by-funder", state, 7),
                           c.chart_card("funding-top-recipients", state, 5)])
            return [kpis.slot("funding", state), who, *when_what, where]
        who = dbc.Row([c.chart_card("funding-top-recipients", state, 6), c.chart_card("funding-by-funder", state, 6)])
        return [kpis.slot("funding", state), where, *when_what, who]
    return c.guarded(state, __name__, content)
