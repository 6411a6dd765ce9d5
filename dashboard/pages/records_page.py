"""The records behind the figures of a view: the grants, consultations, trainings or liaison officers its filters
select, paged and sorted on the server, with their export. Every chart's "Show the data behind this chart" links
here for its area's kind."""
import dash
from dash import html

from queries import records
from dashboard import components as c, grids, i18n, state as st
from dashboard.i18n import _

NAME = _("Records")
KIND_TITLES = {"grants": _("Grant records"), "consultations": _("Consultation records"),
               "trainings": _("Training records"), "officers": _("Liaison officer records")}
dash.register_page(__name__, path_template="/data/records/<kind>", name=NAME, title=c.page_title(NAME),
                   exists=lambda kind=None: kind in records.KINDS,
                   intro=_("The records the filters select, one row each, as the figures count them; sort by any "
                           "column, download them all."))


def layout(kind=None, **query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)

    def content():
        if kind not in records.KINDS:
            return [html.P(tr("There are no records of this kind."), className="lead")]
        _rows, total = records.page(kind, state.filter, rows=0)
        return [html.H2(tr(KIND_TITLES[kind]), className="h5"),
                html.P([tr("{n} records.").format(n=i18n.number(total, state.lang)), " ",
                        html.A(tr("Download them as CSV"), href=f"/api/v1/records/{kind}.csv" + state.search,
                               download=f"{kind}.csv")], className="small text-muted"),
                grids.records_grid(kind, state, label=tr(KIND_TITLES[kind]), height=560)]
    return c.guarded(state, __name__, content, path=(kind,))
