"""The chart API: /api/v1/charts lists the charts; /api/v1/charts/<chart_id>.<format> gives one chart's
data (json, csv, xlsx) or a static image (png, svg) for the filters in the address.

Everything derives from the chart registry (dashboard/charts.py): a new chart gets every format
without code here. The data is `chart.data(state)`, the query the page runs; images are drawn by
dashboard/images.py. Errors are short JSON messages (404 unknown chart or format, 400 a parameter
that cannot be used, 503 no browser for images), never a traceback.
"""
from __future__ import annotations

import json
import re

import flask

from queries import FilterError, formats, meta

from . import charts, framing, i18n, images, provenance, state as st

bp = flask.Blueprint("civmon_api", __name__, url_prefix="/api/v1")

DATA_FORMATS = ("json", "csv", "xlsx")
FORMATS = DATA_FORMATS + images.FORMATS
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", **images.MEDIA_TYPES}
PARAMETERS = {
    "country": "ISO 3166-1 alpha-2 codes, comma-separated (RO,BG)",
    "region": "level-1 region codes (ISO 3166-2), comma-separated (RO-CJ,RO-AB); a municipality's code counts as its county",
    "year_from": "first year of the range, inclusive (2019)",
    "year_to": "last year of the range, inclusive (2023)",
    "level": "levels of government, comma-separated: " + ", ".join(charts.LEVEL_LABELS),
    "lang": "language of titles and labels: " + ", ".join(i18n.LANGUAGES),
}
IMAGE_PARAMETERS = {
    "width": f"image width in pixels, {images.LIMITS['width'][0]}–{images.LIMITS['width'][1]} "
             f"(default {images.DEFAULT_WIDTH})",
    "height": f"image height in pixels, {images.LIMITS['height'][0]}–{images.LIMITS['height'][1]} "
              f"(default: fits the chart, at least {images.DEFAULT_HEIGHT})",
    "scale": f"pixel density of a PNG, {images.LIMITS['scale'][0]:g}–{images.LIMITS['scale'][1]:g} (default 1)",
}
IMAGE_MAX_AGE = 300  # seconds a browser or proxy may keep an image or data file without asking again


def register(server: flask.Flask) -> None:
    """Serve the API on the app's Flask server and set the frame-ancestors headers of every response."""
    from . import api_records  # noqa: F401  (its routes: the authorities table, an authority, records)
    server.register_blueprint(bp)
    framing.register(server)


def is_table(chart: charts.Chart) -> bool:
    """True for a chart shown as a table only: it has data formats but no image."""
    return chart.build is charts.build_table


def formats_of(chart: charts.Chart) -> tuple[str, ...]:
    return DATA_FORMATS if is_table(chart) else FORMATS


def _error(status: int, message: str) -> flask.Response:
    return flask.Response(json.dumps({"error": message, "status": status}, ensure_ascii=False) + "\n",
                          status=status, mimetype="application/json")


def _args() -> dict[str, str]:
    return {k: v for k, v in flask.request.args.items()}


@bp.get("/charts")
def listing():
    """Every chart in page order with its title, definition, parameters, formats and addresses."""
    state = st.parse(_args())
    tr = i18n.translator(state.lang)
    out = []
    for chart in charts.CHARTS.values():
        q = chart.query
        fmts = formats_of(chart)
        out.append({
            "id": chart.id, "title": tr(chart.title), "definition": tr(chart.definition), "area": chart.area,
            "query": q.id, "columns": list(q.columns),
            "parameters": PARAMETERS, "image_parameters": {} if is_table(chart) else IMAGE_PARAMETERS,
            "formats": list(fmts),
            "urls": {**{f: flask.url_for("civmon_api.chart_file", chart_id=chart.id, fmt=f) for f in fmts},
                     "embed": flask.request.script_root + f"/embed/{chart.id}"},
        })
    return _json(out)


