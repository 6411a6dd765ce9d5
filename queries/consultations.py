"""Public consultations on draft acts: participation, comments, debates, periods against the legal minimum."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from . import schema as t
from .filters import Filter
from .registry import query
from .scope import complete_years, connect, frame, pct, ratio, reported, resolve

TOP_AUTHORITIES = 20

CONSULTATION_COLUMNS = ("year", "consultations", "comments_received", "comments_per_consultation",
                        "participants", "comments_accepted", "acceptance_pct", "debates", "debate_pct",
                        "with_rule", "on_time", "on_time_pct",
                        "comments_reported", "participants_reported", "debates_reported")
_SUMS = t.CONSULTATION_COUNTS + t.RULE_COUNTS


def _consultation_sums(s):
    return [sa.func.sum(s.c[c]).label(c) for c in _SUMS]


def _consultation_row(c) -> dict:
    """A row of consultation-participation's figures from the summary sums of its consultations (None: none)."""
    get = (lambda k: int(getattr(c, k) or 0)) if c else (lambda k: 0)
    n, comments, accepted, with_rule = (get("consultations"), get("comments_reported"), get("accepted_reported"),
                                        get("with_rule"))
    return {"consultations": n,
            "comments_received": reported(get("comments_received"), comments),
            "comments_per_consultation": ratio(get("comments_received"), comments, 2),
            "participants": reported(get("participants"), get("participants_reported")),
            "comments_accepted": reported(get("comments_accepted"), accepted),
            "acceptance_pct": pct(get("comments_accepted"), get("accepted_basis")) if accepted else None,
            "debates": reported(get("debates"), get("debates_reported")),
            "debate_pct": pct(get("debates"), get("debates_reported")),
            "with_rule": with_rule, "on_time": get("on_time"), "on_time_pct": pct(get("on_time"), with_rule),
            "comments_reported": comments, "participants_reported": get("participants_reported"),
            "debates_reported": get("debates_reported")}


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
                                  "participants", "debates", "with_rule", "on_time", "on_time_pct",
                                  "comments_reported", "participants_reported", "debates_reported")


def _authority_rows(conn, scope, order, where=(), limit: int = TOP_AUTHORITIES) -> list[dict]:
    """Authorities in the filter with their consultation figures, in `order` (a function of the summed columns)."""
    s = t.s_consultation_authority_totals if not scope.filter.has_years else t.s_consultation_authorities
    a = t.authorities
    sums = {c: sa.func.sum(s.c[c]) for c in _SUMS}
    stmt = (sa.select(s.c.authority_id, *(v.label(k) for k, v in sums.items()))
            .where(scope.where(s, level_col=s.c.level)).group_by(s.c.authority_id)
            .having(*(w(sums) for w in where)).order_by(*order(sums), s.c.authority_id).limit(limit))
    top = conn.execute(stmt).all()
    r = t.regions.alias("ar")
    info = {row.authority_id: row for row in conn.execute(
        sa.select(a.c.authority_id, a.c.name, a.c.country, a.c.level, t.level1_code(r).label("region1"))
        .select_from(a.outerjoin(r, r.c.code == a.c.region_code))
        .where(a.c.authority_id.in_([row.authority_id for row in top])))}
    rows = []
    for row in top:
        i = info[row.authority_id]
        figures = _consultation_row(row)
        rows.append({"authority_id": row.authority_id, "authority_name": i.name, "country": i.country,
                     "level": i.level, "region_code": i.region1,
                     **{k: figures[k] for k in AUTHORITY_CONSULTATION_COLUMNS[5:]}})
    return rows


@query("consultations-by-authority", title="Authorities that consult most",
       definition=f"The {TOP_AUTHORITIES} authorities with the most consultations in the filter, with the "
                  "comments they received and accepted, debates held and consultations on time.",
       area="consultations", columns=AUTHORITY_CONSULTATION_COLUMNS)
def consultations_by_authority(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        rows = _authority_rows(conn, resolve(conn, f), lambda s: [s["consultations"].desc()])
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


# An authority needs this many consultations under a legal minimum to be ranked on its share on time, so that one
# late draft does not put an authority at the top of the list
RANKED_FROM = 5
TIMELINESS_COLUMNS = ("authority_id", "authority_name", "country", "level", "region_code", "with_rule", "on_time",
                      "late", "on_time_pct", "min_comment_days")


@query("consultations-on-time-by-authority", title="Authorities by share of consultations on time",
       definition=f"The {TOP_AUTHORITIES} authorities with the lowest share of consultations that gave at least "
                  "the legal minimum period for comments, worst first, among those with at least "
                  f"{RANKED_FROM} consultations under a legal minimum in the filter, with their counts and the "
                  "minimum that applies.",
       area="consultations", columns=TIMELINESS_COLUMNS,
       legal_basis="Romania: Law 52/2003 on decisional transparency (at least 10 calendar days for comments); "
                   "Bulgaria: Law on Normative Acts, art. 26 (30 days, exceptionally 14).")
def consultations_on_time_by_authority(f: Filter, engine=None) -> pd.DataFrame:
    def worst_first(s):
        return [(sa.cast(s["on_time"], sa.Float) / s["with_rule"]).asc(), s["with_rule"].desc()]
    with connect(engine) as conn:
        rows = _authority_rows(conn, resolve(conn, f), worst_first, where=(lambda s: s["with_rule"] >= RANKED_FROM,))
        minimum = dict(conn.execute(sa.select(t.consultation_rules.c.country,
                                              t.consultation_rules.c.min_comment_days)).all())
    rows = [{**{k: row[k] for k in TIMELINESS_COLUMNS if k in row}, "late": row["with_rule"] - row["on_time"],
             "min_comment_days": minimum.get(row["country"])} for row in rows]
    return frame(rows, TIMELINESS_COLUMNS)


def participation_total(f: Filter, engine=None) -> dict:
    """consultation-participation's figures over all of the filter's years at once, with how many consultations
    report both comment counts: the headline figures' (a ratio over several years is the ratio of their sums)."""
    s = t.s_consultation_totals
    with connect(engine) as conn:
        scope = resolve(conn, f)
        row = conn.execute(sa.select(*_consultation_sums(s)).where(scope.where(s, level_col=s.c.level))).one()
    return {**_consultation_row(row), "accepted_reported": int(row.accepted_reported or 0)}


def central_share(f: Filter, engine=None) -> float | None:
    """The share of the filter's consultations that central authorities (no region) published; None when there is
    none. Pages lead with authority rankings when it is most of them: a county map says nothing about ministries."""
    s = t.s_consultation_totals
    with connect(engine) as conn:
        scope = resolve(conn, f)
        n, central = conn.execute(sa.select(sa.func.sum(s.c.consultations), sa.func.sum(
            sa.case((s.c.region1_code.is_(None), s.c.consultations), else_=0)))
            .where(scope.where(s, level_col=s.c.level))).one()
    return float(central) / float(n) if n else None
