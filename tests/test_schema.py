"""Schema, migrations and summary tables: `civmon init` keeps rows; summaries match a rebuild."""
from __future__ import annotations

import sqlalchemy as sa

from queries import migrate, schema as t, summary

from . import small_dataset


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
