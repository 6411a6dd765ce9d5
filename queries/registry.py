"""The registry of named queries: id, title, one-line definition, area and parameters.

The /about page, the API listing and the CLI's help read this registry, so the definition a
user reads sits next to the code that computes it. Queries register with `@query(...)`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from .filters import Filter

AREAS = ("liaison", "funding", "consultations", "training", "authorities")  # authorities: across the four
FILTER_PARAMETERS = ("country", "region", "year_from", "year_to", "level")


@dataclass(frozen=True)
class Query:
    id: str
    title: str
    definition: str
    area: str
    columns: tuple[str, ...]
    func: Callable[..., pd.DataFrame]
    indicator: bool = False  # one of the four indicator tables of the specification
    legal_basis: str = ""
    parameters: tuple[str, ...] = FILTER_PARAMETERS
    column_help: dict[str, str] = field(default_factory=dict)

    def run(self, f: Filter | None = None, engine=None) -> pd.DataFrame:
        return self.func(f or Filter(), engine=engine)


QUERIES: dict[str, Query] = {}


def query(id: str, *, title: str, definition: str, area: str, columns: tuple[str, ...],
          indicator: bool = False, legal_basis: str = "", parameters: tuple[str, ...] = FILTER_PARAMETERS,
          column_help: dict[str, str] | None = None):
    """Register a query function under a stable, readable id."""
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}")

    def register(func):
        if id in QUERIES:
            raise ValueError(f"query id {id!r} registered twice")
        QUERIES[id] = Query(id, title, definition, area, columns, func, indicator, legal_basis,
                            parameters, column_help or {})
        return func
    return register


def get(query_id: str) -> Query:
    """The query with this id; KeyError with the known ids otherwise."""
    _load()
    try:
        return QUERIES[query_id]
    except KeyError:
        raise KeyError(f"unknown query {query_id!r}; known: {', '.join(QUERIES)}") from None


def all_queries() -> list[Query]:
    """Every query, area by area in AREAS' order (whichever module was imported first), each area's in the order
    its module registers them."""
    _load()
    return sorted(QUERIES.values(), key=lambda q: AREAS.index(q.area))


def indicator_queries() -> list[Query]:
    return [q for q in all_queries() if q.indicator]


AREA_MODULES = ("queries.liaison", "queries.funding", "queries.consultations", "queries.training", "queries.headlines",
                "queries.authorities", "queries.records")


def _load() -> None:
    for module in AREA_MODULES:  # each registers its area's queries
        importlib.import_module(module)
