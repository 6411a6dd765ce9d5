"""Authorities one by one and the records behind the figures (issue "every authority and every recipient has a
page"), on the small dataset (tests/small_dataset.py), values worked by hand.

Reference date for officers: 31 December 2025 (the last year an officer was appointed or left). Consultation
periods: c1 10 days (Romania's minimum 10: on time), c2 7 (late), c3 30 (on time), c4 Kazakhstan (no minimum), c5
14 days (Bulgaria's 30: late). Trainings' participants: t1 10+5+1, t3 3+3+0, t4 12+0; t2 has no organiser."""
from __future__ import annotations

import pandas as pd
import pytest

from queries import FilterError, authorities as au, make_filter, records, registry

from . import small_dataset
from .test_callbacks import cb  # noqa: F401 (fixture)

# authority: (officer rank, consultations, late, on time %, grants, amount, currency, competitive %, trainings,
#             participants, follow-up)
EXPECTED = {
    "RO-GOV": (3, 1, 0, 100.0, 1, 300.0, "RON", 100.0, 0, 0, ""),
    "RO-CJ-CJC": (6, 1, 0, 100.0, 2, 3000.0, "RON", 100.0, 1, 16, ""),
    "RO-CJ-001-L": (6, 1, 1, 0.0, 1, 500.5, "RON", 0.0, 0, 0, "late_consultations,direct_awards_only"),
    "RO-CJ-002-L": (None, 0, 0, None, 0, None, None, None, 1, 6, "no_officer"),
    "RO-AB-AJC": (2, 0, 0, None, 1, 100.0, "RON", 0.0, 0, 0, "direct_awards_only"),
    # BGN 1,955.83 (2025, at 1.95583) + EUR 1,000 (2026): 2,000 EUR, half of it competitive
    "BG-18-OA": (None, 1, 1, 0.0, 2, 2000.0, "EUR", 50.0, 1, 12, "no_officer,late_consultations"),
    "KZ-GOV-M1": (5, 0, 0, None, 0, None, None, None, 0, 0, "officer_rank"),  # rank 5 where central requires 4
    "KZ-75-AK": (3, 1, 0, None, 0, None, None, None, 0, 0, ""),  # no legal minimum in Kazakhstan: no share
}
FIGURES = ("officer_rank", "consultations", "late", "on_time_pct", "grants", "amount", "currency",
           "competitive_share_pct", "trainings", "participants", "follow_up_reasons")


def _table(engine, **filters) -> pd.DataFrame:
    return registry.get("authorities").run(make_filter(**filters), engine)


@pytest.fixture
def loaded(engine):
    small_dataset.load(engine)
    return engine


def test_aut001_every_authority_with_its_figures_and_what_needs_follow_up(loaded):
    df = _table(loaded)
    got = {r["authority_id"]: tuple(r[c] for c in FIGURES) for r in df.to_dict("records")}
    assert got == EXPECTED
    assert df.set_index("authority_id").loc["KZ-GOV-M1", "required_rank"] == 4
    assert df.set_index("authority_id").loc["KZ-GOV-M1", "rank_ok"] is False


def test_aut002_an_authoritys_figures_add_up_to_the_area_pages(loaded):
    """Summed over the authorities, the table gives what the area queries give for the same filter: consultations
    (5) and those on time, grants (7) and, for Romania, its amount in lei."""
    df = _table(loaded)
    participation = registry.get("consultation-participation").run(make_filter(), loaded)
    assert df["consultations"].sum() == participation["consultations"].sum() == 5
    assert df["on_time"].sum() == participation["on_time"].sum() == 2
    assert df["grants"].sum() == registry.get("funding-by-year").run(make_filter(), loaded)["grants"].sum() == 7
    ro = _table(loaded, country="RO")
    assert ro["amount"].dropna().sum() == registry.get("funding-by-year").run(
        make_filter(country="RO"), loaded)["amount"].sum() == 3900.5
    # placed by its own region: Cluj's authorities, whatever region their grants went to
    assert set(_table(loaded, country="RO", region="RO-CJ")["authority_id"]) == {"RO-CJ-CJC", "RO-CJ-001-L",
                                                                                 "RO-CJ-002-L"}
    # years narrow the figures, not the authorities: 2024 alone
    year = _table(loaded, country="RO", year_from=2024, year_to=2024).set_index("authority_id")
    assert (year.loc["RO-CJ-CJC", "grants"], year.loc["RO-CJ-CJC", "consultations"]) == (1, 0)


