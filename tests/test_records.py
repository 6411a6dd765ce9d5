"""Records as the offices have them (SPEC, Records as they come): counts not reported, long texts, day-first dates,
decimal commas, yes/no in five languages, mappings from the source's own headers. Every file here is written the way
an office writes its own: Romanian headers, dates as 18.11.2024, amounts as 25.000,50, empty counts."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from dashboard import cli
from queries import make_filter, mappings, registry, schema
from queries.importer import import_file
from queries.mappings import MAPPINGS_DIR

from .test_import import _xlsx, assert_rejected, base, messages, snapshot, write  # noqa: F401 (fixtures)

CONSULTATION_HEADER = ("consultation_id,authority_id,title,published_on,comments_deadline,adopted_on,"
                       "comments_received,comments_accepted,participants,public_debate_held,debate_participants")


def _csv(header: str, *rows: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return out.getvalue()


def _run(engine, query_id: str, **filters) -> list[dict]:
    return registry.get(query_id).run(make_filter(**filters), engine).to_dict("records")


@pytest.fixture
def with_rules(base, tmp_path):
    result = import_file(base, "consultation_rules", write(tmp_path, "rules.csv", "country,min_comment_days\nRO,10\n"))
    assert result.ok, messages(result)
    return base


# --- not reported is not zero ---------------------------------------------------------------------------------

def test_rec001_empty_counts_are_not_reported_and_sums_are_over_the_reporters(with_rules, tmp_path):
    path = write(tmp_path, "c.csv", _csv(
        CONSULTATION_HEADER,
        ["K1", "RO-GOV", "Draft law on NGOs", "2024-01-10", "2024-01-20", "", "", "", "", "", ""],
        ["K2", "RO-GOV", "Draft order on grants", "2024-02-01", "2024-02-05", "", "12", "3", "", "da", ""],
        ["K3", "RO-CJ-CJC", "County budget", "2024-03-01", "2024-03-15", "", "8", "", "20", "nu", ""]))
    result = import_file(with_rules, "consultations", path)
    assert result.ok, messages(result)
    c = schema.consultations
    with with_rules.connect() as conn:
        stored = conn.execute(sa.select(c.c.consultation_id, c.c.comments_received, c.c.comments_accepted,
                                        c.c.participants, c.c.public_debate_held).order_by(c.c.consultation_id)).all()
    assert stored == [("K1", None, None, None, None), ("K2", 12, 3, None, True), ("K3", 8, None, 20, False)]
    [row] = _run(with_rules, "consultation-participation")
    assert row == {
        "year": 2024, "consultations": 3,
        "comments_received": 20, "comments_per_consultation": 10.0,  # 20 comments over the 2 that report them
        "participants": 20,                                             # K3 alone reports participants
        "comments_accepted": 3, "acceptance_pct": 25.0,                 # 3 of K2's 12: the one reporting both
        "debates": 1, "debate_pct": 50.0,                               # K2 of K2 and K3
        "with_rule": 3, "on_time": 2, "on_time_pct": 66.7,              # K2 gave 4 days, under Romania's 10
        "comments_reported": 2, "participants_reported": 1, "debates_reported": 2}


def test_rec002_a_year_where_nobody_reported_a_count_shows_none_never_zero(base, tmp_path):
    path = write(tmp_path, "c.csv", _csv(CONSULTATION_HEADER, ["K1", "RO-GOV", "Portal listing", "18.11.2024",
                                                               "28.11.2024", "", "", "", "", "", ""]))
    assert import_file(base, "consultations", path).ok
    [row] = _run(base, "consultation-participation")
    assert (row["consultations"], row["comments_reported"], row["comments_received"], row["participants"],
            row["debates"], row["comments_per_consultation"], row["acceptance_pct"]) == (1, 0, None, None, None,
                                                                                        None, None)
    # the country has no legal minimum here: neither on time nor late
    assert (row["with_rule"], row["on_time"], row["on_time_pct"]) == (0, 0, None)
    out = cli.main(["--database-url", base.url.render_as_string(hide_password=False), "report",
                    "consultation-participation", "--format", "csv"])
    assert out == 0


def test_rec003_trainings_with_a_total_and_no_split(base, tmp_path):
    header = ("training_id,title,held_on,region_code,topic,organiser_authority_id,participants_total,"
              "participants_public,participants_cso,participants_other,target_participants")
    path = write(tmp_path, "t.csv", _csv(header,
                                         ["T1", "Seminar", "05.02.2024", "RO-CJ", "funding", "", "40", "", "", "", ""],
                                         ["T2", "Workshop", "06.02.2024", "RO-CJ", "funding", "", "", "10", "5", "1",
                                          ""],
                                         ["T3", "Course", "07.02.2024", "RO-CJ", "funding", "", "30", "12", "", "",
                                          ""]))
    assert import_file(base, "trainings", path).ok
    [row] = _run(base, "training-reach")
    # participants: 40 + (10 + 5 + 1) + 30; sectors of T2 alone (T3 gives no CSO count)
    assert (row["trainings"], row["participants"], row["split_reported"], row["participants_public"],
            row["participants_cso"], row["cso_share_pct"]) == (3, 86, 1, 10, 5, 31.3)
    sectors = {r["sector"]: r for r in _run(base, "training-participants-by-sector")}
    assert sectors["cso"]["participants"] == 5 and sectors["cso"]["split_reported"] == 1
    assert sectors["cso"]["trainings"] == 3


def test_rec004_training_counts_must_add_up(base, tmp_path):
    header = "training_id,title,held_on,region_code,topic,participants_total,participants_public,participants_cso"
    path = write(tmp_path, "t.csv", _csv(header, ["T1", "A", "2024-02-05", "RO-CJ", "x", "", "", ""],
                                         ["T2", "B", "2024-02-05", "RO-CJ", "x", "10", "8", "5"],
                                         ["T3", "C", "2024-02-05", "RO-CJ", "x", "10", "8", "2"]))
    assert_rejected(base, path, "trainings", [
        "row 2, column participants_total: is required when no sector count (participants_public, participants_cso, "
        "participants_other) is given",
        "row 3, column participants_total: must be at least participants_public + participants_cso + "
        "participants_other"])


# --- long texts -----------------------------------------------------------------------------------------------

def test_rec010_titles_of_ten_thousand_characters_load_whole_and_longer_ones_are_named(base, tmp_path):
    title = ("Proiect de Hotărâre privind aprobarea Normelor metodologice de aplicare a Legii nr. 350/2005 " * 120)
    title = title[:10_000]
    ok = write(tmp_path, "c.csv", _csv(CONSULTATION_HEADER,
                                       ["K1", "RO-GOV", title, "2024-01-10", "2024-01-20", "", "", "", "", "", ""]))
    assert import_file(base, "consultations", ok).ok
    with base.connect() as conn:
        assert conn.execute(sa.select(schema.consultations.c.title)).scalar_one() == title
    too_long = write(tmp_path, "c2.csv", _csv(CONSULTATION_HEADER,
                                              ["K2", "RO-GOV", title + "x", "2024-01-10", "2024-01-20", "", "", "",
                                               "", "", ""]))
    assert_rejected(base, too_long, "consultations", ["row 2, column title: is longer than 10,000 characters"])


# --- the offices' conventions ---------------------------------------------------------------------------------

GRANTS = "grant_id,year,funder_authority_id,region_code,recipient_name,recipient_id,amount,currency,domain,procedure,awarded_on"


def _grant(grant_id: str, amount: str, awarded_on: str = "") -> list:
    return [grant_id, "2024", "RO-CJ-CJC", "RO-CJ", "Asociația A", "", amount, "RON", "social", "direct", awarded_on]


def _amounts(engine, prefix: str) -> dict[str, int]:
    g = schema.grants
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(g.c.grant_id, g.c.amount_cents).where(g.c.grant_id.like(prefix + "%"))).all())


def test_rec020_every_number_form_that_reads_one_way(base, tmp_path):
    path = write(tmp_path, "g.csv", _csv(GRANTS, _grant("N1", "25000.5"), _grant("N2", "25,000.50"),
                                         _grant("N3", "25.000,50"), _grant("N4", "25 000,50"),
                                         _grant("N5", "25\u00a0000,50"), _grant("N6", "1.250.000"),
                                         _grant("N7", "  99,9 "), _grant("N8", "0.125".replace("0.125", "12,5"))))
    result = import_file(base, "grants", path)
    assert result.ok, messages(result)
    assert _amounts(base, "N") == {"N1": 2500050, "N2": 2500050, "N3": 2500050, "N4": 2500050, "N5": 2500050,
                                   "N6": 125000000, "N7": 9990, "N8": 1250}


def test_rec021_a_cell_that_reads_two_ways_follows_the_declared_separator(base, tmp_path):
    path = write(tmp_path, "g.csv", _csv(GRANTS, _grant("A1", "25.000"), _grant("A2", "1.500,25")))
    assert_rejected(base, path, "grants", [
        "row 2, column amount: reads two ways (25.000 or 25000): declare the file's decimal separator "
        "(--decimal-comma or --decimal-point, or the upload form's choice)"])
    assert import_file(base, "grants", path, decimal="comma").ok
    assert _amounts(base, "A") == {"A1": 2500000, "A2": 150025}
    point = write(tmp_path, "p.csv", _csv(GRANTS, _grant("P1", "25.000"), _grant("P2", "25,000")))
    assert import_file(base, "grants", point, decimal="point").ok
    assert _amounts(base, "P") == {"P1": 2500, "P2": 2500000}


def test_rec022_the_command_line_declares_the_separator(base, tmp_path, capsys):
    url = base.url.render_as_string(hide_password=False)
    path = write(tmp_path, "g.csv", _csv(GRANTS, _grant("C1", "12.500")))
    assert cli.main(["--database-url", url, "import", "grants", str(path)]) == 1
    assert "row 2, column amount: reads two ways (12.500 or 12500)" in capsys.readouterr().err
    assert cli.main(["--database-url", url, "import", "grants", str(path), "--decimal-comma"]) == 0
    assert _amounts(base, "C") == {"C1": 1250000}


def test_rec023_dates_day_first_and_xlsx_date_cells(base, tmp_path):
    path = write(tmp_path, "g.csv", _csv(GRANTS, _grant("D1", "10", "18.11.2024"), _grant("D2", "10", "18/11/2024"),
                                         _grant("D3", "10", "1.2.2024"), _grant("D4", "10", "2024-11-18")))
    assert import_file(base, "grants", path).ok
    xlsx = _xlsx(tmp_path / "g.xlsx", GRANTS.split(","),
                 ["D5", 2024, "RO-CJ-CJC", "RO-CJ", "Asociația A", None, 1250.5, "RON", "social", "direct",
                  dt.datetime(2024, 11, 18)])
    result = import_file(base, "grants", xlsx, decimal="comma")  # a number cell is a number, whatever the file says
    assert result.ok, messages(result)
    rates = _xlsx(tmp_path / "x.xlsx", ["currency", "year", "units_per_eur"], ["RSD", 2022, 117.307])
    result = import_file(base, "exchange_rates", rates)  # 117.307 in a number cell reads one way
    assert result.ok, messages(result)
    with base.connect() as conn:
        assert conn.execute(sa.select(schema.exchange_rates.c.units_per_eur)).scalar_one() == 117.307
    g = schema.grants
    with base.connect() as conn:
        dates = dict(conn.execute(sa.select(g.c.grant_id, g.c.awarded_on).where(g.c.grant_id.like("D%"))).all())
    assert dates == {"D1": dt.date(2024, 11, 18), "D2": dt.date(2024, 11, 18), "D3": dt.date(2024, 2, 1),
                     "D4": dt.date(2024, 11, 18), "D5": dt.date(2024, 11, 18)}
    assert _amounts(base, "D5") == {"D5": 125050}


def test_rec024_yes_and_no_in_five_languages(base, tmp_path):
    words = ["true", "False", "YES", "no", "1", "0", "da", "Nu", "да", "НЕ", "нет"]
    rows = [[f"B{i}", "RO-GOV", "t", "2024-01-10", "2024-01-20", "", "", "", "", w, ""] for i, w in enumerate(words)]
    assert import_file(base, "consultations", write(tmp_path, "c.csv", _csv(CONSULTATION_HEADER, *rows))).ok
    c = schema.consultations
    with base.connect() as conn:
        held = dict(conn.execute(sa.select(c.c.consultation_id, c.c.public_debate_held)).all())
    assert [held[f"B{i}"] for i in range(len(words))] == [True, False, True, False, True, False, True, False, True,
                                                          False, False]


def test_rec025_broken_rows_refuse_the_file_and_only_they_are_named(base, tmp_path):
    """A portal listing of 60 drafts with empty counts and titles of 2,000 characters, 3 of them without dates: the
    file is refused whole, and the problems named are those 3 rows' alone."""
    title = "Proiect de Ordin privind aprobarea procedurii de finanțare nerambursabilă " * 30
    rows = [[f"P{i}", "RO-GOV", title[:2000], "" if i in (7, 30, 59) else "04.03.2016", "14.03.2016", "", "", "", "",
             "", ""] for i in range(60)]
    path = write(tmp_path, "c.csv", _csv(CONSULTATION_HEADER, *rows))
    assert_rejected(base, path, "consultations", [f"row {i + 2}, column published_on: is required"
                                                  for i in (7, 30, 59)])


