"""A page opened while the database is down explains itself, and works again once the database is back.

The app runs under gunicorn against PostgreSQL through the cuttable proxy of tests/test_faults.py.
"""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests import small_dataset
from tests.conftest import make_engine
from tests.server import serve
from tests.server import get as _get
from tests.test_faults import Proxy, _eventually

from .conftest import new_page
from .helpers import wait_charts

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def test_flt101_page_explains_an_outage_and_recovers(browser, tmp_path):
    engine, drop = make_engine("postgres", tmp_path)
    proxy = None
    try:
        small_dataset.load(engine)
        proxy = Proxy((engine.url.host, engine.url.port or 5432))
        env = {**os.environ,
               "DATABASE_URL": engine.url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)}
        env.pop("REDIS_URL", None)
        served = serve(env, tmp_path)
        base = served.base
        page = new_page(browser, base)
        try:
            proxy.cut()
            page.goto("/funding?country=RO")
            notice = page.get_by_role("alert").filter(has_text="The database is not answering")
            expect(notice).to_be_visible()
            expect(page.locator("body")).not_to_contain_text("Traceback")
            expect(page.locator("body")).not_to_contain_text("OperationalError")

            proxy.restore()
            assert _eventually(lambda: _get(base + "/healthz")[0] == 200)
            page.reload()
            expect(page.locator(".chart-card .chart-graph").first).to_be_visible()
            assert wait_charts(page) >= 5
            expect(notice).to_have_count(0)
        finally:
            page.context.close()
            served.stop()
        assert "Traceback" not in served.log
    finally:
        if proxy:
            proxy.cut()
        drop()
