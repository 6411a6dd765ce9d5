"""Authorities one by one: the follow-up work of the offices (which council has no liaison officer, whose officer is
below the required rank, which ministry gives less than the legal minimum for comments, who grants only by direct
award).

`authorities` is one row per authority in the filter with its figures in the four areas and a flag for each
requirement it fails; `authority_table` pages, sorts and searches it (diacritics-insensitive) for the authorities
page and the API; `profile` is one authority's figures beside its peers' (same country and level): their median
and its rank among them.

The filter places an authority by its own region and level; its figures are over the filter's years (officers on
the reference date, as on the liaison page): the consultations it published, the grants it awarded wherever their
recipients are, the trainings it organised. Each sum is the one the area's own queries make (the same summary
tables), so an authority's figures add up to the area pages' figures.
"""
from __future__ import annotations

import unicodedata

import pandas as pd
import sqlalchemy as sa

from . import liaison, money as m
from . import schema as t
from .db import year_of
from .filters import Filter, FilterError
from .registry import query
from .scope import Scope, connect, pct, ratio, resolve

FOLLOW_UP = ("no_officer", "officer_rank", "late_consultations", "direct_awards_only")
# what each flag means, in the words the pages and the API's documentation use
FOLLOW_UP_TEXT = {
    "no_officer": "no active liaison officer",
    "officer_rank": "liaison officer below the required rank",
    "late_consultations": "consultations under the legal minimum period",
    "direct_awards_only": "grants only by direct award",
}
AUTHORITY_COLUMNS = (
    "authority_id", "name", "country", "level", "region_code", "region_name", "parent_id",
    "officer", "officer_rank", "required_rank", "rank_ok",
    "consultations", "with_rule", "on_time", "late", "on_time_pct",
    "grants", "amount", "currency", "competitive_share_pct",
    "trainings", "participants",
    "follow_up", "follow_up_reasons",
)
SORTABLE = tuple(c for c in AUTHORITY_COLUMNS if c not in ("follow_up_reasons", "parent_id"))
PAGE_ROWS = 50


def _officers(conn, scope: Scope) -> list:
    """Authorities in scope with their region and the most senior active officer's rank on the reference date."""
    a, rr = t.authorities, t.rank_requirements
    on = liaison.reference_date(conn, scope)
    frm, region1, _cov, _comp, where, active = liaison._authorities_in_scope(scope, on)
    r1 = t.regions.alias("r1")
    stmt = (sa.select(a.c.authority_id, a.c.name, a.c.country, a.c.level, region1.label("region_code"),
                      r1.c.name.label("region_name"), a.c.parent_id, active.c.best_rank, rr.c.max_position_rank)
            .select_from(frm.outerjoin(r1, r1.c.code == region1)).where(where))
    return conn.execute(stmt).all()


def _consultations(conn, scope: Scope) -> pd.DataFrame:
    s = t.s_consultation_authorities
    stmt = (sa.select(s.c.authority_id, sa.func.sum(s.c.consultations), sa.func.sum(s.c.with_rule),
                      sa.func.sum(s.c.on_time))
            .where(scope.where(s, level_col=s.c.level)).group_by(s.c.authority_id))
    return _frame(conn.execute(stmt), ["authority_id", "consultations", "with_rule", "on_time"])


def _frame(result, columns: list[str]) -> pd.DataFrame:
    """A statement's rows as a frame, column by column (pandas builds one from Row objects ten times slower)."""
    values = list(zip(*result)) or [()] * len(columns)
    return pd.DataFrame({c: list(v) for c, v in zip(columns, values)}, columns=columns)


def _years(column, f: Filter) -> list:
    return ([column >= f.year_from] if f.year_from is not None else []) + \
        ([column <= f.year_to] if f.year_to is not None else [])


def _grants(conn, f: Filter) -> pd.DataFrame:
    """Per funder, currency and year over the filter's years: grants, amount and the amount awarded competitively,
    from the funders' summary (a pass over a million grants took a second). The grants of an authority are all it
    awarded, wherever their recipients are (the filter placed the authority)."""
    s = t.s_grant_funders
    # the filter's countries narrow the funders' rows through the summary's index (a grant counts in its region's
    # country, as the funding pages count it)
    countries = [s.c.country.in_(f.named_countries)] if f.named_countries else []
    stmt = (sa.select(s.c.funder_authority_id, s.c.currency, s.c.year, sa.func.sum(s.c.grants),
                      sa.func.sum(s.c.amount_cents), sa.func.sum(s.c.competitive_cents))
            .where(*countries, *_years(s.c.year, f)).group_by(s.c.funder_authority_id, s.c.currency, s.c.year))
    return _frame(conn.execute(stmt), ["authority_id", "currency", "year", "grants", "cents", "comp"])


