"""Authorities in a real browser: the follow-up list to an authority and back, a search that ignores diacritics, a
bar that is an authority opening its page, the records behind its figures and their export."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import click_centre, goto, wait_charts, wait_filters

pytestmark = pytest.mark.browser


def _grid_rows(page, grid="#authorities-grid"):
    rows = page.locator(f"{grid} .ag-center-cols-container .ag-row")
    expect(rows.first).to_be_visible()
    return rows


def test_brw023_the_follow_up_list_to_an_authority_and_back(page):
    page.goto("/authorities?country=RO&follow_up=1")
    wait_filters(page)
    expect(page.locator("#follow-up-link")).to_have_class(re.compile(r"\bactive\b"))
    count = page.locator("#authorities-count").inner_text()
    assert re.match(r"^[\d,]+ authorities match\.", count)
    first = _grid_rows(page).first.locator("a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/authority/[^?]+\?country=RO$"))
    expect(page.locator(".authority-name")).to_have_text(name)
    expect(page.locator(".follow-up-line")).to_contain_text("Follow-up:")  # it is on the list for a reason
    expect(page.locator(".peer-table")).to_contain_text("Rank among peers")
    page.go_back()
    page.wait_for_url(re.compile(r"/authorities\?country=RO&follow_up=1$"))
    expect(page.locator("#authorities-count")).to_have_text(count)
    page.log.assert_clean()


def test_brw024_a_search_ignores_diacritics_and_keeps_the_filters(page):
    page.goto("/authorities?country=RO")
    wait_filters(page)
    page.locator("#authorities-q").fill("judetean cluj")
    page.locator("#authorities-q").press("Enter")
    page.wait_for_url(re.compile(r"/authorities\?country=RO&q=judetean\+cluj$"))
    expect(page.locator("#authorities-count")).to_contain_text("1 authorities match.")
    expect(_grid_rows(page)).to_have_count(1)
    expect(_grid_rows(page).first).to_contain_text("Consiliul Județean Cluj")
    page.log.assert_clean()


def test_brw025_a_bar_that_is_an_authority_opens_its_page_and_its_records(page):
    goto(page, "/consultations?country=RO")
    wait_charts(page)
    bar = page.locator("#card-consultations-on-time-by-authority .bars path").first
    click_centre(page, bar)
    page.wait_for_url(re.compile(r"/authority/[^?]+\?country=RO$"))
    authority = page.url.split("/authority/")[1].split("?")[0]
    expect(page.locator(".follow-up-line")).to_contain_text("consultations under the legal minimum period")
    grid = f"[id*='\"of\":\"{authority}\"'][id*='consultations'].ag-root-wrapper, " \
           f"div[id*='consultations'][id*='{authority}']"
    rows = page.locator(f"{grid} .ag-center-cols-container .ag-row")
    expect(rows.first).to_be_visible()
    link = page.locator(".records-head", has_text="Consultations").locator("a.records-csv")
    with page.expect_download() as download:
        link.click()
    body = open(download.value.path(), encoding="utf-8").read()
    assert body.startswith("consultation_id,") and body.count("\n") >= 5  # at least 5 under a legal minimum
    assert all(line.split(",")[3] == authority for line in body.strip().splitlines()[1:])
    page.log.assert_clean()
