"""The data stewards' upload (/admin/import) and import history (/admin/imports) through Flask's test client:
a good file loads after confirmation and the public figures change; a bad file lists its problems and
writes nothing; anonymous visitors, forged forms, changed files and files above the limit change nothing."""
from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from dashboard import cli
from queries import schema as t
from queries.contract import KINDS

from .conftest import ENGINES

from .stewards import (STEWARD, client, database_state, form_token, pending_token, server, sign_in,  # noqa: F401
                       small_db, text)

HEADER = ",".join(KINDS["grants"].column_names)
GOOD = HEADER + """
g1,2023,RO-CJ-CJC,RO-CJ,A Assoc,R1,1500.00,RON,social,competitive,
g101,2023,RO-CJ-CJC,RO-CJ,New Assoc,R9,250.00,RON,civic,direct,2023-05-01
"""
BAD = HEADER + """
g1,2023,RO-CJ-CJC,RO-CJ,A Assoc,R1,-5,RON,social,competitive,
g101,2023,RO-CJ-CJC,RO-XX,New Assoc,R9,250.00,RON,civic,direct,2023-05-01
g101,2023,RO-CJ-CJC,RO-CJ,New Assoc,R9,250.00,RON,charity,direct,2023-05-01
"""
CLUJ_2023 = "/api/v1/charts/funding-by-county.json?country=RO&year_from=2023&year_to=2023"


@pytest.fixture
def steward(client):
    """The test client, signed in as the steward."""
    assert sign_in(client).status_code == 302
    return client


def upload(client, content: bytes | str, name: str = "grants-2024.csv", kind: str = "grants", token: str | None = None):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/admin/import", content_type="multipart/form-data", data={
        "kind": kind, "csrf_token": token or form_token(client, "/admin/import"), "file": (io.BytesIO(data), name)})


def confirm(client, page_html: str, token: str | None = None):
    return client.post("/admin/import/confirm", data={"csrf_token": token or form_token(client, "/admin/import"),
                                                       "token": pending_token(page_html)})


def cluj_amount(client) -> float:
    rows = client.get(CLUJ_2023).get_json()["rows"]
    return next(r["amount"] for r in rows if r["region_code"] == "RO-CJ")


def uploads_left(tmp_path) -> list[Path]:
    folder = tmp_path / "uploads"
    return [p for p in folder.iterdir()] if folder.exists() else []


@pytest.mark.parametrize("small_db", ENGINES, indirect=True)
def test_upl001_a_good_file_loads_after_confirmation(steward, small_db, tmp_path):
    assert cluj_amount(steward) == 1500.5
    before = database_state(small_db)
    checked = upload(steward, GOOD)
    page = text(checked)
    assert checked.status_code == 200
    assert "grants-2024.csv: 2 rows checked, no problem found. Nothing has been written yet." in page
    html = checked.get_data(as_text=True)
    assert re.search(r'id="rows-to-add">1<', html) and re.search(r'id="rows-to-replace">1<', html)
    assert database_state(small_db) == before and cluj_amount(steward) == 1500.5  # checked, not loaded
    loaded = confirm(steward, html)
    assert loaded.status_code == 200 and "Loaded grants-2024.csv: 1 rows added, 1 replaced." in text(loaded)
    assert cluj_amount(steward) == 1500 + 500.5 + 250  # the public figures changed at once
    after = database_state(small_db)
    assert after["counts"]["grants"] == before["counts"]["grants"] + 1
    assert int(after["data_version"]) == int(before["data_version"]) + 1
    with small_db.connect() as conn:
        log = conn.execute(sa.select(t.import_log)).one()
    assert (log.kind, log.file_name, log.rows, log.added, log.replaced, log.source, log.imported_by) == \
        ("grants", "grants-2024.csv", 2, 1, 1, "web", STEWARD)
    assert log.sha256 in html
    assert uploads_left(tmp_path) == []  # the file is not kept
    again = confirm(steward, html)  # a second confirmation loads nothing
    assert again.status_code == 409 and database_state(small_db) == after


@pytest.mark.parametrize("small_db", ENGINES, indirect=True)
def test_upl002_a_bad_file_lists_every_problem_and_writes_nothing(steward, small_db, tmp_path):
    before = database_state(small_db)
    resp = upload(steward, BAD, name="grants-bad.csv")
    page = text(resp)
    assert resp.status_code == 422
    assert "grants-bad.csv: 4 problems. Nothing was written" in page
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", resp.get_data(as_text=True))
    assert [(r, c) for r, c, _reason in rows] == [("2", "amount"), ("3", "region_code"), ("4", "grant_id"),
                                                   ("4", "domain")]
    assert 'name="token"' not in resp.get_data(as_text=True)  # nothing to confirm
    assert database_state(small_db) == before and cluj_amount(steward) == 1500.5
    assert uploads_left(tmp_path) == []


