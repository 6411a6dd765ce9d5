"""Offline maps of level-1 regions (counties, oblasts, districts) for the dashboard pages.

Two kinds of figure, both built with plotly.graph_objects and drawn without any network:

* **Choropleth** (`go.Choropleth`) for a single country that has geometry: the features of
  ``data/geo/<COUNTRY>.geojson`` (Natural Earth admin-1, simplified, see data/geo/SOURCES.md),
  matched on ``properties.code`` = the ISO 3166-2 code as pycountry spells it. The geo base map
  is hidden (``visible=False``) and the view fits the regions (``fitbounds="locations"``).
  plotly.js still downloads a base-map topojson for every geo subplot (``world_110m.json``);
  ``MAP_CONFIG["topojsonURL"]`` points it at ``assets/topojson/`` that the app serves, so the browser
  never asks the plotly CDN. Since the base map is hidden, that file has plotly.js's layers without
  shapes (0.3 KB, written by scripts/build_geo.py; a map that showed land or coastlines would need
  plotly.js's own file back). The dcc.Graph that shows a map must use MAP_CONFIG and
  the app must serve the repository's ``assets/`` folder (``dash.Dash(..., assets_folder=...)``).
* **Tile grid** (`go.Heatmap` of equal squares, code labels, no axes) for a country without geometry
  (Kazakhstan: Natural Earth still has its pre-2022 oblasts) and for a frame that holds several
  countries: one block of tiles per country, side by side. Tile positions come from
  ``<COUNTRY>-tiles.csv`` (code,row,col; row 0 is the north), else are derived from the country's
  geometry (centroids matched to grid cells), else a compact alphabetical grid.

Every region carries its code in ``customdata`` (a click gives ``clickData["points"][0]["customdata"]``),
missing values are drawn grey with "no data" in the hover, ``selected`` regions are outlined.

Operators can point ``CIVMON_GEOJSON_DIR`` at a folder of their own ``<COUNTRY>.geojson`` files (features
with ``properties.code``) and ``<COUNTRY>-tiles.csv`` files; that folder is searched before data/geo/.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import json
import logging
import math
import os
import re
from pathlib import Path

import flask
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go
import pycountry

from queries import settings

from .figures import BLANK, figure

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
GEO_DIR = ROOT / "data" / "geo"
ASSETS_DIR = ROOT / "assets"          # the folder the app must serve as /assets/ (holds topojson/)
ENV_GEOJSON_DIR = "CIVMON_GEOJSON_DIR"

DEFAULT_COLORSCALE = pcolors.get_colorscale("Viridis_r")   # colour-blind safe; light = low, dark = high
NO_DATA_COLOR = "#d0d0d0"
CONTEXT_COLOR = "#eef0f3"  # the regions around a selection: lighter than "no data", so the two are never confused
BORDER_COLOR = "#ffffff"
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=13, color="#222")
TILE_BLOCK_MAX_COLS = 18     # several countries: start a new row of blocks past this width (two blocks a row for
                             # RO, BG, RS, KZ: on a phone the country names above the blocks do not run together)
TILE_NAMES_MAX_COLS = 8      # tile labels show the name under the code up to this grid width


def _url_prefix() -> str:
    # Dash reads the same variables for requests_pathname_prefix / url_base_pathname.
    prefix = (os.environ.get("DASH_REQUESTS_PATHNAME_PREFIX") or os.environ.get("DASH_URL_BASE_PATHNAME")
              or "/")
    return prefix if prefix.endswith("/") else prefix + "/"


MAP_CONFIG: dict = {
    # plotly.js fetches <topojsonURL>world_110m.json for any geo subplot, custom geojson or not.
    "topojsonURL": _url_prefix() + "assets/topojson/",
    "displaylogo": False,
    "responsive": True,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


# ----------------------------------------------------------------------------------------------
# Geometry and tile files
# ----------------------------------------------------------------------------------------------
def _search_dirs() -> list[Path]:
    env = settings.get(ENV_GEOJSON_DIR)
    return ([Path(env)] if env else []) + [GEO_DIR]


def _norm_country(country: str | None) -> str | None:
    if not country or not re.fullmatch(r"[A-Za-z]{2}", country.strip()):
        return None
    return country.strip().upper()


def _find(filename: str) -> Path | None:
    for d in _search_dirs():
        p = d / filename
        if p.is_file():
            return p
    return None


def geojson_path(country: str) -> Path | None:
    """The GeoJSON file for a country: $CIVMON_GEOJSON_DIR/<CC>.geojson if present, else data/geo/<CC>.geojson."""
    cc = _norm_country(country)
    return _find(f"{cc}.geojson") if cc else None


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def _d3_winding(geometry: dict) -> dict:
    """Exterior rings clockwise, holes counter-clockwise, as d3-geo (plotly.js) reads them.

    GeoJSON files normally follow RFC 7946 (exterior counter-clockwise); plotly.js would take such a
    ring for "the whole globe except this region" and paint over everything else."""
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return geometry
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = []
    for poly in polys:
        out.append([ring[::-1] if (_signed_area(ring) < 0) != (i == 0) else ring
                    for i, ring in enumerate(poly) if len(ring) >= 4])
    out = [p for p in out if p]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": out[0] if out else []}
    return {"type": "MultiPolygon", "coordinates": out}


@functools.cache
def _read_geojson(path: str, mtime_ns: int) -> dict:
    """Features with a string properties.code, reduced to {code, name} and rewound for plotly.js;
    read once per file version."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    feats, seen = [], set()
    for f in data.get("features", []) if isinstance(data, dict) else []:
        props = f.get("properties") or {}
        code = props.get("code")
        if not isinstance(code, str) or not f.get("geometry"):
            continue
        if code in seen:
            log.warning("%s: several features for %s; using the first", path, code)
            continue
        seen.add(code)
        feats.append({"type": "Feature", "properties": {"code": code, "name": props.get("name", code)},
                      "geometry": _d3_winding(f["geometry"])})
    if not feats:
        log.warning("%s has no feature with properties.code", path)
    return {"type": "FeatureCollection", "features": feats}


