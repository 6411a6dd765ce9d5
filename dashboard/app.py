"""The Dash app factory and the module-level `server` that gunicorn serves.

This first release shows the four indicator tables for the whole dataset; the full pages
(filters in the address, maps, languages) come next. Every asset is served locally.
"""
from __future__ import annotations

import dash
from dash import dash_table, html

from queries import Filter, FilterError, formats, indicator_queries


def _indicator_card(query) -> html.Section:
    try:
        df = query.run(Filter())
        body = dash_table.DataTable(
            data=formats.records(df), columns=[{"name": c, "id": c} for c in df.columns],
            style_table={"overflowX": "auto"}, page_size=15,
            style_cell={"fontFamily": "system-ui, sans-serif", "fontSize": "14px", "padding": "4px 8px"})
        if df.empty:
            body = html.P("No data yet: load demo data with `civmon demo` or import files with `civmon import`.")
    except FilterError as exc:
        body = html.P(str(exc))
    return html.Section([html.H2(query.title), html.P(query.definition), body], style={"marginBottom": "2rem"})


def layout():
    return html.Main([
        html.H1("civmon"),
        html.P("Cooperation between public authorities and civil society organisations: the four indicators "
               "for all data in the database. Filterable pages and maps come in the next release."),
        *[_indicator_card(q) for q in indicator_queries()],
    ], style={"maxWidth": "1200px", "margin": "0 auto", "padding": "1rem", "fontFamily": "system-ui, sans-serif"})


def create_app() -> dash.Dash:
    app = dash.Dash(__name__, title="civmon", serve_locally=True, update_title=None)
    app.layout = layout
    return app


app = create_app()
server = app.server
