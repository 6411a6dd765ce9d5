"""The headline figures on top of the pages: the rows of each area's headline query (queries/headlines.py), formatted
and translated. Nothing is computed here: a card shows the figure the query gives, rounded as the query rounds."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from queries import FilterError, meta, registry, scope
from queries.money import left_out
from queries.vocabulary import LOWER_IS_BETTER

from . import cache, components as c, i18n, state as st
from .i18n import _
from .state import State


@dataclass(frozen=True)
class Card:
    area: str          # whose headline query holds the figure
    figure: str
    period: str        # range, last_year or as_of (queries.headlines)
    label: str         # English msgid; {year} is the period's last year
    id: str


CARDS: dict[str, tuple[Card, ...]] = {
    "overview": (Card("liaison", "coverage_pct", "as_of", _("Authorities with a liaison officer"), "kpi-coverage"),
                 Card("funding", "amount", "last_year", _("Granted to NGOs in {year}"), "kpi-amount"),
                 Card("consultations", "on_time_pct", "last_year", _("Consultations on time in {year}"),
                      "kpi-on-time"),
                 Card("training", "participants", "last_year", _("Training participants in {year}"),
                      "kpi-participants")),
    "liaison": (Card("liaison", "authorities", "as_of", _("Authorities"), "kpi-authorities"),
                Card("liaison", "coverage_pct", "as_of", _("With a liaison officer"), "kpi-coverage"),
                Card("liaison", "compliance_pct", "as_of", _("Officer of sufficient rank"), "kpi-compliance"),
                Card("liaison", "without_officer", "as_of", _("Without an officer"), "kpi-without")),
    "funding": (Card("funding", "amount", "range", _("Granted to NGOs"), "kpi-amount"),
                Card("funding", "grants", "range", _("Grants"), "kpi-grants"),
                Card("funding", "amount", "last_year", _("Last year"), "kpi-last-year"),
                Card("funding", "competitive_share_pct", "range", _("Through competitive calls"), "kpi-competitive")),
    "consultations": (Card("consultations", "consultations", "range", _("Consultations"), "kpi-consultations"),
                      Card("consultations", "comments_per_consultation", "range", _("Comments per consultation"),
                           "kpi-comments"),
                      Card("consultations", "acceptance_pct", "range", _("Comments accepted"), "kpi-accepted"),
                      Card("consultations", "on_time_pct", "range", _("Legal minimum period respected"),
                           "kpi-on-time")),
    "training": (Card("training", "trainings", "range", _("Trainings"), "kpi-trainings"),
                 Card("training", "participants", "range", _("Participants"), "kpi-participants"),
                 Card("training", "cso_share_pct", "range", _("From CSOs"), "kpi-cso"),
                 Card("training", "reach_pct", "last_year", _("Municipalities reached in {year}"), "kpi-reach")),
}
AREAS = tuple(CARDS)


def headline(area: str, state: State):
    """The area's headline rows for the view, through the cache (keyed by the data version)."""
    return cache.query(f"{area}-headline", state.filter)


def _years(row: dict) -> str:
    first, last = row["year_from"], row["year_to"]
    return "" if first is None else str(first) if first == last else f"{first}–{last}"


def value_text(row: dict | None, lang: str, compact: bool = False) -> str:
    """A figure as the language writes it: a count whole, an amount in whole units of its currency (`compact`: from
    a million up in the language's short form, "234,8 mil. RON"), a share with one decimal and its per cent sign, a
    ratio with one decimal; a dash when there is none."""
    if row is None or row["value"] is None:
        return "–"
    unit, value = row["unit"], row["value"]
    if unit == "money":
        return (i18n.compact_money if compact else i18n.money)(value, row["currency"], lang)
    if unit == "pct":
        return i18n.percent(value, lang)
    return i18n.number(value, lang, 1 if unit == "number" else 0)


def _previous(row: dict) -> str:
    """What the change is against: the period before, or the date a year earlier."""
    if row["period"] == "as_of":
        return str(int(row["as_of"][:4]) - 1)
    first, last = row["year_from"], row["year_to"]
    length = last - first + 1
    return _years({"year_from": first - length, "year_to": first - 1})


