"""Summary tables kept current by the importer, so that indicators answer in milliseconds.

Each fact kind (grants, consultations, trainings) has a family of `s_*` tables holding sums per
level-1 region, year and the other filter dimensions. `refresh` rebuilds a family for some
level-1 regions (or all) inside the caller's transaction: DELETE those regions' rows, then
INSERT … SELECT … GROUP BY from the contract tables. Nothing else writes these tables.
"""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa

from . import schema as t
from .db import days_between, year_of

ALL = None  # refresh every region

# Which summary families an import of each kind can change. Dimension kinds (regions,
# authorities, consultation rules) can move any fact, so they rebuild everything.
FAMILIES_BY_KIND: dict[str, tuple[str, ...]] = {
    "grants": ("grants",),
    "consultations": ("consultations",),
    "trainings": ("trainings",),
    "exchange_rates": ("grants",),
    "regions": ("grants", "consultations", "trainings"),
    "authorities": ("grants", "consultations", "trainings"),
    "consultation_rules": ("consultations",),
}

_r = t.regions.alias("r")
REGION1 = sa.case((_r.c.level == 1, _r.c.code), else_=_r.c.parent_code)


def _regions_under(region1_codes: Iterable[str]) -> sa.Select:
    """Codes of the given level-1 regions and of their level-2 regions."""
    codes = list(region1_codes)
    return sa.select(t.regions.c.code).where(
        sa.or_(t.regions.c.code.in_(codes), t.regions.c.parent_code.in_(codes)))


def _grants_select(funder_dim: bool, recipient_dim: bool, region_where) -> sa.Select:
    g, a, x = t.grants, t.authorities, t.exchange_rates
    rate = sa.case((g.c.currency == "EUR", 1.0), else_=x.c.units_per_eur)
    cols = [_r.c.country.label("country"), REGION1.label("region1_code"), g.c.year,
            a.c.level.label("funder_level"), g.c.currency]
    if recipient_dim:
        key = sa.case((g.c.recipient_id.is_not(None), "id:" + g.c.recipient_id),
                      else_="name:" + g.c.recipient_name)
        cols += [key.label("recipient_key")]
        extra = [sa.func.max(g.c.recipient_name).label("recipient_name")]
    elif funder_dim:
        cols += [g.c.funder_authority_id]
        extra = []
    else:
        cols += [g.c.domain, g.c.procedure]
        extra = []
    return (
        sa.select(*cols, *extra, sa.func.count().label("grants"),
                  sa.func.sum(g.c.amount_cents).label("amount_cents"),
                  sa.func.coalesce(sa.func.sum(g.c.amount_cents / 100.0 / rate), 0.0).label("amount_eur"),
                  sa.func.sum(sa.case((rate.is_(None), 1), else_=0)).label("unconverted"))
        .select_from(g.join(_r, _r.c.code == g.c.region_code)
                     .join(a, a.c.authority_id == g.c.funder_authority_id)
                     .outerjoin(x, sa.and_(x.c.currency == g.c.currency, x.c.year == g.c.year)))
        .where(region_where(g.c.region_code))
        .group_by(*cols)
    )


def _consultation_base(region_where):
    c, a, rules = t.consultations, t.authorities, t.consultation_rules
    region1 = sa.case((_r.c.level == 1, _r.c.code), else_=_r.c.parent_code)
    frm = (c.join(a, a.c.authority_id == c.c.authority_id)
           .outerjoin(_r, _r.c.code == a.c.region_code)
           .outerjoin(rules, rules.c.country == a.c.country))
    return c, a, rules, region1, frm, region_where(a.c.region_code)


def _consultation_sums(c) -> list:
    return [sa.func.count().label("consultations"),
            sa.func.sum(c.c.comments_received).label("comments_received"),
            sa.func.sum(c.c.comments_accepted).label("comments_accepted"),
            sa.func.sum(c.c.participants).label("participants"),
            sa.func.sum(sa.case((c.c.public_debate_held, 1), else_=0)).label("debates")]


def _consultations_select(region_where) -> sa.Select:
    c, a, _rules, region1, frm, where = _consultation_base(region_where)
    period = days_between(c.c.published_on, c.c.comments_deadline)
    keys = [a.c.country, region1.label("region1_code"), a.c.level,
            year_of(c.c.published_on).label("year"), period.label("period_days")]
    return (sa.select(*keys, *_consultation_sums(c),
                      sa.func.coalesce(sa.func.sum(c.c.debate_participants), 0).label("debate_participants"))
            .select_from(frm).where(where).group_by(*keys))


