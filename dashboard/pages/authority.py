"""One authority: who it is, what needs follow-up in words, its figures in the four areas beside its peers' (same
country and level: their median and its rank among them), and its records: officers (never their names),
consultations, grants awarded, trainings organised."""
import datetime as dt
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import html

from queries import Filter, authorities as au, records
from queries.vocabulary import POSITION_RANKS
from dashboard import cache, charts, components as c, grids, i18n, state as st
from dashboard.api_records import profile
from dashboard.i18n import _

NAME = _("Authority")
dash.register_page(__name__, path_template="/authority/<authority_id>", name=NAME, title=c.page_title(NAME),
                   exists=lambda authority_id=None: au.lookup(authority_id) is not None,
                   intro=_("One authority's figures over the filter's years, beside those of the authorities of its "
                           "country and level, and the records behind them."))

FIGURES = (("consultations", _("Consultations published"), "count"),
           ("on_time_pct", _("Consultations on time (%)"), "pct"),
           ("grants", _("Grants awarded"), "count"),
           ("amount", _("Amount awarded"), "money"),
           ("competitive_share_pct", _("Awarded through competitive calls (%)"), "pct"),
           ("trainings", _("Trainings organised"), "count"),
           ("participants", _("Training participants"), "count"))


def _shown(value, unit: str, currency: str | None, lang: str) -> str:
    if value is None:
        return "–"
    if unit == "pct":
        return i18n.percent(value, lang)
    if unit == "money":
        return i18n.money(value, currency, lang)
    return i18n.number(value, lang)


def follow_up_lines(row: dict, state: st.State) -> list[str]:
    """What needs follow-up, in words: "No active liaison officer since 31 December 2023", "2 of 7 consultations
    under the legal minimum of 10 days", …; one line saying nothing does."""
    tr, lang, out = i18n.translator(state.lang), state.lang, []
    codes = row["follow_up_reasons"].split(",") if row["follow_up_reasons"] else []
    if "no_officer" in codes:
        officers, _n = records.page("officers", Filter(), records.Narrowing(authority_id=row["authority_id"]),
                                    rows=None)
        ended = [d for d in officers["ended_on"] if d]
        out.append(tr("No active liaison officer since {date}").format(date=i18n.date(
            dt.date.fromisoformat(max(ended)[:10]), lang)) if ended and len(ended) == len(officers)
            else tr("No liaison officer recorded"))
    if "officer_rank" in codes:
        out.append(tr("Liaison officer of rank {rank} ({name}); rank {required} or more senior is required").format(
            rank=row["officer_rank"], name=tr(POSITION_RANKS.get(row["officer_rank"], "")),
            required=row["required_rank"]))
    if "late_consultations" in codes:
        out.append(tr("{late} of {total} consultations under the legal minimum period").format(
            late=i18n.number(row["late"], lang), total=i18n.number(row["with_rule"], lang)))
    if "direct_awards_only" in codes:
        out.append(tr("All {n} grants by direct award, none through a competitive call").format(
            n=i18n.number(row["grants"], lang)))
    return out or [tr("Nothing needs follow-up for this view.")]


def peer_table(found: dict, state: st.State) -> dbc.Table:
    tr, lang, row = i18n.translator(state.lang), state.lang, found["authority"]
    head = html.Thead(html.Tr([html.Th(tr("Figure"), scope="col"), html.Th(tr("This authority"), scope="col"),
                               html.Th(tr("Peers' median"), scope="col"), html.Th(tr("Rank among peers"), scope="col")]))
    body = []
    for figure, label, unit in FIGURES:
        s = found["standing"].get(figure, {})
        rank = tr("{rank} of {n}").format(rank=i18n.number(s["rank"], lang), n=i18n.number(s["ranked"], lang)) \
            if s.get("rank") else "–"
        body.append(html.Tr([html.Th(tr(label), scope="row"), html.Td(_shown(row[figure], unit, row["currency"], lang)),
                             html.Td(_shown(s.get("median"), unit, row["currency"], lang)), html.Td(rank)]))
    return dbc.Table([head, html.Tbody(body)], size="sm", bordered=False, className="peer-table")