def _geometry(country: str | None) -> dict | None:
    path = geojson_path(country) if country else None
    if path is None:
        return None
    fc = _read_geojson(str(path), path.stat().st_mtime_ns)
    return fc if fc["features"] else None


# ----------------------------------------------------------------------------------------------
# Geometry served as a file of its own
# ----------------------------------------------------------------------------------------------
# A map figure that carries its regions' outlines is ~70 KB of JSON, built, cached, serialised and sent again
# at every filter change. Served once at /geo/<CC>.json (versioned by the file, cached by the browser for a
# year), the figure names it by address (plotly.js accepts a URL for a choropleth's `geojson` and fetches it
# once per page) and shrinks to a few KB. Images are drawn by kaleido without our server: `inline_geometry`
# puts the outlines back into such a figure.
GEO_ROUTE = "geo/"


def geometry_url(country: str) -> str | None:
    """The address of the country's (rewound, reduced) geometry, versioned by its file; None without one."""
    cc = _norm_country(country)
    path = geojson_path(cc) if cc else None
    if path is None or _geometry(cc) is None:
        return None
    version = hashlib.blake2b(f"{path}:{path.stat().st_mtime_ns}".encode(), digest_size=6).hexdigest()
    return f"{_url_prefix()}{GEO_ROUTE}{cc}.json?v={version}"


@functools.cache
def _geometry_bytes(path: str, mtime_ns: int) -> bytes:
    return json.dumps(_read_geojson(path, mtime_ns), separators=(",", ":")).encode()


def geometry_response(country: str) -> flask.Response:
    """/geo/<CC>.json: the geometry the choropleths name by address (404 for a country without one)."""
    cc = _norm_country(country)
    path = geojson_path(cc) if cc else None
    if path is None or _geometry(cc) is None:
        return flask.Response(f"No map geometry for {country!r}.\n", status=404, mimetype="text/plain")
    resp = flask.Response(_geometry_bytes(str(path), path.stat().st_mtime_ns), mimetype="application/json")  # compressed like other JSON
    # the address changes with the file (?v=…), so a browser may keep it
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return resp


def register(server: flask.Flask) -> None:
    server.add_url_rule(f"/{GEO_ROUTE}<country>.json", "civmon_geometry", geometry_response)


def inline_geometry(fig: go.Figure) -> go.Figure:
    """The figure with the outlines of every choropleth that names its geometry by address put back in
    (only its own regions'): a figure that draws without the server, for kaleido."""
    for trace in fig.data:
        if trace.type == "choropleth" and isinstance(trace.geojson, str):
            cc = re.search(r"([A-Z]{2})\.json", trace.geojson)
            fc = _geometry(cc.group(1)) if cc else None
            if fc is not None:
                trace.geojson = _subset(fc, trace.locations or ())
    return fig