def test_upl003_an_xlsx_file_loads(steward, small_db):
    wb = openpyxl.Workbook()
    wb.active.append(["country", "min_comment_days"])
    wb.active.append(["RO", 15])
    wb.active.append(["KZ", 20])
    buf = io.BytesIO()
    wb.save(buf)
    checked = upload(steward, buf.getvalue(), name="rules.xlsx", kind="consultation_rules")
    assert checked.status_code == 200 and "rules.xlsx: 2 rows checked" in text(checked)
    assert "Loaded rules.xlsx: 1 rows added, 1 replaced." in text(confirm(steward, checked.get_data(as_text=True)))
    with small_db.connect() as conn:
        rules = dict(conn.execute(sa.select(t.consultation_rules)).all())
    assert rules == {"RO": 15, "BG": 30, "KZ": 20}


def test_upl004_anonymous_visitors_get_the_sign_in_page(client, small_db):
    before = database_state(small_db)
    for path in ("/admin/import", "/admin/imports", "/admin"):
        resp = client.get(path, follow_redirects=True)
        assert resp.status_code == 200 and resp.request.path == "/login", path
        assert "Sign in" in text(resp) and 'name="password"' in resp.get_data(as_text=True)
    assert client.get("/admin/import?lang=ro").headers["Location"] == \
        "/login?next=%2Fadmin%2Fimport%3Flang%3Dro&lang=ro"
    token = form_token(client)
    resp = upload(client, GOOD, token=token)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")
    resp = client.post("/admin/import/confirm", data={"csrf_token": token, "token": "x" * 32})
    assert resp.status_code == 302
    assert database_state(small_db) == before


def test_upl005_a_wrong_form_token_is_refused_and_changes_nothing(steward, small_db):
    before = database_state(small_db)
    resp = upload(steward, GOOD, token="forged")
    assert resp.status_code == 400 and "This form has expired" in text(resp)
    checked = upload(steward, GOOD)
    assert checked.status_code == 200
    refused = confirm(steward, checked.get_data(as_text=True), token="forged")
    assert refused.status_code == 400 and database_state(small_db) == before
    # the checked file is still waiting for a real confirmation
    assert confirm(steward, checked.get_data(as_text=True)).status_code == 200
    assert database_state(small_db) != before


def test_upl006_a_file_changed_after_its_check_is_not_loaded(steward, small_db, tmp_path):
    checked = upload(steward, GOOD)
    before = database_state(small_db)
    [folder] = uploads_left(tmp_path)
    (folder / "upload.csv").write_text(GOOD.replace("250.00", "999999.00"), encoding="utf-8")
    resp = confirm(steward, checked.get_data(as_text=True))
    assert resp.status_code == 409 and "changed on the server" in text(resp)
    assert database_state(small_db) == before and uploads_left(tmp_path) == []


def test_upl007_only_the_session_that_checked_a_file_can_load_it(server, steward, small_db):
    checked = upload(steward, GOOD)
    other = server.test_client()
    assert sign_in(other).status_code == 302  # the same steward, another browser
    resp = confirm(other, checked.get_data(as_text=True))
    assert resp.status_code == 409
    before = database_state(small_db)
    forged = steward.post("/admin/import/confirm", data={"csrf_token": form_token(steward, "/admin/import"),
                                                         "token": "../../etc/passwd"})
    assert forged.status_code == 409 and database_state(small_db) == before


def test_upl008_files_above_the_limit_get_a_clear_message(steward, small_db, server, monkeypatch, tmp_path):
    monkeypatch.setenv("CIVMON_MAX_UPLOAD_MB", "0.001")  # 1,048 bytes
    before = database_state(small_db)
    big = GOOD + "\n".join(f"g{200 + i},2023,RO-CJ-CJC,RO-CJ,Assoc {i},,1.00,RON,civic,direct," for i in range(30))
    resp = upload(steward, big)
    assert resp.status_code == 413
    assert "The file is larger than the limit of 0.001 MB." in text(resp) and 'id="upload-form"' in resp.get_data(
        as_text=True)
    # a request above Flask's MAX_CONTENT_LENGTH is answered with the same page, not an error page
    monkeypatch.setitem(server.config, "MAX_CONTENT_LENGTH", 2000)
    resp = upload(steward, big * 3)
    assert resp.status_code == 413 and "The file is larger than the limit" in text(resp)
    assert database_state(small_db) == before and uploads_left(tmp_path) == []
    page = steward.get("/admin/import").get_data(as_text=True)
    assert 'data-max-bytes="1048"' in page and "/admin/upload.js" in page
    assert "setCustomValidity" in steward.get("/admin/upload.js").get_data(as_text=True)


@pytest.mark.parametrize("kind, name, message", [
    ("grants", "grants.txt", "grants.txt is not a .csv or .xlsx file"),
    ("", "grants.csv", "Choose the kind of data the file holds."),
    ("grants", "", "Choose a file to check."),
])
def test_upl009_missing_kind_file_or_wrong_type(steward, small_db, kind, name, message):
    before = database_state(small_db)
    resp = upload(steward, GOOD, name=name, kind=kind)
    assert resp.status_code == 400 and message in text(resp)
    assert database_state(small_db) == before


