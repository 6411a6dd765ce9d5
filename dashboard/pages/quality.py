"""Data quality: what loaded but deserves a look (queries.quality), for the filters above, each record linked."""
import dash
import dash_bootstrap_components as dbc
from dash import html

from queries import quality
from dashboard import cache, components as c, i18n, state as st
from dashboard.share import record_href
from dashboard.i18n import _

NAME = _("Data quality")
SHOWN = 50  # records listed per warning on the page; the count covers all of them
dash.register_page(__name__, path="/data/quality", name=NAME, title=c.page_title(NAME), order=8,
                   intro=_("Records that loaded but deserve a look: they are counted in the figures, and may be "
                           "incomplete or wrong. A file with errors is refused whole; these are not errors."))


def _detail(check: str, row: dict, lang: str) -> str:
    """How far off the record is, in words."""
    tr, n = i18n.translator(lang), (lambda v: i18n.number(v, lang))
    value, reference = row["value"], row["reference"]
    if check == "short_period":
        return tr("{days} days; legal minimum {minimum}").format(days=n(value), minimum=n(reference))
    if check == "same_title":
        return tr("{copies} drafts").format(copies=n(value))
    if check == "counts_not_reported":
        return tr("{missing} of {fields} counts not reported").format(missing=n(value), fields=n(reference))
    if check == "split_not_reported":
        return tr("{participants} participants").format(participants=n(value))
    return tr("{amount}; the funder's average {usual}").format(amount=n(value), usual=n(reference))


def _findings(state):
    return cache.cached("quality", (state.filter,), lambda: (quality.counts(state.filter),
                                                            quality.findings(state.filter, limit=SHOWN)))


def _section(check, total: int, rows: list[dict], state) -> html.Section:
    tr = i18n.translator(state.lang)
    table = dbc.Table([
        html.Thead(html.Tr([html.Th(tr("Record")), html.Th(tr("Authority")), html.Th(tr("Year")),
                            html.Th(tr("What is off"))])),
        html.Tbody([html.Tr([
            html.Td(html.A(row["record_id"], href=record_href(row["kind"], row["record_id"], state.search))),
            html.Td(html.A(row["authority_name"] or row["authority_id"] or "–",
                           href=record_href("authorities", row["authority_id"], state.search))
                    if row["authority_id"] else "–", className="text-truncate", style={"maxWidth": "24em"},
                    title=row["authority_name"] or ""),
            html.Td(row["year"]),
            html.Td(_detail(check.id, row, state.lang)),
        ]) for row in rows]),
    ], size="sm", striped=True, className="mb-1") if rows else None
    more = total - len(rows)
    return html.Section([
        html.H2([tr(check.title), " ", dbc.Badge(i18n.number(total, state.lang),
                                                  color="warning" if total else "success", text_color="dark"
                                                  if total else None, className="ms-1")], className="h6 mt-4"),
        html.P(tr(check.explain), className="small text-muted mb-2"),
        table or html.P(tr("None in these filters."), className="small"),
        html.P(tr("…and {count} more.").format(count=i18n.number(more, state.lang)), className="small")
        if more > 0 else None,
    ], id=f"quality-{check.id}")


def layout(**query):
    state = st.parse(query)

    def content():
        totals, found = _findings(state)
        records = found.to_dict("records")
        return [html.Div([_section(check, totals[check.id], [r for r in records if r["check"] == check.id], state)
                          for check in quality.CHECKS], className="table-scroll")]
    return c.guarded(state, __name__, content)
