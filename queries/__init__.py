"""civmon's reporting layer: the one place that talks SQL.

Pages, routes and the command line call the query functions registered here and get
DataFrames back; nothing else creates engines or builds statements.
"""
from .filters import Filter, FilterError, make_filter
from .registry import QUERIES, Query, all_queries, get, indicator_queries

__all__ = ["Filter", "FilterError", "make_filter", "QUERIES", "Query", "all_queries", "get", "indicator_queries"]
