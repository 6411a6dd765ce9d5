"""Capacity-building trainings: participants by sector, topic and region, and the municipalities reached."""
from __future__ import annotations

import functools
import operator

import pandas as pd
import sqlalchemy as sa

from . import schema as t
from .filters import Filter
from .registry import query
from .scope import Scope, complete_years, connect, frame, pct, reported, resolve

TRAINING_COLUMNS = ("year", "trainings", "participants", "participants_public", "participants_cso",
                    "cso_share_pct", "municipalities_reached", "municipalities_total", "reach_pct", "split_reported")


def _training_sums(conn, scope: Scope, key_name: str) -> dict:
    s = t.s_trainings if key_name == "topic" else t.s_training_totals
    key = s.c[key_name]
    stmt = (sa.select(key.label("key"), *[sa.func.sum(s.c[c]).label(c) for c in t.TRAINING_COUNTS])
            .where(scope.where(s, level_col=s.c.organiser_level)).group_by(key))
    return {row.key: row for row in conn.execute(stmt)}


def _municipalities_reached(conn, scope: Scope, key_name: str) -> dict:
    """Distinct municipalities with a training (organised at one of the filter's levels) per key.
    A row is one municipality in one year, so per year the rows are counted."""
    m = t.s_training_municipalities
    key = m.c[key_name]
    where = [scope.where(m)]
    if scope.filter.levels:
        mask = functools.reduce(operator.or_, (t.ORGANISER_BITS[level] for level in scope.filter.levels))
        where.append(m.c.organiser_levels.op("&")(mask) != 0)
    # a municipality is in one level-1 region, so per region (or country) the distinct ones are counted
    reached = sa.func.count() if key_name == "year" else sa.func.count(sa.distinct(m.c.region2_code))
    return dict(conn.execute(sa.select(key, reached).where(*where).group_by(key)).all())


def _municipalities_total(conn, scope: Scope, by_region: bool = False):
    r = t.regions
    stmt = sa.select(r.c.parent_code, sa.func.count()).where(
        r.c.level == 2, r.c.parent_code.in_(scope.region_codes)).group_by(r.c.parent_code)
    per_region = dict(conn.execute(stmt).all())
    return per_region if by_region else sum(per_region.values())


def _training_row(c, reached: int, total: int) -> dict:
    """Participants are every training's; the sectors and the CSOs' share are those of the trainings that report the
    split (split_reported), empty when none does."""
    get = (lambda k: int(getattr(c, k) or 0)) if c else (lambda k: 0)
    split = get("split_reported")
    sectors = get("participants_public") + get("participants_cso") + get("participants_other")
    return {"trainings": get("trainings"), "participants": get("participants"),
            "participants_public": reported(get("participants_public"), split),
            "participants_cso": reported(get("participants_cso"), split),
            "cso_share_pct": pct(get("participants_cso"), sectors),
            "municipalities_reached": reached, "municipalities_total": total, "reach_pct": pct(reached, total),
            "split_reported": split}


@query("training-reach", title="Reach of capacity-building trainings",
       definition="Per year: trainings held, participants from public bodies, CSOs and others, the CSOs' "
                  "share, and the share of municipalities in scope where at least one training was held.",
       area="training", indicator=True, columns=TRAINING_COLUMNS)
def training_reach(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        scope = resolve(conn, f)
        sums = _training_sums(conn, scope, "year")
        reached = _municipalities_reached(conn, scope, "year")
        total = _municipalities_total(conn, scope)
    rows = [{"year": y, **_training_row(sums.get(y), reached.get(y, 0), total)} for y in complete_years(f, list(sums))]
    return frame(rows, TRAINING_COLUMNS)


@query("training-by-region", title="Trainings by region",
       definition="Per level-1 region: trainings, participants by sector and the share of its municipalities "
                  "reached by at least one training.",
       area="training", columns=("region_code", "region_name") + TRAINING_COLUMNS[1:])
def training_by_region(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        scope = resolve(conn, f)
        sums = _training_sums(conn, scope, "region1_code")
        reached = _municipalities_reached(conn, scope, "region1_code")
        totals = _municipalities_total(conn, scope, by_region=True)
    rows = [{"region_code": r.code, "region_name": r.name,
             **_training_row(sums.get(r.code), reached.get(r.code, 0), totals.get(r.code, 0))}
            for r in scope.regions]
    return frame(rows, ("region_code", "region_name") + TRAINING_COLUMNS[1:])


@query("training-by-topic", title="Trainings by topic",
       definition="Trainings and participants per topic, with each topic's share of all participants.",
       area="training", columns=("topic", "trainings", "participants", "share_pct"))
def training_by_topic(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        sums = _training_sums(conn, resolve(conn, f), "topic")
    people = {k: int(v.participants) for k, v in sums.items()}
    total = sum(people.values())
    rows = [{"topic": k, "trainings": int(sums[k].trainings), "participants": people[k],
             "share_pct": pct(people[k], total)}
            for k in sorted(sums, key=lambda k: (-people[k], k))]
    return frame(rows, ("topic", "trainings", "participants", "share_pct"))


SECTORS = ("participants_public", "participants_cso", "participants_other")


@query("training-participants-by-sector", title="Training participants by sector",
       definition="Participants in trainings from public bodies, civil society organisations and others, "
                  "with each sector's share, over the trainings that report the split by sector.",
       area="training", columns=("sector", "participants", "share_pct", "split_reported", "trainings"))
def training_participants_by_sector(f: Filter, engine=None) -> pd.DataFrame:
    s = t.s_training_totals
    with connect(engine) as conn:
        scope = resolve(conn, f)
        got = conn.execute(sa.select(*[sa.func.coalesce(sa.func.sum(s.c[c]), 0)
                                       for c in SECTORS + ("split_reported", "trainings")])
                           .where(scope.where(s, level_col=s.c.organiser_level))).one()
    *people, split, trainings = [int(n) for n in got]
    total = sum(people)
    rows = [{"sector": sector.removeprefix("participants_"), "participants": reported(n, split),
             "share_pct": pct(n, total), "split_reported": split, "trainings": trainings}
            for sector, n in zip(SECTORS, people)]
    return frame(rows, ("sector", "participants", "share_pct", "split_reported", "trainings"))