def _trainings(conn, f: Filter) -> pd.DataFrame:
    tr = t.trainings
    participants = sa.func.coalesce(tr.c.participants_total, sa.func.coalesce(tr.c.participants_public, 0)
                                    + sa.func.coalesce(tr.c.participants_cso, 0)
                                    + sa.func.coalesce(tr.c.participants_other, 0))
    stmt = (sa.select(tr.c.organiser_authority_id, sa.func.count(), sa.func.sum(participants))
            .where(tr.c.organiser_authority_id.is_not(None), *_years(year_of(tr.c.held_on), f))
            .group_by(tr.c.organiser_authority_id))
    return _frame(conn.execute(stmt), ["authority_id", "trainings", "participants"])


def _money(grants: pd.DataFrame, countries: dict, currencies, rates) -> pd.DataFrame:
    """Per funder: grants, amount, currency and competitive share, in the grants' currency or, for a funder that
    used two (Bulgaria from 2026), in its country's latest at each year's rate (as funding-by-county does)."""
    grants = grants.assign(cents=grants["cents"].astype("int64"), comp=grants["comp"].astype("int64"))
    several = grants.groupby("authority_id")["currency"].transform("nunique") > 1
    one = (grants[~several].groupby(["authority_id", "currency"], as_index=False)
           .agg(grants=("grants", "sum"), cents=("cents", "sum"), comp=("comp", "sum")))
    out = pd.DataFrame({"authority_id": one["authority_id"], "grants": one["grants"].astype("int64"),
                        "amount": one["cents"] / 100, "currency": one["currency"], "comp": one["comp"] / 100})
    rows = []
    for funder, parts in grants[several].groupby("authority_id"):
        currency = currencies.latest(countries.get(funder))
        amount = m.in_currency([(c, y, x / 100) for c, y, x in zip(parts["currency"], parts["year"], parts["cents"])],
                               currency, rates)
        comp = m.in_currency([(c, y, x / 100) for c, y, x in zip(parts["currency"], parts["year"], parts["comp"])],
                             currency, rates)
        rows.append({"authority_id": funder, "grants": int(parts["grants"].sum()), "amount": amount,
                     "currency": currency, "comp": comp})
    out = pd.concat([out, pd.DataFrame(rows, columns=out.columns)]) if rows else out
    out["competitive_share_pct"] = pd.Series([pct(c, a) for c, a in zip(out["comp"], out["amount"])],
                                             index=out.index, dtype=object)
    out["amount"] = pd.Series([None if a is None else round(a, 2) for a in out["amount"]], index=out.index,
                              dtype=object)
    return out.drop(columns=["comp"])


def follow_up(df: pd.DataFrame) -> pd.Series:
    """The requirements each authority fails, as comma-separated FOLLOW_UP codes."""
    flags = {
        "no_officer": (~df["officer"]).to_numpy(bool),
        "officer_rank": df["rank_ok"].eq(False).to_numpy(bool),
        "late_consultations": (df["late"] > 0).to_numpy(bool),
        "direct_awards_only": ((df["grants"] > 0) & df["competitive_share_pct"].eq(0.0)).to_numpy(bool),
    }
    joined = pd.Series([""] * len(df), index=df.index, dtype=object)
    for code in FOLLOW_UP:  # "a,b" in FOLLOW_UP's order
        joined = joined.where(~flags[code], joined.where(joined == "", joined + ",") + code)
    return joined


@query("authorities", title="Authorities and what needs follow-up",
       definition="Every authority in the filter, with its liaison officer on the reference date (the most senior "
                  "active one's rank against the rank required), the consultations it published (and those under "
                  "the legal minimum period), the grants it awarded and the share awarded competitively, the "
                  "trainings it organised, and each requirement it fails.",
       area="authorities", columns=AUTHORITY_COLUMNS,
       parameters=("country", "region", "year_from", "year_to", "level", "as_of"),
       column_help={"follow_up_reasons": "; ".join(f"{k}: {v}" for k, v in FOLLOW_UP_TEXT.items())})
