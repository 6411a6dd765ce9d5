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


def _headline(area: str, small_db, **filters) -> dict:
    df = registry.get(f"{area}-headline").run(make_filter(**filters), small_db)
    return {(r["figure"], r["period"]): r for r in df.to_dict("records")}


def test_view006_each_figure_stands_against_its_target(small_db, cb):  # noqa: F811
    """On the reference date (the end of the last year with data) Kazakhstan's two authorities both have an officer
    (coverage 100 %, target 100 %: met), one of rank 5 where central requires 4 (compliance 50 %: 50 points short).
    Cluj: the county council and Cluj-Napoca have officers, Turda has none: 66.7 % against Romania's 100 %, and one
    authority without an officer against a ceiling of 0. Romania's regional level has its own target, 90 %, met by
    both county councils. Several countries: no target (theirs differ)."""
    kz = _headline("liaison", small_db, country="KZ")
    assert (kz[("coverage_pct", "as_of")]["value"], kz[("coverage_pct", "as_of")]["target"],
            kz[("coverage_pct", "as_of")]["target_met"]) == (100.0, 100.0, True)
    assert (kz[("compliance_pct", "as_of")]["value"], kz[("compliance_pct", "as_of")]["target_met"]) == (50.0, False)
    cluj = _headline("liaison", small_db, country="RO", region="RO-CJ")
    assert (cluj[("coverage_pct", "as_of")]["value"], cluj[("coverage_pct", "as_of")]["target"],
            cluj[("coverage_pct", "as_of")]["target_source"], cluj[("coverage_pct", "as_of")]["target_met"]) == \
        (66.7, 100.0, "Law 52/2003", False)
    assert (cluj[("without_officer", "as_of")]["value"], cluj[("without_officer", "as_of")]["target_met"]) == (1, False)
    regional = _headline("liaison", small_db, country="RO", level="regional")
    assert (regional[("coverage_pct", "as_of")]["value"], regional[("coverage_pct", "as_of")]["target"],
            regional[("coverage_pct", "as_of")]["target_met"]) == (100.0, 90.0, True)
    assert all(r["target"] is None for r in _headline("liaison", small_db).values())
    # the card says it in words beside the arrow, the colour a class of its own; the source on hover
    row = cb.draw_kpis("?country=RO&region=RO-CJ", {"type": "kpi-state", "area": "liaison"})
    targets = [n for n in _components(row) if "kpi-target" in (getattr(n, "className", "") or "")]
    assert [(n.children, n.className.split()[-1], n.title) for n in targets] == [
        ("▼ 33.3 points below the target of 100.0%", "kpi-target-missed", "Target: Law 52/2003"),
        ("▲ 1 over the ceiling of 0", "kpi-target-missed", "Target: Law 52/2003")]
    row = cb.draw_kpis("?country=KZ", {"type": "kpi-state", "area": "liaison"})
    targets = [n.children for n in _components(row) if "kpi-target" in (getattr(n, "className", "") or "")]
    assert targets == ["▲ target met: at least 100.0%", "▼ 50.0 points below the target of 100.0%"]


def _texts(node) -> str:
    """The text a reader sees in a layout, in reading order."""
    if isinstance(node, str):
        return node
    if isinstance(node, (list, tuple)):
        return "".join(_texts(n) for n in node)
    return _texts(getattr(node, "children", None)) if hasattr(node, "to_plotly_json") else ""


def test_view007_the_overview_says_where_each_area_is_lowest_and_highest(cb, small_db):  # noqa: F811
    """Coverage at the reference date: Ruse 0 % (its officer left in June 2025), Cluj 2 of 3, Alba and Almaty 1 of 1;
    on time: Ruse 0 of 1 (14 days, 30 required), Cluj 1 of 2 (10 days ok, 7 days not), Almaty has no legal minimum
    (no figure); trainings reached every municipality of both regions with one (no "where" to tell); in euro only
    Ruse has a figure (Romania's 2022 grant has no rate)."""
    from dashboard import state as st, where
    cards = {_texts(card.children[0]): _texts(card.children[1:]) for card in _components(where.panel(st.parse("")))
             if "where" == getattr(card, "className", "")}
    assert cards == {
        "Authorities with a liaison officeron 31 December 2025": "Lowest: Ruse 0.0%, Cluj 66.7%"
                                                                 "Highest: Alba 100.0%, Almaty 100.0%",
        "Granted per 1,000 inhabitants2022–2026": "Too few regions with a figure to compare.",
        "Consultations on time2022–2026": "Lowest: Ruse 0.0%Highest: Cluj 50.0%",
        "Municipalities reached by trainings2022–2026": "Every region with records: 100.0%"}
    link = next(n for n in _components(where.panel(st.parse(""))) if getattr(n, "children", None) == "Ruse")
    assert link.href == "/liaison?country=BG&region=BG-18"


