"""Headline figures that read right: one colour per category on every chart, and a second axis where two
measures differ some twenty-fold (the consultations and the comments they drew)."""
from __future__ import annotations

import pytest

from .test_callbacks import cb  # noqa: F401  (fixture)


def test_col001_a_sector_has_one_colour_on_every_chart(cb, small_db):
    from dashboard import charts
    sectors, _ = cb.render_chart("training-participants-by-sector", "")
    trend, _ = cb.render_chart("training-reach", "")
    by_name = {t.name: t.marker.color for t in trend.data}
    bars = sectors.data[0]
    assert len(bars.x) >= 2
    for name, colour in zip(bars.x, bars.marker.color):
        key = next(k for k, v in {"public": "Public bodies", "cso": "CSOs", "other": "Others"}.items() if v == name)
        assert colour == charts.colour(key)
        same = [c for n, c in by_name.items() if n.startswith(name)]  # "Others or sector not reported"
        assert same == [colour], (name, by_name)


@pytest.mark.parametrize("search", ["", "?country=RO", "?country=BG"])
def test_col002_a_country_has_one_colour_whatever_the_filter(cb, small_db, search):
    from dashboard import charts, i18n
    fig, _ = cb.render_chart("consultation-periods", search)
    codes = {i18n.country_name(c, "en"): c for c in ("RO", "BG", "RS", "KZ")}
    assert fig.data
    for trace in fig.data:
        assert trace.marker.color == charts.colour(codes[trace.name])
    assert {s.line.color for s in fig.layout.shapes} <= {t.marker.color for t in fig.data}


def test_col003_the_colour_mapping_is_the_one_used_and_distinct_within_a_kind(cb):
    from dashboard import charts
    countries = [charts.colour(c) for c in ("RO", "BG", "RS", "KZ")]
    sectors = [charts.colour(s) for s in ("public", "cso", "other")]
    assert len(set(countries)) == 4 and len(set(sectors)) == 3
    assert charts.colour("participants_cso") == charts.colour("cso")
    assert charts.colour("XX") == charts.colour("XX") and charts.colour("XX") in charts.PALETTE


def test_col004_comments_have_an_axis_of_their_own(cb, small_db):
    fig, _ = cb.render_chart("consultation-participation", "")
    by_name = {t.name: t for t in fig.data}
    assert (by_name["Consultations"].yaxis or "y") == "y" and by_name["Comments received"].yaxis == "y2"
    assert fig.layout.yaxis.title.text == "Consultations"
    assert fig.layout.yaxis2.title.text == "Comments received"
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.side == "right"
