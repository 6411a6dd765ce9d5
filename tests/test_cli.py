"""`civmon report` prints the indicator tables as a user reads them: CSV, JSON and text."""
from __future__ import annotations

import json

import pytest

from dashboard import cli

from . import small_dataset


@pytest.fixture
def url(sqlite_engine):
    small_dataset.load(sqlite_engine)
    return sqlite_engine.url.render_as_string(hide_password=False)


def report(url, capsys, *args):
    code = cli.main(["--database-url", url, "report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli001_report_csv_has_exact_columns_and_empty_cells(url, capsys):
    code, out, _ = report(url, capsys, "funding-by-county", "--country", "RO", "--years", "2023-2024",
                          "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("region_code,region_name,grants,recipients,amount,currency,amount_eur,"
                        "per_1000_inhabitants,competitive_share_pct")
    assert lines[2] == "RO-BV,Brașov,0,0,0.0,RON,0.0,,"  # no population, nothing granted: empty ratios
    assert lines[3].startswith("RO-CJ,Cluj,3,2,3500.5,RON,")


def test_cli002_report_json_has_nulls_and_the_filters(url, capsys):
    code, out, _ = report(url, capsys, "training-reach", "--region", "RO-BV", "--years", "2023",
                          "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["query"] == "training-reach" and doc["left_out"] == []
    assert doc["filters"]["region"] == ["RO-BV"] and doc["filters"]["year_from"] == 2023
    assert doc["rows"] == [{"year": 2023, "trainings": 0, "participants": 0, "participants_public": None,
                            "participants_cso": None, "cso_share_pct": None, "municipalities_reached": 0,
                            "municipalities_total": 0, "reach_pct": None, "split_reported": 0}]


def test_cli003_report_table_and_repeated_options(url, capsys):
    code, out, _ = report(url, capsys, "liaison-coverage", "--country", "RO", "--country", "KZ",
                          "--level", "central,regional", "--as-of", "2024-12-31")
    assert code == 0 and "Liaison officer coverage" in out
    assert [line.split()[0] for line in out.splitlines()[-2:]] == ["central", "regional"]


@pytest.mark.parametrize("args, message", [
    (["funding-by-cuonty"], "unknown query 'funding-by-cuonty'"),
    (["funding-by-county", "--years", "2024-2019"], "ends before it starts"),
    (["funding-by-county", "--country", "Romania"], "two-letter ISO code"),
    (["funding-by-county", "--region", "RO-XX"], "unknown region code: RO-XX"),
    (["liaison-coverage", "--as-of", "31/12/2024"], "as-of must be a date"),
    (["training-reach", "--level", "municipal"], "level must be one of"),
])
def test_cli004_bad_filters_give_one_sentence_and_exit_2(url, capsys, args, message):
    code, out, err = report(url, capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_cli020_serve_uses_the_database_it_is_given(url, tmp_path):
    """`civmon --database-url X serve` serves X, whatever DATABASE_URL says (before: the option was ignored)."""
    import os
    import subprocess
    import sys
    import time

    from .server import ROOT, free_port, get
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere.db'}", "CIVMON_WARM": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "--database-url", url, "serve", "--port",
                             str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while time.monotonic() < deadline and get(base + "/healthz", timeout=2)[0] != 200:
            time.sleep(0.3)
        status, body = get(base + "/api/v1/charts/funding-by-county.json?country=RO&year_from=2023&year_to=2024")
        cluj = next(r for r in json.loads(body)["rows"] if r["region_code"] == "RO-CJ")
        assert status == 200 and cluj["amount"] == 3500.5
    finally:
        proc.terminate()
        proc.wait(15)
