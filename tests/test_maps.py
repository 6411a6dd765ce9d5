"""Offline region maps (dashboard/maps.py, data/geo/, assets/topojson/). Fast: no browser, no network."""
from __future__ import annotations

import csv
import json
from collections import Counter

import pandas as pd
import plotly.graph_objects as go
import pycountry
import pytest

from dashboard import maps

MAX_BYTES = 150_000


def level1_codes(country: str) -> list[str]:
    codes = sorted(s.code for s in pycountry.subdivisions.get(country_code=country))
    if country == "RS":   # Belgrade and the 24 districts; the 5 Kosovo districts have no geometry
        codes = [c for c in codes if c[3:].isdigit() and int(c[3:]) <= 24]
    return codes


def frame(country: str, none_every: int = 5) -> pd.DataFrame:
    codes = level1_codes(country)
    return pd.DataFrame({
        "region_code": codes,
        "region_name": [pycountry.subdivisions.get(code=c).name for c in codes],
        "grants": [None if i % none_every == 2 else float(10 * i + 1) for i in range(len(codes))],
    })


def signed_area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def choropleths(fig):
    return [t for t in fig.data if t.type == "choropleth"]


@pytest.mark.parametrize("country,count", [("RO", 42), ("BG", 28), ("RS", 25)])
def test_map001_every_pycountry_code_has_exactly_one_feature(country, count):
    path = maps.GEO_DIR / f"{country}.geojson"
    fc = json.loads(path.read_text(encoding="utf-8"))
    codes = Counter(f["properties"]["code"] for f in fc["features"])
    assert sorted(codes) == level1_codes(country)
    assert len(codes) == count and set(codes.values()) == {1}
    for f in fc["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert f["properties"]["name"] == pycountry.subdivisions.get(code=f["properties"]["code"]).name
        polys = [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"]
        assert all(signed_area(p[0]) > 0 for p in polys), "files follow RFC 7946: exterior rings counter-clockwise"
    assert path.stat().st_size <= MAX_BYTES
    assert maps.has_geometry(country) and maps.geojson_path(country) == path


def test_map002_kz_tiles_cover_all_20_codes_one_per_cell():
    with open(maps.GEO_DIR / "KZ-tiles.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = [r["code"] for r in rows]
    assert sorted(codes) == level1_codes("KZ") and len(codes) == 20
    cells = [(int(r["row"]), int(r["col"])) for r in rows]
    assert len(set(cells)) == len(cells)
    assert not maps.has_geometry("KZ")   # Natural Earth still has the pre-2022 oblasts: tiles, not geometry


@pytest.mark.parametrize("country", ["RO", "BG", "RS"])
def test_map003_choropleth_locations_customdata_nodata_and_size(country):
    df = frame(country)
    fig = maps.region_map(df, country=country, value_col="grants", value_label="Grants")
    assert isinstance(fig, go.Figure)
    traces = choropleths(fig)
    values, nodata = traces[0], traces[1]
    assert sorted(list(values.locations) + list(nodata.locations)) == sorted(df.region_code)
    for t in (values, nodata):
        assert list(t.customdata) == list(t.locations)
        assert t.featureidkey == "properties.code"
        assert {f["properties"]["code"] for f in t.geojson["features"]} == set(t.locations)
    missing = set(df.region_code[df.grants.isna()])
    assert set(nodata.locations) == missing and all(z == 0 for z in nodata.z)
    assert {c for _, c in nodata.colorscale} == {maps.NO_DATA_COLOR} and "no data" in nodata.hovertemplate
    assert list(values.z) == [float(v) for v in df.grants.dropna()]
    assert values.colorbar.title.text == "Grants"
    assert "%{text}" in values.hovertemplate and "%{location}" in values.hovertemplate
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    # plotly.js (d3-geo) needs clockwise exterior rings, else a region paints the whole globe
    for f in values.geojson["features"]:
        polys = [f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"]
        assert all(signed_area(p[0]) < 0 for p in polys)
    assert len(fig.to_json()) <= MAX_BYTES


def test_map004_selected_regions_are_outlined():
    fig = maps.region_map(frame("RO"), country="RO", value_col="grants", value_label="Grants",
                          selected=["RO-CJ", "RO-B"])
    outlines = [t for t in choropleths(fig) if t.name == "selected"]
    assert outlines and all(sorted(t.locations) == ["RO-B", "RO-CJ"] and t.hoverinfo == "skip" for t in outlines)
    assert max(t.marker.line.width for t in outlines) >= 2
    tiles = maps.region_map(frame("KZ"), country="KZ", value_col="grants", value_label="Grants", selected=["KZ-71"])
    assert len(tiles.layout.shapes) == 2   # white halo + black line around the one selected tile


def test_map005_kazakhstan_is_a_tile_grid_with_codes_in_customdata():
    df = frame("KZ")
    fig = maps.region_map(df, country="KZ", value_col="grants", value_label="Grants", hover_format=",.0f")
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2 and not choropleths(fig)
    values, nodata = heatmaps
    cells = {c: (r, k) for r, line in enumerate(values.customdata) for k, c in enumerate(line) if c}
    assert sorted(cells) == sorted(df.region_code)
    tiles = {r["code"]: (int(r["row"]), int(r["col"]))
             for r in csv.DictReader(open(maps.GEO_DIR / "KZ-tiles.csv", encoding="utf-8"))}
    assert cells == tiles
    for code, value in zip(df.region_code, df.grants):
        r, k = cells[code]
        if pd.isna(value):
            assert values.z[r][k] is None and nodata.z[r][k] == 0
        else:
            assert values.z[r][k] == value and nodata.z[r][k] is None
    assert "no data" in nodata.hovertemplate and "%{z:,.0f}" in values.hovertemplate
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.visible is False
    labels = next(t for t in fig.data if t.type == "scatter")
    assert labels.hoverinfo == "skip" and len(labels.text) == 20
    assert len(fig.to_json()) <= MAX_BYTES


def test_map006_several_countries_make_one_tile_grid():
    df = pd.concat([frame("RO"), frame("BG"), frame("RS"), frame("KZ")], ignore_index=True)
    fig = maps.region_map(df, country=None, value_col="grants", value_label="Grants")
    codes = [c for t in fig.data if t.type == "heatmap" for line in t.customdata for c in line if c]
    assert sorted(set(codes)) == sorted(df.region_code)
    values = next(t for t in fig.data if t.type == "heatmap")
    assert sorted(c for line in values.customdata for c in line if c) == sorted(df.region_code)  # one cell each
    labels = {a.text for a in fig.layout.annotations}
    assert {"<b>Romania</b>", "<b>Kazakhstan</b>"} <= labels
    # one country inferred from the codes -> its own map
    assert choropleths(maps.region_map(frame("BG"), country=None, value_col="grants", value_label="Grants"))
    assert len(fig.to_json()) <= MAX_BYTES


@pytest.mark.parametrize("country", ["RO", "BG", "RS"])
def test_map007_tiles_derived_from_geometry_are_one_per_cell(country):
    codes = level1_codes(country)
    layout = maps.tile_layout(country, codes)
    assert sorted(layout) == codes and len(set(layout.values())) == len(codes)
    fallback = maps.tile_layout("ZZ", ["ZZ-1", "ZZ-2", "ZZ-3", "ZZ-4", "ZZ-5"])   # no tiles, no geometry
    assert len(set(fallback.values())) == 5 and max(c for _, c in fallback.values()) == 2


def test_map008_civmon_geojson_dir_override(tmp_path, monkeypatch):
    square = lambda x, y: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]  # noqa: E731 (RFC 7946 order)
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "XX-A", "name": "Alpha"},
         "geometry": {"type": "Polygon", "coordinates": square(10, 40)}},
        {"type": "Feature", "properties": {"code": "XX-B", "name": "Beta"},
         "geometry": {"type": "Polygon", "coordinates": square(11, 40)}},
        {"type": "Feature", "properties": {"name": "no code: ignored"},
         "geometry": {"type": "Polygon", "coordinates": square(12, 40)}},
    ]}
    (tmp_path / "XX.geojson").write_text(json.dumps(fc), encoding="utf-8")
    assert maps.geojson_path("XX") is None and not maps.has_geometry("XX")
    monkeypatch.setenv("CIVMON_GEOJSON_DIR", str(tmp_path))
    assert maps.geojson_path("XX") == tmp_path / "XX.geojson" and maps.has_geometry("XX")
    assert maps.geojson_path("RO") == maps.GEO_DIR / "RO.geojson"   # countries not in the folder: ours
    df = pd.DataFrame({"region_code": ["XX-A", "XX-B"], "region_name": ["Alpha", "Beta"], "v": [1.0, None]})
    fig = maps.region_map(df, country="XX", value_col="v", value_label="V")
    traces = choropleths(fig)
    assert [list(t.locations) for t in traces] == [["XX-A"], ["XX-B"]]
    assert signed_area(traces[0].geojson["features"][0]["geometry"]["coordinates"][0]) < 0   # rewound for d3
    # an operator's file for one of our countries wins over data/geo/
    (tmp_path / "RO.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "RO-CJ"}, "geometry": {"type": "Polygon",
                                                                         "coordinates": square(23, 46)}}]}))
    assert maps.geojson_path("RO") == tmp_path / "RO.geojson"
    fig = maps.region_map(frame("RO"), country="RO", value_col="grants", value_label="Grants")
    assert sum(len(t.geojson["features"]) for t in choropleths(fig)) == 1
    assert "RO-AB" in fig.layout.annotations[-1].text   # regions without geometry are named, not silently lost


