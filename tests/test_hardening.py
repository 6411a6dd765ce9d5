"""Hardening: imports at once stay exact, no anonymous request can hold a worker, bomb files are refused quickly.

Each test reproduces what a careless operator or an attacker did to a running civmon, and checks what they would
see afterwards: the published figures, the time an answer took, the memory a worker used.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from queries import schema as t, summary
from queries.contract import KINDS

from . import small_dataset
from .conftest import make_engine
from .server import ROOT, get, serve_small

GRANTS_HEADER = ",".join(KINDS["grants"].column_names)


def grants_file(path, prefix: str, n: int, region: str = "RO-CJ", year: int = 2023):
    """n new grants of 10.00 RON each in one county and year, ids prefix-0 … prefix-(n-1)."""
    lines = [GRANTS_HEADER] + [f"{prefix}-{i},{year},RO-CJ-CJC,{region},Assoc {prefix} {i % 97},{prefix}{i % 89},"
                               f"10.00,RON,social,{'competitive' if i % 3 else 'direct'}," for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def summaries(conn) -> dict[str, list[tuple]]:
    """Every summary table's rows, sorted: two databases with the same facts give the same dict."""
    out = {}
    for table in t.SUMMARY_TABLES:
        rows = conn.execute(sa.select(table)).all()
        out[table.name] = sorted((tuple("" if v is None else v for v in r) for r in rows), key=repr)
    return out


def assert_summaries_are_a_recount(engine) -> None:
    """The summary tables equal what a full rebuild from the records gives (rolled back afterwards)."""
    with engine.connect() as conn:
        with conn.begin() as tx:
            kept = summaries(conn)
            summary.refresh(conn, ("grants", "consultations", "trainings"), summary.ALL)
            recounted = summaries(conn)
            tx.rollback()
    for name in kept:
        assert kept[name] == recounted[name], f"{name} differs from a recount of the records"