def test_aut003_search_ignores_diacritics_and_case_sort_and_pages_on_the_server():
    df = pd.DataFrame({"authority_id": ["RO-CJ-CJC", "RO-CJ-001-L", "RO-B-CGMB", "RO-TM-TMC"],
                       "name": ["Consiliul Județean Cluj", "Primăria Municipiului Cluj-Napoca",
                                "Consiliul General al Municipiului București", "Consiliul Judeţean Timiş"],
                       "late": [3, None, 1, 0], "follow_up": [True, False, True, False]})
    names = lambda rows: list(rows[0]["authority_id"])  # noqa: E731
    assert names(au.authority_table(df, q="Cluj")) == ["RO-CJ-CJC", "RO-CJ-001-L"]
    assert names(au.authority_table(df, q="judetean")) == ["RO-CJ-CJC", "RO-TM-TMC"]  # ț and the cedilla ţ
    assert names(au.authority_table(df, q="JUDEȚEAN timis")) == ["RO-TM-TMC"]
    assert names(au.authority_table(df, q="bucuresti")) == ["RO-B-CGMB"]
    assert names(au.authority_table(df, q="ro-cj-001")) == ["RO-CJ-001-L"]
    # sorted by a column, empty last; a page of it; how many match in all
    assert names(au.authority_table(df, sort="late", descending=True)) == ["RO-CJ-CJC", "RO-B-CGMB", "RO-TM-TMC",
                                                                         "RO-CJ-001-L"]
    page, total = au.authority_table(df, sort="late", start=1, rows=2)
    assert (list(page["authority_id"]), total) == (["RO-B-CGMB", "RO-CJ-CJC"], 4)
    assert names(au.authority_table(df, follow_up_only=True)) == ["RO-B-CGMB", "RO-CJ-CJC"]
    with pytest.raises(FilterError, match="sort must be one of"):
        au.authority_table(df, sort="drop table")


def test_aut004_an_authority_beside_its_peers(loaded):
    """Romania's regional authorities are the two county councils: Cluj's 2 grants and 3,000 lei against Alba's 1
    and 100 lei; the median of two is their mean."""
    peers = _table(loaded, country="RO", level="regional")
    standing = au.standing(peers, "RO-CJ-CJC")
    assert standing["grants"] == {"value": 2.0, "median": 1.5, "rank": 1, "ranked": 2}
    assert standing["amount"] == {"value": 3000.0, "median": 1550.0, "rank": 1, "ranked": 2}
    assert standing["on_time_pct"] == {"value": 100.0, "median": 100.0, "rank": 1, "ranked": 1}  # Alba: no figure


def test_aut005_the_records_behind_the_figures(loaded):
    f = make_filter()
    df, total = records.page("consultations", f, records.Narrowing(authority_id="RO-CJ-001-L"), engine=loaded)
    assert total == 1 and df.iloc[0]["consultation_id"] == "c2" and df.iloc[0]["period_days"] == 7
    assert df.iloc[0]["min_comment_days"] == 10
    grants, total = records.page("grants", f, records.Narrowing(recipient_key="R1"), engine=loaded)
    assert (list(grants["grant_id"]), total) == (["g3", "g1"], 2)  # newest first
    named, _n = records.page("grants", f, records.Narrowing(recipient_key="B Club"), engine=loaded)
    assert list(named["grant_id"]) == ["g2"]  # no registry id: known by its name
    cluj, total = records.page("grants", make_filter(region="RO-CJ"), sort="amount", descending=False, start=1,
                               rows=1, engine=loaded)
    assert (list(cluj["grant_id"]), total) == (["g1"], 3)  # g2 500.50 < g1 1,000 < g3 2,000
    officers, total = records.page("officers", make_filter(country="RO"), engine=loaded, rows=None)
    assert total == 6 and "full_name" not in officers and not officers.apply(
        lambda r: r.astype(str).str.contains("Person").any(), axis=1).any()
    trainings, total = records.page("trainings", make_filter(year_from=2024), engine=loaded, rows=None)
    assert sorted(trainings["training_id"]) == ["t3", "t4"]
    with pytest.raises(FilterError, match="kind must be one of"):
        records.page("users", f, engine=loaded)


@pytest.fixture
def client(small_db):
    from dashboard.app import server
    return server.test_client()


def test_aut006_the_api_gives_the_table_an_authority_and_records(client):
    body = client.get("/api/v1/authorities.json?country=RO&follow_up=1&sort=name").get_json()
    assert (body["total"], [r["authority_id"] for r in body["rows"]]) == (
        3, ["RO-AB-AJC", "RO-CJ-001-L", "RO-CJ-002-L"])
    csv = client.get("/api/v1/authorities.csv?q=cluj").data.decode()
    assert csv.count("\n") == 3 and "Cluj-Napoca City Hall" in csv  # the header, the county council, the city hall
    one = client.get("/api/v1/authorities/RO-CJ-001-L.json").get_json()
    assert [f["code"] for f in one["follow_up"]] == ["late_consultations", "direct_awards_only"]
    assert one["peers"] == 2 and one["standing"]["grants"]["rank"] == 1  # local: Cluj-Napoca and Turda
    assert client.get("/api/v1/authorities/nope.json").status_code == 404
    assert client.get("/api/v1/authorities.json?sort=nope").status_code == 400
    officers = client.get("/api/v1/records/officers.csv?country=RO").data.decode()
    assert "Person" not in officers and officers.startswith("authority_id,")
    page = client.get("/api/v1/records/grants.json?country=RO&page=1").get_json()
    assert page["total"] == 5 and page["rows"][0]["grant_id"] in ("g3", "g4")
    assert client.get("/api/v1/records/users.json").status_code == 404
    assert client.get("/api/v1/records/grants.json?page=0").status_code == 400