def test_map009_map_config_serves_the_topojson_locally():
    assert maps.MAP_CONFIG["topojsonURL"].endswith("/assets/topojson/")
    assert maps.MAP_CONFIG["displaylogo"] is False
    topo = json.loads((maps.ASSETS_DIR / "topojson" / "world_110m.json").read_text())
    assert topo["type"] == "Topology" and {"countries", "land", "coastlines"} <= set(topo["objects"])
    # the file is empty because the base map is hidden: a map that showed land or coastlines would draw none
    assert all(not layer["geometries"] for layer in topo["objects"].values())
    fig = maps.region_map(frame("RO"), country="RO", value_col="grants", value_label="Grants")
    assert fig.layout.geo.visible is False
    assert not any(fig.layout.geo[f"show{layer}"] for layer in
                   ("land", "ocean", "lakes", "rivers", "countries", "coastlines", "subunits", "frame"))


def test_map010_edge_cases():
    empty = maps.region_map(frame("RO").iloc[0:0], country="RO", value_col="grants", value_label="Grants")
    assert not empty.data and "No regions" in empty.layout.annotations[0].text
    all_none = frame("BG").assign(grants=None)
    fig = maps.region_map(all_none, country="BG", value_col="grants", value_label="Grants")
    assert [t.name for t in choropleths(fig)] == ["no data"]
    no_names = frame("RS").drop(columns="region_name")
    fig = maps.region_map(no_names, country="RS", value_col="grants", value_label="Grants")
    assert "Beograd" in list(choropleths(fig)[0].text) + list(choropleths(fig)[1].text)
    with pytest.raises(KeyError):
        maps.region_map(frame("RO"), country="RO", value_col="missing", value_label="x")
    # geometry is read once and shared
    assert maps._geometry("RO") is maps._geometry("RO")


