"""Authorities: every authority in the filter with its figures in the four areas and a flag for each requirement it
fails; searchable by name (diacritics-insensitive), sortable, paged on the server; the follow-up list one click
away, at an address of its own."""
import dash
import dash_bootstrap_components as dbc
from dash import html

from queries import authorities as au
from dashboard import cache, components as c, grids, i18n, state as st
from dashboard.i18n import _, pgettext

NAME = _("Authorities")
dash.register_page(__name__, path="/authorities", name=NAME, title=c.page_title(NAME), order=5,
                   menu=pgettext("menu", "Authorities"),
                   intro=_("Every authority with its liaison officer, consultations, grants and trainings, and what "
                           "needs follow-up: no officer, an officer below the required rank, consultations under the "
                           "legal minimum period, grants only by direct award."))

FOLLOW_UP_WORDS = {"no_officer": _("no active liaison officer"),
                   "officer_rank": _("liaison officer below the required rank"),
                   "late_consultations": _("consultations under the legal minimum period"),
                   "direct_awards_only": _("grants only by direct award")}


def search_form(state: st.State) -> html.Form:
    """A search by name or id: a plain form, so the search is an address like any view (and works without
    scripts); the filters ride along as hidden fields."""
    tr = i18n.translator(state.lang)
    # the fields in the address's own order around the search box, so that the form gives the canonical address
    names = list(st.PARAMS)
    hidden = {k: dbc.Input(type="hidden", name=k, value=v) for k, v in state.query.items() if k != "q"}
    before = [field for k, field in hidden.items() if names.index(k) < names.index("q")]
    after = [field for k, field in hidden.items() if names.index(k) > names.index("q")]
    return html.Form([*before, dbc.InputGroup([
        dbc.Label(tr("Search authorities by name or id"), html_for="authorities-q", className="visually-hidden"),
        dbc.Input(type="search", name="q", value=state.q, id="authorities-q", maxLength=200,
                  placeholder=tr("Name or id, e.g. Cluj")),
        dbc.Button(tr("Search"), type="submit", color="primary")], size="sm"), *after],
        method="get", action="/authorities", role="search", className="authorities-search")


def layout(**query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)

    def content():
        df = cache.query("authorities", state.filter)
        _rows, total = au.authority_table(df, q=state.q, follow_up_only=state.follow_up, rows=0)
        flagged = int(df["follow_up"].sum()) if len(df) else 0
        every = st.State(state.filter, state.lang, q=state.q)
        listed = st.State(state.filter, state.lang, q=state.q, follow_up=True)
        tabs = html.Nav(dbc.Nav([
            dbc.NavItem(dbc.NavLink(tr("All authorities ({n})").format(n=i18n.number(len(df), state.lang)),
                                    href="/authorities" + every.search, active=not state.follow_up)),
            dbc.NavItem(dbc.NavLink(tr("Follow-up list ({n})").format(n=i18n.number(flagged, state.lang)),
                                    href="/authorities" + listed.search, active=state.follow_up,
                                    id="follow-up-link")),
        ], pills=True), **{"aria-label": tr("Which authorities")})
        found = tr("{n} authorities match.").format(n=i18n.number(total, state.lang))
        exports = [html.A(tr("Download these rows as CSV"), href="/api/v1/authorities.csv" + state.search,
                          download="authorities.csv", className="me-3"),
                   html.A(tr("as XLSX"), href="/api/v1/authorities.xlsx" + state.search, download="authorities.xlsx")]
        legend = html.Details([html.Summary(tr("What the follow-up codes mean")),
                               html.Ul([html.Li([html.Code(code), " — ", tr(words)])
                                        for code, words in FOLLOW_UP_WORDS.items()])], className="small mt-2")
        return [dbc.Row([dbc.Col(tabs, md=6), dbc.Col(search_form(state), md=6)], className="g-2 mb-2"),
                html.P([found, " ", *exports], className="small text-muted mb-2", id="authorities-count",
                       **{"aria-live": "polite"}),
                grids.authorities_grid(state), legend]
    return c.guarded(state, __name__, content)
