"""Demo data: builds on SQLite and PostgreSQL, is deterministic, obeys the data contract and
holds the real events. National scale is timed by bench/bench_demo.py, not here."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import pycountry
import pytest
import sqlalchemy as sa

from tests.conftest import ENGINES, make_engine
from queries import demo
from queries import schema as t
from queries.contract import DOMAINS, LEVELS_OF_GOVERNMENT, PROCEDURES

REGION2_CODE = re.compile(r"^[A-Z]{2}-[A-Za-z0-9-]{1,29}$")
LEVEL1_COUNT = {"BG": 28, "KZ": 20, "RO": 42, "RS": 25}
LEVEL2_RANGE = {"BG": (265, 265), "KZ": (190, 240), "RO": (3100, 3250), "RS": (140, 170)}


@pytest.fixture(scope="module", params=ENGINES)
def built(request, tmp_path_factory):
    """One demo-scale database with the default seed, shared by the read-only tests."""
    engine, dispose = make_engine(request.param, tmp_path_factory.mktemp("built"))
    counts = demo.build(engine)
    yield engine, counts
    dispose()


def _second(engine: sa.Engine, tmp_path):
    """Another empty database of the same kind as `engine`."""
    kind = "sqlite" if engine.dialect.name == "sqlite" else "postgres"
    path = tmp_path / "second"
    path.mkdir()
    return make_engine(kind, path)


def _scalar(conn, stmt):
    value = conn.execute(stmt).scalar()
    return None if value is None else int(value)


def _totals(engine: sa.Engine) -> dict:
    """Row counts, money per country, participants and a digest of every grant id."""
    g, r, tr = t.grants, t.regions, t.trainings
    with engine.connect() as conn:
        counts = {table.name: _scalar(conn, sa.select(sa.func.count()).select_from(table))
                  for table in (t.regions, t.authorities, t.liaison_officers, g, t.consultations, tr)}
        money = {country: int(total) for country, total in conn.execute(
            sa.select(r.c.country, sa.func.sum(g.c.amount_cents))
            .select_from(g.join(r, r.c.code == g.c.region_code)).group_by(r.c.country))}
        participants = _scalar(conn, sa.select(sa.func.sum(
            tr.c.participants_public + tr.c.participants_cso + sa.func.coalesce(tr.c.participants_other, 0))))
        comments = _scalar(conn, sa.select(sa.func.sum(t.consultations.c.comments_received)))
        ids = sorted(conn.execute(sa.select(g.c.grant_id)).scalars())
    digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()
    return {"counts": counts, "money": money, "participants": participants, "comments": comments,
            "grant_ids": digest}


def test_demo001_builds_demo_scale(built):
    engine, counts = built
    size = demo.SCALES["demo"]
    assert (counts["grants"], counts["consultations"], counts["trainings"]) == (
        size.grants, size.consultations, size.trainings)
    with engine.connect() as conn:
        info = dict(conn.execute(sa.select(t.dataset_info.c.key, t.dataset_info.c.value)).all())
        log = conn.execute(sa.select(t.import_log.c.kind, t.import_log.c.rows, t.import_log.c.source)).all()
        summed = _scalar(conn, sa.select(sa.func.sum(t.s_grants.c.amount_cents)))
        direct = _scalar(conn, sa.select(sa.func.sum(t.grants.c.amount_cents)))
        trainings = _scalar(conn, sa.select(sa.func.sum(t.s_trainings.c.trainings)))
    assert info["demo"] == "demo" and info["demo_seed"] == str(demo.SEED)
    assert info["data_version"] == "1" and info["last_import_at"]
    assert {kind: rows for kind, rows, _ in log} == {k: n for k, n in counts.items() if n}
    assert {source for *_, source in log} == {"demo"}
    assert summed == direct and trainings == size.trainings


def test_demo002_same_seed_same_totals(built, tmp_path):
    engine, _ = built
    other, dispose = _second(engine, tmp_path)
    try:
        demo.build(other, seed=demo.SEED)
        assert _totals(other) == _totals(engine)
    finally:
        dispose()


def test_demo003_other_seed_on_reference_data_differs(built, tmp_path):
    engine, _ = built
    other, dispose = _second(engine, tmp_path)
    try:
        with other.begin() as conn:  # what `civmon init` ships, with a population of its own
            conn.execute(t.regions.insert(), [{"code": "RO-CJ", "name": "Cluj", "country": "RO",
                                               "level": 1, "parent_code": None, "population": 1}])
            conn.execute(t.currencies.insert(), [{"country": "RO", "currency": "RON",
                                                  "from_year": 2005, "to_year": None}])
            conn.execute(t.consultation_rules.insert(), [{"country": "BG", "min_comment_days": 30}])
        counts = demo.build(other, seed=demo.SEED + 1)
        mine, theirs = _totals(other), _totals(engine)
        with other.connect() as conn:
            cluj = conn.execute(sa.select(t.regions.c.population).where(t.regions.c.code == "RO-CJ")).all()
            currencies = _scalar(conn, sa.select(sa.func.count()).select_from(t.currencies))
    finally:
        dispose()
    assert cluj == [(1,)] and currencies == len(demo.CURRENCIES)
    assert counts["regions"] == theirs["counts"]["regions"] - 1 and counts["currencies"] == 4
    assert mine["counts"]["grants"] == theirs["counts"]["grants"]
    assert mine["grant_ids"] != theirs["grant_ids"] and mine["money"] != theirs["money"]
    assert mine["participants"] != theirs["participants"]


def test_demo004_refuses_a_loaded_database(built):
    engine, _ = built
    with pytest.raises(ValueError, match="already holds data"):
        demo.build(engine)
    assert demo.has_data(engine)


def _rows(conn, stmt) -> list:
    return conn.execute(stmt).all()


def test_demo005_regions_and_authorities_resolve(built):
    engine, _ = built
    r, p, a = t.regions, t.regions.alias("p"), t.authorities
    with engine.connect() as conn:
        regions = _rows(conn, sa.select(r.c.code, r.c.country, r.c.level, r.c.parent_code, r.c.population))
        bad_parent = _rows(conn, sa.select(r.c.code).select_from(r.outerjoin(p, p.c.code == r.c.parent_code))
                           .where(r.c.level == 2, sa.or_(p.c.code.is_(None), p.c.level != 1,
                                                         p.c.country != r.c.country)))
        bad_authority = _rows(conn, sa.select(a.c.authority_id).select_from(
            a.outerjoin(r, r.c.code == a.c.region_code)).where(sa.or_(
                sa.and_(a.c.level == "central", a.c.region_code.is_not(None)),
                sa.and_(a.c.level != "central", sa.or_(r.c.code.is_(None), r.c.country != a.c.country)),
                a.c.level.not_in(LEVELS_OF_GOVERNMENT))))
        levels = {lvl for (lvl,) in _rows(conn, sa.select(a.c.level).distinct())}
        ids = set(conn.execute(sa.select(a.c.authority_id)).scalars())
    subdivisions = {s.code: s.country_code for s in pycountry.subdivisions}
    level1 = [x for x in regions if x.level == 1]
    assert all(subdivisions.get(x.code) == x.country for x in level1)
    assert {c: sum(x.country == c for x in level1) for c in LEVEL1_COUNT} == LEVEL1_COUNT
    for country, (low, high) in LEVEL2_RANGE.items():
        assert low <= sum(x.country == country and x.level == 2 for x in regions) <= high
    assert all(REGION2_CODE.match(x.code) and x.population >= 0 for x in regions)
    assert bad_parent == [] and bad_authority == []
    assert levels == set(LEVELS_OF_GOVERNMENT)
    assert {"RS-GOV-OCD", "RO-GOV-SGG", "RO-CJ-CJC", "RO-CJ-001-L", "BG-18-RA"} <= ids
    population = {x.code: x.population for x in regions}
    for code in ("RO-CJ", "BG-18", "RS-05", "KZ-63"):
        under = sum(x.population for x in regions if x.parent_code == code)
        assert under == pytest.approx(population[code], rel=0.05)


def test_demo006_facts_obey_the_contract(built):
    engine, _ = built
    g, r, a, cur = t.grants, t.regions, t.authorities, t.currencies
    fr = t.regions.alias("fr")
    region1 = sa.case((r.c.level == 1, r.c.code), else_=r.c.parent_code)
    funder1 = sa.case((fr.c.level == 1, fr.c.code), else_=fr.c.parent_code)
    o, c, tr = t.liaison_officers, t.consultations, t.trainings
    with engine.connect() as conn:
        wrong_currency = _rows(conn, sa.select(g.c.grant_id).select_from(
            g.join(r, r.c.code == g.c.region_code).outerjoin(cur, sa.and_(
                cur.c.country == r.c.country, cur.c.currency == g.c.currency, cur.c.from_year <= g.c.year,
                sa.or_(cur.c.to_year.is_(None), cur.c.to_year >= g.c.year)))).where(cur.c.country.is_(None)))
        wrong_funder = _rows(conn, sa.select(g.c.grant_id).select_from(
            g.join(r, r.c.code == g.c.region_code).join(a, a.c.authority_id == g.c.funder_authority_id)
            .outerjoin(fr, fr.c.code == a.c.region_code))
            .where(sa.or_(sa.and_(a.c.level != "central", funder1 != region1), a.c.country != r.c.country)))
        grants = _rows(conn, sa.select(sa.func.min(g.c.amount_cents), sa.func.min(g.c.year),
                                       sa.func.max(g.c.year)))
        enums = (set(conn.execute(sa.select(g.c.domain).distinct()).scalars()),
                 set(conn.execute(sa.select(g.c.procedure).distinct()).scalars()))
        bad_officers = _rows(conn, sa.select(o.c.authority_id).where(sa.or_(
            o.c.ended_on < o.c.appointed_on, o.c.position_rank < 1, o.c.position_rank > 9)))
        bad_consultations = _rows(conn, sa.select(c.c.consultation_id).where(sa.or_(
            c.c.comments_deadline < c.c.published_on, c.c.comments_accepted > c.c.comments_received,
            c.c.comments_accepted < 0, c.c.participants < 0)))
        publishers = _scalar(conn, sa.select(sa.func.count(sa.distinct(c.c.authority_id))))
        bad_trainings = _rows(conn, sa.select(tr.c.training_id).where(sa.or_(
            tr.c.participants_public < 0, tr.c.participants_cso < 0, tr.c.participants_other < 0)))
        recipients = _scalar(conn, sa.select(sa.func.count(sa.distinct(g.c.recipient_name))))
        without_id = _scalar(conn, sa.select(sa.func.count()).where(g.c.recipient_id.is_(None)))
        odd_ids = _rows(conn, sa.select(g.c.recipient_id).where(~g.c.recipient_id.like("%-NGO-%")).limit(3))
    assert wrong_currency == [] and wrong_funder == []
    assert grants[0][0] > 0 and (grants[0][1], grants[0][2]) == (demo.YEARS[0], demo.YEARS[-1])
    assert enums[0] <= set(DOMAINS) and enums[1] == set(PROCEDURES)
    assert bad_officers == [] and bad_consultations == [] and bad_trainings == []
    assert publishers <= 4000
    assert 115 * 150 * 0.5 <= recipients <= 115 * 400
    assert odd_ids == [] and 0.03 < without_id / demo.SCALES["demo"].grants < 0.2


def test_demo007_real_events(built):
    engine, _ = built
    tr, r = t.trainings, t.regions
    with engine.connect() as conn:
        serbia = _rows(conn, sa.select(r.c.name, r.c.parent_code, tr.c.title, tr.c.participants_public
                                       + tr.c.participants_cso + sa.func.coalesce(tr.c.participants_other, 0))
                       .select_from(tr.join(r, r.c.code == tr.c.region_code))
                       .where(tr.c.organiser_authority_id == "RS-GOV-OCD",
                              tr.c.held_on.between(dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
                              r.c.name.in_(("Sombor", "Novi Sad", "Novi Pazar"))))
        ruse = _rows(conn, sa.select(tr.c.title, tr.c.held_on, r.c.name).select_from(
            tr.join(r, r.c.code == tr.c.region_code))
            .where(tr.c.organiser_authority_id == "BG-18-RA", r.c.parent_code == "BG-18",
                   tr.c.held_on.between(dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
                   tr.c.title.like("%civic participation%")))
    assert {(name, parent) for name, parent, *_ in serbia} == {
        ("Sombor", "RS-05"), ("Novi Sad", "RS-06"), ("Novi Pazar", "RS-18")}
    assert sum(n for *_, n in serbia) >= 80
    assert all("self-governments and CSOs" in title for _, _, title, _ in serbia)
    assert len(ruse) >= 1 and ruse[0].name == "Ruse"


def test_demo008_a_failed_build_changes_nothing(engine, monkeypatch):
    def fail(*_args):
        raise RuntimeError("stop after the grants")

    monkeypatch.setattr(demo, "_trainings", fail)
    with pytest.raises(RuntimeError, match="stop after the grants"):
        demo.build(engine)
    with engine.connect() as conn:
        left = {table.name: _scalar(conn, sa.select(sa.func.count()).select_from(table))
                for table in (t.regions, t.currencies, t.authorities, t.grants, t.import_log)}
    assert set(left.values()) == {0} and not demo.has_data(engine)


ROUND_TRIP_FILTERS = {
    "everything": {}, "Romania": {"country": "RO"}, "Cluj 2019-2023": {"region": "RO-CJ", "years": "2019-2023"},
    "local, Bulgaria and Serbia": {"country": "BG,RS", "level": "local"}, "Kazakhstan 2024": {"country": "KZ",
                                                                                             "years": "2024"},
}


def test_demo009_export_then_import_gives_the_same_numbers(built, tmp_path):
    """`civmon export DIR` into an empty database through the importer: every query, for several filters,
    gives identical results (values and types) to the original."""
    import pandas as pd

    from queries import export, importer, make_filter, registry
    from queries.contract import LOAD_ORDER

    engine, _counts = built
    written = export.export_all(engine, tmp_path / "export")
    other, dispose = _second(engine, tmp_path)
    try:
        for kind in LOAD_ORDER:
            path, rows = written[kind]
            if not rows:  # a header-only file is refused by the importer (and there is nothing to restore)
                continue
            result = importer.import_file(other, kind, path)
            assert result.ok, (kind, result.problems[:5])
        assert _totals(other) == _totals(engine)
        for label, params in ROUND_TRIP_FILTERS.items():
            f = make_filter(**params)
            for q in registry.all_queries():
                pd.testing.assert_frame_equal(q.run(f, engine=other), q.run(f, engine=engine), obj=f"{q.id} {label}")
    finally:
        dispose()