def test_map011_geometry_by_address_is_served_once_and_inlined_for_images(monkeypatch, tmp_path):
    """The dashboard's maps name their outlines by address: the figure is a few KB instead of ~70 KB,
    the address serves exactly the outlines the inline figure would carry, and inline_geometry restores them."""
    from dashboard.app import server

    df = frame("RO")
    inline = maps.region_map(df, country="RO", value_col="grants", value_label="Grants", selected=["RO-CJ"])
    by_url = maps.region_map(df, country="RO", value_col="grants", value_label="Grants", selected=["RO-CJ"],
                             geometry="url")
    url = maps.geometry_url("RO")
    assert url.startswith("/geo/RO.json?v=") and all(t.geojson == url for t in choropleths(by_url))
    assert len(by_url.to_json()) < 12_000 < 50_000 < len(inline.to_json())

    client = server.test_client()
    resp = client.get(url)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "immutable" in resp.headers["Cache-Control"]
    served = {f["properties"]["code"]: f for f in json.loads(resp.data)["features"]}
    assert sorted(served) == level1_codes("RO")
    for t in choropleths(inline):   # the same rewound outlines as the inline figure's
        for f in t.geojson["features"]:
            assert served[f["properties"]["code"]] == f
    assert client.get("/geo/KZ.json").status_code == 404   # tiles, no geometry
    assert client.get("/geo/ROM.json").status_code == 404

    restored = maps.inline_geometry(by_url)
    assert [t.geojson for t in choropleths(restored)] == [t.geojson for t in choropleths(inline)]
    # the version follows the file: an operator's own geometry gets a new address, so no browser keeps the old
    monkeypatch.setenv("CIVMON_GEOJSON_DIR", str(tmp_path))
    (tmp_path / "RO.geojson").write_bytes((maps.GEO_DIR / "RO.geojson").read_bytes())
    assert maps.geometry_url("RO") != url
    monkeypatch.setattr(maps, "_url_prefix", lambda: "/civmon/")   # served under a path prefix
    assert maps.geometry_url("RO").startswith("/civmon/geo/RO.json?v=")
    assert maps.geometry_url("KZ") is None
