"""Tables of many rows, paged on the server: the authorities table and the record tables (dash-ag-grid's infinite
row model). The browser asks for a block of rows as it scrolls or sorts (`getRowsRequest`); one callback answers
with that block from the reporting layer (queries.authorities.authority_table, queries.records.page), so tens of
thousands of rows never travel to the browser. Each grid's store holds the address it shows.
"""
from __future__ import annotations

import dash_ag_grid as dag
from urllib.parse import quote

from dash import MATCH, Input, Output, State as DashState, callback, dcc, html, no_update

from queries import FilterError, authorities as au, records

from . import cache, i18n, state as st
from .state import State

BLOCK = 50  # rows per request: one page of the API
AUTHORITIES_GRID, AUTHORITIES_STORE = "authorities-grid", "authorities-grid-state"
RECORDS_GRID, RECORDS_STORE = "records-grid", "records-grid-state"

AUTHORITY_COLUMNS = ("name", "country", "level", "region_name", "officer", "officer_rank", "required_rank",
                     "consultations", "late", "on_time_pct", "grants", "amount", "currency", "competitive_share_pct",
                     "trainings", "participants", "follow_up_reasons")
NUMERIC = {"officer_rank", "required_rank", "consultations", "late", "on_time_pct", "grants", "amount",
           "competitive_share_pct", "trainings", "participants", "comments_received", "comments_accepted",
           "period_days", "min_comment_days", "participants_total", "participants_public", "participants_cso",
           "participants_other", "position_rank", "year"}
LINKED = {"name": "authority_id", "authority_name": "authority_id", "funder_name": "funder_authority_id",
          "organiser_name": "organiser_authority_id", "recipient_name": None}


def _column(name: str, tr) -> dict:
    col = {"field": name, "headerName": name, "headerTooltip": tr(name), "sortable": True,
           "resizable": True, "minWidth": 90, "width": 130}
    if name in NUMERIC:
        col["type"] = "rightAligned"
    if name in LINKED:
        col.update(cellRenderer="markdown", minWidth=220, flex=2)
    if name in ("title", "position", "topic"):
        col.update(minWidth=260, flex=3, tooltipField=name)
    return col


def _grid(grid_id, store_id, store: dict, columns: list[dict], label: str, height: int = 460) -> html.Div:
    return html.Div([
        dcc.Store(id=store_id, data=store),
        dag.AgGrid(id=grid_id, rowModelType="infinite", columnDefs=columns,
                   dashGridOptions={"cacheBlockSize": BLOCK, "maxBlocksInCache": 20, "infiniteInitialRowCount": BLOCK,
                                    "tooltipShowDelay": 300, "enableCellTextSelection": True,
                                    "ensureDomOrder": True},
                   defaultColDef={"suppressHeaderMenuButton": True}, style={"height": f"{height}px"},
                   className="ag-theme-quartz civmon-grid"),
    ], role="region", **{"aria-label": label})


def _link(text, target: str | None, path: str, search: str) -> str:
    """A cell's markdown link to a page of its own (an authority's, a recipient's); the text alone without one."""
    if text is None:
        return ""
    shown = str(text).replace("[", "(").replace("]", ")")
    return f"[{shown}]({path}/{target}{search})" if target else shown


def _linked(rows: list[dict], search: str) -> list[dict]:
    """Each name of an authority a link to its page (LINKED says whose id goes with it), each recipient's to its."""
    for row in rows:
        for name, key in LINKED.items():
            if name in row:
                target = key and row.get(key) if name != "recipient_name" else \
                    quote(records.recipient_key(row.get("recipient_id"), row["recipient_name"]), safe="")
                row[name] = _link(row[name], target, "/recipient" if name == "recipient_name" else "/authority",
                                  search)
    return rows


def _sort(request: dict, default: str | None) -> tuple[str | None, bool]:
    model = (request or {}).get("sortModel") or []
    if not model:
        return default, default is None
    return model[0]["colId"], model[0]["sort"] == "desc"


# --- the authorities table ---------------------------------------------------------------------------------------

def authorities_grid(state: State) -> html.Div:
    tr = i18n.translator(state.lang)
    return _grid(AUTHORITIES_GRID, AUTHORITIES_STORE, {"search": state.search},
                 [_column(c, tr) for c in AUTHORITY_COLUMNS], tr("Authorities"), height=560)


def authority_rows(search: str, start: int, end: int, sort: str, descending: bool) -> tuple[list[dict], int]:
    """A block of the authorities table for an address (its filter, `q` and `follow_up`)."""
    state = st.parse(search)
    df = cache.query("authorities", state.filter)
    rows, total = au.authority_table(df, q=state.q, follow_up_only=state.follow_up, sort=sort,
                                     descending=descending, start=start, rows=max(end - start, 0))
    plain = st.State(state.filter, state.lang).search
    return _linked(rows.to_dict("records"), plain), total


@callback(Output(AUTHORITIES_GRID, "getRowsResponse"), Input(AUTHORITIES_GRID, "getRowsRequest"),
          DashState(AUTHORITIES_STORE, "data"), prevent_initial_call=True)
def serve_authorities(request, store):
    if not request or not store:
        return no_update
    sort, descending = _sort(request, "name")
    try:
        rows, total = authority_rows(store["search"], int(request.get("startRow", 0)),
                                     int(request.get("endRow", BLOCK)), sort, descending)
    except FilterError:
        return {"rowData": [], "rowCount": 0}
    return {"rowData": rows, "rowCount": total}


# --- record tables ------------------------------------------------------------------------------------------------

# the columns that say whose records they are: left out of the records of one authority or one recipient
OWNER_COLUMNS = {"authority_id", "authority_name", "funder_authority_id", "funder_name", "organiser_authority_id",
                 "organiser_name", "level", "region1_code"}


def records_grid(kind: str, state: State, authority_id: str | None = None, recipient: str | None = None,
                 label: str | None = None, height: int = 420) -> html.Div:
    """The records of a kind for the view, narrowed to an authority's or a recipient's, newest first."""
    tr = i18n.translator(state.lang)
    store = {"search": state.search, "authority": authority_id, "recipient": recipient}
    key = {"kind": kind, "of": authority_id or recipient or ""}
    shown = [c for c in records.COLUMNS[kind] if not (authority_id and c in OWNER_COLUMNS)
             and not (recipient and c in ("recipient_name", "recipient_id"))]
    return _grid({"type": RECORDS_GRID, **key}, {"type": RECORDS_STORE, **key}, store,
                 [_column(c, tr) for c in shown], label or tr(kind), height)


@callback(Output({"type": RECORDS_GRID, "kind": MATCH, "of": MATCH}, "getRowsResponse"),
          Input({"type": RECORDS_GRID, "kind": MATCH, "of": MATCH}, "getRowsRequest"),
          DashState({"type": RECORDS_STORE, "kind": MATCH, "of": MATCH}, "data"),
          DashState({"type": RECORDS_STORE, "kind": MATCH, "of": MATCH}, "id"), prevent_initial_call=True)
def serve_records(request, store, store_id):
    if not request or not store:
        return no_update
    state = st.parse(store["search"])
    sort, descending = _sort(request, None)
    start, end = int(request.get("startRow", 0)), int(request.get("endRow", BLOCK))
    try:
        df, total = records.page(store_id["kind"], state.filter,
                                 records.Narrowing(store.get("authority"), store.get("recipient")),
                                 sort=sort, descending=descending, start=start, rows=max(end - start, 0))
    except FilterError:
        return {"rowData": [], "rowCount": 0}
    return {"rowData": _linked(df.to_dict("records"), state.search), "rowCount": total}
