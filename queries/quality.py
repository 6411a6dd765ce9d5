"""Warnings: what loaded but deserves a look (SPEC, Records as they come). Errors refuse a file; these do not.

Each check is one SQL statement over a contract table, filtered like every query (country, region, years, level of
the authority concerned), giving the records it finds: their kind and id, the authority, the year, and two numbers
that say how far off each is (`value` beside `reference`). The data-quality page lists them with links to the
records; an import lists those among the rows it just loaded.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import sqlalchemy as sa

from . import schema as t
from .contract import KINDS
from .db import days_between, year_of
from .filters import Filter
from .scope import Scope, connect, frame, resolve

COLUMNS = ("check", "kind", "record_id", "authority_id", "authority_name", "year", "value", "reference")
SHOWN = 200          # records listed per check; every one is counted
FAR_ABOVE = 10       # a grant this many times its funder's average is far above its usual
USUAL_FROM = 10      # grants a funder needs in a currency before its usual means anything


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    title: str       # what is found, a label (English msgid)
    explain: str     # why it deserves a look, one sentence (English msgid)
    select: Callable[["_Rows"], sa.Select]


@dataclass(frozen=True)
class _Rows:
    """The rows a check reads: a contract table joined to what the filter needs, with its conditions; or, for an
    import, its staging table (the same columns), so that a check reads the file's rows and not the whole table."""
    scope: Scope | None
    staged: sa.Table | None = None

    def _table(self, table: sa.Table):
        return self.staged if self.staged is not None else table

    def consultations(self):
        c, a, r = self._table(t.consultations), t.authorities, t.regions.alias("cr")
        frm = c.join(a, a.c.authority_id == c.c.authority_id).outerjoin(r, r.c.code == a.c.region_code)
        return c, a, frm, self._where(c.c.consultation_id, a.c.country, t.level1_code(r),
                                      year_of(c.c.published_on), a.c.level)

    def grants(self):
        g, a, r = self._table(t.grants), t.authorities, t.regions.alias("gr")
        frm = g.join(a, a.c.authority_id == g.c.funder_authority_id).join(r, r.c.code == g.c.region_code)
        return g, a, frm, self._where(g.c.grant_id, r.c.country, t.level1_code(r), g.c.year, a.c.level)

    def trainings(self):
        tr, a, r = self._table(t.trainings), t.authorities, t.regions.alias("tr")
        frm = tr.join(r, r.c.code == tr.c.region_code).outerjoin(a, a.c.authority_id == tr.c.organiser_authority_id)
        return tr, a, frm, self._where(tr.c.training_id, r.c.country, t.level1_code(r), year_of(tr.c.held_on),
                                       a.c.level)

    def _where(self, record_id, country, region1, year, level):
        conds = []
        if self.scope is not None:
            conds.append(self.scope.where(None, country_col=country, region_col=region1, year_col=year,
                                          level_col=level))
        return sa.and_(sa.true(), *conds)


def _found(record_id, authority, year, value, reference):
    return (record_id.label("record_id"), authority.c.authority_id.label("authority_id"),
            authority.c.name.label("authority_name"), year.label("year"), value.label("value"),
            reference.label("reference"))


def _short_period(rows: _Rows) -> sa.Select:
    c, a, frm, where = rows.consultations()
    rules = t.consultation_rules
    period = days_between(c.c.published_on, c.c.comments_deadline)
    return (sa.select(*_found(c.c.consultation_id, a, year_of(c.c.published_on), period, rules.c.min_comment_days))
            .select_from(frm.join(rules, rules.c.country == a.c.country))
            .where(where, period < rules.c.min_comment_days)
            .order_by(period, c.c.published_on.desc(), c.c.consultation_id))


def _same_title(rows: _Rows) -> sa.Select:
    c, a, frm, where = rows.consultations()
    other = t.consultations.alias("same")
    copies = (sa.select(sa.func.count()).where(other.c.authority_id == c.c.authority_id,
                                                other.c.published_on == c.c.published_on,
                                                other.c.title == c.c.title).scalar_subquery())
    return (sa.select(*_found(c.c.consultation_id, a, year_of(c.c.published_on), copies, sa.null()))
            .select_from(frm).where(where, copies > 1)
            .order_by(c.c.authority_id, c.c.published_on.desc(), c.c.consultation_id))


def _counts_not_reported(rows: _Rows) -> sa.Select:
    c, a, frm, where = rows.consultations()
    missing = sum(sa.case((col.is_(None), 1), else_=0) for col in (
        c.c.comments_received, c.c.comments_accepted, c.c.participants, c.c.public_debate_held))
    return (sa.select(*_found(c.c.consultation_id, a, year_of(c.c.published_on), missing, sa.literal(4)))
            .select_from(frm).where(where, missing > 0)
            .order_by(c.c.published_on.desc(), c.c.consultation_id))


def _split_not_reported(rows: _Rows) -> sa.Select:
    tr, a, frm, where = rows.trainings()
    people = sa.func.coalesce(tr.c.participants_total, sa.func.coalesce(tr.c.participants_public, 0)
                              + sa.func.coalesce(tr.c.participants_cso, 0)
                              + sa.func.coalesce(tr.c.participants_other, 0))
    return (sa.select(*_found(tr.c.training_id, a, year_of(tr.c.held_on), people, sa.null()))
            .select_from(frm)
            .where(where, sa.or_(tr.c.participants_public.is_(None), tr.c.participants_cso.is_(None)))
            .order_by(tr.c.held_on.desc(), tr.c.training_id))


