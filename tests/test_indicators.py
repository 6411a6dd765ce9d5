"""The indicators and breakdowns on a small hand-made dataset, on SQLite and PostgreSQL.

Every expected number is worked out by hand from tests/small_dataset.py in the comments.
"""
from __future__ import annotations

import math

import pytest

from queries import FilterError, make_filter, money, registry, scope

from . import small_dataset


@pytest.fixture
def db(engine):
    small_dataset.load(engine)
    return engine


def run(query_id, db, **filters):
    df = registry.get(query_id).run(make_filter(**filters), engine=db)
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in df.to_dict("records")]


def by(rows, key):
    return {r[key]: r for r in rows}


# --- liaison-coverage ---------------------------------------------------------------------------

def test_ind001_coverage_per_level(db):
    rows = run("liaison-coverage", db, as_of="2024-12-31")
    # central: RO-GOV (rank 3, RO has no requirement) and KZ-GOV-M1 (rank 5 > KZ max 4)
    # regional: RO-CJ-CJC's officer ended ON the date -> not covered; RO-AB, BG-18, KZ-75 covered & compliant
    # local: Cluj-Napoca covered, Turda not
    assert rows == [
        {"level": "central", "authorities": 2, "covered": 2, "coverage_pct": 100.0, "compliant": 1, "compliance_pct": 50.0},
        {"level": "regional", "authorities": 4, "covered": 3, "coverage_pct": 75.0, "compliant": 3, "compliance_pct": 75.0},
        {"level": "local", "authorities": 2, "covered": 1, "coverage_pct": 50.0, "compliant": 1, "compliance_pct": 50.0},
    ]


def test_ind002_coverage_officer_active_the_day_before_it_ends(db):
    rows = by(run("liaison-coverage", db, as_of="2024-12-30"), "level")
    assert rows["regional"]["covered"] == 4 and rows["regional"]["coverage_pct"] == 100.0


def test_ind003_coverage_level2_region_rolls_up_and_central_is_left_out(db):
    rows = run("liaison-coverage", db, region="RO-CJ-001", as_of="2024-12-31")
    assert rows == [
        {"level": "regional", "authorities": 1, "covered": 0, "coverage_pct": 0.0, "compliant": 0, "compliance_pct": 0.0},
        {"level": "local", "authorities": 2, "covered": 1, "coverage_pct": 50.0, "compliant": 1, "compliance_pct": 50.0},
    ]


def test_ind004_coverage_reference_date_defaults_to_end_of_range(db):
    # years up to 2024 -> 31 Dec 2024, the day RO-CJ-CJC's officer ended
    assert by(run("liaison-coverage", db, country="RO", year_to=2024), "level")["regional"]["covered"] == 1
    assert by(run("liaison-coverage", db, country="RO", year_to=2025), "level")["regional"]["covered"] == 2


def test_ind005_coverage_rank_requirement_and_level_filter(db):
    rows = run("liaison-coverage", db, country="KZ", level="central", as_of="2024-12-31")
    assert rows == [{"level": "central", "authorities": 1, "covered": 1, "coverage_pct": 100.0,
                     "compliant": 0, "compliance_pct": 0.0}]


def test_ind006_coverage_by_region_lists_every_region(db):
    rows = by(run("liaison-coverage-by-region", db, country="RO", as_of="2024-12-31"), "region_code")
    assert list(rows) == ["RO-AB", "RO-BV", "RO-CJ"]
    assert rows["RO-BV"]["authorities"] == 0 and rows["RO-BV"]["coverage_pct"] is None
    assert (rows["RO-CJ"]["authorities"], rows["RO-CJ"]["covered"], rows["RO-CJ"]["coverage_pct"]) == (3, 1, 33.3)


def test_ind007_authorities_without_officer(db):
    rows = run("liaison-authorities-without-officer", db, as_of="2024-12-31")
    assert [r["authority_id"] for r in rows] == ["RO-CJ-CJC", "RO-CJ-002-L"]
    assert rows[1]["region_code"] == "RO-CJ" and "full_name" not in rows[0]


def test_ind008_coverage_by_year(db):
    rows = by(run("liaison-coverage-by-year", db, year_from=2018, year_to=2019), "year")
    # 31 Dec 2018: only BG-18-OA's officer (appointed 2018) of 8 authorities
    assert rows[2018]["covered"] == 1 and rows[2018]["coverage_pct"] == 12.5
    # 31 Dec 2019: + RO-CJ-CJC, KZ-GOV-M1, KZ-75-AK; compliant: all but KZ-GOV-M1
    assert (rows[2019]["covered"], rows[2019]["compliant"]) == (4, 3)