def civmon(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "queries.cli", "--database-url", url, *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def cluj_2023_grants(engine) -> int:
    from queries import make_filter, registry
    df = registry.get("funding-by-county").run(make_filter(country="RO", year_from=2023, year_to=2023), engine=engine)
    return int(df.set_index("region_code").loc["RO-CJ", "grants"])


def in_transaction(engine) -> bool:
    """Whether another session of this database has a transaction open (an import has begun)."""
    with engine.connect() as conn:
        return bool(conn.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend' AND xact_start IS NOT NULL")).scalar())


@pytest.fixture
def pg(tmp_path):
    engine, drop = make_engine("postgres", tmp_path)
    small_dataset.load(engine)
    yield engine
    drop()


@pytest.mark.postgres
def test_hrd001_two_command_line_imports_at_once_on_postgres(pg, tmp_path):
    """Two `civmon import grants` of new rows into the same county at the same time: both load, and every figure is
    what the records say (before: both exited 0 and the county's existing grants were counted twice)."""
    url = pg.url.render_as_string(hide_password=False)
    a, b = grants_file(tmp_path / "a.csv", "A", 12_000), grants_file(tmp_path / "b.csv", "B", 12_000)
    before = cluj_2023_grants(pg)
    runs = [civmon(url, "import", "grants", str(a)), civmon(url, "import", "grants", str(b))]
    outputs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    assert any("waiting for it to finish" in err for _out, err in outputs), "one of them waited for the other"
    assert cluj_2023_grants(pg) == before + 24_000
    assert_summaries_are_a_recount(pg)


@pytest.mark.postgres
def test_hrd002_upload_confirmed_while_the_command_line_imports(pg, tmp_path, monkeypatch):
    """A steward confirms an upload while `civmon import` runs: the upload waits for it, then both are counted."""
    from queries import db, users
    from . import stewards
    from .test_upload import confirm, upload

    users.add(pg, stewards.STEWARD, stewards.PASSWORD)
    url = pg.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CIVMON_UPLOAD_DIR", str(tmp_path / "uploads"))
    db.get_engine.cache_clear()
    import dashboard.app
    client = dashboard.app.server.test_client()
    assert stewards.sign_in(client).status_code == 302
    web = grants_file(tmp_path / "web.csv", "W", 12_000).read_text()
    checked = upload(client, web, name="web.csv")
    assert checked.status_code == 200, stewards.text(checked)
    before = cluj_2023_grants(pg)
    cli = civmon(url, "import", "grants", str(grants_file(tmp_path / "cli.csv", "C", 12_000)))
    started = time.monotonic()
    while not in_transaction(pg) and time.monotonic() - started < 60:  # the command is checking its file
        time.sleep(0.05)
    answer = []
    web_thread = threading.Thread(target=lambda: answer.append(confirm(client, checked.get_data(as_text=True))))
    web_thread.start()
    out, err = cli.communicate(timeout=300)
    web_thread.join(300)
    db.get_engine.cache_clear()
    assert cli.returncode == 0, err
    assert answer and answer[0].status_code == 200, stewards.text(answer[0])
    assert "12,000 rows added" in stewards.text(answer[0])
    assert cluj_2023_grants(pg) == before + 24_000
    assert_summaries_are_a_recount(pg)


def test_hrd003_overlapping_imports_on_sqlite_wait_with_a_message(tmp_path):
    """On SQLite the second `civmon import` waits for the first with a sentence, not a traceback, and both load."""
    engine, dispose = make_engine("sqlite", tmp_path)
    small_dataset.load(engine)
    url = engine.url.render_as_string(hide_password=False)
    a, b = grants_file(tmp_path / "a.csv", "A", 20_000), grants_file(tmp_path / "b.csv", "B", 20_000)
    runs = [civmon(url, "import", "grants", str(a))]
    time.sleep(1.0)
    runs.append(civmon(url, "import", "grants", str(b)))
    outputs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    assert not any("Traceback" in err for _o, err in outputs)
    assert cluj_2023_grants(engine) == 2 + 40_000
    assert_summaries_are_a_recount(engine)
    dispose()


# --- anonymous requests ---------------------------------------------------------------------------------------------

@pytest.fixture
def served(tmp_path):
    """The app under gunicorn (gunicorn.conf.py: 2 workers of 8 threads) on the small dataset, SQLite."""
    server = serve_small(tmp_path)
    yield server
    server.stop()


def timed(fn):
    started = time.monotonic()
    value = fn()
    return value, time.monotonic() - started


def post(url: str, body: bytes) -> int:
    import urllib.error
    import urllib.request
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:  # the server answered 413 and closed before the whole body was sent
        return 413


def test_hrd004_a_huge_anonymous_callback_is_refused_at_once(served):
    """A chart callback whose address names 150,000 made-up regions (1.5 MB): 413 within a second, twice at once,
    while /healthz answers within a second (before: both workers busy until gunicorn killed them at 60 s)."""
    import json
    from .server import chart_callback
    search = "?region=" + ",".join(f"RO-{i:05d}" for i in range(150_000))
    body = json.dumps(chart_callback("funding-by-county", search)).encode()
    assert len(body) > 1_400_000
    results = []
    threads = [threading.Thread(target=lambda: results.append(timed(
        lambda: post(served.base + "/_dash-update-component", body)))) for _ in range(2)]
    for th in threads:
        th.start()
    (status, _body), seconds = timed(lambda: get(served.base + "/healthz"))
    for th in threads:
        th.join(60)
    assert status == 200 and seconds < 1.0
    assert [r[0] for r in results] == [413, 413] and max(r[1] for r in results) < 1.0, results


def test_hrd005_too_many_values_in_an_address_are_explained_fast(served):
    """Under the body limit but with 20,000 regions: the explained empty view, at once."""
    import json
    from .server import chart_callback
    search = "?region=" + ",".join(f"RO-{i:05d}" for i in range(20_000))
    body = json.dumps(chart_callback("funding-by-county", search)).encode()
    assert len(body) < 256 * 1024
    import urllib.request
    req = urllib.request.Request(served.base + "/_dash-update-component", data=body,
                                 headers={"Content-Type": "application/json"})
    (answer), seconds = timed(lambda: json.loads(urllib.request.urlopen(req, timeout=60).read()))
    assert seconds < 1.0
    assert "region takes at most 300 values" in json.dumps(answer)
    status, text = get(served.base + "/api/v1/charts/funding-by-county.json?region="
                       + ",".join(f"RO-{i:03d}" for i in range(400)))
    assert status == 400 and "region takes at most 300 values" in text


def test_hrd006_slow_clients_do_not_stop_the_site(served):
    """Four clients sending their request a byte at a time (slowloris): the site still answers within a second."""
    import socket
    port = int(served.base.rsplit(":", 1)[1])
    slow = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    stop = threading.Event()

    def drip():
        while not stop.is_set():
            for s in slow:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
            stop.wait(0.5)
    dripping = threading.Thread(target=drip, daemon=True)
    dripping.start()
    try:
        time.sleep(1.0)
        for path in ("/healthz", "/api/v1/charts/funding-by-county.json?country=RO"):
            (status, _text), seconds = timed(lambda: get(served.base + path))
            assert status == 200 and seconds < 1.0, (path, seconds)
    finally:
        stop.set()
        for s in slow:
            s.close()


# --- the database's time limits -------------------------------------------------------------------------------------

SLOW = {"sqlite": "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < {n}) SELECT count(*) FROM r",
        "postgresql": "SELECT count(*) FROM generate_series(1, {n})"}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_hrd007_a_statement_past_its_time_limit_is_stopped_but_not_in_an_import(kind, tmp_path, monkeypatch):
    from queries import db
    monkeypatch.setenv("CIVMON_STATEMENT_TIMEOUT", "0.3")
    engine, dispose = make_engine(kind, tmp_path)
    try:
        slow = SLOW[engine.dialect.name].format(n=400_000_000)
        with engine.connect() as conn:
            (error), seconds = timed(lambda: pytest.raises(sa.exc.OperationalError, conn.exec_driver_sql, slow))
            assert seconds < 3.0
            conn.rollback()
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1  # the connection is still usable
        lasting = SLOW[engine.dialect.name].format(n=6_000_000)  # ~1 s on either engine
        with db.import_transaction(engine) as conn:
            assert conn.exec_driver_sql(lasting).scalar() == 6_000_000
        with engine.connect() as conn:  # the limit is back after the import
            pytest.raises(sa.exc.OperationalError, conn.exec_driver_sql, slow)
    finally:
        dispose()