def grant_breakdown(authority_id: str, state: st.State) -> list:
    """Where the authority's grants go: by domain, and its largest recipients with their share of its grants."""
    tr, lang = i18n.translator(state.lang), state.lang
    domains, largest = cache.cached("funder-breakdown", (authority_id, state.search),
                                    lambda: records.funder_breakdown(authority_id, state.filter))
    if domains.empty:
        return []
    by_domain = dbc.Table([html.Thead(html.Tr([html.Th(tr(h), scope="col") for h in (_("Domain"), _("Grants"),
                                                                                   _("Amount"))])),
                           html.Tbody([html.Tr([html.Td(tr(charts.category_label(r["domain"]))),
                                                html.Td(i18n.number(r["grants"], lang)),
                                                html.Td(i18n.money(r["amount"], r["currency"], lang))])
                                       for r in domains.to_dict("records")])], size="sm", className="domain-table")
    top = dbc.Table([html.Thead(html.Tr([html.Th(tr(h), scope="col") for h in (
        _("Recipient"), _("Grants"), _("Amount"), _("Share of its grants"))])),
        html.Tbody([html.Tr([html.Td(html.A(r["recipient_name"],
                                            href="/recipient/" + quote(r["recipient_key"], safe="") + state.search)),
                             html.Td(i18n.number(r["grants"], lang)),
                             html.Td(i18n.money(r["amount"], r["currency"], lang)),
                             html.Td(i18n.percent(r["share_pct"], lang))]) for r in largest.to_dict("records")])],
        size="sm", className="top-recipients-table")
    return [dbc.Row([dbc.Col([html.H4(tr("By domain"), className="h6 mt-3"), by_domain], md=5),
                     dbc.Col([html.H4(tr("Largest recipients"), className="h6 mt-3"), top], md=7)])]


def layout(authority_id=None, **query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)

    def content():
        found = cache.cached("authority", (authority_id, state.search), lambda: profile(authority_id, state))
        if found is None:
            return [html.P(tr("There is no authority {id}.").format(id=authority_id), className="lead")]
        row = found["authority"]
        if row is None:  # known, but outside the filter (another country or level)
            info = au.lookup(authority_id)
            return [html.H2(info.name, className="h4"),
                    html.P(tr("This authority is not in the filters chosen."), className="lead"),
                    html.A(tr("See it without filters"), href=f"/authority/{authority_id}")]
        where = [tr(charts.level_label(row["level"])),
                 i18n.region_name(row["region_code"], row["region_name"], state.lang) if row["region_code"] else None,
                 i18n.country_name(row["country"], state.lang)]
        parent = au.lookup(row["parent_id"]) if row["parent_id"] else None
        lines = follow_up_lines(row, state)
        flagged = bool(row["follow_up_reasons"])
        return [
            html.H2(row["name"], className="h4 mb-1 authority-name"),
            html.P([" · ".join(w for w in where if w),
                    *([" · ", tr("part of "), html.A(parent.name, href=f"/authority/{parent.authority_id}" + state.search)]
                      if parent else [])], className="text-muted mb-2"),
            dbc.Alert([html.Strong(tr("Follow-up: ") if flagged else ""),
                       "; ".join(line.rstrip(".") for line in lines) + "."],
                      color="warning" if flagged else "success", className="py-2 follow-up-line"),
            html.H3(tr("Beside its peers ({n} authorities of its country and level)").format(
                n=i18n.number(found["peers"], state.lang)), className="h6 mt-3"),
            peer_table(found, state),
            html.P(html.A(tr("These figures as JSON"), href=f"/api/v1/authorities/{authority_id}.json" + state.search),
                   className="small"),
            *section("officers", _("Liaison officers"), 220),
            *section("consultations", _("Consultations"), 420),
            *section("grants", _("Grants awarded"), 420),
            *grant_breakdown(authority_id, state),
            *section("trainings", _("Trainings organised"), 260),
        ]

    def section(kind: str, title: str, height: int) -> list:
        """A kind of the authority's records: its heading with the CSV of them all, and the grid."""
        csv = f"/api/v1/records/{kind}.csv" + (state.search or "?") + ("&" if state.search else "") + \
            f"authority={authority_id}"
        return [html.Div([html.H3(tr(title), className="h6 mb-0"),
                          html.A(tr("Download them as CSV"), href=csv, download=f"{authority_id}-{kind}.csv",
                                 className="small records-csv")], className="records-head mt-4 mb-1"),
                grids.records_grid(kind, state, authority_id, label=tr(title), height=height)]
    return c.guarded(state, __name__, content, path=(authority_id,))