# --- funding-by-county --------------------------------------------------------------------------

def test_ind010_funding_by_county(db):
    rows = by(run("funding-by-county", db, country="RO", year_from=2023, year_to=2024), "region_code")
    assert list(rows) == ["RO-AB", "RO-BV", "RO-CJ"]
    # RO-CJ: g1 1000.00 + g2 500.50 (level-2 region rolls up) + g3 2000.00 RON
    eur = 1000 / 4.9465 + 500.50 / 4.9465 + 2000 / 4.9746
    assert rows["RO-CJ"] == {
        "region_code": "RO-CJ", "region_name": "Cluj", "grants": 3, "recipients": 2, "amount": 3500.5,
        "currency": "RON", "amount_eur": round(eur, 2), "per_1000_inhabitants": 5.0,  # 3500.5/700000*1000
        "competitive_share_pct": 85.7}  # 3000/3500.5
    # RO-AB: g4 300 RON (2024, funded by a central authority)
    assert rows["RO-AB"]["amount"] == 300.0 and rows["RO-AB"]["amount_eur"] == 60.31  # 300/4.9746
    assert rows["RO-AB"]["per_1000_inhabitants"] == 1.0 and rows["RO-AB"]["competitive_share_pct"] == 100.0
    # RO-BV: nothing granted, no population: zeros, empty ratios
    assert rows["RO-BV"] == {"region_code": "RO-BV", "region_name": "Brașov", "grants": 0, "recipients": 0,
                             "amount": 0.0, "currency": "RON", "amount_eur": 0.0,
                             "per_1000_inhabitants": None, "competitive_share_pct": None}


def test_ind011_funding_missing_rate_gives_empty_eur(db):
    rows = by(run("funding-by-county", db, region="RO-AB", year_from=2022, year_to=2024), "region_code")
    # g5 (2022) has no RON rate for 2022
    assert rows["RO-AB"]["amount"] == 400.0 and rows["RO-AB"]["amount_eur"] is None
    assert rows["RO-AB"]["competitive_share_pct"] == 75.0


def test_ind012_funding_across_currency_changeover(db):
    row = run("funding-by-county", db, country="BG", year_from=2025, year_to=2026)[0]
    # 1955.83 BGN (2025) = 1000 EUR at the fixed rate, + 1000 EUR (2026): stated in EUR, the latest currency
    assert (row["amount"], row["currency"], row["amount_eur"]) == (2000.0, "EUR", 2000.0)
    assert row["per_1000_inhabitants"] == 10.0 and row["competitive_share_pct"] == 50.0
    assert row["recipients"] == 1  # name-only recipient counted once
    row = run("funding-by-county", db, country="BG", year_from=2025, year_to=2025)[0]
    assert (row["amount"], row["currency"], row["amount_eur"]) == (1955.83, "BGN", 1000.0)


def test_ind013_funding_level_filter_is_the_funders_level(db):
    rows = by(run("funding-by-county", db, country="RO", level="regional", year_from=2023, year_to=2024),
              "region_code")
    assert rows["RO-CJ"]["amount"] == 3000.0 and rows["RO-AB"]["grants"] == 0


def test_ind016_a_statement_kept_for_a_shape_of_filter_answers_with_each_filters_values(db):
    """funding-by-county builds its statements once per shape of filter (Scope.execute) and binds each filter's
    countries, regions, years and levels: the second county of the same shape gets its own numbers."""
    cluj = by(run("funding-by-county", db, region="RO-CJ", year_from=2023, year_to=2024), "region_code")
    kept = len(scope._STATEMENTS)
    alba = by(run("funding-by-county", db, region="RO-AB", year_from=2022, year_to=2024), "region_code")
    assert len(scope._STATEMENTS) == kept  # the same statements, not new ones
    assert list(cluj) == ["RO-CJ"] and cluj["RO-CJ"]["amount"] == 3500.5 and cluj["RO-CJ"]["recipients"] == 2
    # as test_ind011: g4 300 RON (2024) and g5 100 RON (2022); 300 of the 400 by competitive call
    assert list(alba) == ["RO-AB"] and alba["RO-AB"]["amount"] == 400.0 and alba["RO-AB"]["grants"] == 2
    assert alba["RO-AB"]["competitive_share_pct"] == 75.0 and alba["RO-AB"]["amount_eur"] is None


