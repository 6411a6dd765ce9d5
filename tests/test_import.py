"""The importer: every rule of the data contract rejects a bad file with `row N, column C: reason`
and leaves the database exactly as it was; good files load, replace, and keep summaries current."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from queries import schema
from queries.contract import KINDS, LOAD_ORDER, REFERENCE_KINDS
from queries.importer import ImportResult, Problem, import_file, write_templates
from queries.settings import DATA_DIR

BASE = {
    "regions": """code,name,country,level,parent_code,population
RO-CJ,Cluj,RO,1,,679141
RO-B,București,RO,1,,1716961
RO-CJ-CLUJ,Cluj-Napoca,RO,2,RO-CJ,286598
BG-18,Ruse,BG,1,,215477
RS-00,Beograd,RS,1,,1681405
""",
    "currencies": """country,currency,from_year,to_year
RO,RON,2005,
BG,BGN,1999,2025
BG,EUR,2026,
""",
    "authorities": """authority_id,name,country,level,region_code,parent_id
RO-GOV,Guvernul României,RO,central,,
RO-CJ-CJC,Consiliul Județean Cluj,RO,regional,RO-CJ,
RO-CJ-CLUJ-P,Primăria Cluj-Napoca,RO,local,RO-CJ-CLUJ,
BG-18-ADM,Областна администрация Русе,BG,regional,BG-18,
RS-00-GRAD,Grad Beograd,RS,local,RS-00,
""",
    "grants": ",".join(KINDS["grants"].column_names) + """
G1,2024,RO-CJ-CJC,RO-CJ,Asociația A,RO1,1000.00,RON,social,competitive,2024-05-15
G2,2023,RO-CJ-CLUJ-P,RO-CJ-CLUJ,Asociația B,,250.50,RON,culture,direct,
""",
}


# --- helpers ---------------------------------------------------------------------------------

def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, to prove that a rejected file changed nothing."""
    with engine.connect() as conn:
        return {t.name: conn.execute(sa.select(t).order_by(*(t.primary_key.columns or t.columns))).all()
                for t in schema.metadata.sorted_tables}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def rows_csv(kind: str, *overrides: dict) -> str:
    """A CSV of the kind whose rows are the contract's example row with some values changed."""
    spec = KINDS[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(spec.column_names)
    for changes in overrides:
        row = {c.name: c.example for c in spec.columns} | changes
        writer.writerow(row[c] for c in spec.column_names)
    return out.getvalue()


def messages(result: ImportResult) -> list[str]:
    return [str(p) for p in result.problems]


def load(engine, tmp_path, kind: str, content: str, **options) -> ImportResult:
    return import_file(engine, kind, write(tmp_path, f"{kind}.csv", content), **options)


def assert_rejected(engine, path: Path, kind: str, expected: list[str], **options) -> ImportResult:
    before = snapshot(engine)
    result = import_file(engine, kind, path, **options)
    assert messages(result) == expected
    assert not result.ok and result.added == result.replaced == 0
    assert snapshot(engine) == before
    return result


@pytest.fixture
def base(engine, tmp_path):
    """The engine with a few regions, currencies, authorities and grants loaded."""
    for kind in ("regions", "currencies", "authorities", "grants"):
        result = load(engine, tmp_path, kind, BASE[kind])
        assert result.ok, messages(result)
    return engine


def grant_sums(engine) -> dict[str, int]:
    s = schema.s_grants
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(s.c.region1_code, sa.func.sum(s.c.amount_cents))
                                 .group_by(s.c.region1_code)).all())


def dataset_info(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(schema.dataset_info.c.key, schema.dataset_info.c.value)).all())


# --- one failing file per rule ---------------------------------------------------------------