# --- mappings -------------------------------------------------------------------------------------------------

@pytest.fixture
def ministries(base):
    with base.begin() as conn:
        conn.execute(schema.authorities.insert(), [
            {"authority_id": a, "name": n, "country": "RO", "level": "central"} for a, n in (
                ("RO-MIN-MS", "Ministerul Sănătății"), ("RO-MIN-MEDU", "Ministerul Educației"),
                ("RO-MIN-MFIN", "Ministerul Finanțelor"), ("RO-GOV-SGG", "Secretariatul General al Guvernului"),
                ("RO-MIN-MC", "Ministerul Culturii"))])
        conn.execute(schema.regions.insert(), [
            {"code": c, "name": n, "country": "RO", "level": 2, "parent_code": "RO-CJ"} for c, n in (
                ("RO-CJ-001", "Cluj-Napoca"), ("RO-CJ-002", "Turda"), ("RO-CJ-003", "Dej"),
                ("RO-CJ-005", "Gherla"))])
    return base


def test_rec030_the_shipped_portal_mapping_loads_its_example(ministries, capsys):
    url = ministries.url.render_as_string(hide_password=False)
    assert cli.main(["--database-url", url, "import", "consultations",
                     str(MAPPINGS_DIR / "ro-consultation-portal.example.csv"),
                     "--map", str(MAPPINGS_DIR / "ro-consultation-portal.toml")]) == 0
    assert "left out: Link" in capsys.readouterr().out
    c = schema.consultations
    with ministries.connect() as conn:
        rows = {r.consultation_id: r for r in conn.execute(sa.select(c))}
    assert rows["MC-2016-0031"].authority_id == "RO-MIN-MC"  # "ministerul culturii " read as the ministry
    assert rows["MFIN-2015-0920"].published_on == dt.date(2015, 12, 21) and len(rows["MFIN-2015-0920"].title) > 2000
    assert {r.comments_received for r in rows.values()} == {None}
    years = {r["year"]: r for r in _run(ministries, "consultation-participation", level="central")}
    assert years[2016]["consultations"] == 4 and years[2016]["comments_received"] is None