def authorities(f: Filter, engine=None) -> pd.DataFrame:
    with connect(engine) as conn:
        scope = resolve(conn, f)
        officers = _frame(_officers(conn, scope), [
            "authority_id", "name", "country", "level", "region_code", "region_name", "parent_id", "officer_rank",
            "required_rank"])
        consulted, granted, trained = _consultations(conn, scope), _grants(conn, f), _trainings(conn, f)
        rates, currencies = m.rates(conn), m.currencies(conn)
    countries = dict(zip(officers["authority_id"], officers["country"]))
    money = _money(granted[granted["authority_id"].isin(countries)], countries, currencies, rates)
    df = (officers.merge(consulted, on="authority_id", how="left").merge(money, on="authority_id", how="left")
          .merge(trained, on="authority_id", how="left"))
    for col in ("consultations", "with_rule", "on_time", "grants", "trainings", "participants"):
        df[col] = df[col].fillna(0).astype("int64")
    df["officer"] = df["officer_rank"].notna()
    def values(items) -> pd.Series:  # Python values, None where empty (a list of ints and None would become floats)
        return pd.Series(list(items), index=df.index, dtype=object)
    df["rank_ok"] = values(None if pd.isna(r) or pd.isna(q) else bool(r <= q)
                           for r, q in zip(df["officer_rank"], df["required_rank"]))
    df["late"] = df["with_rule"] - df["on_time"]
    df["on_time_pct"] = values(pct(o, w) for o, w in zip(df["on_time"], df["with_rule"]))
    df["follow_up_reasons"] = follow_up(df)
    df["follow_up"] = df["follow_up_reasons"] != ""
    for col in ("officer_rank", "required_rank"):  # whole ranks, empty where none
        df[col] = values(None if pd.isna(v) else int(v) for v in df[col])
    for col in ("parent_id", "currency", "amount", "competitive_share_pct", "region_code", "region_name"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df[list(AUTHORITY_COLUMNS)].sort_values(["country", "name", "authority_id"], kind="stable") \
        .reset_index(drop=True)


# --- the table: search, sort, pages -----------------------------------------------------------------------------

def folded(text: str) -> str:
    """A text without diacritics and case, for a search that finds "Județean" by "judetean" (and ş by s, ţ by t:
    the cedilla forms Romanian texts still carry)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def authority_table(df: pd.DataFrame, *, q: str = "", follow_up_only: bool = False, sort: str = "name",
                    descending: bool = False, start: int = 0, rows: int = PAGE_ROWS) -> tuple[pd.DataFrame, int]:
    """(the rows start…start+rows of the table searched by name or id, only those to follow up when asked, sorted by
    a column (empty values last, then by name), and how many rows match in all). FilterError for a column that
    cannot be sorted on."""
    if sort not in SORTABLE:
        raise FilterError("sort must be one of {columns}, not {value}", columns=", ".join(SORTABLE), value=repr(sort))
    chosen = df
    if follow_up_only:
        chosen = chosen[chosen["follow_up"]]
    words = folded(q).split()
    if words:
        haystack = (chosen["name"].map(folded) + " " + chosen["authority_id"].str.casefold())
        mask = pd.Series(True, index=chosen.index)
        for word in words:
            mask &= haystack.str.contains(word, regex=False)
        chosen = chosen[mask]
    key = chosen[sort]
    if sort == "name":
        key = chosen["name"].map(folded)
    ordered = chosen.assign(_key=key, _empty=key.isna(), _name=chosen["name"].map(folded)).sort_values(
        ["_empty", "_key", "_name", "authority_id"], ascending=[True, not descending, True, True], kind="stable")
    page = ordered.iloc[max(start, 0): max(start, 0) + max(rows, 0)]
    return page.drop(columns=["_key", "_empty", "_name"]), len(chosen)


# --- one authority beside its peers ---------------------------------------------------------------------------

PEER_FIGURES = ("consultations", "on_time_pct", "grants", "amount", "competitive_share_pct", "trainings",
                "participants")


def peers_filter(f: Filter, country: str, level: str) -> Filter:
    """An authority's peers: the authorities of its country and level, over the filter's years."""
    return Filter(countries=(country,), year_from=f.year_from, year_to=f.year_to, levels=(level,), as_of=f.as_of)


def standing(peers: pd.DataFrame, authority_id: str) -> dict[str, dict]:
    """For each figure: the authority's value, its peers' median (over those with a value) and its rank among them
    (1 = highest; for on_time_pct and competitive_share_pct too), and how many peers are ranked."""
    out = {}
    mine = peers[peers["authority_id"] == authority_id]
    if mine.empty:
        return out
    for figure in PEER_FIGURES:
        values = pd.to_numeric(peers[figure], errors="coerce")
        value = values[mine.index[0]]
        known = values.dropna()
        rank = None if pd.isna(value) else int((known > value).sum()) + 1
        out[figure] = {"value": None if pd.isna(value) else float(value),
                       "median": None if known.empty else ratio(float(known.median()), 1, 2),
                       "rank": rank, "ranked": int(len(known))}
    return out


def lookup(authority_id: str, engine=None):
    """The authority's row (authority_id, name, country, level, region_code, parent_id), or None."""
    a = t.authorities
    with connect(engine) as conn:
        return conn.execute(sa.select(a.c.authority_id, a.c.name, a.c.country, a.c.level, a.c.region_code,
                                      a.c.parent_id).where(a.c.authority_id == authority_id)).one_or_none()


def in_filter(authority_id: str, f: Filter, engine=None) -> bool:
    """Whether the filter places the authority (its country, its region, its level), as the table does."""
    with connect(engine) as conn:
        base, _region1, where = liaison._authority_scope(resolve(conn, f))
        return conn.execute(sa.select(sa.literal(1)).select_from(base)
                            .where(where, t.authorities.c.authority_id == authority_id)).first() is not None