def _subset(fc: dict, codes) -> dict:
    by_code = {f["properties"]["code"]: f for f in fc["features"]}
    return {"type": "FeatureCollection", "features": [by_code[c] for c in codes if c in by_code]}


def has_geometry(country: str) -> bool:
    """True when a GeoJSON file with at least one coded feature exists for the country."""
    return _geometry(country) is not None


@functools.cache
def _read_tiles(path: str, mtime_ns: int) -> dict[str, tuple[int, int]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["code"].strip(): (int(r["row"]), int(r["col"])) for r in csv.DictReader(fh)}


def _ring_centroid(ring: list, kx: float) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        x0, x1 = x0 * kx, x1 * kx
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        xs, ys = [p[0] * kx for p in ring], [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * a), cy / (3 * a), abs(a) / 2


def _assign(cost: list[list[float]]) -> list[int]:
    """Minimum-total-cost assignment of each row to a distinct column (rows <= columns).

    The Hungarian method, O(n^2 m); n is a country's region count, so this is instant."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    out = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out


@functools.cache
def _derived_tiles(path: str, mtime_ns: int) -> dict[str, tuple[int, int]]:
    """Tiles from geometry: centroids (of each region's largest polygon) on a grid with ~1.2 cells per
    region, each region in a cell of its own, least total squared displacement."""
    fc = _read_geojson(path, mtime_ns)
    rings = {f["properties"]["code"]: [r for r in _outer_rings(f["geometry"]) if len(r) >= 3]
             for f in fc["features"]}
    rings = {code: rs for code, rs in rings.items() if rs}
    if not rings:
        return {}
    lats = [pt[1] for rs in rings.values() for pt in rs[0]]
    kx = math.cos(math.radians(sum(lats) / len(lats)))
    pts = {code: max((_ring_centroid(r, kx) for r in rs), key=lambda c: c[2])[:2]
           for code, rs in sorted(rings.items())}
    n = len(pts)
    xs, ys = [p[0] for p in pts.values()], [p[1] for p in pts.values()]
    x0, y0 = min(xs), max(ys)
    w, h = max(max(xs) - x0, 1e-6), max(y0 - min(ys), 1e-6)
    size = math.sqrt(w * h / n)
    while (int(w / size) + 1) * (int(h / size) + 1) < 1.2 * n:
        size *= 0.95
    cells = [(r, c) for r in range(int(h / size) + 1) for c in range(int(w / size) + 1)]
    codes = list(pts)
    cost = [[((pts[k][0] - x0) / size - c) ** 2 + ((y0 - pts[k][1]) / size - r) ** 2 for r, c in cells]
            for k in codes]
    return _normalise({k: cells[j] for k, j in zip(codes, _assign(cost))})


def _outer_rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def _normalise(tiles: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    if not tiles:
        return {}
    r0 = min(r for r, _ in tiles.values())
    c0 = min(c for _, c in tiles.values())
    return {k: (r - r0, c - c0) for k, (r, c) in tiles.items()}


def tile_layout(country: str | None, codes: list[str]) -> dict[str, tuple[int, int]]:
    """(row, col) for each code: <CC>-tiles.csv, else derived from geometry, else a compact grid.

    Codes the layout does not know are added in a compact grid below it; no two codes share a cell."""
    cc = _norm_country(country)
    layout: dict[str, tuple[int, int]] = {}
    path = _find(f"{cc}-tiles.csv") if cc else None
    if path is not None:
        layout = _read_tiles(str(path), path.stat().st_mtime_ns)
    elif cc and (gpath := geojson_path(cc)) is not None and _geometry(cc) is not None:
        layout = _derived_tiles(str(gpath), gpath.stat().st_mtime_ns)
    wanted = list(dict.fromkeys(codes))
    placed = {c: layout[c] for c in wanted if c in layout}
    if len(set(placed.values())) != len(placed):
        log.warning("tile layout for %s puts two codes in one cell; using a compact grid", cc)
        placed = {}
    rest = sorted(c for c in wanted if c not in placed)
    if rest:
        placed = _normalise(placed)
        top = max((r for r, _ in placed.values()), default=-2) + 2   # one empty row between
        ncols = max(max((c for _, c in placed.values()), default=-1) + 1, math.ceil(math.sqrt(len(rest))))
        for i, code in enumerate(rest):
            placed[code] = (top + i // ncols, i % ncols)
    return _normalise(placed)


# ----------------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------------
def _country_of(code: str) -> str:
    return code.split("-", 1)[0].upper()


def _country_name(cc: str) -> str:
    c = pycountry.countries.get(alpha_2=cc)
    return getattr(c, "common_name", None) or (c.name if c else cc)


def _tickformat(fmt: str) -> str:
    # ",.1f" -> ",.1~f": colourbar ticks without trailing zeros
    return fmt if "~" in fmt else re.sub(r"(\.\d+)([a-zA-Z%])$", r"\1~\2", fmt)


def _scale(colorscale) -> list:
    if colorscale is None:
        return DEFAULT_COLORSCALE
    if isinstance(colorscale, str):
        return pcolors.get_colorscale(colorscale)          # "Cividis", "Viridis_r", ...
    scale = list(colorscale)
    return pcolors.make_colorscale(scale) if all(isinstance(c, str) for c in scale) else scale


def _text_colour(scale: list, t: float | None) -> str:
    if t is None:
        return "#222"
    return _text_colour_at(tuple(tuple(step) for step in scale), round(min(max(t, 0.0), 1.0), 3))


@functools.lru_cache(maxsize=4096)
def _text_colour_at(scale: tuple, t: float) -> str:
    """Dark or light text on the scale's colour at t (sample_colorscale is ~0.3 ms a call; a call per tile)."""
    rgb = pcolors.sample_colorscale([list(step) for step in scale], [t])[0]
    r, g, b = (pcolors.hex_to_rgb(rgb) if rgb.startswith("#") else pcolors.unlabel_rgb(rgb))
    return "#222" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#fff"


def _wrap(name: str, width: int = 12, lines: int = 2) -> str:
    """A name on at most `lines` lines of about `width` characters, cut with an ellipsis."""
    out: list[str] = []
    for word in name.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1] + "…"
    return "<br>".join(o if len(o) <= width + 2 else o[: width - 1] + "…" for o in out)