DEJ = {"code": "RO-CJ-DEJ", "name": "Dej", "level": "2"}
RULES = [
    ("required", "grants", [{"recipient_name": ""}], ["row 2, column recipient_name: is required"]),
    ("int", "grants", [{"year": "2024.0"}], ["row 2, column year: must be a whole number"]),
    ("int-range", "liaison_officers", [{"position_rank": "10"}],
     ["row 2, column position_rank: must be between 1 and 9"]),
    ("int-year-range", "grants", [{"year": "1800"}], ["row 2, column year: must be between 1900 and 2100"]),
    ("int-days-range", "consultation_rules", [{"min_comment_days": "400"}],
     ["row 2, column min_comment_days: must be between 0 and 365"]),
    ("population", "regions", [{"population": "-1"}], ["row 2, column population: must be at least 0"]),
    ("date-format", "grants", [{"awarded_on": "15-05-2024"}],
     ["row 2, column awarded_on: must be a date written YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY"]),
    ("date-short", "grants", [{"awarded_on": "2024-5-15"}],
     ["row 2, column awarded_on: must be a date written YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY"]),
    ("date-day-first-real", "grants", [{"awarded_on": "30.02.2024"}], ["row 2, column awarded_on: is not a real date"]),
    ("date-real", "grants", [{"awarded_on": "2023-02-29"}], ["row 2, column awarded_on: is not a real date"]),
    ("bool", "consultations", [{"public_debate_held": "maybe"}],
     ["row 2, column public_debate_held: must be one of true/false, yes/no, 1/0, da/nu or да/не"]),
    ("money-zero", "grants", [{"amount": "0"}], ["row 2, column amount: must be greater than 0"]),
    ("money-negative", "grants", [{"amount": "-5.00"}], ["row 2, column amount: must be greater than 0"]),
    ("money-decimals", "grants", [{"amount": "1234.567"}], ["row 2, column amount: must have at most 2 decimals"]),
    ("money-format", "grants", [{"amount": "1,00,000.00"}],
     ["row 2, column amount: must be a number such as 25000.00 or 25000,00"]),
    ("money-two-ways", "grants", [{"amount": "25.000"}],
     ["row 2, column amount: reads two ways (25.000 or 25000): declare the file's decimal separator "
      "(--decimal-comma or --decimal-point, or the upload form's choice)"]),
    ("money-large", "grants", [{"amount": "12345678901234.00"}], ["row 2, column amount: is too large"]),
    ("rate", "exchange_rates", [{"units_per_eur": "0"}], ["row 2, column units_per_eur: must be greater than 0"]),
    ("rate-format", "exchange_rates", [{"units_per_eur": "4;97"}],
     ["row 2, column units_per_eur: must be a number such as 4.9746 or 4,9746"]),
    ("enum", "grants", [{"domain": "sports"}],
     ["row 2, column domain: must be one of: social, culture, sport, education, youth, environment, health, "
      "civic, religious, other"]),
    ("enum-level", "rank_requirements", [{"level": "national"}],
     ["row 2, column level: must be one of: central, regional, regional_department, district, local"]),
    ("country", "consultation_rules", [{"country": "XX"}],
     ["row 2, column country: must be an ISO 3166 alpha-2 country code such as RO"]),
    ("country-case", "currencies", [{"country": "bg"}],
     ["row 2, column country: must be an ISO 3166 alpha-2 country code such as RO"]),
    ("currency-code", "exchange_rates", [{"currency": "ron"}],
     ["row 2, column currency: must be an ISO 4217 code of 3 upper-case letters such as RON"]),
    ("too-long", "grants", [{"recipient_name": "x" * 10001}],
     ["row 2, column recipient_name: is longer than 10,000 characters"]),
    ("region-subdivision", "regions", [{"code": "RO-XX"}],
     ["row 2, column code: must be an ISO 3166-2 subdivision code of the region's country (like RO-CJ) "
      "for a level-1 region"]),
    ("region-subdivision-country", "regions", [{"code": "BG-18"}],
     ["row 2, column code: must be an ISO 3166-2 subdivision code of the region's country (like RO-CJ) "
      "for a level-1 region"]),
    ("region1-parent", "regions", [{"parent_code": "RO-B"}],
     ["row 2, column parent_code: must be empty for a level-1 region"]),
    ("region2-parent-required", "regions", [DEJ], ["row 2, column parent_code: is required for a level-2 region"]),
    ("region2-parent-missing", "regions", [DEJ | {"parent_code": "RO-ZZ"}],
     ["row 2, column parent_code: there is no region RO-ZZ in the database or in this file"]),
    ("region2-parent-level2", "regions", [DEJ | {"parent_code": "RO-CJ-CLUJ"}],
     ["row 2, column parent_code: RO-CJ-CLUJ is not a level-1 region of RO"]),
    ("region2-parent-country", "regions", [DEJ | {"parent_code": "BG-18"}],
     ["row 2, column parent_code: BG-18 is not a level-1 region of RO"]),
    ("region2-parent-demoted-by-file", "regions",
     [DEJ | {"parent_code": "RO-AB"}, {"code": "RO-AB", "name": "Alba", "level": "2", "parent_code": "RO-CJ"}],
     ["row 2, column parent_code: RO-AB is not a level-1 region of RO"]),
    ("region-with-children-demoted", "regions", [{"level": "2", "parent_code": "RO-B"}],
     ["row 2, column level: RO-CJ has level-2 regions in the database (such as RO-CJ-CLUJ); "
      "it must stay a level-1 region of RO"]),
    ("authority-region-required", "authorities", [{"level": "local", "region_code": ""}],
     ["row 2, column region_code: is required unless level is central"]),
    ("authority-region-missing", "authorities", [{"region_code": "RO-ZZ"}],
     ["row 2, column region_code: there is no region RO-ZZ in the database (import regions first)"]),
    ("authority-region-country", "authorities", [{"country": "BG"}],
     ["row 2, column region_code: region RO-CJ is in RO, not in BG"]),
    ("authority-parent-missing", "authorities", [{"parent_id": "RO-NOPE"}],
     ["row 2, column parent_id: there is no authority RO-NOPE in the database or in this file"]),
    ("officer-authority", "liaison_officers", [{"authority_id": "RO-NOPE"}],
     ["row 2, column authority_id: there is no authority RO-NOPE in the database (import authorities first)"]),
    ("officer-ended", "liaison_officers", [{"ended_on": "2020-01-01"}],
     ["row 2, column ended_on: must not be before appointed_on"]),
    ("grant-funder", "grants", [{"funder_authority_id": "RO-NOPE"}],
     ["row 2, column funder_authority_id: there is no authority RO-NOPE in the database (import authorities first)"]),
    ("grant-region-case", "grants", [{"region_code": "ro-cj"}],
     ["row 2, column region_code: there is no region ro-cj in the database (import regions first)"]),
    ("grant-currency", "grants", [{"currency": "EUR"}],
     ["row 2, column currency: must be RON, the currency of RO in 2024"]),
    ("grant-currency-changeover", "grants",
     [{"region_code": "BG-18", "funder_authority_id": "BG-18-ADM", "year": "2026", "currency": "BGN"}],
     ["row 2, column currency: must be EUR, the currency of BG in 2026"]),
    ("grant-currency-none", "grants",
     [{"region_code": "RS-00", "funder_authority_id": "RS-00-GRAD", "currency": "RSD"}],
     ["row 2, column currency: no currency is recorded for RS in 2024 (import currencies first)"]),
    ("currency-years", "currencies", [{"from_year": "2026", "to_year": "2025"}],
     ["row 2, column to_year: must not be before from_year"]),
    ("consultation-authority", "consultations", [{"authority_id": "RO-NOPE"}],
     ["row 2, column authority_id: there is no authority RO-NOPE in the database (import authorities first)"]),
    ("consultation-deadline", "consultations", [{"comments_deadline": "2024-11-01"}],
     ["row 2, column comments_deadline: must not be before published_on"]),
    ("consultation-accepted", "consultations", [{"comments_accepted": "24"}],
     ["row 2, column comments_accepted: must not be greater than comments_received"]),
    ("consultation-negative", "consultations", [{"comments_received": "-1", "comments_accepted": "0"}],
     ["row 2, column comments_received: must be at least 0"]),
    ("training-region", "trainings", [{"region_code": "RO-ZZ"}],
     ["row 2, column region_code: there is no region RO-ZZ in the database (import regions first)"]),
    ("training-organiser", "trainings", [{"organiser_authority_id": "RO-NOPE"}],
     ["row 2, column organiser_authority_id: there is no authority RO-NOPE in the database "
      "(import authorities first)"]),
    ("training-counts", "trainings", [{"participants_cso": "-3"}],
     ["row 2, column participants_cso: must be at least 0"]),
    ("duplicate", "grants", [{"grant_id": "X1"}, {"grant_id": "X2"}, {"grant_id": "X1"}],
     ["row 4, column grant_id: duplicate of row 2"]),
    ("duplicate-composite-key", "liaison_officers", [{}, {"position_rank": "4"}],
     ["row 3, column authority_id: duplicate of row 2 (same authority_id, position, appointed_on)"]),
    ("duplicate-existing-key-twice", "grants", [{"grant_id": "G1"}, {"grant_id": "G1"}],
     ["row 3, column grant_id: duplicate of row 2"]),
]


