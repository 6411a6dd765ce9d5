"""The API of authorities and records: /api/v1/authorities.json|csv (the authorities table: the filters, a search,
the follow-up list, sorted and paged on the server), /api/v1/authorities/<id>.json (one authority beside its peers)
and /api/v1/records/<kind>.json|csv (the grants, consultations, trainings or officers behind a figure).

The numbers are the reporting layer's (queries.authorities, queries.records, through the cache like every query):
the pages show the same rows. Errors are short JSON messages, as for the charts.
"""
from __future__ import annotations

import flask

from queries import FilterError, authorities as au, formats, records

from . import cache, state as st
from .api import _error, _file, _json, bp

TABLE_FORMATS = ("json", "csv")


def _int(name: str, default: int, low: int, high: int) -> int:
    """A whole-number parameter within bounds; FilterError otherwise."""
    text = flask.request.args.get(name, "")
    if text == "":
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise FilterError("{name} must be a whole number from {low} to {high}, not {value}", name=name, low=low,
                          high=high, value=repr(text))
    return int(text)


def table_request(state: st.State, args) -> dict:
    """The authorities table's options from an address: its search and follow-up list (kept in the state like a
    filter), and `sort`, `desc`."""
    return {"q": state.q, "follow_up_only": state.follow_up, "sort": args.get("sort") or "name",
            "descending": args.get("desc", "") not in ("", "0", "false")}


@bp.get("/authorities.<fmt>")
def authorities_table(fmt: str):
    """The authorities table for the filters: one page of PAGE_ROWS as JSON (`page`, from 1), every row selected as
    CSV or XLSX unless a page is asked for."""
    if fmt not in TABLE_FORMATS + ("xlsx",):
        return _error(404, f"no format {fmt!r}; the authorities table comes as json, csv, xlsx")
    state = st.parse(flask.request.args.to_dict())
    if state.error:
        return _error(400, state.error)
    try:
        options = table_request(state, flask.request.args)
        paged = fmt == "json" or "page" in flask.request.args
        number = _int("page", 1, 1, 1_000_000)
        df = cache.query("authorities", state.filter)
        rows, total = au.authority_table(df, **options, start=(number - 1) * au.PAGE_ROWS,
                                         rows=au.PAGE_ROWS if paged else len(df))
    except FilterError as exc:
        return _error(400, str(exc))
    if fmt == "csv":
        return _file(formats.to_csv(rows).encode("utf-8"), "csv", "authorities.csv", attachment=True)
    if fmt == "xlsx":
        about = [("query", "authorities"), ("filters", str(state.filter.describe())), ("search", options["q"]),
                 ("follow_up_only", str(options["follow_up_only"])), ("generated_at", formats.generated_at()),
                 ("address", flask.request.url)]
        return _file(formats.to_xlsx(rows, sheet="authorities", about=about), "xlsx", "authorities.xlsx",
                     attachment=True)
    return _json({"query": "authorities", "filters": state.filter.describe(), **{k: v for k, v in options.items()},
                  "total": total, "page": number, "page_rows": au.PAGE_ROWS,
                  "pages": max(1, -(-total // au.PAGE_ROWS)), "rows": rows.to_dict("records")})


def profile(authority_id: str, state: st.State) -> dict | None:
    """One authority's row for the filter's years, its peers' standing (same country and level) and what needs
    follow-up; None for an unknown authority."""
    found = au.lookup(authority_id)
    if found is None:
        return None
    if not au.in_filter(authority_id, state.filter):  # another country, region or level than the filter's
        return {"authority": None, "peers": 0, "standing": {}, "follow_up": []}
    peers = cache.query("authorities", au.peers_filter(state.filter, found.country, found.level))
    mine = peers[peers["authority_id"] == authority_id]
    row = mine.iloc[0].to_dict() if len(mine) else None
    return {"authority": row, "peers": int(len(peers)), "standing": au.standing(peers, authority_id),
            "follow_up": [{"code": code, "text": au.FOLLOW_UP_TEXT[code]}
                          for code in (row["follow_up_reasons"].split(",") if row and row["follow_up_reasons"]
                                       else [])]}


@bp.get("/authorities/<authority_id>.json")
def authority(authority_id: str):
    state = st.parse(flask.request.args.to_dict())
    if state.error:
        return _error(400, state.error)
    try:
        found = profile(authority_id, state)
    except FilterError as exc:
        return _error(400, str(exc))
    if found is None:
        return _error(404, f"no authority {authority_id!r}")
    return _json({"query": "authorities", "filters": state.filter.describe(), **found})


@bp.get("/records/<kind>.<fmt>")
def records_file(kind: str, fmt: str):
    """The records of a kind for the filters (`authority=` one authority's, `recipient=` one recipient's grants),
    newest first or `sort=`/`desc=0`: a page of PAGE_ROWS as JSON (`page`, from 1), every row as CSV unless a page
    is asked for."""
    if kind not in records.KINDS:
        return _error(404, f"no records {kind!r}; the kinds are {', '.join(records.KINDS)}")
    if fmt not in TABLE_FORMATS:
        return _error(404, f"no format {fmt!r}; records come as {', '.join(TABLE_FORMATS)}")
    state = st.parse(flask.request.args.to_dict())
    if state.error:
        return _error(400, state.error)
    args = flask.request.args
    narrow = records.Narrowing(authority_id=args.get("authority") or None, recipient_key=args.get("recipient") or None)
    try:
        number = _int("page", 1, 1, 1_000_000)
        paged = fmt == "json" or "page" in args
        df, total = records.page(kind, state.filter, narrow, sort=args.get("sort") or None,
                                 descending=args.get("desc", "1") not in ("0", "false"),
                                 start=(number - 1) * records.PAGE_ROWS if paged else 0,
                                 rows=records.PAGE_ROWS if paged else None)
    except FilterError as exc:
        return _error(400, str(exc))
    if fmt == "csv":
        return _file(formats.to_csv(df).encode("utf-8"), "csv", f"{kind}.csv", attachment=True)
    return _json({"query": f"records-{kind}", "filters": state.filter.describe(),
                  "authority": narrow.authority_id, "recipient": narrow.recipient_key, "total": total,
                  "page": number, "page_rows": records.PAGE_ROWS, "pages": max(1, -(-total // records.PAGE_ROWS)),
                  "rows": df.to_dict("records")})