def _rows(df: pd.DataFrame, code_col: str, name_col: str, value_col: str) -> list[dict]:
    for col in (code_col, value_col):
        if col not in df.columns:
            raise KeyError(f"region_map: column {col!r} not in the frame (columns: {list(df.columns)})")
    values = pd.to_numeric(df[value_col], errors="coerce")
    names = df[name_col] if name_col in df.columns else pd.Series([None] * len(df), index=df.index)
    rows, seen = [], set()
    for code, name, value in zip(df[code_col], names, values):
        if code is None or (isinstance(code, float) and math.isnan(code)):
            continue
        code = str(code)
        if code in seen:
            log.warning("region_map: several rows for %s; using the first", code)
            continue
        seen.add(code)
        if name is None or (isinstance(name, float) and math.isnan(name)):
            sub = pycountry.subdivisions.get(code=code)
            name = sub.name if sub else code
        rows.append({"code": code, "name": str(name),
                     "value": None if pd.isna(value) else float(value)})
    return rows


def _base_layout(title: str | None, notes: list[str]) -> dict:
    layout = dict(
        template=BLANK, font=FONT, paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=8, r=8, t=44 if title else 8, b=28 if notes else 8),
        hoverlabel=dict(bgcolor="white", font=dict(family=FONT["family"], size=13)),
        clickmode="event", dragmode=False,
    )
    if title:
        layout["title"] = dict(text=title, x=0.01, xanchor="left", y=0.98, yanchor="top", font=dict(size=16))
    if notes:
        layout["annotations"] = [
            dict(text=" · ".join(notes), xref="paper", yref="paper", x=0, y=0, yshift=-22, xanchor="left",
                 yanchor="bottom", showarrow=False, font=dict(size=12, color="#555"), align="left")]
    return layout


def _colorbar(value_label: str, hover_format: str) -> dict:
    return dict(title=dict(text=value_label, side="right"), tickformat=_tickformat(hover_format),
                thickness=14, len=0.8, outlinewidth=0)


def _context_parts(rows: list[dict], value_label: str, hover_format: str) -> list[tuple[list[dict], str]]:
    """The grey regions around a selection as (rows, what their hover says of the value): those with a value show it
    (the trace's z, in the figure's number format; a colour scale of one grey), the others a dash."""
    known = [r for r in rows if r["value"] is not None]
    unknown = [r for r in rows if r["value"] is None]
    return [(part, shown) for part, shown in ((known, f"{value_label}: %{{z:{hover_format}}}"),
                                             (unknown, f"{value_label}: –")) if part]