@pytest.mark.parametrize("kind, rows, expected", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_imp001_each_rule_rejects_with_row_and_column(base, tmp_path, kind, rows, expected):
    assert_rejected(base, write(tmp_path, "bad.csv", rows_csv(kind, *rows)), kind, expected)


def test_imp002_all_problems_reported_at_once(base, tmp_path):
    path = write(tmp_path, "bad.csv", rows_csv("grants", {"grant_id": "A", "amount": "0"}, {"grant_id": "B"},
                                               {"grant_id": "C", "domain": "x", "awarded_on": "2024-13-01"},
                                               {"grant_id": "D", "region_code": "RO-ZZ"}))
    result = assert_rejected(base, path, "grants", [
        "row 2, column amount: must be greater than 0",
        "row 4, column domain: must be one of: social, culture, sport, education, youth, environment, "
        "health, civic, religious, other",
        "row 4, column awarded_on: is not a real date",
        "row 5, column region_code: there is no region RO-ZZ in the database (import regions first)",
    ])
    assert result.problem_count == 4 and result.rows == 4


def test_imp003_problem_list_is_capped_but_counted(base, tmp_path, monkeypatch):
    monkeypatch.setenv("CIVMON_MAX_REPORTED_PROBLEMS", "2")
    bad = [{"grant_id": f"B{i}", "amount": "0"} for i in range(5)] + [{"grant_id": "B0"}]
    result = import_file(base, "grants", write(tmp_path, "bad.csv", rows_csv("grants", *bad)))
    assert messages(result) == ["row 2, column amount: must be greater than 0",
                                "row 3, column amount: must be greater than 0"]
    assert result.problem_count == 6


def test_imp004_row_numbers_survive_chunks_blank_lines_and_quoted_newlines(base, tmp_path, monkeypatch):
    monkeypatch.setenv("CIVMON_IMPORT_CHUNK_ROWS", "2")
    header, good = rows_csv("grants", {}).splitlines()
    text = "\n".join([header, good.replace("RO-CJ-2024-0001", "K1"), "",
                      good.replace("RO-CJ-2024-0001", "K2").replace("Asociația Exemplu", '"Two\nlines"'),
                      good.replace("RO-CJ-2024-0001", "K3") + ",extra,values",
                      ",,,,,,,,,,",
                      good.replace("RO-CJ-2024-0001", "K1"),
                      good.replace("RO-CJ-2024-0001", "K4").replace("25000.00", "0")]) + "\n\n"
    assert_rejected(base, write(tmp_path, "bad.csv", text), "grants", [
        "row 5: has 13 values but the header has 11 columns",
        "row 7, column grant_id: duplicate of row 2",
        "row 8, column amount: must be greater than 0",
    ])


def test_imp005_values_right_of_the_header_are_rejected(base, tmp_path):
    text = "country,min_comment_days\nRO,10\nBG,30,oops\n"
    assert_rejected(base, write(tmp_path, "r.csv", text), "consultation_rules",
                    ["row 3: has 3 values but the header has 2 columns"])


def test_imp006_unclosed_quote_is_reported_at_its_row(base, tmp_path):
    text = 'country,min_comment_days\nRO,10\n"BG,30\nRS,20\n'
    assert_rejected(base, write(tmp_path, "r.csv", text), "consultation_rules",
                    ["row 3: a quoted value starts here and is never closed"])


# --- problems with the whole file ------------------------------------------------------------

def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.txt", "hello")
    return buffer.getvalue()


LATIN1 = "code,name,country,level\nRO-CJ,Clu".encode() + b"\xe9" + b"j,RO,1\n"
FILE_LEVEL = [
    ("empty", "regions", "r.csv", b"", "The file has no header row: it is empty."),
    ("bom-only", "regions", "r.csv", b"\xef\xbb\xbf\n\n", "The file has no header row: it is empty."),
    ("blank-first-row", "consultation_rules", "r.csv", b"\ncountry,min_comment_days\nRO,10\n",
     "Row 1 is empty: the header must be the first row."),
    ("not-utf8", "regions", "r.csv", LATIN1,
     f"The file is not UTF-8 text (byte 0xE9 at position {LATIN1.index(0xE9)}, line 2); save it as CSV UTF-8."),
    ("zip-named-csv", "regions", "r.csv", _zip_bytes(),
     "The file is named .csv but is a ZIP archive (an Excel .xlsx workbook?); save it as CSV UTF-8, "
     "or name it .xlsx."),
    ("binary", "regions", "r.csv", b"code,name\x00\x01\x02", "The file is not CSV text: it holds binary data "
     "(a NUL byte at position 9); save it as CSV UTF-8."),
    ("utf16", "consultation_rules", "r.csv", "country,min_comment_days\nRO,10\n".encode("utf-16"),
     "The file is named .csv but is UTF-16 text; save it as CSV UTF-8."),
    ("wrong-extension", "regions", "r.txt", b"code\n", "The file must be .csv or .xlsx, not .txt."),
    ("xlsx-not-zip", "regions", "r.xlsx", b"code,name\n", "The file is named .xlsx but is not an Excel "
     "workbook; save it as .xlsx from the spreadsheet, or as CSV UTF-8 named .csv."),
    ("xlsx-not-workbook", "regions", "r.xlsx", _zip_bytes(), None),
    ("duplicate-header", "consultation_rules", "r.csv", b"country,min_comment_days,country\nRO,10,RO\n",
     "Columns named more than once in the header: country."),
    ("unnamed-column", "consultation_rules", "r.csv", b"country,,min_comment_days\nRO,,10\n",
     "Column 2 of the header has no name; every column needs one."),
    ("unknown-columns", "consultation_rules", "r.csv", b"country,min_comment_days,colour,size\nRO,10,red,L\n",
     "Unknown columns: colour (closest: country), size (closest: min_comment_days); the consultation_rules "
     "template's columns are: country, min_comment_days (a file with its own headers loads through a mapping: "
     "--map, or a mapping saved on the upload page)."),
    ("missing-columns", "grants", "g.csv",
     b"grant_id,year,funder_authority_id,region_code,recipient_name,currency,domain,procedure\n"
     b"G9,2024,RO-CJ-CJC,RO-CJ,A,RON,social,direct\n",
     "Missing required columns: amount. The grants template's columns are: grant_id, year, funder_authority_id, "
     "region_code, recipient_name, recipient_id, amount, currency, domain, procedure, awarded_on."),
    ("unknown-and-missing", "consultation_rules", "r.csv", b"country,days\nRO,10\n",
     "Unknown columns: days (closest: min_comment_days); missing required columns: min_comment_days; the "
     "consultation_rules template's columns are: country, min_comment_days (a file with its own headers loads "
     "through a mapping: --map, or a mapping saved on the upload page)."),
    ("semicolons", "consultation_rules", "r.csv", b"country;min_comment_days\nRO;10\n",
     "The header is one column with semicolons in it: the file must be comma-separated; save it as CSV UTF-8 "
     "(comma delimited)."),
    ("header-only", "regions", "r.csv", b"code,name,country,level\n",
     "The file has a header row but no data rows."),
    ("header-and-blank-rows", "regions", "r.csv", b"code,name,country,level\n\n,,,\n\n",
     "The file has a header row but no data rows."),
]


@pytest.mark.parametrize("kind, name, content, reason", [f[1:] for f in FILE_LEVEL], ids=[f[0] for f in FILE_LEVEL])
def test_imp010_file_level_problem_is_one_sentence(base, tmp_path, kind, name, content, reason):
    before = snapshot(base)
    result = import_file(base, kind, write(tmp_path, name, content))
    assert result.problem_count == 1 and len(result.problems) == 1
    problem = result.problems[0]
    assert problem.row is None and problem.column is None
    if reason is None:
        assert problem.reason.startswith("The file cannot be read as an Excel workbook")
    else:
        assert problem.reason == reason
    assert snapshot(base) == before


def test_imp011_unknown_kind_and_missing_file(engine, tmp_path):
    result = import_file(engine, "grant", tmp_path / "nothing.csv")
    assert messages(result) == ["Unknown kind 'grant'; the kinds are: " + ", ".join(LOAD_ORDER) + "."]
    result = import_file(engine, "grants", tmp_path / "nothing.csv")
    assert messages(result) == [f"There is no file {tmp_path / 'nothing.csv'}."]
    assert not result.ok and result.file_name == "nothing.csv"


def test_imp012_problem_strings():
    assert str(Problem(5, "amount", "must be greater than 0")) == "row 5, column amount: must be greater than 0"
    assert str(Problem(3, None, "has 3 values")) == "row 3: has 3 values"
    assert str(Problem(None, None, "The file is empty.")) == "The file is empty."


# --- accepted files --------------------------------------------------------------------------

def test_imp020_bom_whitespace_case_insensitive_bools_and_trailing_empty_columns(base, tmp_path):
    text = ("\ufeffconsultation_id , authority_id,title,published_on,comments_deadline,adopted_on,"
            "comments_received,comments_accepted,participants,public_debate_held,debate_participants,,\n"
            " C1 , RO-CJ-CJC ,  Budget  ,2024-11-04,2024-11-18,,3,3,2,TRUE,,,\n"
            "C2,RO-GOV,Law,2024-01-01,2024-01-31,,0,0,0,False,,,\n")
    result = load(base, tmp_path, "consultations", text)
    assert result.ok, messages(result)
    c = schema.consultations
    with base.connect() as conn:
        rows = conn.execute(sa.select(c.c.consultation_id, c.c.authority_id, c.c.title, c.c.public_debate_held,
                                      c.c.adopted_on).order_by(c.c.consultation_id)).all()
    assert rows == [("C1", "RO-CJ-CJC", "Budget", True, None), ("C2", "RO-GOV", "Law", False, None)]


def test_imp026_columns_in_any_order_optional_ones_absent_and_crlf(base, tmp_path):
    text = ("currency,amount,procedure,domain,recipient_name,region_code,funder_authority_id,year,grant_id\r\n"
            "RON,10,direct,civic,Asociația Z,RO-CJ,RO-CJ-CJC,2024,Z1\r\n")
    result = load(base, tmp_path, "grants", text)
    assert result.ok, messages(result)
    g = schema.grants
    with base.connect() as conn:
        row = conn.execute(sa.select(g).where(g.c.grant_id == "Z1")).one()
    assert (row.amount_cents, row.recipient_id, row.awarded_on, row.domain) == (1000, None, None, "civic")


def test_imp021_references_may_be_met_by_the_same_file(base, tmp_path):
    regions = rows_csv("regions", DEJ | {"parent_code": "RO-AB"}, {"code": "RO-AB", "name": "Alba"})
    assert load(base, tmp_path, "regions", regions).ok
    authorities = rows_csv("authorities",
                           {"authority_id": "RO-AB-DEPT", "parent_id": "RO-AB-CJ", "level": "regional_department",
                            "region_code": "RO-AB"},
                           {"authority_id": "RO-AB-CJ", "region_code": "RO-AB"},
                           {"authority_id": "RO-MIN", "level": "central", "region_code": ""})
    result = load(base, tmp_path, "authorities", authorities)
    assert result.ok, messages(result)
    assert (result.added, result.replaced) == (3, 0)


def test_imp022_money_and_dates_are_stored_exactly(base, tmp_path):
    result = load(base, tmp_path, "grants", rows_csv("grants", {"grant_id": "M1", "amount": "0.29"},
                                                     {"grant_id": "M2", "amount": "1234567890123.5"},
                                                     {"grant_id": "M3", "amount": "7", "awarded_on": ""}))
    assert result.ok, messages(result)
    g = schema.grants
    with base.connect() as conn:
        rows = conn.execute(sa.select(g.c.grant_id, g.c.amount_cents, g.c.awarded_on)
                            .where(g.c.grant_id.like("M%")).order_by(g.c.grant_id)).all()
    assert rows == [("M1", 29, dt.date(2024, 5, 15)), ("M2", 123456789012350, dt.date(2024, 5, 15)),
                    ("M3", 700, None)]


def _xlsx(path: Path, header: list, *rows: list) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.create_sheet("ignored").append(["not", "read"])
    book.save(path)
    return path


GRANT_HEADER = list(KINDS["grants"].column_names)


def test_imp023_xlsx_cells_become_the_text_a_csv_would_hold(base, tmp_path):
    path = _xlsx(tmp_path / "g.xlsx", GRANT_HEADER,
                 ["X1", 2024, "RO-CJ-CJC", "RO-CJ", "Asociația X", None, 25000.5, "RON", "social", "direct",
                  dt.datetime(2024, 5, 15)],
                 ["X2", 2024.0, "RO-CJ-CJC", "RO-CJ-CLUJ", "Asociația Y", 12345678, 100, "RON", "youth",
                  "competitive", dt.date(2024, 6, 1)])
    result = import_file(base, "grants", path)
    assert result.ok, messages(result)
    assert (result.rows, result.added) == (2, 2)
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    g = schema.grants
    with base.connect() as conn:
        rows = conn.execute(sa.select(g.c.grant_id, g.c.year, g.c.recipient_id, g.c.amount_cents, g.c.awarded_on)
                            .where(g.c.grant_id.like("X%")).order_by(g.c.grant_id)).all()
    assert rows == [("X1", 2024, None, 2500050, dt.date(2024, 5, 15)),
                    ("X2", 2024, "12345678", 10000, dt.date(2024, 6, 1))]


def test_imp024_xlsx_with_bad_rows_reports_them(base, tmp_path):
    path = _xlsx(tmp_path / "c.xlsx", ["authority_id", "name", "country", "level", "region_code", "parent_id"],
                 ["A1", "Good", "RO", "local", "RO-CJ-CLUJ", None],
                 ["A2", "Bad level", "RO", "town", "RO-CJ-CLUJ"],
                 [None, None, None, None, None, None],
                 ["A3", "Extra cell", "RO", "central", None, None, "surprise"],
                 ["A4", "Time of day", "RO", "local", "RO-CJ", dt.datetime(2024, 1, 1, 12, 30)])
    assert_rejected(base, path, "authorities", [
        "row 3, column level: must be one of: central, regional, regional_department, district, local",
        "row 5: has values to the right of the last header column",
        "row 6, column parent_id: there is no authority 2024-01-01 12:30:00 in the database or in this file",
    ])


def test_imp025_xlsx_bool_and_dates_for_consultations(base, tmp_path):
    spec = KINDS["consultations"]
    row = {c.name: c.example for c in spec.columns} | {
        "published_on": dt.datetime(2024, 11, 4), "comments_deadline": dt.date(2024, 11, 18),
        "adopted_on": None, "comments_received": 23.0, "public_debate_held": True}
    result = import_file(base, "consultations",
                         _xlsx(tmp_path / "c.xlsx", list(spec.column_names), [row[n] for n in spec.column_names]))
    assert result.ok, messages(result)


# --- replacing, dry runs, only_new, bookkeeping ----------------------------------------------

def test_imp030_reimport_is_idempotent(base, tmp_path):
    before = snapshot(base)
    result = load(base, tmp_path, "grants", BASE["grants"])
    assert result.ok and (result.rows, result.added, result.replaced) == (2, 0, 2)
    after = snapshot(base)
    for table in before:
        if table not in ("import_log", "dataset_info"):
            assert after[table] == before[table], table


def test_imp032_a_target_for_every_level_is_replaced_by_its_key_with_the_level_empty(engine, tmp_path):
    """targets' key (country, indicator, level) has an optional column: an empty level is one key, found again on
    re-import and twice in one file, on both engines."""
    first = load(engine, tmp_path, "targets", rows_csv("targets", {"value": "100"}, {"level": "regional", "value": "90"},
                                                       {"indicator": "without_officer", "value": "0"}))
    assert first.ok and (first.added, first.replaced) == (3, 0), messages(first)
    again = load(engine, tmp_path, "targets", rows_csv("targets", {"value": "95", "source": "Revised plan"}))
    assert again.ok and (again.added, again.replaced) == (0, 1), messages(again)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(schema.targets.c.indicator, schema.targets.c.level, schema.targets.c.value,
                                      schema.targets.c.source).order_by(schema.targets.c.indicator,
                                                                        schema.targets.c.value)).all()
    assert [tuple(r) for r in rows] == [("coverage_pct", "regional", 90.0, "2018 methodological recommendations"),
                                        ("coverage_pct", None, 95.0, "Revised plan"),
                                        ("without_officer", None, 0.0, "2018 methodological recommendations")]
    assert_rejected(engine, write(tmp_path, "bad.csv", rows_csv("targets", {}, {"value": "80"},
                                                                {"indicator": "happiness", "value": "-1"})),
                    "targets", ["row 3, column country: duplicate of row 2 (same country, indicator, level)",
                                "row 4, column indicator: must be one of: " + ", ".join(KINDS["targets"].column(
                                    "indicator").choices),
                                "row 4, column value: must be 0 or more"])


