"""The view state that lives in the address: country, region, year_from, year_to, level, lang.

`parse` turns query parameters into a State (with a message instead of an exception for values
it cannot understand); `search` turns a State back into the canonical query string, so the same
view always has the same address.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

from queries import Filter, FilterError, make_filter
from queries.filters import parse_comparison

from . import cache, i18n

PARAMS = ("country", "region", "year_from", "year_to", "level", "lang", "compare", "compare_years", "q", "follow_up")


@dataclass(frozen=True)
class State:
    filter: Filter = field(default_factory=Filter)
    lang: str = i18n.DEFAULT
    error: str | None = None  # why the parameters could not be used: the page shows an explained empty view
    # a comparison view (SPEC, Web addresses): the page's figures for the filter beside those for other regions
    # (`compare=RO-TM`) or another period (`compare_years=2017-2019`), the rest of the filter the same
    compare: tuple[str, ...] = ()
    compare_years: tuple[int, int] | None = None
    # the authorities page's search and its follow-up list (`q=cluj`, `follow_up=1`), kept like a filter
    q: str = ""
    follow_up: bool = False

    def with_filter(self, **changes) -> "State":
        return replace(self, filter=self.filter.with_(**changes))

    def around(self) -> "State | None":
        """For a view of some regions, the view of their whole countries (what a region is seen beside: its
        country's figure, the rest of the country grey on a map); None for a view without a region filter."""
        f = self.filter
        return self.with_filter(regions=(), countries=f.named_countries) if f.regions else None

    @property
    def comparing(self) -> bool:
        return bool(self.compare or self.compare_years)

    def sides(self) -> tuple["State", "State"]:
        """The two views a comparison puts side by side: the filter's, and the same filter for the regions or the
        years compared with (of their own countries when the filter names countries)."""
        main = replace(self, compare=(), compare_years=None)
        if self.compare:
            countries = Filter(regions=self.compare).named_countries if self.filter.countries else ()
            return main, main.with_filter(regions=self.compare, countries=countries)
        return main, main.with_filter(year_from=self.compare_years[0], year_to=self.compare_years[1], as_of=None)

    @property
    def query(self) -> dict[str, str]:
        """Non-empty parameters in canonical order."""
        f = self.filter
        values = {"country": ",".join(f.countries), "region": ",".join(f.regions),
                  "year_from": "" if f.year_from is None else str(f.year_from),
                  "year_to": "" if f.year_to is None else str(f.year_to),
                  "level": ",".join(f.levels), "lang": "" if self.lang == i18n.DEFAULT else self.lang,
                  "compare": ",".join(self.compare),
                  "compare_years": "-".join(map(str, self.compare_years)) if self.compare_years else "",
                  "q": self.q, "follow_up": "1" if self.follow_up else ""}
        return {k: v for k, v in values.items() if v}

    @property
    def search(self) -> str:
        q = urlencode(self.query, safe=",")
        return f"?{q}" if q else ""


def parse(query: dict | str | None) -> State:
    """State from a query dict (Dash Pages' layout kwargs) or a '?a=b' string.

    An address in another form than the view's canonical one (`State.search`: other parameters, another order, a
    value that cannot be used) shows the same view, but the answer to this request is not kept whole in the cache:
    otherwise every variant that anyone makes up would take room there (dashboard/cache.py)."""
    if isinstance(query, str):
        query = dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))
    asked = "?" + urlencode(query, safe=",") if query else ""
    state = _parse({k: v for k, v in (query or {}).items() if k in PARAMS})
    if asked != state.search:
        cache.mark_incomplete()
    return state


def _parse(query: dict) -> State:
    lang = i18n.normalise(query.get("lang"))
    try:
        f = make_filter(country=query.get("country"), region=query.get("region"), level=query.get("level"),
                        year_from=query.get("year_from"), year_to=query.get("year_to"))
    except FilterError as exc:
        return State(_usable_part(query), lang, i18n.filter_message(exc, lang))
    try:
        compare, years = parse_comparison(query.get("compare"), query.get("compare_years"))
    except FilterError as exc:
        return State(f, lang, i18n.filter_message(exc, lang))
    return State(f, lang, compare=compare, compare_years=years, q=" ".join(str(query.get("q") or "").split())[:200],
                 follow_up=str(query.get("follow_up") or "") not in ("", "0", "false"))


def _usable_part(query: dict) -> Filter:
    """The filter of the parameters that can be used on their own (a reversed year range keeps the country): the
    filter bar shows them beside the sentence that explains the rest."""
    names = ("country", "region", "level", "year_from", "year_to")

    def usable(**values) -> bool:
        try:
            make_filter(**values)
            return True
        except FilterError:
            return False
    kept = {n: query.get(n) for n in names if query.get(n) and usable(**{n: query.get(n)})}
    if not usable(**{n: kept.get(n) for n in ("year_from", "year_to")}):  # the range is one thing
        kept.pop("year_from", None), kept.pop("year_to", None)
    return make_filter(**kept) if usable(**kept) else Filter()
