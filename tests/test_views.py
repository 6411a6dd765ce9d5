"""Views that read right (issue "headline figures that read right"): addresses that name nothing answer 404, a
filter that cannot be used keeps what can, a region of another country is explained, counts never leave a country
out for want of a euro rate. On the small dataset (tests/small_dataset.py), values worked by hand."""
from __future__ import annotations

import pytest

from queries import FilterError, make_filter, registry

from .test_callbacks import _components, cb  # noqa: F401 (fixture)


@pytest.fixture
def client(small_db):
    from dashboard.app import server
    return server.test_client()


@pytest.mark.parametrize("path, status", [("/", 200), ("/funding?country=RO", 200), ("/fundng", 404),
                                          ("/embed/funding-by-county", 200), ("/embed/nope", 404),
                                          ("/data/quality", 200), ("/data/record/grants/g1", 200),
                                          ("/data/record/grants/nope", 404), ("/data/record/nokind/g1", 404)])
def test_view001_an_address_that_names_nothing_answers_404(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert b'id="react-entry-point"' in response.data  # the same page: it draws its "not found" in the browser


def test_view002_a_reversed_year_range_keeps_the_country_in_the_filter_bar():
    from dashboard import state as st
    state = st.parse("?country=RO&level=local&year_from=2024&year_to=2020")
    assert state.error == "the year range 2024-2020 ends before it starts"
    assert (state.filter.countries, state.filter.levels, state.filter.year_from) == (("RO",), ("local",), None)


def test_view003_a_region_of_another_country_is_explained_not_shown_as_zeros(small_db, cb):  # noqa: F811
    with pytest.raises(FilterError, match=r"region RO-CJ is not in the countries chosen \(BG\)"):
        registry.get("funding-by-county").run(make_filter(country="BG", region="RO-CJ"), small_db)
    row = cb.draw_kpis("?country=BG&region=RO-CJ", {"type": "kpi-state", "area": "funding"})
    texts = [getattr(n, "children", "") for n in _components(row)]
    assert any(isinstance(t, str) and "region RO-CJ is not in the countries chosen (BG)" in t for t in texts)


def test_view004_counts_never_leave_a_country_out_for_want_of_a_euro_rate(small_db):
    """All countries: RON has no rate for 2022, so Romania's amounts leave the comparison in euro; its grants are
    still counted (g1-g5: 2022 g5; 2023 g1, g2; 2024 g3, g4), and so are Bulgaria's (2025 g6, 2026 g7)."""
    years = {r["year"]: r for r in registry.get("funding-by-year").run(make_filter(), small_db).to_dict("records")}
    assert {y: r["grants"] for y, r in years.items()} == {2022: 1, 2023: 2, 2024: 2, 2025: 1, 2026: 1}
    assert years[2023]["amount"] is None and years[2025]["amount"] == 1000.0  # 1,955.83 BGN at 1.95583
    headline = {(r["figure"], r["period"]): r for r in
                registry.get("funding-headline").run(make_filter(), small_db).to_dict("records")}
    assert headline[("grants", "range")]["value"] == 7
    domains = {r["domain"]: r["grants"] for r in
               registry.get("funding-by-domain").run(make_filter(), small_db).to_dict("records")}
    assert (domains["social"], domains["youth"], domains["civic"]) == (2, 2, 2)


def test_view005_a_region_with_grants_is_never_drawn_as_no_data(cb, small_db):  # noqa: F811
    """All countries compared in euro: Romania's 2022 grant has no rate, so its counties have no euro figure: the
    map says "no euro rate", not "no data"; Romania alone, in lei, Brașov (no population) says so."""
    fig, _ = cb.render_chart("funding-by-county", "")
    texts = " ".join(a.text for a in fig.layout.annotations) + " ".join(t.hovertemplate or "" for t in fig.data)
    assert "no euro rate (3)" in texts and "no data" not in texts
    fig, _ = cb.render_chart("funding-by-county", "?country=RO")
    texts = " ".join(a.text for a in fig.layout.annotations) + " ".join(t.hovertemplate or "" for t in fig.data)
    assert "no population figure (1)" in texts and "no data" not in texts