def test_rec031_the_shipped_grants_mapping_reads_decimal_commas_and_the_councils_words(ministries):
    mapping = mappings.load(MAPPINGS_DIR / "ro-county-grants.toml", "grants")
    result = import_file(ministries, "grants", MAPPINGS_DIR / "ro-county-grants.example.csv", mapping=mapping)
    assert result.ok, messages(result)
    assert result.ignored == ["Observații"]
    g = schema.grants
    with ministries.connect() as conn:
        rows = {r.grant_id: r for r in conn.execute(sa.select(g).where(g.c.grant_id.like("CJC-%")))}
    assert {k: (r.region_code, r.amount_cents, r.domain, r.procedure, r.funder_authority_id, r.currency)
            for k, r in rows.items()} == {
        "CJC-2024-101": ("RO-CJ-001", 2500050, "culture", "competitive", "RO-CJ-CJC", "RON"),
        "CJC-2024-102": ("RO-CJ-002", 1250000, "sport", "competitive", "RO-CJ-CJC", "RON"),
        "CJC-2024-103": ("RO-CJ-003", 800000, "social", "direct", "RO-CJ-CJC", "RON"),
        "CJC-2024-104": ("RO-CJ", 125000000, "youth", "competitive", "RO-CJ-CJC", "RON"),
        "CJC-2024-105": ("RO-CJ-005", 450075, "religious", "direct", "RO-CJ-CJC", "RON")}
    assert rows["CJC-2024-102"].awarded_on == dt.date(2024, 3, 18) and rows["CJC-2024-105"].awarded_on is None