def _far_above_usual(rows: _Rows) -> sa.Select:
    g, a, frm, where = rows.grants()
    s = t.s_grant_funders  # the funders' sums per currency, kept current by every import: no pass over the grants
    usual = (sa.select(s.c.funder_authority_id, s.c.currency,
                       (sa.cast(sa.func.sum(s.c.amount_cents), sa.Float) / sa.func.sum(s.c.grants)).label("average"))
             .group_by(s.c.funder_authority_id, s.c.currency)
             .having(sa.func.sum(s.c.grants) >= USUAL_FROM).subquery("usual"))
    return (sa.select(*_found(g.c.grant_id, a, g.c.year, g.c.amount_cents / 100.0, usual.c.average / 100.0))
            .select_from(frm.join(usual, sa.and_(usual.c.funder_authority_id == g.c.funder_authority_id,
                                                 usual.c.currency == g.c.currency)))
            .where(where, g.c.amount_cents > FAR_ABOVE * usual.c.average)
            .order_by((g.c.amount_cents / usual.c.average).desc(), g.c.grant_id))


# titles and explanations are translated on the page (scripts/extract_registry_messages.py adds them)
CHECKS: tuple[Check, ...] = (
    Check("short_period", "consultations", "Comment period under the legal minimum",
          ("The draft gave fewer days for comments than the law of its country requires: a finding about the "
           "authority, counted as not on time."), _short_period),
    Check("same_title", "consultations", "Same title, same authority, same day",
          ("Two or more drafts with the same title published by one authority on one day: the same draft loaded "
           "twice under different ids, or drafts that need telling apart."), _same_title),
    Check("counts_not_reported", "consultations", "Counts not reported",
          ("Comments, comments accepted, participants or the public debate are not reported: the figures that "
           "need them leave the draft out."), _counts_not_reported),
    Check("split_not_reported", "trainings", "Participants by sector not reported",
          ("The training does not say how many participants came from public bodies and from CSOs: the shares by "
           "sector leave it out."), _split_not_reported),
    Check("far_above_usual", "grants", "Grant far above its funder's usual",
          ("The amount is more than ten times the average of the funder's grants in that currency: a large award, "
           "or an amount typed with a wrong separator."), _far_above_usual),
)


def findings(f: Filter, engine=None, limit: int = SHOWN) -> pd.DataFrame:
    """The records each check finds in the filter, at most `limit` per check (COLUMNS, `check` first)."""
    with connect(engine) as conn:
        rows = _Rows(resolve(conn, f))
        out = []
        for check in CHECKS:
            for row in conn.execute(check.select(rows).limit(limit)).mappings():
                out.append({"check": check.id, "kind": check.kind, **row})
    return frame(out, COLUMNS)


def counts(f: Filter, engine=None) -> dict[str, int]:
    """How many records each check finds in the filter."""
    with connect(engine) as conn:
        rows = _Rows(resolve(conn, f))
        return {check.id: conn.execute(sa.select(sa.func.count()).select_from(
            check.select(rows).order_by(None).subquery())).scalar_one() for check in CHECKS}


def in_import(conn: sa.Connection, kind: str, staged: sa.Table, limit: int = 5) -> list[tuple[Check, int, list]]:
    """The checks of `kind` that find records among an import's rows (its staging table, once they are merged),
    each with how many and the first few."""
    rows, out = _Rows(None, staged), []
    for check in (c for c in CHECKS if c.kind == kind):
        stmt = check.select(rows)
        first = [r.record_id for r in conn.execute(stmt.limit(limit))]
        if len(first) == limit:  # more, perhaps: count them (a clean file costs one query per check)
            n = conn.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
        else:
            n = len(first)
        if n:
            out.append((check, n, first))
    return out


PERSONAL = frozenset({"full_name"})  # never read for a page (SPEC: officers' names are personal data)
RECORD_KINDS = ("regions", "authorities", "grants", "consultations", "trainings")  # kinds with a one-column key


def record(kind: str, record_id: str, engine=None) -> dict | None:
    """One record of a contract kind by its key, as the contract names its columns (money in units), without
    personal data; None when there is none. A consultation also has its period and its country's legal minimum."""
    if kind not in RECORD_KINDS:
        return None
    spec = KINDS[kind]
    table, key = spec.table, spec.column(spec.key[0]).db_name
    columns = [table.c[c.db_name].label(c.name) for c in spec.columns if c.name not in PERSONAL]
    with connect(engine) as conn:
        row = conn.execute(sa.select(*columns).where(table.c[key] == record_id)).mappings().first()
        if row is None:
            return None
        out = dict(row)
        if "amount" in out:
            out["amount"] = out["amount"] / 100
        if kind == "consultations":
            out["period_days"] = (out["comments_deadline"] - out["published_on"]).days
            out["min_comment_days"] = conn.execute(
                sa.select(t.consultation_rules.c.min_comment_days).select_from(
                    t.consultation_rules.join(t.authorities, t.authorities.c.country == t.consultation_rules.c.country))
                .where(t.authorities.c.authority_id == out["authority_id"])).scalar()
    return out
