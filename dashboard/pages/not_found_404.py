"""The page for an unknown address: explained, with the way back."""
import dash
from dash import html

from dashboard import components as c, i18n, state as st
from dashboard.i18n import _

dash.register_page(__name__, title=c.page_title(_("Page not found")))


def layout(**query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)
    return c.page(state, "", _("Page not found"), _("There is no page at this address."),
                  html.A(tr("Go to the overview"), href="/" + state.search))
