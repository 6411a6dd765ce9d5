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
    return subprocess.Popen([sys.executable, "-m", "dashboard.cli", "--database-url", url, *args], cwd=ROOT,
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


# --- files made to exhaust a worker ---------------------------------------------------------------------------------

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                  '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                  'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
                  'formats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                  '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
             'name="s" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
                  'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                  'Target="sharedStrings.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REGION_HEADER = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
                         for i, name in enumerate(KINDS["regions"].column_names))


def xlsx(path, shared, sheet):
    """A workbook whose sharedStrings.xml and sheet1.xml are the byte blocks the two generators give."""
    import zipfile
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)):
            book.writestr(name, text)
        for name, blocks in (("xl/sharedStrings.xml", shared), ("xl/worksheets/sheet1.xml", sheet)):
            with book.open(name, "w", force_zip64=True) as part:
                for block in blocks:
                    part.write(block)
    return path


def _texts(*blocks):
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'.encode()
    yield from blocks
    yield b"</sst>"


def _sheet(*blocks, header: str = f'<row r="1">{_REGION_HEADER}</row>'):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{header}'.encode()
    yield from blocks
    yield b"</sheetData></worksheet>"


def _repeat(block: bytes, times: int):
    for _ in range(times):
        yield block


BOMBS = {
    # name: (file maker, the sentence's start), each as the issue describes it
    "large shared texts": (lambda p: xlsx(p, _texts(b"<si><t>", *_repeat(b"A" * (1 << 20), 300), b"</t></si>"),
                                          _sheet(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>')),
                           "The workbook's part xl/sharedStrings.xml inflates more than 100-fold"),
    "20 million shared texts": (lambda p: xlsx(p, _texts(*_repeat(b"<si><t>x</t></si>" * 65536, 305)),
                                               _sheet(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>')),
                                "The workbook's part xl/sharedStrings.xml inflates more than 100-fold"),
    "5 million rows": (lambda p: xlsx(p, _texts(), _sheet(*(
        "".join(f'<row r="{i}"/>' for i in range(start, start + 100_000)).encode()
        for start in range(2, 5_000_002, 100_000)))),
        "The workbook's sheet has more than 1,048,576 rows"),
    "a million columns in XLSX": (lambda p: xlsx(p, _texts(), _sheet(header="<row r=\"1\">" + "".join(
        f"<c><v>{i}</v></c>" for i in range(1_000_000)) + "</row>")),
        "Row 1 of the workbook has more than 1,000 cells"),
    "a million columns in CSV": (lambda p: p.with_suffix(".csv").write_text(
        ",".join(f"column{i}" for i in range(1_000_000)) + "\n") and p.with_suffix(".csv"),
        "The header has 1,000,000 columns; a file civmon reads has at most 1,000."),
}


def civmon_measured(url: str, *args: str, env: dict | None = None) -> tuple[int, str, float, float]:
    """`civmon ARGS` in a process of its own: (exit code, standard error, seconds, peak memory in MB)."""
    # VmHWM, the peak of this process's own memory (ru_maxrss would include the forking pytest's, on Linux)
    code = ("import re, sys; from dashboard import cli; rc = cli.main(sys.argv[1:]); "
            "print('peak', re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1], file=sys.stderr); "
            "sys.exit(rc)")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", code, "--database-url", url, *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env={**os.environ, **(env or {})})
    seconds = time.monotonic() - started
    peak = int(run.stderr.rsplit("peak ", 1)[1].split()[0]) / 1024 if "peak " in run.stderr else float("nan")
    return run.returncode, run.stderr.rsplit("peak ", 1)[0], seconds, peak


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_hrd008_bomb_files_are_refused_in_seconds_within_bounded_memory(bomb, tmp_path):
    make, sentence = BOMBS[bomb]
    path = make(tmp_path / "bomb.xlsx")
    engine, dispose = make_engine("sqlite", tmp_path)
    dispose()
    url = engine.url.render_as_string(hide_password=False)
    code, err, seconds, peak = civmon_measured(url, "import", "regions", str(path), "--dry-run")
    assert code == 1 and sentence in err, err
    assert err.count("\n") <= 2 and "Traceback" not in err  # one sentence, then "Rejected …"
    assert seconds < 5.0 and peak < 500, (seconds, peak)


def test_hrd009_shared_texts_beyond_the_memory_setting(tmp_path):
    """Texts that compress like real ones (no bomb), but more of them than CIVMON_IMPORT_MEMORY_MB allows."""
    texts = (f"<si><t>Asociatia numarul {i:07d}</t></si>".encode() for i in range(400_000))
    path = xlsx(tmp_path / "texts.xlsx", _texts(*texts), _sheet(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'))
    engine, dispose = make_engine("sqlite", tmp_path)
    dispose()
    url = engine.url.render_as_string(hide_password=False)
    code, err, _s, _p = civmon_measured(url, "import", "regions", str(path), "--dry-run",
                                        env={"CIVMON_IMPORT_MEMORY_MB": "20"})
    assert code == 1 and "would take more than 20 MB of memory to read (CIVMON_IMPORT_MEMORY_MB)" in err, err
    code, err, _s, _p = civmon_measured(url, "import", "regions", str(path), "--dry-run")
    assert code == 1 and "CIVMON_IMPORT_MEMORY_MB" not in err  # the default has room: the rows' own problems


def test_hrd010_extra_values_in_the_first_row_are_an_error(tmp_path):
    """pandas drops what the first record has beyond the header: the row is named, not loaded short."""
    from queries import importer
    engine, dispose = make_engine("sqlite", tmp_path)
    header = ",".join(KINDS["regions"].column_names)
    for body, bad in (("RO-CJ,Cluj,RO,1,,5,EXTRA\nRO-AB,Alba,RO,1,,3\n", 2),
                      ("RO-AB,Alba,RO,1,,3\nRO-CJ,Cluj,RO,1,,5,EXTRA\n", 3)):
        path = tmp_path / "regions.csv"
        path.write_text(header + "\n" + body, encoding="utf-8")
        result = importer.import_file(engine, "regions", path)
        assert not result.ok and [str(p) for p in result.problems] == [
            f"row {bad}: has 7 values but the header has 6 columns"]
    dispose()


def test_hrd011_markup_in_data_is_shown_as_text_in_charts(small_db):
    """A recipient, authority and region named like an HTML link: every chart shows the text, plotly gets no tag."""
    import json
    from dashboard import callbacks
    link = '<a href="https://example.org/x">click</a>'
    with small_db.begin() as conn:
        conn.execute(t.grants.update().where(t.grants.c.recipient_id == "R1").values(recipient_name=link))
        conn.execute(t.authorities.update().where(t.authorities.c.authority_id == "RO-CJ-CJC").values(name=link))
        conn.execute(t.regions.update().where(t.regions.c.code == "RO-BV").values(name=link))
        summary.refresh(conn, ("grants", "consultations", "trainings"), summary.ALL)
        conn.execute(t.dataset_info.insert().values(key="data_version", value="77"))
    for chart_id in ("funding-top-recipients", "funding-by-funder", "consultations-by-authority",
                     "funding-by-county", "funding-by-county-ranking"):
        figure, _table = callbacks.render_chart(chart_id, "?country=RO")
        drawn = json.loads(figure.to_json())
        assert "<a href" not in json.dumps(drawn, ensure_ascii=False), chart_id
    figure, _table = callbacks.render_chart("funding-top-recipients", "?country=RO")
    assert any("&lt;a href=" in label for label in figure.data[0].y)