@bp.get("/charts/<chart_id>.<fmt>")
def chart_file(chart_id: str, fmt: str):
    """One chart's data or image for the filters in the address."""
    chart = charts.CHARTS.get(chart_id)
    if chart is None:
        return _error(404, f"no chart {chart_id!r}; the list is at /api/v1/charts")
    if fmt not in FORMATS:
        return _error(404, f"no format {fmt!r}; a chart comes as {', '.join(formats_of(chart))}")
    if fmt in images.FORMATS and is_table(chart):
        return _error(404, f"{chart_id} is a table, not a figure, so it has no image; "
                           f"its rows come as {', '.join(DATA_FORMATS)}")
    state = st.parse(_args())
    if state.error:
        return _error(400, state.error)
    if fmt in images.FORMATS:
        return _image(chart, state, fmt)
    try:
        df = chart.data(state)
    except FilterError as exc:
        return _error(400, str(exc))
    if fmt == "json":
        return _json(_document(chart, state, df))
    if fmt == "csv":
        body = formats.to_csv(df).encode("utf-8")
    else:
        body = formats.to_xlsx(df, sheet=chart.id, about=_about(chart, state, df))
    return _file(body, fmt, _filename(chart, state, fmt), attachment=True)


def _image(chart: charts.Chart, state: st.State, fmt: str) -> flask.Response:
    try:
        size = images.parse_size(flask.request.args)
    except images.SizeError as exc:
        return _error(400, str(exc))
    try:
        body = images.render(chart, state, fmt, size, lambda: chart.data(state))
    except FilterError as exc:  # e.g. an unknown region code, known only once the query runs
        return _error(400, str(exc))
    except images.ImageUnavailable as exc:
        return _error(503, str(exc))
    download = flask.request.args.get("download") not in (None, "", "0", "false")
    return _file(body, fmt, _filename(chart, state, fmt), attachment=download,
                 etag=images.etag(chart, state, fmt, size))


def _document(chart: charts.Chart, state: st.State, df) -> dict:
    """The query's JSON document (queries.formats.document), with the chart, in the view's language, and where the
    numbers come from."""
    tr = i18n.translator(state.lang)
    info = meta.dataset_info()
    return {"chart": chart.id, "title": tr(chart.title), **formats.document(
        chart.query, state.filter, df, title=tr(chart.title), definition=tr(chart.definition),
        filters={**state.filter.describe(), "lang": state.lang}, filter_summary=provenance.filter_summary(state),
        source=provenance.source_line(state), demo=info.demo is not None, demo_scale=info.demo,
        data_version=info.data_version, note=charts.rate_note(df, state))}


def _about(chart: charts.Chart, state: st.State, df) -> list[tuple[str, str]]:
    """The XLSX's second sheet: what the rows are, for which filters, from where."""
    tr = i18n.translator(state.lang)
    note = charts.rate_note(df, state)
    return [("chart", chart.id), ("title", tr(chart.title)), ("definition", tr(chart.definition)),
            ("filters", provenance.filter_summary(state)), *([("note", note)] if note else []),
            ("source", provenance.source_line(state)),
            ("generated_at", formats.generated_at()),
            ("address", flask.request.url)]


def _filename(chart: charts.Chart, state: st.State, fmt: str) -> str:
    """e.g. funding-by-county_RO_2019-2023.png: the chart and its filters, safe on every system."""
    f = state.filter
    years = "" if f.year_from is None and f.year_to is None else \
        f"{f.year_from or ''}-{f.year_to or ''}" if f.year_from != f.year_to else str(f.year_from)
    parts = [chart.id, "+".join(f.countries), "+".join(f.regions), years, "+".join(f.levels),
             "" if state.lang == i18n.DEFAULT else state.lang]
    name = "_".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9_.+-]", "", name)[:150] + "." + fmt


def _json(doc) -> flask.Response:
    return flask.Response(formats.to_json(doc) + "\n", mimetype="application/json")


def _file(body: bytes, fmt: str, filename: str, *, attachment: bool, etag: str | None = None) -> flask.Response:
    resp = flask.Response(body, content_type=MEDIA_TYPES[fmt])
    resp.headers["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    if etag:  # an image changes only with the data version, which is in its tag
        resp.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
        resp.set_etag(etag)
        resp = resp.make_conditional(flask.request)
    return resp


@bp.route("/", defaults={"rest": ""})
@bp.route("/<path:rest>")
def not_found(rest: str):
    return _error(404, f"no such address /api/v1/{rest}; the charts are listed at /api/v1/charts")