def _no_data_note(count: int, no_data: str = "no data") -> str:
    return f"<span style='color:{NO_DATA_COLOR}'>■</span> {no_data} ({count})"


def _choropleth(rows, fc, *, value_label, hover_format, scale, title, selected, no_data, others=(),
                no_geometry="not on the map (no geometry)", url=None) -> tuple[list[dict], dict]:
    codes_drawn = {f["properties"]["code"] for f in fc["features"]}
    drawn = [r for r in rows if r["code"] in codes_drawn]
    around = [r for r in others if r["code"] in codes_drawn]
    missing = [r["code"] for r in rows if r["code"] not in codes_drawn]
    with_value = [r for r in drawn if r["value"] is not None]
    no_value = [r for r in drawn if r["value"] is None]

    def common(rs):  # inline, each trace carries only its own features: the figure stays small
        codes = [r["code"] for r in rs]
        return dict(geojson=url or _subset(fc, codes), featureidkey="properties.code", locations=codes,
                    customdata=codes, text=[r["name"] for r in rs])

    traces = []
    for part, shown in _context_parts(around, value_label, hover_format):
        # the rest of the country, grey, its figure on hover: the selection is seen in its place
        traces.append(dict(type="choropleth", **common(part), z=[r["value"] or 0 for r in part],
                           colorscale=[[0, CONTEXT_COLOR], [1, CONTEXT_COLOR]], showscale=False,
                           marker=dict(line=dict(color=BORDER_COLOR, width=0.5)), name="others",
                           hovertemplate=f"<b>%{{text}}</b><br>%{{location}}<br>{shown}<extra></extra>"))
    if with_value:
        zs = [r["value"] for r in with_value]
        zmin, zmax = min(zs), max(zs)
        traces.append(dict(type="choropleth", 
            **common(with_value), z=zs, colorscale=scale, zmin=zmin, zmax=zmax if zmax > zmin else zmin + 1,
            marker=dict(line=dict(color=BORDER_COLOR, width=0.7)), colorbar=_colorbar(value_label, hover_format),
            name=value_label,
            hovertemplate=f"<b>%{{text}}</b><br>%{{location}}<br>{value_label}: %{{z:{hover_format}}}<extra></extra>"))
    if no_value:
        traces.append(dict(type="choropleth", 
            **common(no_value), z=[0] * len(no_value), colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]],
            showscale=False, marker=dict(line=dict(color=BORDER_COLOR, width=0.7)), name=no_data,
            hovertemplate=f"<b>%{{text}}</b><br>%{{location}}<br>{value_label}: {no_data}<extra></extra>"))
    sel = [r for r in drawn if r["code"] in selected]
    for colour, width in (("#ffffff", 5), ("#000000", 2.2)):   # white halo under a black line
        if sel:
            traces.append(dict(type="choropleth", 
                **common(sel), z=[0] * len(sel), colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False, marker=dict(line=dict(color=colour, width=width)), hoverinfo="skip",
                name="selected"))

    notes = [_no_data_note(len(no_value), no_data)] if no_value else []
    if missing:
        notes.append(f"{no_geometry}: " + ", ".join(missing))
    layout = _base_layout(title, notes)
    layout["geo"] = dict(visible=False, fitbounds="locations", projection=dict(type="mercator"),
                         bgcolor="rgba(0,0,0,0)", showframe=False)
    return traces, layout


def _tile_blocks(rows: list[dict], country_name=_country_name) -> tuple[dict[str, tuple[int, int]], list[dict]]:
    """Cells for every row; several countries -> one block per country, shelved left to right."""
    countries = list(dict.fromkeys(_country_of(r["code"]) for r in rows))
    if len(countries) == 1:
        return tile_layout(countries[0], [r["code"] for r in rows]), []
    blocks = []
    for cc in countries:
        lay = tile_layout(cc, [r["code"] for r in rows if _country_of(r["code"]) == cc])
        blocks.append((cc, lay, max(r for r, _ in lay.values()) + 1, max(c for _, c in lay.values()) + 1))
    limit = max(TILE_BLOCK_MAX_COLS, max(b[3] for b in blocks))
    cells, labels = {}, []
    x = 0
    y = 1                      # row 0 holds the first shelf's country labels
    shelf_h = 0
    for cc, lay, h, w in blocks:
        if x and x + w > limit:
            x, y, shelf_h = 0, y + shelf_h + 2, 0
        for code, (r, c) in lay.items():
            cells[code] = (y + r, x + c)
        labels.append(dict(text=f"<b>{country_name(cc)}</b>", x=x - 0.5, y=y - 1, xref="x", yref="y",
                           xanchor="left", yanchor="middle", showarrow=False, font=dict(size=13)))
        x += w + 1
        shelf_h = max(shelf_h, h)
    return cells, labels