def change_text(row: dict | None, lang: str) -> str | None:
    """'+12.3 % vs 2021' or '−2.0 points vs 2019–2021': the change from the period before, in its unit."""
    if row is None or row["change"] is None:
        return None
    tr, amount = i18n.translator(lang), row["change"]
    sign = "+" if amount >= 0 else "−"
    if row["unit"] in ("pct", "number"):
        text = tr("{change} points vs {year}") if row["unit"] == "pct" else tr("{change} vs {year}")
        return text.format(change=sign + i18n.number(abs(amount), lang, 1), year=_previous(row))
    return tr("{change} vs {year}").format(change=sign + i18n.percent(abs(amount), lang), year=_previous(row))


def period_text(row: dict | None, lang: str) -> str | None:
    if row is None:
        return None
    if row["period"] == "as_of":
        return i18n.translator(lang)(_("on {date}")).format(date=i18n.date(dt.date.fromisoformat(row["as_of"]), lang))
    return _years(row)


def _without(df, lang: str) -> str | None:
    """'without Kazakhstan, Serbia': the countries a sum in euro leaves out (queries.money)."""
    names = list(dict.fromkeys(i18n.country_name(g.country, lang) for g in left_out(df)))
    return i18n.translator(lang)(_("without {countries}")).format(countries=", ".join(names)) if names else None


def _no_minimum(state: State) -> str | None:
    """'No legal minimum recorded: Kazakhstan, Serbia': the countries in view whose consultations have no legal
    minimum period to respect, so none of them counts as on time (SPEC), which a bare 0.0 % would not say."""
    tr = i18n.translator(state.lang)
    f, info = state.filter, meta.dataset_info()  # kept per data version: no query on the headline figures' path
    countries = f.named_countries or info.countries
    names = [i18n.country_name(c, state.lang) for c in countries if c not in info.ruled_countries]
    return tr("No legal minimum recorded: {countries}").format(countries=", ".join(names)) if names else None


def coverage_text(row: dict | None, lang: str) -> str | None:
    """'reported for 120 of 2,797': a figure taken over the records that report what it needs, when some do not
    (the share on time: those under a legal minimum)."""
    if row is None or row["reported"] is None or not row["records"] or row["reported"] >= row["records"]:
        return None
    if row["figure"] == "on_time_pct" and not row["reported"]:
        return None  # the value says "no legal minimum" and _no_minimum names the countries
    tr = i18n.translator(lang)
    text = tr("under a legal minimum: {n} of {m}") if row["figure"] == "on_time_pct" else tr("reported for {n} of {m}")
    return text.format(n=i18n.number(row["reported"], lang), m=i18n.number(row["records"], lang))


def _value(row: dict | None, lang: str) -> str:
    """The figure as a card shows it (an amount short); for a share on time where no consultation is under a legal
    minimum, the words that say so."""
    if row is not None and row["value"] is None and row["figure"] == "on_time_pct" and row["records"] \
            and not row["reported"]:
        return i18n.translator(lang)(_("no legal minimum"))
    return value_text(row, lang, compact=True)


def _amount(row: dict, amount, lang: str) -> str:
    """An amount in the row's unit: '31.2 points' for a share, else as the figure itself is written."""
    if row["unit"] == "pct":
        return i18n.translator(lang)(_("{n} points")).format(n=i18n.number(amount, lang, 1))
    return value_text({**row, "value": amount}, lang)


def target_text(row: dict | None, lang: str) -> tuple[str, bool, str] | None:
    """How the figure stands against its target (queries.headlines), in words beside an arrow: '▼ 56.9 points below
    the target of 100.0 %'; a figure where less is better has a ceiling ('▲ 12 over the ceiling of 0'). None
    without a target or a figure."""
    if row is None or row["target"] is None or row["value"] is None:
        return None
    tr, met = i18n.translator(lang), bool(row["target_met"])
    target = value_text({**row, "value": row["target"]}, lang)
    gap = _amount(row, abs(row["value"] - row["target"]), lang)
    if row["figure"] in LOWER_IS_BETTER:
        words = (tr("▼ target met: at most {target}") if met else
                 tr("▲ {gap} over the ceiling of {target}")).format(target=target, gap=gap)
    else:
        words = (tr("▲ target met: at least {target}") if met else
                 tr("▼ {gap} below the target of {target}")).format(target=target, gap=gap)
    return words, met, tr("Target: {source}").format(source=row["target_source"])


def _notes(*notes) -> str | None:
    return " · ".join(n for n in notes if n) or None