def _consultation_authorities_select(region_where) -> sa.Select:
    c, a, rules, region1, frm, where = _consultation_base(region_where)
    period = days_between(c.c.published_on, c.c.comments_deadline)
    keys = [a.c.country, region1.label("region1_code"), a.c.level,
            year_of(c.c.published_on).label("year"), c.c.authority_id]
    on_time = sa.case((period >= rules.c.min_comment_days, 1), else_=0)
    return (sa.select(*keys, *_consultation_sums(c), sa.func.sum(on_time).label("on_time"))
            .select_from(frm).where(where).group_by(*keys))


def _trainings_select(region_where, municipalities: bool) -> sa.Select:
    tr, a = t.trainings, t.authorities
    keys = [_r.c.country.label("country"), REGION1.label("region1_code"), a.c.level.label("organiser_level"),
            year_of(tr.c.held_on).label("year")]
    frm = (tr.join(_r, _r.c.code == tr.c.region_code)
           .outerjoin(a, a.c.authority_id == tr.c.organiser_authority_id))
    where = region_where(tr.c.region_code)
    if municipalities:
        keys.append(tr.c.region_code.label("region2_code"))
        return (sa.select(*keys, sa.func.count().label("trainings")).select_from(frm)
                .where(where, _r.c.level == 2).group_by(*keys))
    keys.append(tr.c.topic)
    return (sa.select(*keys, sa.func.count().label("trainings"),
                      sa.func.sum(tr.c.participants_public).label("participants_public"),
                      sa.func.sum(tr.c.participants_cso).label("participants_cso"),
                      sa.func.coalesce(sa.func.sum(tr.c.participants_other), 0).label("participants_other"))
            .select_from(frm).where(where).group_by(*keys))


def _family_statements(family: str, region_where):
    """(summary table, INSERT … SELECT source) pairs of one family."""
    if family == "grants":
        return [(t.s_grants, _grants_select(False, False, region_where)),
                (t.s_grant_recipients, _grants_select(False, True, region_where)),
                (t.s_grant_funders, _grants_select(True, False, region_where))]
    if family == "consultations":
        return [(t.s_consultations, _consultations_select(region_where)),
                (t.s_consultation_authorities, _consultation_authorities_select(region_where))]
    if family == "trainings":
        return [(t.s_trainings, _trainings_select(region_where, False)),
                (t.s_training_municipalities, _trainings_select(region_where, True))]
    raise ValueError(f"unknown summary family {family!r}")


def refresh(conn: sa.Connection, families: Iterable[str],
            region1_codes: Iterable[str | None] | None = ALL) -> None:
    """Rebuild the given families' summary rows for these level-1 regions (None in the set:
    central authorities, which have no region; ALL: every row)."""
    codes = None if region1_codes is ALL else set(region1_codes)
    if codes is not None and not codes:
        return
    named = sorted(c for c in codes if c is not None) if codes is not None else []
    for family in families:
        if codes is None:
            def region_where(col):
                return sa.true()
        else:
            def region_where(col, named=named, with_none=None in codes):
                conds = [col.in_(_regions_under(named))] if named else []
                if with_none:
                    conds.append(col.is_(None))
                return sa.or_(*conds) if conds else sa.false()
        for table, source in _family_statements(family, region_where):
            if codes is None:
                conn.execute(table.delete())
            else:
                conds = [table.c.region1_code.in_(named)] if named else []
                if None in codes:
                    conds.append(table.c.region1_code.is_(None))
                conn.execute(table.delete().where(sa.or_(*conds)))
            conn.execute(table.insert().from_select(list(source.selected_columns.keys()), source))
            quoted = conn.dialect.identifier_preparer.quote(table.name)
            conn.execute(sa.text(f"ANALYZE {quoted}"))  # fresh statistics for the planner


def regions_of(conn: sa.Connection, kind: str, table: sa.Table) -> set[str | None]:
    """Level-1 regions of the rows in `table` (a contract table or a staging table with the
    same column names) for a fact kind: used to know which summary rows an import touches."""
    if kind in ("grants", "trainings"):
        region_col = table.c.region_code
        stmt = (sa.select(REGION1).distinct()
                .select_from(table.join(_r, _r.c.code == region_col)))
    elif kind == "consultations":
        a = t.authorities
        stmt = (sa.select(REGION1).distinct()
                .select_from(table.join(a, a.c.authority_id == table.c.authority_id)
                             .outerjoin(_r, _r.c.code == a.c.region_code)))
    else:
        raise ValueError(f"{kind} has no per-region summary")
    return {row[0] for row in conn.execute(stmt)}