def test_aut007_an_authoritys_page_says_what_needs_follow_up_in_words(cb, small_db):  # noqa: F811
    import dash

    from .test_views import _texts
    page = next(p for p in dash.page_registry.values() if p.get("path_template") == "/authority/<authority_id>")
    text = _texts(page["layout"](authority_id="BG-18-OA"))
    assert "Follow-up: No active liaison officer since 30 June 2025; 1 of 1 consultations under the legal " \
           "minimum period." in text
    text = _texts(page["layout"](authority_id="RO-CJ-001-L"))
    assert "1 of 1 consultations under the legal minimum period; All 1 grants by direct award" in text
    assert "Beside its peers (2 authorities of its country and level)" in text
    assert "Nothing needs follow-up for this view." in _texts(page["layout"](authority_id="RO-GOV"))
    assert "This authority is not in the filters chosen." in _texts(page["layout"](authority_id="RO-GOV",
                                                                                  country="BG"))
    listing = next(p for p in dash.page_registry.values() if p.get("path") == "/authorities")
    text = _texts(listing["layout"](country="RO", follow_up="1"))
    assert "All authorities (5)" in text and "Follow-up list (3)" in text and "3 authorities match." in text


@pytest.mark.parametrize("filters", [{}, {"country": "RO"}, {"region": "RO-CJ"}, {"year_from": 2024},
                                     {"level": "local"}, {"country": "BG", "level": "regional", "year_to": 2025}])
def test_aut008_a_record_tables_count_is_the_number_of_its_rows(loaded, filters):
    """The count comes from the summary tables (fast), the rows from the records: they agree for every filter."""
    for kind in ("grants", "consultations", "trainings"):
        rows, total = records.page(kind, make_filter(**filters), rows=None, engine=loaded)
        assert total == len(rows), (kind, filters)


def test_aut009_a_bar_that_is_an_authority_or_a_recipient_opens_its_page(cb, small_db):  # noqa: F811
    """The largest funders' and recipients' bars carry whom they are; a click opens their page with the view's
    filters (a region click on the same bars changes nothing)."""
    import contextvars
    import json

    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    def clicked(chart_id, search):
        fig, _ = cb.render_chart(chart_id, search)
        point = {"points": [{"customdata": list(fig.data[0].customdata[-1])}]}  # the bar on top: the largest
        prop = json.dumps({"chart": chart_id, "type": "chart-graph"}, separators=(",", ":")) + ".clickData"

        def run():
            context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": point}]))
            return (cb.authority_click_to_page([point], search, "/funding"),
                    cb.region_click_to_address([point], search, "/funding"))
        return contextvars.copy_context().run(run)
    opened, region = clicked("funding-by-funder", "?country=RO&year_from=2024")
    assert opened == ("/authority/RO-CJ-CJC", "?country=RO&year_from=2024") and region is cb.no_update
    opened, _ = clicked("funding-top-recipients", "?country=RO")
    assert opened == ("/recipient/R1", "?country=RO")  # A Assoc, by its registry id: 3,000 RON


def test_aut010_where_an_authoritys_grants_go(loaded):
    """Cluj county council: g1 1,000 and g3 2,000 RON, both social, both to A Assoc (R1); in 2024 g3 alone."""
    domains, largest = records.funder_breakdown("RO-CJ-CJC", make_filter(), engine=loaded)
    assert domains.to_dict("records") == [{"domain": "social", "currency": "RON", "grants": 2, "amount": 3000.0}]
    assert largest.to_dict("records") == [{"recipient_key": "R1", "recipient_name": "A Assoc", "currency": "RON",
                                           "grants": 2, "amount": 3000.0, "share_pct": 100.0}]
    _d, largest = records.funder_breakdown("BG-18-OA", make_filter(), engine=loaded)
    assert [(r["currency"], r["amount"], r["share_pct"]) for r in largest.to_dict("records")] == [
        ("BGN", 1955.83, 100.0), ("EUR", 1000.0, 100.0)]  # each currency on its own: none is converted here
    domains, _l = records.funder_breakdown("RO-CJ-CJC", make_filter(year_from=2024), engine=loaded)
    assert domains["amount"].tolist() == [2000.0]