def _tiles(rows, *, value_label, hover_format, scale, title, selected, no_data, others=(),
           country_name=_country_name) -> tuple[list[dict], dict]:
    cells, country_labels = _tile_blocks(sorted([*rows, *others], key=lambda r: r["code"]), country_name)
    nrows = max(r for r, _ in cells.values()) + 1
    ncols = max(c for _, c in cells.values()) + 1
    grid = lambda: [[None] * ncols for _ in range(nrows)]  # noqa: E731
    z, z_none, text, codes = grid(), grid(), grid(), grid()
    values = [r["value"] for r in rows if r["value"] is not None]
    zmin, zmax = (min(values), max(values)) if values else (0.0, 1.0)
    span = zmax - zmin or 1.0
    lx, ly, ltext, lcolour = [], [], [], []
    show_names = ncols <= TILE_NAMES_MAX_COLS
    for row in rows:
        r, c = cells[row["code"]]
        text[r][c], codes[r][c] = row["name"], row["code"]
        if row["value"] is None:
            z_none[r][c] = 0
        else:
            z[r][c] = row["value"]
        lx.append(c)
        ly.append(r)
        ltext.append(f"<b>{row['code']}</b><br>{_wrap(row['name'])}" if show_names else row["code"])
        lcolour.append(_text_colour(scale, None if row["value"] is None else (row["value"] - zmin) / span))

    common = dict(x=list(range(ncols)), y=list(range(nrows)), text=text, customdata=codes, xgap=3, ygap=3,
                  hoverongaps=False)
    traces = []
    for row in others:
        r, c = cells[row["code"]]
        text[r][c], codes[r][c] = row["name"], row["code"]
        lx.append(c), ly.append(r), lcolour.append("#4a5561")
        ltext.append(f"<b>{row['code']}</b><br>{_wrap(row['name'])}" if show_names else row["code"])
    for part, shown in _context_parts(others, value_label, hover_format):  # the rest of the country, grey
        z_around = grid()
        for row in part:
            r, c = cells[row["code"]]
            z_around[r][c] = row["value"] or 0
        traces.append(dict(type="heatmap", **common, z=z_around, colorscale=[[0, CONTEXT_COLOR], [1, CONTEXT_COLOR]],
                           showscale=False, name="others",
                           hovertemplate=f"<b>%{{text}}</b><br>%{{customdata}}<br>{shown}<extra></extra>"))
    if values:
        traces.append(dict(type="heatmap", 
            **common, z=z, colorscale=scale, zmin=zmin, zmax=zmax if zmax > zmin else zmin + 1,
            colorbar=_colorbar(value_label, hover_format), name=value_label,
            hovertemplate=f"<b>%{{text}}</b><br>%{{customdata}}<br>{value_label}: %{{z:{hover_format}}}<extra></extra>"))
    if any(v == 0 for line in z_none for v in line):
        traces.append(dict(type="heatmap", 
            **common, z=z_none, colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]], showscale=False,
            name=no_data, hovertemplate=f"<b>%{{text}}</b><br>%{{customdata}}<br>{value_label}: {no_data}<extra></extra>"))
    if len(country_labels) <= 1:  # several countries' blocks are too small for labels: hover names them
        traces.append(dict(type="scatter", x=lx, y=ly, text=ltext, mode="text", textfont=dict(color=lcolour, size=11),
                                 hoverinfo="skip", showlegend=False, name="labels"))

    shapes = []
    for colour, width in (("#ffffff", 5), ("#000000", 2.2)):
        for row in rows:
            if row["code"] in selected:
                r, c = cells[row["code"]]
                shapes.append(dict(type="rect", xref="x", yref="y", x0=c - 0.47, x1=c + 0.47, y0=r - 0.47,
                                   y1=r + 0.47, line=dict(color=colour, width=width), fillcolor="rgba(0,0,0,0)",
                                   layer="above"))
    missing = sum(1 for r in rows if r["value"] is None)
    layout = _base_layout(title, [_no_data_note(missing, no_data)] if missing else [])
    if country_labels:
        layout["annotations"] = layout.get("annotations", []) + country_labels
    if shapes:
        layout["shapes"] = shapes
    top = -1.5 if country_labels else -0.5
    layout.update(showlegend=False, hovermode="closest",
                  xaxis=dict(visible=False, range=[-0.5, ncols - 0.5], fixedrange=True, constrain="domain"),
                  yaxis=dict(visible=False, range=[nrows - 0.5, top], fixedrange=True, scaleanchor="x", scaleratio=1,
                             constrain="domain"))
    return traces, layout