def test_view008_a_selected_region_is_seen_among_the_rest_of_its_country(cb, small_db):  # noqa: F811
    """Cluj chosen: the ranking keeps Alba (grey) beside Cluj (highlighted) and says where Cluj stands (Brașov has
    no authority: left out); the map draws Alba and Brașov grey around Cluj; the per-1,000 figure of the county
    has the country's beside it: Cluj 3,500.50 RON over 700,000 people = 5.0; Romania, the counties with a
    population, 3,900.50 over 1,000,000 = 3.9; every card has Romania's figure for the same years beside Cluj's."""
    from dashboard import charts
    fig, _ = cb.render_chart("liaison-coverage-by-region-ranking", "?country=RO&region=RO-CJ")
    bars = dict(zip(fig.data[0].customdata, fig.data[0].marker.color))
    assert bars == {"RO-AB": charts.CONTEXT_BAR, "RO-CJ": charts.PALETTE[0]}
    assert fig.layout.title.text.replace("<br>", " ").startswith("Cluj: 2 of 2")
    fig, _ = cb.render_chart("liaison-coverage-by-region", "?country=RO&region=RO-CJ")
    assert sorted(code for t in fig.data if t.name == "others" for code in t.locations) == ["RO-AB", "RO-BV"]
    fig, _ = cb.render_chart("funding-by-county", "?country=RO&region=RO-CJ")
    assert fig.layout.annotations[0].text.endswith("(5 years): 5<br>Romania: 4")
    row = cb.draw_kpis("?country=RO&region=RO-CJ", {"type": "kpi-state", "area": "funding"})
    notes = [n.children for n in _components(row) if getattr(n, "className", "") == "kpi-note"]
    # Cluj's grants are of 2023-2024: Romania's over the same years (g1-g4), not its 2022 one as well
    assert notes[0] == "2023–2024 · Romania: 3,801 RON" and notes[1] == "2023–2024 · Romania: 4"


def test_view009_a_comparison_puts_two_regions_or_two_periods_side_by_side(cb, small_db):  # noqa: F811
    """compare=RO-AB beside region=RO-CJ: the page names both sides, draws each side's headline figures and each of
    its charts twice, keyed by side; Alba's grants are g4 and g5 (2), Cluj's g1-g3 (3). The control writes the
    address, and a filter change keeps the comparison."""
    import dash

    from dashboard import state as st
    funding = next(p for p in dash.page_registry.values() if p["path"] == "/funding")  # as Dash Pages loaded it
    page = funding["layout"](country="RO", region="RO-CJ", compare="RO-AB")
    assert "Comparison: Cluj · all years beside Alba · all years." in _texts(page)
    stores = {n.id["area"]: n.data for n in _components(page) if isinstance(getattr(n, "id", None), dict)
              and n.id.get("type") == "kpi-state"}
    assert stores == {"funding|a": "?country=RO&region=RO-CJ", "funding|b": "?country=RO&region=RO-AB"}
    columns = {n.id for n in _components(page) if isinstance(getattr(n, "id", None), str)}
    assert {"funding-by-year-a", "funding-by-year-b", "funding-by-county-ranking-b"} <= columns
    values = {side: next(n.children for n in _components(cb.draw_kpis(search, {"type": "kpi-state", "area": key}))
                         if getattr(n, "id", None) == f"kpi-grants-{side}")
              for side, key, search in (("a", "funding|a", stores["funding|a"]), ("b", "funding|b", stores["funding|b"]))}
    assert values == {"a": "3", "b": "2"}
    assert st.parse("?country=RO&compare_years=2022-2023").sides()[1].search == \
        "?country=RO&year_from=2022&year_to=2023"
    assert cb.compare_to_address("region:RO-AB", "?country=RO&region=RO-CJ") == \
        "?country=RO&region=RO-CJ&compare=RO-AB"
    assert cb.compare_to_address("years:2022-2023", "?country=RO&year_from=2024&year_to=2025") == \
        "?country=RO&year_from=2024&year_to=2025&compare_years=2022-2023"
    assert cb.compare_to_address(None, "?country=RO&compare=RO-AB") == "?country=RO"
    assert cb.filters_to_address(["RO"], [], 2024, None, [], "en", "?country=RO&compare=RO-AB") == \
        "?country=RO&year_from=2024&compare=RO-AB"
    # what cannot be compared is explained
    assert "unknown region code: RO-XX" in _texts(funding["layout"](country="RO", compare="RO-XX"))
    assert st.parse("?compare=RO-AB&compare_years=2022-2023").error == "compare either regions or years, not both"


def test_view010_a_chart_of_officers_says_the_date_they_are_counted_on(cb, small_db):  # noqa: F811
    """Officers are a stock: the liaison map and ranking say the reference date (the end of the last year an officer
    was appointed or left, 2025), as the cards do; the same view in Romanian says it in Romanian."""
    fig, _ = cb.render_chart("liaison-coverage-by-region-ranking", "?country=RO")
    assert fig.layout.xaxis.title.text == "Coverage (%), on 31 December 2025"
    fig, _ = cb.render_chart("liaison-coverage-by-region-ranking", "?country=RO&year_to=2023&lang=ro")
    assert fig.layout.xaxis.title.text.endswith(", la 31 decembrie 2023")
