"""One record as it was loaded: every column of its kind (personal data left out), each reference linked, a count
that was not reported said so. The data-quality page links here."""
import datetime as dt

import dash
import dash_bootstrap_components as dbc
from dash import html

from queries import quality
from queries.contract import KINDS
from dashboard import cache, components as c, i18n, state as st
from dashboard.share import record_href
from dashboard.i18n import _

NAME = _("Record")
dash.register_page(__name__, path_template="/data/record/<kind>/<record_id>", name=NAME, title=c.page_title(NAME),
                   exists=lambda kind=None, record_id=None: quality.record(kind, record_id) is not None,
                   intro=_("One record as it was loaded. An empty count was not reported: it is left out of the "
                           "figures that need it, never counted as 0."))

REFERENCES = {"authority_id": "authorities", "funder_authority_id": "authorities",
              "organiser_authority_id": "authorities", "parent_id": "authorities", "region_code": "regions",
              "parent_code": "regions"}


def _value(name: str, value, state) -> object:
    tr = i18n.translator(state.lang)
    if value is None:
        return html.Em(tr("not reported"), className="text-muted")
    if name in REFERENCES:
        return html.A(value, href=record_href(REFERENCES[name], value, state.search))
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if isinstance(value, dt.date):
        return i18n.date(value, state.lang)
    if isinstance(value, (int, float)) and name not in ("year",):
        return i18n.number(value, state.lang, 2 if isinstance(value, float) and not value.is_integer() else 0)
    return str(value)


def layout(kind=None, record_id=None, **query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)

    def content():
        found = cache.cached("record", (kind, record_id), lambda: quality.record(kind, record_id))
        if found is None:
            return [html.P(tr("There is no record {id} of this kind.").format(id=record_id), className="lead")]
        rows = [html.Tr([html.Th(name, scope="row", title=tr(name)), html.Td(_value(name, value, state),
                                                                              style={"whiteSpace": "pre-wrap"})])
                for name, value in found.items()]
        return [html.H2([tr(KINDS[kind].title), ": ", html.Code(record_id)], className="h5"),
                dbc.Table(html.Tbody(rows), bordered=False, size="sm", className="record-table"),
                html.A(tr("Data quality"), href="/data/quality" + state.search)]
    return c.guarded(state, __name__, content, path=(kind, record_id))
