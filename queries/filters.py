"""The one filter object every query takes, and its parsing from the CLI and from addresses.

Country, region and level each take several values (repeat or separate with commas).
Regions are level-1 codes; a level-2 code is rolled up to its county by `resolve`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Iterable

from .vocabulary import LEVELS_OF_GOVERNMENT


class FilterError(ValueError):
    """A filter value that cannot be understood; the message is meant for the user.

    The message is also kept untranslated, as `template` and `params` (str(exc) == template.format(**params)):
    an interface in another language looks the template up in its catalogue, and this layer stays
    language-neutral."""

    def __init__(self, template: str, **params):
        super().__init__(template.format(**params) if params else template)
        self.template, self.params = template, params


@dataclass(frozen=True)
class Filter:
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    levels: tuple[str, ...] = ()
    as_of: dt.date | None = None

    def with_(self, **changes) -> "Filter":
        return replace(self, **changes)

    @property
    def named_countries(self) -> tuple[str, ...]:
        """The countries the filter names, else those of its regions (a region code starts with its country's, as
        ISO 3166-2 codes do); empty for a filter of every country."""
        return self.countries or tuple(dict.fromkeys(r.split("-")[0] for r in self.regions))

    @property
    def has_years(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    def reference_date(self, today: dt.date | None = None) -> dt.date:
        """The as-of date for officers that the filter itself names: explicit, else 31 Dec of the range's last year,
        else today (queries.liaison.reference_date knows the data, and prefers the end of its last year)."""
        if self.as_of:
            return self.as_of
        if self.year_to is not None:
            return dt.date(self.year_to, 12, 31)
        return today or dt.date.today()

    def describe(self) -> dict:
        """The filter as plain values, for JSON output and provenance lines."""
        return {
            "country": list(self.countries), "region": list(self.regions),
            "year_from": self.year_from, "year_to": self.year_to,
            "level": list(self.levels), "as_of": self.as_of.isoformat() if self.as_of else None,
        }


_COUNTRY = re.compile(r"^[A-Z]{2}$")
_REGION = re.compile(r"^[A-Z]{2}-[A-Za-z0-9-]{1,29}$")
_YEARS = re.compile(r"^\s*(\d{4})?\s*(?:-|–|\.\.)\s*(\d{4})?\s*$|^\s*(\d{4})\s*$")
MIN_YEAR, MAX_YEAR = 1900, 2100


# How many values one parameter may hold: more than any real view (every level-1 region of the four countries
# is ~130), few enough that checking them costs nothing, whoever sends them.
MAX_VALUES = {"country": 50, "region": 300, "level": 10}


def split_values(values: Iterable[str] | str | None, name: str | None = None) -> tuple[str, ...]:
    """'RO,BG' or ['RO', 'BG'] or ['RO,BG', 'KZ'] -> ('RO', 'BG', 'KZ'), order kept, no repeats. With the
    parameter's `name`, FilterError when there are more than MAX_VALUES[name] of them."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    out: dict[str, None] = {}  # ordered, and a repeat found in constant time
    limit = MAX_VALUES.get(name or "")
    for v in values:
        for part in str(v).split(","):
            part = part.strip()
            if part:
                out[part] = None
                if limit is not None and len(out) > limit:
                    raise FilterError("{name} takes at most {count} values", name=name, count=limit)
    return tuple(out)


def _year(value, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise FilterError("{name} must be a year such as 2023, not {value}", name=name, value=repr(value)) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise FilterError("{name} must be between {low} and {high}, not {year}", name=name, low=MIN_YEAR,
                          high=MAX_YEAR, year=year)
    return year


def parse_years(text: str | None) -> tuple[int | None, int | None]:
    """'2019-2023' -> (2019, 2023); '2021' -> (2021, 2021); '2019-' -> (2019, None)."""
    if not text:
        return None, None
    m = _YEARS.match(text)
    if not m:
        raise FilterError("years must look like 2019-2023 or 2021, not {value}", value=repr(text))
    if m.group(3):
        y = _year(m.group(3), "year")
        return y, y
    return _year(m.group(1), "first year"), _year(m.group(2), "last year")


def make_filter(country=None, region=None, year_from=None, year_to=None, level=None,
                as_of=None, years: str | None = None) -> Filter:
    """Build a Filter from user text (CLI options or URL parameters); raises FilterError."""
    countries = tuple(dict.fromkeys(c.upper() for c in split_values(country, "country")))
    for c in countries:
        if not _COUNTRY.match(c):
            raise FilterError("country must be a two-letter ISO code such as RO, not {value}", value=repr(c))
    regions = split_values(region, "region")
    for r in regions:
        if not _REGION.match(r):
            raise FilterError("region must be a region code such as RO-CJ, not {value}", value=repr(r))
    levels = split_values(level, "level")
    for lv in levels:
        if lv not in LEVELS_OF_GOVERNMENT:
            raise FilterError("level must be one of {levels}, not {value}", levels=", ".join(LEVELS_OF_GOVERNMENT),
                              value=repr(lv))
    y_from, y_to = parse_years(years) if years else (None, None)
    y_from = _year(year_from, "year_from") if year_from not in (None, "") else y_from
    y_to = _year(year_to, "year_to") if year_to not in (None, "") else y_to
    if y_from is not None and y_to is not None and y_from > y_to:
        raise FilterError("the year range {start}-{end} ends before it starts", start=y_from, end=y_to)
    date = None
    if as_of not in (None, ""):
        if isinstance(as_of, dt.date):
            date = as_of
        else:
            try:
                date = dt.date.fromisoformat(str(as_of).strip())
            except ValueError:
                raise FilterError("as-of must be a date such as 2023-12-31, not {value}", value=repr(as_of)) from None
    return Filter(countries, regions, y_from, y_to, levels, date)


def parse_comparison(compare: str | None, compare_years: str | None
                     ) -> tuple[tuple[str, ...], tuple[int, int] | None]:
    """What a view is compared with (SPEC, Web addresses): region codes (`compare=RO-TM`) or a year range
    (`compare_years=2017-2019`); raises FilterError for a value that is neither, or for both at once (a page
    compares one thing)."""
    regions = make_filter(region=compare).regions if compare else ()
    years = None
    if compare_years:
        first, last = parse_years(compare_years)
        if first is None or last is None or first > last:
            raise FilterError("compare_years must be a range such as 2017-2019, not {value}", value=repr(compare_years))
        years = (first, last)
    if regions and years:
        raise FilterError("compare either regions or years, not both")
    return regions, years