def test_ind014_funding_breakdowns(db):
    f = dict(country="RO", year_from=2023, year_to=2024)
    years = run("funding-by-year", db, **f)
    assert [r["year"] for r in years] == [2023, 2024] and [r["grants"] for r in years] == [2, 2]
    domains = by(run("funding-by-domain", db, **f), "domain")
    assert len(domains) == 10 and domains["sport"]["grants"] == 0 and domains["sport"]["share_pct"] == 0.0
    assert domains["social"]["grants"] == 2
    procs = by(run("funding-by-procedure", db, **f), "procedure")
    assert procs["direct"]["amount_eur"] == round(500.50 / 4.9465, 2)
    assert (procs["direct"]["amount"], procs["direct"]["currency"]) == (500.5, "RON")  # one currency: national
    top = run("funding-top-recipients", db, **f)
    assert [r["recipient_name"] for r in top] == ["A Assoc", "B Club", "C Youth"]
    assert top[0]["recipient_id"] == "R1" and top[1]["recipient_id"] is None
    assert top[-1]["cumulative_share_pct"] == 100.0
    funders = run("funding-by-funder", db, **f)
    assert funders[0]["funder_authority_id"] == "RO-CJ-CJC" and funders[0]["level"] == "regional"


# --- consultation-participation -----------------------------------------------------------------

def test_ind020_consultation_participation(db):
    rows = run("consultation-participation", db)
    assert rows == [
        {"year": 2023, "consultations": 2, "comments_received": 10, "comments_per_consultation": 5.0,
         "participants": 6, "comments_accepted": 4, "acceptance_pct": 40.0, "debates": 1, "debate_pct": 50.0,
         "with_rule": 2, "on_time": 1, "on_time_pct": 50.0,  # c1 10 days >= RO 10; c2 7 days
         "comments_reported": 2, "participants_reported": 2, "debates_reported": 2},
        {"year": 2024, "consultations": 3, "comments_received": 27, "comments_per_consultation": 9.0,
         "participants": 17, "comments_accepted": 6, "acceptance_pct": 22.2, "debates": 1, "debate_pct": 33.3,
         "with_rule": 2, "on_time": 1, "on_time_pct": 50.0,  # c3 30 >= 10; c5 14 < BG 30; c4 KZ: no rule
         "comments_reported": 3, "participants_reported": 3, "debates_reported": 3},
    ]


def test_ind021_consultations_years_follow_data_and_zero_denominators(db):
    assert [r["year"] for r in run("consultation-participation", db, region="RO-CJ")] == [2023]
    rows = by(run("consultation-participation", db, region="RO-CJ", year_from=2022, year_to=2024), "year")
    # nothing to report: counts of records 0, sums over reporters empty (none reported them), ratios empty
    assert rows[2022] == {"year": 2022, "consultations": 0, "comments_received": None,
                          "comments_per_consultation": None, "participants": None, "comments_accepted": None,
                          "acceptance_pct": None, "debates": None, "debate_pct": None, "with_rule": 0, "on_time": 0,
                          "on_time_pct": None, "comments_reported": 0, "participants_reported": 0,
                          "debates_reported": 0}
    assert rows[2024]["consultations"] == 0  # the central authority's c3 has no region


def test_ind022_country_without_rule_is_neither_on_time_nor_late(db):
    rows = run("consultation-participation", db, country="KZ")
    assert (rows[0]["with_rule"], rows[0]["on_time"], rows[0]["on_time_pct"]) == (0, 0, None)
    assert rows[0]["acceptance_pct"] == 100.0


def test_ind023_consultation_breakdowns(db):
    regions = by(run("consultations-by-region", db, country="RO"), "region_code")
    assert regions["RO-CJ"]["consultations"] == 2 and regions["RO-AB"]["consultations"] == 0
    top = run("consultations-by-authority", db)
    assert top[0]["consultations"] == 1 and {r["authority_id"] for r in top} == {"RO-CJ-CJC", "RO-CJ-001-L", "RO-GOV",
                                                                                 "KZ-75-AK", "BG-18-OA"}
    periods = run("consultation-periods", db, country="BG")
    assert periods == [{"country": "BG", "period_days": 14, "consultations": 1, "min_comment_days": 30,
                        "meets_minimum": False}]


# --- training-reach -----------------------------------------------------------------------------

def test_ind030_training_reach(db):
    rows = run("training-reach", db, country="RO")
    # municipalities under RO-AB, RO-BV, RO-CJ: 1 + 0 + 2 = 3
    assert rows == [
        {"year": 2023, "trainings": 2, "participants": 26, "participants_public": 14, "participants_cso": 11,
         "cso_share_pct": 42.3, "municipalities_reached": 1, "municipalities_total": 3, "reach_pct": 33.3,
         "split_reported": 2},
        {"year": 2024, "trainings": 1, "participants": 6, "participants_public": 3, "participants_cso": 3,
         "cso_share_pct": 50.0, "municipalities_reached": 1, "municipalities_total": 3, "reach_pct": 33.3,
         "split_reported": 1},
    ]


