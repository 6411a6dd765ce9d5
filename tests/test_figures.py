"""One number, one rounding: a headline card says what its query says, which is what the charts' tables, the API's
JSON and CSV and `civmon report` say, on the small hand-made dataset (tests/small_dataset.py)."""
from __future__ import annotations

import csv
import io
import json

import pytest

from dashboard import cli
from queries import schema as t

from .test_callbacks import _components, cb  # noqa: F401  (fixture)

SEARCHES = ("", "?country=RO", "?country=RO&year_from=2023&year_to=2024", "?country=BG&year_to=2025",
            "?country=KZ&level=regional")


@pytest.fixture(scope="module")
def server():
    import dashboard.app
    return dashboard.app.server


def cards(cb, area: str, search: str) -> dict[str, tuple[str, str]]:
    """What a reader sees on an area's cards: {card id: (value, note)}."""
    row = cb.draw_kpis(search, {"type": "kpi-state", "area": area})
    return {n.children[1].id: (n.children[1].children, n.children[2].children)
            for n in _components(row) if getattr(n, "className", "") == "kpi"}


def report(small_db, query_id: str, search: str, capsys) -> list[dict]:
    """`civmon report QUERY ... --format json`'s rows for the filters of an address."""
    from dashboard import state as st
    f = st.parse(search).filter
    args = ["--database-url", small_db.url.render_as_string(hide_password=False), "report", query_id,
            "--format", "json"]
    for name, values in (("--country", f.countries), ("--region", f.regions), ("--level", f.levels)):
        args += [name, ",".join(values)] if values else []
    args += ["--year-from", str(f.year_from)] if f.year_from is not None else []
    args += ["--year-to", str(f.year_to)] if f.year_to is not None else []
    assert cli.main(args) == 0
    return json.loads(capsys.readouterr().out)["rows"]


def test_fig001_every_card_shows_its_query_s_figure_as_the_command_line_gives_it(cb, small_db, capsys):
    from dashboard import i18n, kpis
    for search in SEARCHES:
        for area, chosen in kpis.CARDS.items():
            seen = cards(cb, area, search)
            for card in chosen:
                rows = {(r["figure"], r["period"]): r for r in report(small_db, f"{card.area}-headline", search,
                                                                      capsys)}
                row = rows.get((card.figure, card.period))
                no_minimum = row is not None and row["value"] is None and card.figure == "on_time_pct" \
                    and row["records"] and not row["reported"]  # consultations, none under a legal minimum
                expected = "no legal minimum" if no_minimum else "–" if row is None or row["value"] is None else (
                    i18n.money(row["value"], row["currency"], "en") if row["unit"] == "money" else
                    i18n.percent(row["value"], "en") if row["unit"] == "pct" else
                    i18n.number(row["value"], "en", 1 if row["unit"] == "number" else 0))
                assert seen[card.id][0] == expected, (search, area, card.id)


def api_rows(client, chart_id: str, search: str, fmt: str = "json") -> list[dict]:
    resp = client.get(f"/api/v1/charts/{chart_id}.{fmt}{search}")
    assert resp.status_code == 200
    if fmt == "json":
        return resp.get_json()["rows"]
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))


def test_fig002_headline_figures_are_sums_of_the_charts_tables(cb, small_db, server, capsys):
    """Each headline figure over a range equals what the reader gets by adding up the chart's table (JSON and CSV
    alike), and the card shows it."""
    client = server.test_client()
    search = "?country=RO&year_from=2023&year_to=2024"
    headline = {(r["figure"], r["period"]): r["value"] for r in report(small_db, "funding-headline", search, capsys)}
    years = api_rows(client, "funding-by-year", search)
    # 2023: g1 1,000.00 + g2 500.50; 2024: g3 2,000.00 + g4 300.00 (RON)
    assert sum(r["amount"] for r in years) == headline[("amount", "range")] == 3800.5
    assert sum(float(r["amount"]) for r in api_rows(client, "funding-by-year", search, "csv")) == 3800.5
    assert sum(r["grants"] for r in years) == headline[("grants", "range")] == 4
    assert headline[("amount", "last_year")] == years[-1]["amount"] == 2300.0
    assert cards(cb, "funding", search)["kpi-amount"][0] == "3,801 RON"  # 3,800.50 rounded half up
    participation = api_rows(client, "consultation-participation-rates", "?country=RO")
    cons = {(r["figure"], r["period"]): r["value"] for r in report(small_db, "consultations-headline", "?country=RO",
                                                                    capsys)}
    # c1 (2023, 10 days, RO minimum 10: on time), c2 (2023, 7 days: late), c3 (2024, 30 days: on time)
    assert sum(r["consultations"] for r in participation) == cons[("consultations", "range")] == 3
    assert cons[("on_time_pct", "range")] == 66.7 and cons[("on_time_pct", "last_year")] == 100.0
    assert cards(cb, "consultations", "?country=RO")["kpi-on-time"][0] == "66.7%"


def test_fig003_a_share_that_ends_in_5_is_rounded_half_up_everywhere(cb, small_db, server, capsys):
    """One covered authority of 16: 6.25 %, shown 6.3 % on the card, in the query and in the command line alike
    (the cards rounded half to even before: 6.2 % beside a table's 6.3 %)."""
    with small_db.begin() as conn:
        conn.execute(t.authorities.insert(), [
            {"authority_id": f"BG-18-L{i:02d}", "name": f"Municipality {i}", "country": "BG", "level": "local",
             "region_code": "BG-18", "parent_id": None} for i in range(15)])
        conn.execute(t.dataset_info.insert().values(key="data_version", value="2"))
    search = "?country=BG&year_to=2024"  # BG-18-OA's officer (2018–2025) is the only one: 1 of 16
    rows = {(r["figure"], r["period"]): r["value"] for r in report(small_db, "liaison-headline", search, capsys)}
    assert (rows[("authorities", "as_of")], rows[("covered", "as_of")], rows[("coverage_pct", "as_of")]) == (16, 1, 6.3)
    assert cards(cb, "liaison", search)["kpi-coverage"][0] == "6.3%"
    table = api_rows(server.test_client(), "liaison-coverage", search)
    assert sum(r["covered"] for r in table) == 1 and sum(r["authorities"] for r in table) == 16


def test_fig004_cards_say_their_period_and_compare_equal_periods(cb, small_db):
    """A card's note names its period, and a change is between two periods of the same length."""
    notes = {k: note for k, (_v, note) in cards(cb, "funding", "?country=RO&year_from=2023&year_to=2024").items()}
    assert notes["kpi-amount"].startswith("2023–2024")  # 2021–2022 before it: 100.00 RON (g5, 2022)
    assert "vs 2021–2022" in notes["kpi-amount"]
    assert notes["kpi-last-year"].startswith("2024") and "vs 2023" in notes["kpi-last-year"]
    overview = {k: note for k, (_v, note) in cards(cb, "overview", "?country=RO").items()}
    assert overview["kpi-coverage"].startswith("on ")


def test_fig005_the_reference_date_for_officers_is_the_end_of_the_data(small_db, capsys):
    """Without a year or a date in the address, officers are counted on 31 December of the last year an officer
    was appointed or left (2025 in the small dataset), not on today's date."""
    rows = report(small_db, "liaison-headline", "?country=RO", capsys)
    assert {r["as_of"] for r in rows} == {"2025-12-31"}
