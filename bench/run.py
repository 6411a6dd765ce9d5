"""`make bench`: build the national dataset once (SQLite and PostgreSQL) and print the query timings.

    .venv/bin/python bench/run.py [the options of bench_queries.py]

The same as bench/bench_queries.py; the import and demo-build benchmarks are run on their own
(see bench/README.md).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_queries  # noqa: E402

if __name__ == "__main__":
    sys.exit(bench_queries.main())