def test_upl010_cancel_deletes_the_checked_file(steward, small_db, tmp_path):
    checked = upload(steward, GOOD)
    assert len(uploads_left(tmp_path)) == 1
    resp = steward.post("/admin/import/cancel", data={"csrf_token": form_token(steward, "/admin/import")})
    assert resp.status_code == 302 and uploads_left(tmp_path) == []
    assert confirm(steward, checked.get_data(as_text=True)).status_code == 409


def test_upl011_history_shows_who_when_what(steward, small_db, tmp_path, monkeypatch, capsys):
    confirm(steward, upload(steward, GOOD).get_data(as_text=True))
    path = tmp_path / "rules.csv"
    path.write_text("country,min_comment_days\nKZ,20\n", encoding="utf-8")
    monkeypatch.setattr("getpass.getuser", lambda: "operator")
    url = small_db.url.render_as_string(hide_password=False)
    assert cli.main(["--database-url", url, "import", "consultation_rules", str(path)]) == 0
    resp = steward.get("/admin/imports")
    assert resp.status_code == 200
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td>(.*?)</td><td>(.*?)</td>\s*<td><span[^>]*>(.*?)</span></td>"
                      r"<td[^>]*>(.*?)</td>\s*<td><code[^>]*>(\w+)</code></td>\s*<td[^>]*>(.*?)</td>"
                      r"<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td></tr>", resp.get_data(as_text=True))
    assert [r[1:5] + r[6:] for r in rows] == [
        ("operator", "command line", "consultation_rules", "rules.csv", "1", "1", "0"),
        (STEWARD, "upload page", "grants", "grants-2024.csv", "2", "1", "1")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[0]) and len(r[5]) == 64 for r in rows)


def test_upl012_footer_links_to_the_stewards_sign_in(small_db):
    from dashboard import components, state
    footer = components.footer(state.parse("?lang=ro"))
    link = next(c.children[1] for c in footer.children.children
                if isinstance(c.children, list) and getattr(c.children[1], "id", None) == "steward-link")
    assert link.href == "/login?lang=ro"


def test_upl013_what_is_loaded_and_logged_is_the_checked_bytes(steward, small_db, tmp_path, monkeypatch):
    """A file rewritten on the server once Confirm has compared it: the bytes that were checked are loaded, and the
    log records their SHA-256 (before: the rewritten file was loaded under the checked file's digest)."""
    from dashboard import uploads
    checked = upload(steward, GOOD)
    [folder] = uploads_left(tmp_path)
    snapshot = uploads.snapshot

    def then_swapped(path, private):
        copied = snapshot(path, private)
        path.write_text(GOOD.replace("250.00", "999999.00"), encoding="utf-8")
        return copied
    monkeypatch.setattr(uploads, "snapshot", then_swapped)
    loaded = confirm(steward, checked.get_data(as_text=True))
    assert loaded.status_code == 200
    assert cluj_amount(steward) == 1500 + 500.5 + 250
    with small_db.connect() as conn:
        logged = conn.execute(sa.select(t.import_log.c.sha256)).scalar_one()
    assert logged in checked.get_data(as_text=True)


def test_upl014_files_waiting_for_confirmation_are_bounded(steward, small_db, tmp_path, monkeypatch):
    upload(steward, GOOD)
    first = uploads_left(tmp_path)
    upload(steward, GOOD.replace("250.00", "260.00"))
    assert len(uploads_left(tmp_path)) == 1 and uploads_left(tmp_path) != first  # one file a steward
    monkeypatch.setenv("CIVMON_MAX_PENDING_MB", "1")
    before = database_state(small_db)
    big = GOOD + "\n".join(f"g{200 + i},2023,RO-CJ-CJC,RO-CJ,Assoc {i},,1.00,RON,civic,direct,"
                           for i in range(30_000))
    resp = upload(steward, big)
    assert resp.status_code == 507 and "too many checked files" in text(resp) and "CIVMON_MAX_PENDING_MB" in text(resp)
    assert uploads_left(tmp_path) == [] and database_state(small_db) == before


def test_upl015_a_bomb_file_uploaded_is_refused_in_a_sentence(steward, small_db, tmp_path):
    """The upload page refuses a workbook of 5 million rows (0.7 MB in the issue) at once, and keeps nothing."""
    import time
    from .test_hardening import BOMBS
    make, sentence = BOMBS["5 million rows"]
    path = make(tmp_path / "rows.xlsx")
    before = database_state(small_db)
    started = time.monotonic()
    resp = upload(steward, path.read_bytes(), name="rows.xlsx", kind="regions")
    assert resp.status_code == 422 and sentence in text(resp) and time.monotonic() - started < 5
    assert database_state(small_db) == before and uploads_left(tmp_path) == []