def test_imp031_replacing_a_grant_moves_its_amount_between_regions(base, tmp_path):
    assert grant_sums(base) == {"RO-CJ": 100000 + 25050}
    moved = BASE["grants"].replace("G1,2024,RO-CJ-CJC,RO-CJ,", "G1,2024,RO-CJ-CJC,RO-B,")
    result = load(base, tmp_path, "grants", moved)
    assert result.ok and result.replaced == 2
    assert grant_sums(base) == {"RO-CJ": 25050, "RO-B": 100000}


def test_imp032_dry_run_changes_nothing_and_reports_counts(base, tmp_path):
    before = snapshot(base)
    result = load(base, tmp_path, "grants", rows_csv("grants", {"grant_id": "G1"}, {"grant_id": "NEW"}),
                  dry_run=True)
    assert result.ok and result.dry_run and (result.added, result.replaced) == (1, 1)
    assert snapshot(base) == before


def test_imp033_only_new_skips_existing_keys(base, tmp_path):
    changed = rows_csv("regions", {"code": "RO-CJ", "name": "Changed", "population": "1"},
                       {"code": "RO-AB", "name": "Alba"})
    result = load(base, tmp_path, "regions", changed, only_new=True)
    assert result.ok and (result.rows, result.added, result.replaced) == (2, 1, 0)
    r = schema.regions
    with base.connect() as conn:
        names = dict(conn.execute(sa.select(r.c.code, r.c.name).where(r.c.code.in_(["RO-CJ", "RO-AB"]))).all())
    assert names == {"RO-CJ": "Cluj", "RO-AB": "Alba"}


