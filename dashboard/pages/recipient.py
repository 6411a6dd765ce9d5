"""One recipient of grants (its registry id, else its name): what it received from each funder, and its share of
each funder's grants in the filter; its grants one by one; a link to the national registry when its id is known
and CIVMON_RECIPIENT_URL says where."""
from urllib.parse import quote, unquote

import dash
import dash_bootstrap_components as dbc
from dash import html

from queries import records, settings
from dashboard import cache, components as c, grids, i18n, state as st
from dashboard.i18n import _

NAME = _("Recipient")
dash.register_page(__name__, path_template="/recipient/<key>", name=NAME, title=c.page_title(NAME),
                   intro=_("What one organisation received, from which authorities, and its share of each "
                           "authority's grants in the filter."))


def registry_link(recipient_id: str | None) -> str | None:
    """The recipient's page in the national registry, from the CIVMON_RECIPIENT_URL setting; None without either."""
    template = settings.get("CIVMON_RECIPIENT_URL")
    return template.replace("{id}", quote(recipient_id, safe="")) if template and recipient_id else None


def layout(key=None, **query):
    state = st.parse(query)
    tr = i18n.translator(state.lang)
    key = unquote(key or "")

    def content():
        info, funders = cache.cached("recipient", (key, state.search), lambda: records.recipient(key, state.filter))
        if info is None:
            return [html.P(tr("No grants to {name} in these filters.").format(name=key), className="lead")]
        link = registry_link(info["recipient_id"])
        rows = [html.Tr([html.Td(html.A(r["funder_name"], href=f"/authority/{r['funder_authority_id']}" + state.search)),
                         html.Td(i18n.number(r["grants"], state.lang)),
                         html.Td(i18n.money(r["amount"], r["currency"], state.lang)),
                         html.Td(i18n.percent(r["share_pct"], state.lang))]) for r in funders.to_dict("records")]
        head = html.Thead(html.Tr([html.Th(tr(h), scope="col") for h in (
            _("Funder"), _("Grants"), _("Amount"), _("Share of the funder's grants"))]))
        return [html.H2(info["name"], className="h4 mb-1"),
                html.P([tr("Registry id: {id}").format(id=info["recipient_id"]) if info["recipient_id"] else
                        tr("No registry id: known by its name"),
                        *([" · ", html.A(tr("See it in the registry"), href=link, rel="noopener")] if link else [])],
                       className="text-muted"),
                dbc.Table([head, html.Tbody(rows)], size="sm", bordered=False, className="recipient-table"),
                html.H3(tr("Grants received"), className="h6 mt-3"),
                grids.records_grid("grants", state, recipient=key, label=tr("Grants received"))]
    return c.guarded(state, __name__, content, path=(key,))
