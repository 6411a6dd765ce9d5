"""A data steward in a real browser: the footer's sign-in link, signing in, a rejected file's problems, a checked
file confirmed and loaded, the import history, signing out. Against gunicorn (2 workers) on a database of its own
(`civmon init` and one steward), so the session dataset of the other browser tests is left as it is."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.server import ROOT, serve

from .conftest import new_page

STEWARD, PASSWORD = "maria", "a long enough passphrase"
RULES_BAD = "country,min_comment_days\nRO,ten\nXX,5\n"
RULES_GOOD = "country,min_comment_days\nRO,12\nKZ,20\n"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def steward_server(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("stewards")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'civmon.db'}", "PYTHONUNBUFFERED": "1",
           "SECRET_KEY": "browser-test-key-" + "0" * 32, "CIVMON_UPLOAD_DIR": str(folder / "uploads")}
    env.pop("REDIS_URL", None)
    civmon = [sys.executable, "-m", "dashboard.cli"]
    for args, stdin in ((["init"], None), (["user", "add", STEWARD, "--password-stdin"], PASSWORD + "\n")):
        done = subprocess.run(civmon + args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"civmon {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    served = serve(env, folder)
    yield served.base, folder
    served.stop()
    server_log = served.log
    assert "Traceback" not in server_log, server_log[-3000:]
    assert PASSWORD not in server_log and "wrong passphrase" not in server_log  # never a password in the log


def sign_in(page, base: str) -> None:
    from playwright.sync_api import expect
    page.goto("/login")
    page.get_by_label("Username").fill(STEWARD)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/admin/import")


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation (as tests/browser/test_pages.py checks the public pages)."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    bad = [f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(bad)


def test_bupl001_steward_signs_in_checks_loads_and_sees_history(browser, steward_server):
    from playwright.sync_api import expect
    base, folder = steward_server
    page = new_page(browser, base)
    try:
        page.goto("/about")
        page.locator("#steward-link").click()
        expect(page).to_have_url(base + "/login")
        page.goto("/admin/import")  # anonymous: the sign-in page, then back here
        expect(page).to_have_url(base + "/login?next=%2Fadmin%2Fimport")
        page.get_by_label("Username").fill(STEWARD)
        page.get_by_label("Password").fill("wrong passphrase")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#login-message")).to_have_text("Wrong username or password.")
        assert_accessible(page)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(base + "/admin/import")
        expect(page.get_by_text(f"Signed in as {STEWARD}")).to_be_visible()

        bad, good = folder / "rules-bad.csv", folder / "rules.csv"
        bad.write_text(RULES_BAD, encoding="utf-8")
        good.write_text(RULES_GOOD, encoding="utf-8")
        page.get_by_label("Kind of data").select_option("consultation_rules")
        page.get_by_label("File (.csv or .xlsx)").set_input_files(str(bad))
        page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#upload-problem-count")).to_contain_text("rules-bad.csv: 2 problems. Nothing was written")
        expect(page.locator("#upload-problems tbody tr")).to_have_count(2)
        expect(page.locator("#upload-confirm")).to_have_count(0)
        page.screenshot(path=str(folder / "upload-rejected.png"), full_page=True)
        assert_accessible(page)

        expect(page.get_by_label("Kind of data")).to_have_value("consultation_rules")  # kept for the next try
        page.get_by_label("File (.csv or .xlsx)").set_input_files(str(good))
        page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#upload-checked")).to_contain_text("rules.csv: 2 rows checked, no problem found")
        expect(page.locator("#rows-to-add")).to_have_text("1")
        expect(page.locator("#rows-to-replace")).to_have_text("1")
        page.screenshot(path=str(folder / "upload-checked.png"), full_page=True)
        assert_accessible(page)
        page.get_by_role("button", name="Confirm and load").click()
        expect(page.locator("#upload-loaded")).to_contain_text("Loaded rules.csv: 1 rows added, 1 replaced.")

        page.get_by_role("link", name="Import history").first.click()
        first = page.locator("#import-history tbody tr").first
        expect(first).to_contain_text(STEWARD)
        expect(first).to_contain_text("rules.csv")
        expect(first).to_contain_text("consultation_rules")
        page.screenshot(path=str(folder / "import-history.png"), full_page=True)
        assert_accessible(page)

        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(base + "/")
        page.goto("/admin/imports")
        expect(page).to_have_url(base + "/login?next=%2Fadmin%2Fimports")
        assert not page.log.page_errors and not page.log.outside
        # the only responses ≥ 400 are the wrong password's (401) and the rejected file's (422), which Chromium
        # also reports on the console
        assert [u for u in page.log.failed if not u.endswith(("/login → 401", "/admin/import → 422"))] == []
        assert [m for m in page.log.console_errors if "status of 401" not in m and "status of 422" not in m] == []
    finally:
        page.context.close()


def test_bupl002_too_large_file_is_refused_before_it_is_sent(browser, steward_server):
    from playwright.sync_api import expect
    base, folder = steward_server
    page = new_page(browser, base)
    try:
        sign_in(page, base)
        page.evaluate("document.getElementById('upload-file').dataset.maxBytes = '10'")  # as if the limit were 10 B
        big = folder / "big.csv"
        big.write_text(RULES_GOOD, encoding="utf-8")
        page.get_by_label("Kind of data").select_option("consultation_rules")
        page.get_by_label("File (.csv or .xlsx)").set_input_files(str(big))
        expect(page.locator("#upload-too-large")).to_contain_text("The file is larger than the limit of 200 MB.")
        requests_before = len(page.log.requests)
        page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#upload-checked")).to_have_count(0)
        assert page.evaluate("document.getElementById('upload-file').validity.valid") is False
        assert not [u for u in page.log.requests[requests_before:] if u.endswith("/admin/import")]
    finally:
        page.context.close()


AUTHORITIES_RO = ("Cod,Denumire,Tip,Județ\n"
                  "RO-CJ-CJC,Consiliul Județean Cluj,Consiliu județean,RO-CJ\n"
                  "RO-CJ-P01,Primăria Turda,primărie ,RO-CJ\n")
GRANTS_RO = ("Nr.,An,Finanțator,Județ,Beneficiar,Suma,Domeniu,Procedura,Data semnării\n"
             "CJ-1,2024,RO-CJ-CJC,RO-CJ,Asociația Prietenii Bibliotecii,\"1.250,50\",cultură,atribuire directă,18.03.2024\n"
             "CJ-2,2024,RO-CJ-P01,RO-CJ,Clubul Sportiv Potaissa,25.000,sport,competiție,02/05/2024\n")


def _build_mapping(page, kind: str, sample, name: str, columns: dict, constants: dict = {}, values: dict = {},
                   decimal: str = "") -> None:
    from playwright.sync_api import expect
    page.goto("/admin/mappings")
    page.get_by_label("Kind of data").select_option(kind)
    page.get_by_label("Sample file (.csv or .xlsx)").set_input_files(str(sample))
    page.get_by_role("button", name="Read its headers").click()
    expect(page.locator("#mapping-form")).to_be_visible()
    page.locator("#mapping-name").fill(name)
    for column, header in columns.items():
        page.locator(f"#source-{column}").select_option(header)
    for column, value in constants.items():
        page.locator(f"#constant-{column}").fill(value)
    for column, text in values.items():
        page.locator(f"#values-{column}").fill(text)
    if decimal:
        page.locator("#mapping-decimal").select_option(decimal)
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.locator("#mapping-saved")).to_contain_text(f"Saved the mapping {name}")


def _load(page, kind: str, path, mapping: str) -> None:
    from playwright.sync_api import expect
    page.goto("/admin/import")
    page.get_by_label("Kind of data").select_option(kind)
    page.locator("#upload-mapping").select_option(mapping)
    page.get_by_label("File (.csv or .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#upload-checked")).to_be_visible()
    page.locator("#upload-confirm").click()
    expect(page.locator("#upload-loaded")).to_contain_text(f"Loaded {path.name}")


def test_bupl003_a_steward_builds_mappings_saves_them_and_loads_the_sources_own_files(browser, steward_server):
    """Romanian headers, the council's own words, amounts with a decimal comma and dates written day first: the
    steward matches columns, gives constants and translations, saves two mappings by name, exports one as TOML, and
    loads both files through them; the numbers land as the source meant them."""
    import sqlite3

    from playwright.sync_api import expect
    base, folder = steward_server
    page = new_page(browser, base)
    try:
        sign_in(page, base)
        authorities, grants = folder / "autoritati.csv", folder / "granturi.csv"
        authorities.write_text(AUTHORITIES_RO, encoding="utf-8")
        grants.write_text(GRANTS_RO, encoding="utf-8")

        _build_mapping(page, "authorities", authorities, "Autorități Cluj",
                       columns={"authority_id": "Cod", "name": "Denumire", "level": "Tip", "region_code": "Județ"},
                       constants={"country": "RO"},
                       values={"level": "Consiliu județean = regional\nPrimărie = local"})
        export = page.locator("#mapping-list a", has_text="TOML")
        expect(export).to_have_count(1)
        toml = page.request.get(export.get_attribute("href")).text()
        assert 'kind = "authorities"' in toml and '[values.level]' in toml and '"Consiliu județean" = "regional"' in toml
        page.screenshot(path=str(folder / "mappings.png"), full_page=True)
        _load(page, "authorities", authorities, "Autorități Cluj")

        _build_mapping(page, "grants", grants, "Granturi CJ Cluj",
                       columns={"grant_id": "Nr.", "year": "An", "funder_authority_id": "Finanțator",
                                "region_code": "Județ", "recipient_name": "Beneficiar", "amount": "Suma",
                                "domain": "Domeniu", "procedure": "Procedura", "awarded_on": "Data semnării"},
                       constants={"currency": "RON"},
                       values={"domain": "cultură = culture", "procedure": "atribuire directă = direct\n"
                                                                           "competiție = competitive"},
                       decimal="comma")
        _load(page, "grants", grants, "Granturi CJ Cluj")
        assert_accessible(page)
    finally:
        page.context.close()
    with sqlite3.connect(folder / "civmon.db") as conn:
        assert dict(conn.execute("select authority_id, level from authorities").fetchall()) == {
            "RO-CJ-CJC": "regional", "RO-CJ-P01": "local"}
        assert conn.execute("select grant_id, amount_cents, domain, procedure, awarded_on from grants "
                            "order by grant_id").fetchall() == [
            ("CJ-1", 125050, "culture", "direct", "2024-03-18"), ("CJ-2", 2500000, "sport", "competitive",
                                                                   "2024-05-02")]
