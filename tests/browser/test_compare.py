"""Comparison and selection in a real browser (issue "headline figures that read right"): two regions or two periods
side by side restore from their address; a chosen region is highlighted among the rest of its country, grey."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import choose, goto, wait_charts, wait_view

pytestmark = pytest.mark.browser


def test_brw020_two_regions_side_by_side_restore_from_the_address(page, open_page):
    address = "/funding?country=RO&region=RO-CJ&compare=RO-TM"
    goto(page, address)
    wait_charts(page)
    expect(page.locator(".compare-intro")).to_have_text("Comparison: Cluj · all years beside Timiș · all years.")
    expect(page.locator("#f-compare")).to_contain_text("Timiș (RO-TM)")
    for side in ("a", "b"):  # each side's headline figures and each chart twice, each card naming its side
        expect(page.locator(f"#kpi-grants-{side}")).to_have_text(re.compile(r"^\d[\d,]*$"))
        expect(page.locator(f"#card-funding-by-year-{side} .js-plotly-plot")).to_be_visible()
    expect(page.locator("#card-funding-by-year-a .compare-side-tag")).to_have_text("Cluj · all years")
    expect(page.locator("#card-funding-by-year-b .compare-side-tag")).to_have_text("Timiș · all years")
    seen = (page.locator("#kpi-grants-a").inner_text(), page.locator("#kpi-grants-b").inner_text())
    assert seen[0] != seen[1]
    other = open_page()  # the link, opened by someone else, is the same comparison
    goto(other, address)
    expect(other.locator("#kpi-grants-a")).to_have_text(seen[0])
    expect(other.locator("#kpi-grants-b")).to_have_text(seen[1])
    page.log.assert_clean()


def test_brw021_the_period_before_chosen_from_the_control_restores_from_its_address(page, open_page):
    goto(page, "/funding?country=RO&year_from=2020&year_to=2022")
    choose(page, "f-compare", "The period before")
    compared = "?country=RO&year_from=2020&year_to=2022&compare_years=2017-2019"
    wait_view(page, "/funding", compared)
    expect(page.locator(".compare-intro")).to_have_text(
        "Comparison: Romania · 2020–2022 beside Romania · 2017–2019.")
    wait_charts(page)
    amounts = (page.locator("#kpi-amount-a").inner_text(), page.locator("#kpi-amount-b").inner_text())
    other = open_page()
    goto(other, "/funding" + compared)
    expect(other.locator("#kpi-amount-a")).to_have_text(amounts[0])
    expect(other.locator("#kpi-amount-b")).to_have_text(amounts[1])
    page.log.assert_clean()


def test_brw022_a_chosen_region_is_highlighted_and_the_others_are_grey(page):
    goto(page, "/liaison?country=RO&region=RO-CJ")
    wait_charts(page)
    bars = page.evaluate("""() => {
        const g = document.querySelector('#card-liaison-coverage-by-region-ranking .js-plotly-plot');
        const t = g._fullData[0];
        return Array.from(t.customdata).map((code, i) => [code, t.marker.color[i]]);
    }""")
    colours = dict(bars)
    assert len(colours) > 20 and colours["RO-CJ"] == "#0072B2"
    assert {c for code, c in colours.items() if code != "RO-CJ"} == {"#c5cad1"}
    grey = page.evaluate("""() => {
        const g = document.querySelector('#card-liaison-coverage-by-region .js-plotly-plot');
        return g._fullData.filter(t => t.name === 'others').flatMap(t => Array.from(t.locations));
    }""")
    assert len(grey) == 41 and "RO-CJ" not in grey  # the other 41 counties (and Bucharest) of Romania
    expect(page.locator("#kpi-coverage + .kpi-note")).to_contain_text("Romania: ")
    page.log.assert_clean()
