"""The records behind the figures: the grants, consultations, trainings and liaison officers a view counts, one row
each, as the area queries place them (SPEC, Indicators: a grant by its region and year and its funder's level, a
consultation by its authority's region and level and the year it was published, a training by its region and the
year it was held and its organiser's level, an officer by its authority's region and level). Officers never carry
their names: personal data stays out of every page and export.

Each kind is a registered query (records-grants, …) that gives every matching row, and `page()` gives one page of
the same statement, sorted and narrowed on the server (to one authority, a funder's grants, a recipient's), so that
tens of thousands of rows never travel to a browser.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from . import schema as t
from .db import days_between, year_of
from .filters import Filter, FilterError
from .registry import query
from .scope import Scope, connect, pct, resolve, text_frame

PAGE_ROWS = 50
MAX_PAGE_ROWS = 500


@dataclass(frozen=True)
class Narrowing:
    """What a list of records is narrowed to beyond the filter: one authority's records (as funder, author or
    organiser), one recipient's grants (its registry id, else its name's key)."""
    authority_id: str | None = None
    recipient_key: str | None = None


def _grants(scope: Scope, narrow: Narrowing) -> tuple[sa.Select, dict]:
    g, a = t.grants, t.authorities
    r = t.regions.alias("rr")
    region1 = t.level1_code(r)
    columns = {"grant_id": g.c.grant_id, "year": g.c.year, "awarded_on": sa.type_coerce(g.c.awarded_on, sa.String),
               "funder_authority_id": g.c.funder_authority_id, "funder_name": a.c.name, "level": a.c.level,
               "region_code": g.c.region_code, "region1_code": region1, "recipient_name": g.c.recipient_name,
               "recipient_id": g.c.recipient_id, "amount": g.c.amount_cents / 100.0, "currency": g.c.currency,
               "domain": g.c.domain, "procedure": g.c.procedure}
    where = [scope.where(g, level_col=a.c.level, country_col=r.c.country, region_col=region1, year_col=g.c.year)]
    if narrow.authority_id:
        where.append(g.c.funder_authority_id == narrow.authority_id)
    if narrow.recipient_key:
        where.append(sa.func.coalesce(g.c.recipient_id, sa.func.substr(g.c.recipient_name, 1, t.RECIPIENT_NAME_KEY))
                     == narrow.recipient_key)
    frm = g.join(a, a.c.authority_id == g.c.funder_authority_id).join(r, r.c.code == g.c.region_code)
    return sa.select(*(c.label(n) for n, c in columns.items())).select_from(frm).where(*where), columns


def _consultations(scope: Scope, narrow: Narrowing) -> tuple[sa.Select, dict]:
    c, a, rules = t.consultations, t.authorities, t.consultation_rules
    r = t.regions.alias("rr")
    region1 = t.level1_code(r)
    days = days_between(c.c.published_on, c.c.comments_deadline)
    columns = {"consultation_id": c.c.consultation_id, "published_on": sa.type_coerce(c.c.published_on, sa.String),
               "comments_deadline": sa.type_coerce(c.c.comments_deadline, sa.String),
               "authority_id": c.c.authority_id, "authority_name": a.c.name, "level": a.c.level,
               "region1_code": region1, "title": c.c.title, "period_days": days,
               "min_comment_days": rules.c.min_comment_days, "comments_received": c.c.comments_received,
               "comments_accepted": c.c.comments_accepted, "participants": c.c.participants,
               "public_debate_held": c.c.public_debate_held}
    where = [scope.where(c, level_col=a.c.level, country_col=a.c.country, region_col=region1,
                         year_col=year_of(c.c.published_on))]
    if narrow.authority_id:
        where.append(c.c.authority_id == narrow.authority_id)
    frm = (c.join(a, a.c.authority_id == c.c.authority_id).outerjoin(r, r.c.code == a.c.region_code)
           .outerjoin(rules, rules.c.country == a.c.country))
    return sa.select(*(col.label(n) for n, col in columns.items())).select_from(frm).where(*where), columns


def _trainings(scope: Scope, narrow: Narrowing) -> tuple[sa.Select, dict]:
    tr, a = t.trainings, t.authorities
    r = t.regions.alias("rr")
    region1 = t.level1_code(r)
    columns = {"training_id": tr.c.training_id, "held_on": sa.type_coerce(tr.c.held_on, sa.String),
               "title": tr.c.title, "topic": tr.c.topic, "region_code": tr.c.region_code, "region1_code": region1,
               "organiser_authority_id": tr.c.organiser_authority_id, "organiser_name": a.c.name,
               "participants_total": tr.c.participants_total, "participants_public": tr.c.participants_public,
               "participants_cso": tr.c.participants_cso, "participants_other": tr.c.participants_other}
    where = [scope.where(tr, level_col=a.c.level, country_col=r.c.country, region_col=region1,
                         year_col=year_of(tr.c.held_on))]
    if narrow.authority_id:
        where.append(tr.c.organiser_authority_id == narrow.authority_id)
    frm = tr.join(r, r.c.code == tr.c.region_code).outerjoin(a, a.c.authority_id == tr.c.organiser_authority_id)
    return sa.select(*(col.label(n) for n, col in columns.items())).select_from(frm).where(*where), columns


def _officers(scope: Scope, narrow: Narrowing) -> tuple[sa.Select, dict]:
    o, a = t.liaison_officers, t.authorities
    r = t.regions.alias("rr")
    region1 = t.level1_code(r)
    # never full_name: personal data
    columns = {"authority_id": o.c.authority_id, "authority_name": a.c.name, "level": a.c.level,
               "region1_code": region1, "position": o.c.position, "position_rank": o.c.position_rank,
               "appointed_on": sa.type_coerce(o.c.appointed_on, sa.String),
               "ended_on": sa.type_coerce(o.c.ended_on, sa.String)}
    where = [scope.where(a, level_col=a.c.level, region_col=region1, year_col=None)]
    if narrow.authority_id:
        where.append(o.c.authority_id == narrow.authority_id)
    frm = o.join(a, a.c.authority_id == o.c.authority_id).outerjoin(r, r.c.code == a.c.region_code)
    return sa.select(*(col.label(n) for n, col in columns.items())).select_from(frm).where(*where), columns


def _summed(table: sa.Table, count: str, level: str):
    """How many records of a kind the filter selects, from its summary table (a count over a million grants took
    half a second): the same placing rules, summed."""
    def count_of(conn, scope: Scope) -> int:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(table.c[count]), 0))
                                .where(scope.where(table, level_col=table.c[level]))).scalar())
    return count_of


@dataclass(frozen=True)
class Kind:
    build: object           # (scope, narrowing) -> (statement, {column: expression})
    newest: tuple[str, ...]  # the default order: newest first, then by id
    key: str
    counted: object = None  # (conn, scope) -> the count without a narrowing, from a summary table


KINDS = {
    "grants": Kind(_grants, ("year", "grant_id"), "grant_id", _summed(t.s_grants, "grants", "funder_level")),
    "consultations": Kind(_consultations, ("published_on", "consultation_id"), "consultation_id",
                          _summed(t.s_consultation_totals, "consultations", "level")),
    "trainings": Kind(_trainings, ("held_on", "training_id"), "training_id",
                      _summed(t.s_training_totals, "trainings", "organiser_level")),
    "officers": Kind(_officers, ("appointed_on", "authority_id"), "authority_id"),
}
COLUMNS = {"grants": ("grant_id", "year", "awarded_on", "funder_authority_id", "funder_name", "level", "region_code",
                      "region1_code", "recipient_name", "recipient_id", "amount", "currency", "domain", "procedure"),
           "consultations": ("consultation_id", "published_on", "comments_deadline", "authority_id",
                             "authority_name", "level", "region1_code", "title", "period_days", "min_comment_days",
                             "comments_received", "comments_accepted", "participants", "public_debate_held"),
           "trainings": ("training_id", "held_on", "title", "topic", "region_code", "region1_code",
                         "organiser_authority_id", "organiser_name", "participants_total", "participants_public",
                         "participants_cso", "participants_other"),
           "officers": ("authority_id", "authority_name", "level", "region1_code", "position", "position_rank",
                        "appointed_on", "ended_on")}


def page(kind: str, f: Filter, narrow: Narrowing = Narrowing(), *, sort: str | None = None, descending: bool = True,
         start: int = 0, rows: int | None = PAGE_ROWS, engine=None) -> tuple[pd.DataFrame, int]:
    """(one page of a kind's records for the filter, sorted on the server, and how many there are in all). rows None:
    every row. FilterError for an unknown kind or column."""
    if kind not in KINDS:
        raise FilterError("kind must be one of {kinds}, not {value}", kinds=", ".join(KINDS), value=repr(kind))
    spec = KINDS[kind]
    if sort is not None and sort not in COLUMNS[kind]:
        raise FilterError("sort must be one of {columns}, not {value}", columns=", ".join(COLUMNS[kind]),
                          value=repr(sort))
    with connect(engine) as conn:
        scope = resolve(conn, f)
        stmt, columns = spec.build(scope, narrow)
        total = spec.counted(conn, scope) if spec.counted and not (narrow.authority_id or narrow.recipient_key) \
            else conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar()
        keys = [sort] if sort else list(spec.newest[:1])
        order = [(columns[k].desc() if descending else columns[k].asc()).nulls_last() for k in keys]
        order.append(columns[spec.key].asc())
        stmt = stmt.order_by(*order).offset(max(start, 0))
        if rows is not None:
            stmt = stmt.limit(min(max(rows, 0), MAX_PAGE_ROWS))
        found = conn.execute(stmt).all()
    df = text_frame(found, COLUMNS[kind])
    return df.astype(object).where(df.notna(), None), int(total)  # empty stays None (JSON null, CSV empty)


def _register(kind: str, title: str, definition: str) -> None:
    @query(f"records-{kind}", title=title, definition=definition, area="authorities", columns=COLUMNS[kind])
    def records(f: Filter, engine=None) -> pd.DataFrame:
        return page(kind, f, rows=None, engine=engine)[0]


_register("grants", "Grant records", "Every grant in the filter, newest first: its funder, region, recipient, amount "
          "in its currency, domain and procedure.")
_register("consultations", "Consultation records", "Every consultation in the filter, newest first: its authority, "
          "title, the days given for comments against the legal minimum, the comments, participants and debate "
          "where reported.")
_register("trainings", "Training records", "Every training in the filter, newest first: where it was held, its "
          "organiser, topic and participants by sector where reported.")
_register("officers", "Liaison officer records", "Every liaison officer appointment of the authorities in the "
          "filter, newest first: position, rank, dates. Officers' names are personal data and never shown.")


RECIPIENT_COLUMNS = ("funder_authority_id", "funder_name", "country", "grants", "amount", "currency",
                     "funder_grants", "funder_amount", "share_pct")


def recipient_key(recipient_id, name) -> str:
    """A recipient's key, as the summaries and Narrowing know it: its registry id, else its name's first
    RECIPIENT_NAME_KEY characters."""
    if isinstance(recipient_id, str) and recipient_id:
        return recipient_id
    return str(name or "")[:t.RECIPIENT_NAME_KEY]


def recipient(key: str, f: Filter, engine=None) -> tuple[dict | None, pd.DataFrame]:
    """A recipient (its registry id, else its name's key): its name and id as its grants give them (None when it has
    none in the filter), and per funder and currency its grants and amount beside all that funder's grants in the
    filter, with its share of the funder's amount."""
    g, a = t.grants, t.authorities
    key_col = sa.func.coalesce(g.c.recipient_id, sa.func.substr(g.c.recipient_name, 1, t.RECIPIENT_NAME_KEY))
    with connect(engine) as conn:
        scope = resolve(conn, f)
        r = t.regions.alias("rr")
        region1 = t.level1_code(r)
        frm = g.join(a, a.c.authority_id == g.c.funder_authority_id).join(r, r.c.code == g.c.region_code)
        where = scope.where(g, level_col=a.c.level, country_col=a.c.country, region_col=region1, year_col=g.c.year)
        mine = conn.execute(sa.select(g.c.funder_authority_id, a.c.name, a.c.country, g.c.currency,
                                      sa.func.count(), sa.func.sum(g.c.amount_cents),
                                      sa.func.max(g.c.recipient_name), sa.func.max(g.c.recipient_id))
                            .select_from(frm).where(where, key_col == key)
                            .group_by(g.c.funder_authority_id, a.c.name, a.c.country, g.c.currency)).all()
        funders = [row[0] for row in mine]
        totals = {(row[0], row[1]): (int(row[2]), int(row[3] or 0)) for row in conn.execute(
            sa.select(g.c.funder_authority_id, g.c.currency, sa.func.count(), sa.func.sum(g.c.amount_cents))
            .select_from(frm).where(where, g.c.funder_authority_id.in_(funders))
            .group_by(g.c.funder_authority_id, g.c.currency))} if funders else {}
    if not mine:
        return None, pd.DataFrame(columns=list(RECIPIENT_COLUMNS))
    rows = []
    for funder, name, country, currency, n, cents, _name, _id in mine:
        all_n, all_cents = totals[(funder, currency)]
        rows.append({"funder_authority_id": funder, "funder_name": name, "country": country, "grants": int(n),
                     "amount": int(cents) / 100, "currency": currency, "funder_grants": all_n,
                     "funder_amount": all_cents / 100,
                     "share_pct": pct(int(cents), all_cents)})
    df = pd.DataFrame(rows, columns=list(RECIPIENT_COLUMNS)).sort_values(["amount", "funder_authority_id"],
                                                                        ascending=[False, True])
    info = {"key": key, "name": max(row[6] for row in mine), "recipient_id": next((row[7] for row in mine if row[7]),
                                                                                  None)}
    return info, df.reset_index(drop=True)


def funder_breakdown(authority_id: str, f: Filter, top: int = 5, engine=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An authority's grants in the filter's years (all it awarded, wherever their recipients are), by domain and
    its largest recipients, each per currency: (domain, currency, grants, amount), (recipient_key, recipient_name,
    currency, grants, amount, share_pct of its grants in that currency)."""
    g = t.grants
    key = sa.func.coalesce(g.c.recipient_id, sa.func.substr(g.c.recipient_name, 1, t.RECIPIENT_NAME_KEY))
    where = [g.c.funder_authority_id == authority_id]
    where += [g.c.year >= f.year_from] if f.year_from is not None else []
    where += [g.c.year <= f.year_to] if f.year_to is not None else []
    with connect(engine) as conn:
        domains = conn.execute(sa.select(g.c.domain, g.c.currency, sa.func.count(), sa.func.sum(g.c.amount_cents))
                               .where(*where).group_by(g.c.domain, g.c.currency)
                               .order_by(sa.func.sum(g.c.amount_cents).desc(), g.c.domain)).all()
        recipients = conn.execute(sa.select(key.label("k"), sa.func.max(g.c.recipient_name), g.c.currency,
                                            sa.func.count(), sa.func.sum(g.c.amount_cents).label("cents"))
                                  .where(*where).group_by(key, g.c.currency)
                                  .order_by(sa.func.sum(g.c.amount_cents).desc(), key).limit(top)).all()
    totals: dict = {}
    for _d, currency, _n, cents in domains:
        totals[currency] = totals.get(currency, 0) + int(cents)
    by_domain = pd.DataFrame([{"domain": d, "currency": c, "grants": int(n), "amount": int(x) / 100}
                              for d, c, n, x in domains], columns=["domain", "currency", "grants", "amount"])
    largest = pd.DataFrame([{"recipient_key": k, "recipient_name": name, "currency": c, "grants": int(n),
                             "amount": int(x) / 100, "share_pct": pct(int(x), totals.get(c))}
                            for k, name, c, n, x in recipients],
                           columns=["recipient_key", "recipient_name", "currency", "grants", "amount", "share_pct"])
    return by_domain, largest