def test_ind031_training_region_without_municipalities(db):
    assert run("training-reach", db, region="RO-BV") == []
    rows = run("training-reach", db, region="RO-BV", year_from=2023, year_to=2023)
    assert rows == [{"year": 2023, "trainings": 0, "participants": 0, "participants_public": None,
                     "participants_cso": None, "cso_share_pct": None, "municipalities_reached": 0,
                     "municipalities_total": 0, "reach_pct": None, "split_reported": 0}]


def test_ind032_training_level_filter_is_the_organisers_level(db):
    rows = run("training-reach", db, country="RO", level="regional")
    assert [(r["year"], r["trainings"], r["participants"]) for r in rows] == [(2023, 1, 16)]


def test_ind033_training_breakdowns(db):
    topics = run("training-by-topic", db)
    assert topics[0] == {"topic": "consultation", "trainings": 2, "participants": 22, "share_pct": 50.0}
    sectors = by(run("training-participants-by-sector", db), "sector")
    assert sectors["public"]["participants"] == 29 and sectors["other"]["participants"] == 1
    regions = by(run("training-by-region", db, country="RO"), "region_code")
    assert regions["RO-CJ"]["municipalities_reached"] == 2 and regions["RO-CJ"]["reach_pct"] == 100.0


# --- filters and registry -----------------------------------------------------------------------

def test_ind040_unknown_region_is_a_clear_error(db):
    with pytest.raises(FilterError, match="unknown region code: RO-XX"):
        run("funding-by-county", db, region="RO-XX")


def test_ind041_country_without_data_gives_empty_tables(db):
    assert run("funding-by-county", db, country="FR") == []
    assert run("consultation-participation", db, country="FR") == []


def test_ind042_every_query_returns_its_registered_columns(db):
    for q in registry.all_queries():
        df = q.run(make_filter(as_of="2024-12-31"), engine=db)
        assert list(df.columns) == list(q.columns), q.id
        assert q.title and q.definition and q.area in registry.AREAS


def test_ind043_no_query_exposes_personal_data(db):
    for q in registry.all_queries():
        assert "full_name" not in q.columns
        df = q.run(make_filter(as_of="2024-12-31"), engine=db)
        assert not df.astype(str).apply(lambda col: col.str.contains("Person ")).any().any(), q.id


def test_ind015_breakdowns_across_currencies_are_in_euro(db):
    rows = run("funding-by-year", db, country="RO,BG", year_from=2024, year_to=2025)
    # 2024: g3 2000 RON + g4 300 RON; 2025: g6 1955.83 BGN = 1000 EUR
    assert [r["currency"] for r in rows] == ["EUR", "EUR"]
    assert rows[0]["amount"] == round(2300 / 4.9746, 2) and rows[1]["amount"] == 1000.0
    # the RON 2022 grant (g5, C Youth) has no rate: compared in euro, Romania is left out whole, and said to be;
    # Bulgaria's D Civic: g6 1,955.83 BGN = 1,000 EUR and g7 1,000 EUR
    df = registry.get("funding-top-recipients").run(make_filter(year_from=2022), engine=db)
    assert [(r["recipient_name"], r["grants"], r["amount"], r["currency"], r["share_pct"])
            for r in df.to_dict("records")] == [("D Civic", 2, 2000.0, "EUR", 100.0)]
    assert [(g.country, g.currency, g.years, g.grants) for g in money.left_out(df)] == [("RO", "RON", (2022,), 1)]
    assert not money.left_out(registry.get("funding-top-recipients").run(make_filter(country="RO"), engine=db))


def test_ind044_years_without_grants_are_stated_in_the_countrys_currency(db):
    """A filter with no grant states its zero amounts in the currency of the countries asked for in the last year
    asked for (not in euro, which the country did not use), and in euro for several currencies."""
    assert run("funding-by-year", db, country="RO", year_from=2030, year_to=2030) == [
        {"year": 2030, "grants": 0, "amount": 0.0, "currency": "RON", "amount_eur": 0.0,
         "competitive_share_pct": None}]
    assert {r["currency"] for r in run("funding-by-domain", db, country="KZ", year_from=2030, year_to=2030)} == {"KZT"}
    assert run("funding-by-year", db, country="BG", year_from=2025, year_to=2025)[0]["currency"] == "BGN"
    assert run("funding-by-year", db, country="BG", year_from=2026, year_to=2026)[0]["currency"] == "EUR"
    assert run("funding-by-year", db, country="RO,KZ", year_from=2030, year_to=2030)[0]["currency"] == "EUR"
