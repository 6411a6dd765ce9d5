"""Schema, migrations and summary tables: `civmon init` keeps rows; summaries match a rebuild."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from queries import migrate, schema as t, summary
from queries.contract import KINDS

from . import small_dataset
from .conftest import make_engine


def snapshot(engine, tables):
    with engine.connect() as conn:
        return {tb.name: sorted(tuple(str(v) for v in row) for row in conn.execute(sa.select(tb)))
                for tb in tables}


def test_sch001_upgrade_is_at_head_and_keeps_rows(engine):
    small_dataset.load(engine)
    before = snapshot(engine, t.metadata.sorted_tables)
    assert migrate.current(engine) == migrate.head()
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())
    assert snapshot(engine, t.metadata.sorted_tables) == before


def test_sch002_partial_refresh_equals_full_rebuild(engine):
    small_dataset.load(engine)
    with engine.begin() as conn:
        g1 = sa.select(t.grants).where(t.grants.c.grant_id == "g1").subquery()
        touched = summary.regions_of(conn, "grants", g1)
        conn.execute(t.grants.update().where(t.grants.c.grant_id == "g1").values(region_code="RO-AB"))
        touched |= summary.regions_of(conn, "grants", g1)
        assert touched == {"RO-CJ", "RO-AB"}
        summary.refresh(conn, ["grants"], touched)
    partial = snapshot(engine, t.SUMMARY_TABLES)
    with engine.begin() as conn:
        summary.refresh(conn, ["grants", "consultations", "trainings"], summary.ALL)
    assert snapshot(engine, t.SUMMARY_TABLES) == partial


def test_sch003_central_authorities_partition(engine):
    small_dataset.load(engine)
    with engine.begin() as conn:
        assert summary.regions_of(conn, "consultations", t.consultations) == {"RO-CJ", "KZ-75", "BG-18", None}
        summary.refresh(conn, ["consultations"], {None})
        n = conn.execute(sa.select(sa.func.sum(t.s_consultations.c.consultations))
                         .where(t.s_consultations.c.region1_code.is_(None))).scalar()
    assert n == 1  # c3, published by the central RO-GOV


# --- the importer's incremental path (summaries of new grants summed in memory) -----------------

NEW_GRANTS = ",".join(KINDS["grants"].column_names) + """
g101,2023,RO-CJ-CJC,RO-CJ,A Assoc renamed,R1,10.00,RON,social,competitive,
g102,2022,RO-AB-AJC,RO-AB,C Youth,R3,5.55,RON,youth,direct,2022-02-01
g103,2024,RO-CJ-001-L,RO-CJ-002,Z New,,1.01,RON,culture,direct,
g104,2024,RO-CJ-001-L,RO-CJ-002,Z New,,2.02,RON,culture,competitive,
g105,2026,BG-18-OA,BG-18,D Civic,,3.33,EUR,civic,competitive,
g106,2024,KZ-75-AK,KZ-75,K Org,KZ1,1000,KZT,health,direct,
g107,2024,RO-GOV,RO-BV,B Club,,7.00,RON,other,direct,
g108,2024,RO-GOV,RO-BV,B Club,,0.07,RON,other,direct,
"""


def _count_rebuilds(monkeypatch) -> list:
    calls, real = [], summary.refresh

    def counting(conn, families, region1_codes=summary.ALL):
        calls.append((tuple(families), region1_codes))
        return real(conn, families, region1_codes)
    monkeypatch.setattr(summary, "refresh", counting)
    return calls


def _import(engine, tmp_path, content: str):
    from queries.importer import import_file
    path = tmp_path / "grants.csv"
    path.write_text(content, encoding="utf-8")
    result = import_file(engine, "grants", path)
    assert result.ok, [str(p) for p in result.problems]
    return result


def _equals_full_rebuild(engine) -> None:
    incremental = snapshot(engine, t.SUMMARY_TABLES)
    with engine.begin() as conn:
        summary.refresh(conn, ["grants", "consultations", "trainings"], summary.ALL)
    assert snapshot(engine, t.SUMMARY_TABLES) == incremental


def test_sch004_import_adding_rows_to_existing_regions_equals_full_rebuild(engine, tmp_path, monkeypatch):
    small_dataset.load(engine)
    calls = _count_rebuilds(monkeypatch)
    result = _import(engine, tmp_path, NEW_GRANTS)
    assert (result.added, result.replaced) == (8, 0)
    assert calls == []  # summed in memory and added to the regions' rows, no rebuild
    with engine.connect() as conn:
        name = conn.execute(sa.select(t.s_grant_recipient_totals.c.recipient_name)
                            .where(t.s_grant_recipient_totals.c.recipient_key == "id:R1")).scalar_one()
    assert name == "A Assoc renamed"  # the greatest of the names a recipient's grants carry
    _equals_full_rebuild(engine)


def test_sch005_first_grants_import_equals_full_rebuild(engine, tmp_path, monkeypatch):
    small_dataset.load(engine)
    with engine.begin() as conn:
        conn.execute(t.grants.delete())
        summary.refresh(conn, ["grants"], summary.ALL)
    calls = _count_rebuilds(monkeypatch)
    _import(engine, tmp_path, NEW_GRANTS)
    assert calls == []
    _equals_full_rebuild(engine)


def test_sch006_import_replacing_rows_rebuilds_touched_regions(engine, tmp_path, monkeypatch):
    small_dataset.load(engine)
    calls = _count_rebuilds(monkeypatch)
    changed = NEW_GRANTS.replace("g101,2023,RO-CJ-CJC,RO-CJ", "g1,2024,RO-AB-AJC,RO-AB")
    result = _import(engine, tmp_path, changed)
    assert (result.added, result.replaced) == (7, 1)
    assert calls and calls[0][1] == {"RO-CJ", "RO-AB", "BG-18", "KZ-75", "RO-BV"}
    _equals_full_rebuild(engine)


def test_sch007_euro_amounts_are_exact_sums(engine):
    """Year rows hold the quantised euro value of their cents; totals hold the exact sum of those."""
    small_dataset.load(engine)
    with engine.connect() as conn:
        for fine, total, keys in ((t.s_grant_recipients, t.s_grant_recipient_totals,
                                   ("country", "region1_code", "recipient_key")),
                                  (t.s_grant_funders, t.s_grant_funder_totals,
                                   ("country", "region1_code", "funder_level", "funder_authority_id"))):
            summed = conn.execute(sa.select(*(fine.c[k] for k in keys), sa.func.sum(fine.c.amount_eur))
                                  .group_by(*(fine.c[k] for k in keys))).all()
            stored = conn.execute(sa.select(*(total.c[k] for k in keys), total.c.amount_eur)).all()
            assert sorted(summed) == sorted(stored)
        eur = dict(conn.execute(sa.select(t.s_grants.c.year, sa.func.sum(t.s_grants.c.amount_eur))
                                .where(t.s_grants.c.region1_code == "RO-CJ").group_by(t.s_grants.c.year)).all())
    assert eur[2023] * summary.EUR_SCALE == int(eur[2023] * summary.EUR_SCALE)
    assert abs(eur[2023] - (1000 + 500.50) / 4.9465) < 1e-6


def test_sch008_euro_quantisation_is_the_same_in_sql_and_numpy(engine):
    """The SQL rebuild and the importer's in-memory path compute the same doubles."""
    import numpy as np
    cents = [1, 99, 101, 50050, 195583, 10**9 + 7, 2**40 + 3, 10**15 - 1, 10**17, 10**18]
    rates = [1.0, 4.9465, 1.95583, 0.5, 500.0, 3.0, 7.0e-3]
    v = sa.Table("civmon_test_eur", sa.MetaData(), sa.Column("cents", sa.BigInteger), sa.Column("rate", sa.Float),
                 prefixes=["TEMPORARY"])
    with engine.connect() as conn:
        v.create(conn)
        conn.execute(v.insert(), [{"cents": c, "rate": r} for c in cents for r in rates]
                     + [{"cents": c, "rate": None} for c in cents[:3]])
        got = conn.execute(sa.select(v.c.cents, v.c.rate, summary.eur_of(v.c.cents, v.c.rate))).all()
    expected = summary.eur_values(np.array([c for c, _r, _e in got], dtype=np.int64),
                                  np.array([np.nan if r is None else r for _c, r, _e in got], dtype=np.float64))
    assert [float(e) for _c, _r, e in got] == expected.tolist()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sch009_migration_0004_keeps_every_number(kind, tmp_path):
    """A database at 0003 with its summaries, upgraded: the counts become nullable, the new summary columns are
    derived from the old ones, and every summary row is the row a rebuild at the latest revision gives."""
    head_engine, drop_head = make_engine(kind, tmp_path / "head")
    old_engine, drop_old = make_engine(kind, tmp_path / "old", revision="0003")
    try:
        small_dataset.load(head_engine)
        small_dataset.load(old_engine, summaries_from=head_engine)
        assert migrate.upgrade(old_engine) == ("0003", "0006")
        assert snapshot(old_engine, t.SUMMARY_TABLES) == snapshot(head_engine, t.SUMMARY_TABLES)
        with old_engine.begin() as conn:  # counts not reported can now be stored, as NULL
            conn.execute(t.consultations.update().where(t.consultations.c.consultation_id == "c1")
                         .values(comments_received=None, participants=None, public_debate_held=None))
            conn.execute(t.liaison_officers.insert().values(authority_id="RO-GOV", position="Adviser " * 1250,
                                                            position_rank=4, appointed_on=dt.date(2020, 1, 1)))
        with old_engine.connect() as conn:
            assert conn.execute(sa.select(t.consultations.c.comments_received)
                                .where(t.consultations.c.consultation_id == "c1")).scalar() is None
    finally:
        drop_old()
        drop_head()