def region_map(df: pd.DataFrame, *, country: str | None, code_col: str = "region_code",
               name_col: str = "region_name", value_col: str, value_label: str, hover_format: str = ",.1f",
               colorscale=None, title: str | None = None, selected: list[str] | None = None,
               no_data: str = "no data", empty: str = "No regions to show",
               no_geometry: str = "not on the map (no geometry)", country_name=None,
               geometry: str = "inline", colorbar: bool = True, layout: dict | None = None,
               context: pd.DataFrame | None = None) -> go.Figure:
    """A map of one value per level-1 region.

    ``country``: the country shown; rows of other countries are left out. ``None``: taken from the codes;
    when the frame holds several countries the figure is one tile grid with a block per country.
    A single country with geometry is a choropleth, one without (Kazakhstan) a tile grid.
    Values that are None/NaN are drawn grey and hover "no data". ``customdata`` of every region is its
    code. ``selected`` codes are outlined. ``colorscale``: a plotly colorscale (default reversed viridis).
    ``no_data``, ``empty``, ``no_geometry`` and ``country_name`` (ISO code -> name, for the blocks of a
    several-country grid) are the texts shown, for a translated interface.
    ``geometry``: "inline" puts the regions' outlines in the figure; "url" names them by the address this
    app serves them at (`geometry_url`), for a figure sent to the app's own pages.
    ``colorbar``: False leaves the colour bar out. ``layout``: more layout (height, margins…) over the map's,
    its ``annotations`` added to the map's own; the figure is built once, from dicts (dashboard/figures.py).
    ``context``: the rows of the regions around the ones in ``df`` (the rest of their country), drawn grey with
    their value on hover.
    """
    rows = _rows(df, code_col, name_col, value_col)
    shown = {r["code"] for r in rows}
    others = [r for r in _rows(context, code_col, name_col, value_col) if r["code"] not in shown] \
        if context is not None else []
    cc = _norm_country(country)
    if cc:
        dropped = [r["code"] for r in rows if _country_of(r["code"]) != cc]
        if dropped:
            log.info("region_map(%s): leaving out rows of other countries: %s", cc, dropped)
        rows = [r for r in rows if _country_of(r["code"]) == cc]
    if not rows:
        base = _base_layout(title, [])
        base.update(annotations=[dict(text=empty, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                                      font=dict(size=14, color="#555"))],
                    xaxis=dict(visible=False), yaxis=dict(visible=False))
        return _figure([], base, layout)
    countries = {_country_of(r["code"]) for r in rows}
    opts = dict(value_label=value_label, hover_format=hover_format, scale=_scale(colorscale), title=title,
                selected=set(selected or ()), no_data=no_data, others=[r for r in others
                                                                       if _country_of(r["code"]) in countries])
    fc = _geometry(next(iter(countries))) if len(countries) == 1 else None
    if fc is not None:
        traces, base = _choropleth(rows, fc, **opts, no_geometry=no_geometry,
                                   url=geometry_url(next(iter(countries))) if geometry == "url" else None)
    else:
        traces, base = _tiles(rows, **opts, country_name=country_name or _country_name)
    if not colorbar:
        for trace in traces:
            if trace["type"] != "scatter":  # not the tiles' labels
                trace["showscale"] = False
    return _figure(traces, base, layout)


def _figure(traces: list[dict], base: dict, extra: dict | None) -> go.Figure:
    """The figure, built once: the map's layout with `extra` over it (its annotations added to the map's)."""
    layout = {**base, **(extra or {})}
    annotations = base.get("annotations", []) + list((extra or {}).get("annotations", []))
    layout.pop("annotations", None)
    return figure(*traces, **layout, **({"annotations": annotations} if annotations else {}))