def test_rec032_a_mapped_file_names_problems_by_its_own_headers(ministries, tmp_path):
    source = (MAPPINGS_DIR / "ro-county-grants.example.csv").read_text(encoding="utf-8")
    broken = source.replace("12 500,00", "doisprezece mii").replace("Atribuire directă", "licitație deschisă")
    mapping = mappings.load(MAPPINGS_DIR / "ro-county-grants.toml")
    assert_rejected(ministries, write(tmp_path, "g.csv", broken), "grants", [
        "row 3, column Suma acordată (lei) (amount): must be a number such as 25000.00 or 25000,00",
        "row 4, column Procedura de atribuire (procedure): must be one of: competitive, direct"], mapping=mapping)


def test_rec033_mappings_round_trip_as_toml_and_bad_ones_say_why():
    m = mappings.load(MAPPINGS_DIR / "ro-county-grants.toml")
    assert mappings.from_toml(m.to_toml()) == m
    with pytest.raises(mappings.MappingProblem, match=r"names 'amount_ron', which is not a column of the grants "
                                                       r"template \(closest: amount\)"):
        mappings.from_toml('kind = "grants"\n[columns]\namount_ron = "Suma"\n')
    with pytest.raises(mappings.MappingProblem, match="is for grants, not for consultations"):
        mappings.from_toml(m.to_toml(), "consultations")
    with pytest.raises(mappings.MappingProblem, match="not valid TOML"):
        mappings.from_toml("kind = grants")