def test_imp034_import_log_and_data_version(engine, tmp_path):
    path = write(tmp_path, "rules.csv", "country,min_comment_days\nRO,10\nBG,30\n")
    first = import_file(engine, "consultation_rules", path, source="test")
    assert first.ok and dataset_info(engine)["data_version"] == "1"
    assert import_file(engine, "consultation_rules", path, dry_run=True).ok
    bad = write(tmp_path, "bad.csv", "country,min_comment_days\nRO,x\n")
    assert not import_file(engine, "consultation_rules", bad).ok
    second = import_file(engine, "consultation_rules", path)
    info = dataset_info(engine)
    assert info["data_version"] == "2"
    assert dt.datetime.fromisoformat(info["last_import_at"]).utcoffset() == dt.timedelta(0)
    log = schema.import_log
    with engine.connect() as conn:
        rows = conn.execute(sa.select(log.c.kind, log.c.file_name, log.c.sha256, log.c.rows, log.c.added,
                                      log.c.replaced, log.c.source).order_by(log.c.id)).all()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert rows == [("consultation_rules", "rules.csv", digest, 2, 2, 0, "test"),
                    ("consultation_rules", "rules.csv", digest, 2, 0, 2, "cli")]
    assert first.sha256 == second.sha256 == digest


def test_imp035_dimension_import_refreshes_every_summary(base, tmp_path):
    assert grant_sums(base) == {"RO-CJ": 125050}
    moved = rows_csv("regions", {"code": "RO-CJ-CLUJ", "name": "Cluj-Napoca", "level": "2", "parent_code": "RO-B"})
    assert load(base, tmp_path, "regions", moved).ok
    assert grant_sums(base) == {"RO-CJ": 100000, "RO-B": 25050}


