"""The page for an unknown address: explained, with the way back."""
import dash
from dash import html

from dashboard import components as c, i18n, state as st
from dashboard.i18n import _

NAME = _("Page not found")
dash.register_page(__name__, name=NAME, title=c.page_title(NAME), intro=_("There is no page at this address."))


def layout(**query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)
    return c.page(state, __name__, html.A(tr("Go to the overview"), href="/" + state.search))
