"""Public consultations on draft acts: participation, comments, debates, periods against the legal minimum."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from . import schema as t
from .filters import Filter
from .registry import query
from .scope import complete_years, connect, frame, pct, ratio, resolve

TOP_AUTHORITIES = 20

CONSULTATION_COLUMNS = ("year", "consultations", "comments_received", "comments_per_consultation",
                        "participants", "comments_accepted", "acceptance_pct", "debates", "debate_pct",
                        "on_time", "on_time_pct")


def _consultation_sums(s):
    return [sa.func.sum(s.c[c]).label(c) for c in
            ("consultations", "comments_received", "participants", "comments_accepted", "debates", "on_time")]


def _consultation_row(c) -> dict:
    n = c.consultations if c else 0
    get = (lambda k: int(getattr(c, k) or 0)) if c else (lambda k: 0)
    return {"consultations": n, "comments_received": get("comments_received"),
            "comments_per_consultation": ratio(get("comments_received"), n, 2),
            "participants": get("participants"), "comments_accepted": get("comments_accepted"),
            "acceptance_pct": pct(get("comments_accepted"), get("comments_received")),
            "debates": get("debates"), "debate_pct": pct(get("debates"), n),
            "on_time": get("on_time"), "on_time_pct": pct(get("on_time"), n)}


def _consultations_by(f: Filter, engine, key_name: str):
    s = t.s_consultation_totals  # on_time is counted against the rules when summaries are built
    with connect(engine) as conn:
        scope = resolve(conn, f)
        key = s.c[key_name]
        stmt = (sa.select(key.label("key"), *_consultation_sums(s))
                .where(scope.where(s, level_col=s.c.level)).group_by(key))
        return scope, {row.key: row for row in conn.execute(stmt)}


@query("consultation-participation", title="Participation in public consultations",
       definition="Per year of publication: draft acts put to consultation, comments and participants they "
                  "drew, comments accepted, public debates held, and consultations that respected the legal "
                  "minimum period.",
       area="consultations", indicator=True, columns=CONSULTATION_COLUMNS,
       legal_basis="Romania: Law 52/2003 on decisional transparency (at least 10 calendar days for comments); "
                   "Bulgaria: Law on Normative Acts, art. 26 (30 days, exceptionally 14).")
def consultation_participation(f: Filter, engine=None) -> pd.DataFrame:
    _scope, by_year = _consultations_by(f, engine, "year")
    rows = [{"year": year, **_consultation_row(by_year.get(year))} for year in complete_years(f, list(by_year))]
    return frame(rows, CONSULTATION_COLUMNS)


@query("consultations-by-region", title="Public consultations by region",
       definition="Per level-1 region: consultations, comments, acceptance, debates and respect of the legal "
                  "minimum period (consultations of central authorities have no region).",
       area="consultations", columns=("region_code", "region_name") + CONSULTATION_COLUMNS[1:])
def consultations_by_region(f: Filter, engine=None) -> pd.DataFrame:
    scope, by_region = _consultations_by(f, engine, "region1_code")
    rows = [{"region_code": r.code, "region_name": r.name, **_consultation_row(by_region.get(r.code))}
            for r in scope.regions]
    return frame(rows, ("region_code", "region_name") + CONSULTATION_COLUMNS[1:])


AUTHORITY_CONSULTATION_COLUMNS = ("authority_id", "authority_name", "country", "level", "region_code",
                                  "consultations", "comments_received", "comments_accepted", "acceptance_pct",
                                  "participants", "debates", "on_time", "on_time_pct")


@query("consultations-by-authority", title="Authorities that consult most",
       definition=f"The {TOP_AUTHORITIES} authorities with the most consultations in the filter, with the "
                  "comments they received and accepted, debates held and consultations on time.",
       area="consultations", columns=AUTHORITY_CONSULTATION_COLUMNS)
def consultations_by_authority(f: Filter, engine=None) -> pd.DataFrame:
    s = t.s_consultation_authority_totals if not f.has_years else t.s_consultation_authorities
    a = t.authorities
    with connect(engine) as conn:
        scope = resolve(conn, f)
        n = sa.func.sum(s.c.consultations)
        sums = [sa.func.sum(s.c[c]).label(c) for c in
                ("comments_received", "comments_accepted", "participants", "debates", "on_time")]
        stmt = (sa.select(s.c.authority_id, n.label("consultations"), *sums)
                .where(scope.where(s, level_col=s.c.level))
                .group_by(s.c.authority_id).order_by(n.desc(), s.c.authority_id).limit(TOP_AUTHORITIES))
        top = conn.execute(stmt).all()
        r = t.regions.alias("ar")
        info = {row.authority_id: row for row in conn.execute(
            sa.select(a.c.authority_id, a.c.name, a.c.country, a.c.level,
                      t.level1_code(r).label("region1"))
            .select_from(a.outerjoin(r, r.c.code == a.c.region_code))
            .where(a.c.authority_id.in_([row.authority_id for row in top])))}
    rows = []
    for row in top:
        i = info[row.authority_id]
        rows.append({"authority_id": row.authority_id, "authority_name": i.name, "country": i.country,
                     "level": i.level,
                     "region_code": i.region1, "consultations": row.consultations,
                     "comments_received": row.comments_received, "comments_accepted": row.comments_accepted,
                     "acceptance_pct": pct(row.comments_accepted, row.comments_received),
                     "participants": row.participants, "debates": row.debates, "on_time": row.on_time,
                     "on_time_pct": pct(row.on_time, row.consultations)})
    return frame(rows, AUTHORITY_CONSULTATION_COLUMNS)


@query("consultation-periods", title="Consultation periods against the legal minimum",
       definition="How many consultations gave each number of days between publication and the comments "
                  "deadline, per country, next to that country's legal minimum.",
       area="consultations", columns=("country", "period_days", "consultations", "min_comment_days",
                                      "meets_minimum"))
def consultation_periods(f: Filter, engine=None) -> pd.DataFrame:
    s, rules = t.s_consultations, t.consultation_rules
    with connect(engine) as conn:
        scope = resolve(conn, f)
        stmt = (sa.select(s.c.country, s.c.period_days, sa.func.sum(s.c.consultations), rules.c.min_comment_days)
                .select_from(s.outerjoin(rules, rules.c.country == s.c.country))
                .where(scope.where(s, level_col=s.c.level))
                .group_by(s.c.country, s.c.period_days, rules.c.min_comment_days)
                .order_by(s.c.country, s.c.period_days))
        rows = [{"country": country, "period_days": days, "consultations": n, "min_comment_days": minimum,
                 "meets_minimum": None if minimum is None else bool(days >= minimum)}
                for country, days, n, minimum in conn.execute(stmt)]
    return frame(rows, ("country", "period_days", "consultations", "min_comment_days", "meets_minimum"))