def _around(state: State) -> tuple[State, str] | None:
    """For a view of some regions: the view of their whole countries and its name ("Romania"), whose figure each
    card shows beside the regions' own; None for a view without a region filter."""
    whole = state.around()
    if whole is None:
        return None
    return whole, ", ".join(i18n.country_name(code, state.lang) for code in whole.filter.countries)


def reference_text(row: dict | None, lang: str, where: str) -> str | None:
    """'Romania: 43.1 %': the same figure for the whole country, beside a region's."""
    if row is None or row["value"] is None:
        return None
    return i18n.translator(lang)(_("{where}: {value}")).format(where=where, value=value_text(row, lang, compact=True))


def cards(area: str, state: State, side: str = "") -> dbc.Row:
    """The area's row of cards: each figure, its period and its change, its definition on hover. `side`: which side
    of a comparison they are on (their ids carry it)."""
    tr = i18n.translator(state.lang)
    rows = {}
    for card in CARDS[area]:
        if card.area not in rows:
            df = headline(card.area, state)
            rows[card.area] = (df, {(r["figure"], r["period"]): r for r in df.to_dict("records")})
    around, out = _around(state), []
    for card in CARDS[area]:
        df, found = rows[card.area]
        row = found.get((card.figure, card.period))
        reference = None
        if around is not None and row is not None:
            # the country over the same years as the region's figure (the region's may have fewer years with data)
            same = around[0] if row["year_from"] is None else around[0].with_filter(year_from=row["year_from"],
                                                                                   year_to=row["year_to"])
            whole = {(r["figure"], r["period"]): r for r in headline(card.area, same).to_dict("records")}
            match = whole.get((card.figure, card.period))
            if match is not None and (match["year_from"], match["year_to"], match["as_of"]) == (
                    row["year_from"], row["year_to"], row["as_of"]):
                reference = reference_text(match, state.lang, around[1])
        definition = tr(registry.get(f"{card.area}-headline").definition)
        note = _notes(period_text(row, state.lang), change_text(row, state.lang), coverage_text(row, state.lang),
                      _without(df, state.lang) if card.area == "funding" else None,
                      _no_minimum(state) if card.figure == "on_time_pct" else None, reference)
        label = tr(card.label).format(year=row["year_to"] if row and row["year_to"] else "")
        shown, exact = _value(row, state.lang), value_text(row, state.lang)
        out.append(c.kpi(label, shown, definition, f"{card.id}-{side}" if side else card.id, note,
                         target_text(row, state.lang), exact=exact if exact != shown else None))
    return dbc.Row(out)


PLACEHOLDERS = 4  # cards in every area's row


def slot(area: str, state: State, side: str = "") -> html.Div:
    """A page's headline figures: with the page when the cache holds them for its address, else drawn by their own
    callback (callbacks.draw_kpis) like a chart's figure (components.chart_view): the page answers without waiting
    for their queries, which run beside the charts' on another worker, and empty cards of the same size hold their
    place. An address naming an unknown region raises FilterError here, so the page explains it at once."""
    scope.check(state.filter)
    row_id = c.pattern(c.KPI_ROW, c.keyed(area, side))
    drawn = cache.peek("kpis", (area, state.search, side))
    if drawn is not None:
        return html.Div(html.Div(drawn, id=row_id))
    cache.mark_incomplete()
    placeholder = dbc.Row([dbc.Col(html.Div([html.Div("\u00a0", className="kpi-label"),
                                             html.Div("…", className="kpi-value"),
                                             html.Div("", className="kpi-note")], className="kpi kpi-loading"),
                                   xs=6, md=3, className="mb-3") for _ in range(PLACEHOLDERS)])
    return html.Div([dcc.Store(id=c.pattern(c.KPI_STATE, c.keyed(area, side)), data=state.search),
                     html.Div(html.Div(placeholder, **{"aria-busy": "true"}), id=row_id)])


def row(area: str, search: str, key: str | None = None):
    """The area's headline figures for an address, through the cache; a sentence when the filter cannot be used.
    `key`: their key on the page (components.keyed), which says the side of a comparison they are on."""
    if area not in CARDS:
        return None
    state, side = st.parse(search), (key or "").partition("|")[2]

    def draw():
        if state.error:
            return html.P(state.error, className="text-muted")
        try:
            return cards(area, state, side)
        except FilterError as exc:
            return html.P(i18n.filter_message(exc, state.lang), className="text-muted")
    return draw() if state.error else cache.cached("kpis", (area, state.search, side), draw)
