"""The reference data shipped in data/reference: each figure as its source states it, and what it lets the
product compare (SOURCES.md names the sources and how the figures were derived)."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.cli import REFERENCE_DIR
from queries import demo, make_filter, registry
from queries.money import left_out

from .conftest import make_engine


@pytest.fixture(scope="module")
def initialised(tmp_path_factory):
    """`civmon init` (which loads data/reference) then the demo data, as `make run` does."""
    engine, dispose = make_engine("sqlite", tmp_path_factory.mktemp("init"))
    assert cli.main(["--database-url", engine.url.render_as_string(hide_password=False), "init"]) == 0
    demo.build(engine)
    yield engine
    dispose()


def _rows(name: str) -> list[dict]:
    with (Path(REFERENCE_DIR) / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_ref001_kzt_rates_are_the_means_of_the_monthly_averages():
    months = defaultdict(list)
    for row in _rows("kzt_eur_monthly.csv"):
        months[int(row["month"][:4])].append(float(row["kzt_per_eur"]))
    annual = {int(r["year"]): float(r["units_per_eur"]) for r in _rows("exchange_rates.csv") if r["currency"] == "KZT"}
    assert sorted(annual) == list(range(2015, 2026))
    assert all(len(months[year]) == 12 for year in annual)
    assert annual == {year: round(sum(months[year]) / 12, 2) for year in annual}
    assert annual[2015] == 246.11 and annual[2025] == 588.72


def test_ref002_ron_2025_and_the_named_rsd_gap():
    rates = {(r["currency"], int(r["year"])): r["units_per_eur"] for r in _rows("exchange_rates.csv")}
    assert rates[("RON", 2025)] == "5.04311"
    assert [y for y in range(2022, 2026) if ("RSD", y) in rates] == []
    assert ("RSD", 2021) in rates


def test_ref003_kazakhstan_population_on_one_date_sums_to_the_national_total():
    kz = {r["code"]: r["population"] for r in _rows("regions.csv") if r["country"] == "KZ"}
    assert len(kz) == 20 and all(kz.values())
    assert sum(int(p) for p in kz.values()) == 19_765_004
    assert kz["KZ-75"] == "2161695" and kz["KZ-62"] == "221395"


def test_ref004_kazakh_funding_is_compared_in_euro_and_the_dinar_gap_is_named(initialised):
    df = registry.get("funding-by-county-compared").run(make_filter(years="2015-2024"), initialised)
    kz = df[df.region_code.str.startswith("KZ-")]
    assert len(kz) == 20 and kz.compared.all() and kz.per_1000_eur.notna().all()
    assert (kz.per_1000_eur > 0).all()
    gaps = {g.country: g for g in left_out(df)}
    assert set(gaps) == {"RS"} and gaps["RS"].currency == "RSD" and gaps["RS"].years == (2022, 2023, 2024)
    assert not df[df.region_code.str.startswith("RS-")].compared.any()