def test_rec034_a_mapping_naming_a_column_the_file_lacks(ministries, tmp_path):
    path = write(tmp_path, "g.csv", "Nr contract,Anul\nX,2024\n")
    result = import_file(ministries, "grants", path, mapping=mappings.load(MAPPINGS_DIR / "ro-county-grants.toml"))
    assert not result.ok and "The file has no column 'Nr. contract' (closest in the file: 'Nr contract')" in \
        messages(result)[0]


def test_rec035_export_then_import_keeps_not_reported_counts(with_rules, tmp_path):
    path = write(tmp_path, "c.csv", _csv(CONSULTATION_HEADER,
                                         ["K1", "RO-GOV", "t", "2024-01-10", "2024-01-20", "", "", "", "7", "", ""]))
    assert import_file(with_rules, "consultations", path).ok
    before = _run(with_rules, "consultation-participation")
    url = with_rules.url.render_as_string(hide_password=False)
    assert cli.main(["--database-url", url, "export", str(tmp_path / "out")]) == 0
    exported = (tmp_path / "out" / "consultations.csv").read_text(encoding="utf-8")
    assert "K1,RO-GOV,t,2024-01-10,2024-01-20,,,,7,," in exported
    with with_rules.begin() as conn:
        conn.execute(schema.consultations.delete())
    assert import_file(with_rules, "consultations", tmp_path / "out" / "consultations.csv").ok
    assert _run(with_rules, "consultation-participation") == before