# --- templates -------------------------------------------------------------------------------

def test_imp040_templates_hold_header_and_example(tmp_path):
    paths = write_templates(tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{k}.csv" for k in KINDS)
    for kind in KINDS.values():
        with (tmp_path / f"{kind.name}.csv").open(encoding="utf-8", newline="") as f:
            header, example = list(csv.reader(f))
        assert header == list(kind.column_names)
        assert example == [c.example for c in kind.columns]


def test_imp041_shipped_templates_are_current(tmp_path):
    write_templates(tmp_path)
    for kind in KINDS:
        assert (DATA_DIR / "templates" / f"{kind}.csv").read_bytes() == (tmp_path / f"{kind}.csv").read_bytes()


SMALL_REFERENCE = {
    "regions": "code,name,country,level,parent_code,population\nRO-CJ,Cluj,RO,1,,691106\n",
    "currencies": "country,currency,from_year,to_year\nRO,RON,2005,\nBG,BGN,1999,2025\n",
}


def test_imp042_template_examples_import_in_load_order(engine, tmp_path):
    for kind in REFERENCE_KINDS:
        shipped = DATA_DIR / "reference" / f"{kind}.csv"
        path = shipped if shipped.exists() else (write(tmp_path, f"ref-{kind}.csv", SMALL_REFERENCE[kind])
                                                 if kind in SMALL_REFERENCE else None)
        if path:
            result = import_file(engine, kind, path, source="init", only_new=True)
            assert result.ok, (kind, messages(result))
    for kind in LOAD_ORDER:
        result = import_file(engine, kind, DATA_DIR / "templates" / f"{kind}.csv")
        assert result.ok, (kind, messages(result))
        assert result.rows == 1


def test_imp050_sqlite_connection_settings_are_restored(sqlite_engine, tmp_path):
    def temp_store():
        with sqlite_engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA temp_store").scalar()
    before = temp_store()
    assert load(sqlite_engine, tmp_path, "consultation_rules", "country,min_comment_days\nRO,10\n").ok
    assert not load(sqlite_engine, tmp_path, "consultation_rules", "country,min_comment_days\nRO,-1\n").ok
    assert temp_store() == before
    with sqlite_engine.connect() as conn:
        assert sa.inspect(conn).get_temp_table_names() == []


def test_imp051_regions_and_currencies_kept_per_data_version_follow_an_import(base, tmp_path):
    """Queries keep the regions a filter names and the currencies per data version (queries.meta.per_version):
    the next query after an import that changes them answers with the new ones, also within one web request
    (db.one_version), which reads the version once but again after an import."""
    from queries import Filter, FilterError, db, registry

    def counties(f):
        df = registry.get("funding-by-county").run(f, engine=base)
        return {r.region_code: (r.currency, r.per_1000_inhabitants) for r in df.itertuples()}

    with db.one_version():
        assert counties(Filter(countries=("RO",))) == {"RO-B": ("RON", 0.0), "RO-CJ": ("RON", 1.84)}
        with pytest.raises(FilterError, match="unknown region code: RO-AB"):
            counties(Filter(countries=("RO",), regions=("RO-AB",)))
        regions = rows_csv("regions", {"code": "RO-CJ", "name": "Cluj", "population": "1000"},
                           {"code": "RO-AB", "name": "Alba", "population": "325941"})
        assert load(base, tmp_path, "regions", regions).ok
        assert counties(Filter(countries=("RO",))) == {"RO-AB": ("RON", 0.0), "RO-B": ("RON", 0.0),
                                                      "RO-CJ": ("RON", 1250.5)}
        assert counties(Filter(countries=("RO",), regions=("RO-AB",))) == {"RO-AB": ("RON", 0.0)}
    # a county without grants is stated in the country's currency of the last year asked for
    assert counties(Filter(countries=("BG",), year_to=2026)) == {"BG-18": ("EUR", 0.0)}
    assert load(base, tmp_path, "currencies", "country,currency,from_year,to_year\nBG,BGN,1999,2026\n"
                                              "BG,EUR,2027,\n").ok
    assert counties(Filter(countries=("BG",), year_to=2026)) == {"BG-18": ("BGN", 0.0)}
