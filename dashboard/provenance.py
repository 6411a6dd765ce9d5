"""What travels with a chart when it leaves the dashboard: a summary of its filters and a source line.

The chart card, the embed page, the static images and the report page all use these two texts, so a
chart pasted into a report always says what it shows and where its numbers come from.
"""
from __future__ import annotations

import datetime as dt

from queries import meta

from . import charts, i18n
from .i18n import _
from .state import State



def filter_summary(state: State) -> str:
    """The view's filters in words, e.g. 'Romania · Cluj, Alba · 2019–2023 · Local'."""
    tr = i18n.translator(state.lang)
    f = state.filter
    parts = [", ".join(i18n.country_name(c, state.lang) for c in f.countries) if f.countries
             else tr("All countries")]
    if f.regions:
        names = {code: name for code, name, _country in meta.level1_regions(tuple(sorted({r.split("-")[0] for r in f.regions})))}
        parts.append(", ".join(i18n.region_name(r, names.get(r, r), state.lang) for r in f.regions))
    if f.year_from is not None and f.year_to is not None:
        parts.append(str(f.year_from) if f.year_from == f.year_to else f"{f.year_from}–{f.year_to}")
    elif f.year_from is not None:
        parts.append(tr("from {year}").format(year=f.year_from))
    elif f.year_to is not None:
        parts.append(tr("until {year}").format(year=f.year_to))
    else:
        parts.append(tr("All years"))
    parts.append(", ".join(tr(charts.level_label(level)) for level in f.levels) if f.levels
                 else tr("All levels of government"))
    return " · ".join(parts)


# Where the reference data come from, in a few lines (the details are in data/reference/SOURCES.md).
SOURCES = _(
    "Regions: ISO 3166-2 codes and names from pycountry (Debian iso-codes). Population: national "
    "statistics offices (Romania: INS census 2021; Bulgaria: NSI census 2021; Serbia: RZS census "
    "2022; Kazakhstan: Bureau of National Statistics, 1 January 2023). Exchange rates: annual "
    "averages of the ECB (RON to 2024; 2025 derived from BNR daily rates), the fixed conversion "
    "rate (BGN), the National Bank of Serbia (RSD to 2021) and the National Bank of Kazakhstan "
    "(KZT 2015-2025: daily official rate, mean of monthly averages). Maps: Natural Earth admin-1 "
    "boundaries (public domain); Kazakhstan as a tile grid.")


def source_line(state: State, today: dt.date | None = None) -> str:
    """'Source: civmon, data as of <last import>; demo data' in the view's language."""
    tr = i18n.translator(state.lang)
    info = meta.dataset_info()
    when = info.last_import_at.date() if info.last_import_at else None
    text = tr("Source: civmon, data of {date}").format(date=i18n.date(when or today or dt.date.today(), state.lang))
    if info.demo:
        text += " · " + tr("demo data, not official statistics")
    return text
