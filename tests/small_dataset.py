"""A small hand-made dataset whose indicator values are worked out by hand in the tests.

Loaded with plain inserts and a summary refresh, so the indicator tests do not depend on the
importer. Edge cases on purpose: level-2 regions rolling up, an officer ended on the reference
date, a country without a consultation rule (KZ), a region without population (RO-BV), a
region without municipalities, a missing exchange rate (RON 2022), Bulgaria's 2026 changeover.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from queries import migrate, schema as t, summary

D = dt.date.fromisoformat

ROWS = {
    "regions": [
        ("RO-CJ", "Cluj", "RO", 1, None, 700000), ("RO-AB", "Alba", "RO", 1, None, 300000),
        ("RO-BV", "Brașov", "RO", 1, None, None), ("BG-18", "Ruse", "BG", 1, None, 200000),
        ("KZ-75", "Almaty", "KZ", 1, None, 2000000),
        ("RO-CJ-001", "Cluj-Napoca", "RO", 2, "RO-CJ", 400000), ("RO-CJ-002", "Turda", "RO", 2, "RO-CJ", 50000),
        ("RO-AB-001", "Alba Iulia", "RO", 2, "RO-AB", 60000), ("BG-18-001", "Ruse", "BG", 2, "BG-18", 120000),
    ],
    "currencies": [("RO", "RON", 2005, None), ("BG", "BGN", 1999, 2025), ("BG", "EUR", 2026, None),
                   ("KZ", "KZT", 1993, None)],
    "exchange_rates": [("RON", 2023, 4.9465), ("RON", 2024, 4.9746), ("BGN", 2025, 1.95583),
                       ("KZT", 2024, 500.0)],
    "rank_requirements": [("KZ", "central", 4), ("KZ", "regional", 4)],
    "consultation_rules": [("RO", 10), ("BG", 30)],
    "authorities": [
        ("RO-GOV", "Government Secretariat", "RO", "central", None, None),
        ("RO-CJ-CJC", "Cluj County Council", "RO", "regional", "RO-CJ", None),
        ("RO-CJ-001-L", "Cluj-Napoca City Hall", "RO", "local", "RO-CJ-001", None),
        ("RO-CJ-002-L", "Turda City Hall", "RO", "local", "RO-CJ-002", None),
        ("RO-AB-AJC", "Alba County Council", "RO", "regional", "RO-AB", None),
        ("BG-18-OA", "Ruse Regional Administration", "BG", "regional", "BG-18", None),
        ("KZ-GOV-M1", "Ministry of Information", "KZ", "central", None, None),
        ("KZ-75-AK", "Akimat of Almaty", "KZ", "regional", "KZ-75", None),
    ],
    "liaison_officers": [
        ("RO-GOV", "Adviser", 3, D("2020-01-01"), None, "Person One"),
        ("RO-CJ-CJC", "Head of unit", 5, D("2019-01-01"), D("2024-12-31"), "Person Two"),
        ("RO-CJ-CJC", "Specialist", 6, D("2025-01-01"), None, "Person Three"),
        ("RO-CJ-001-L", "Senior specialist", 6, D("2022-05-01"), None, "Person Four"),
        ("RO-AB-AJC", "Deputy director", 4, D("2021-01-01"), None, "Person Five"),
        ("RO-AB-AJC", "Deputy head", 2, D("2023-03-01"), None, "Person Six"),
        ("BG-18-OA", "Specialist", 7, D("2018-01-01"), D("2025-06-30"), "Person Seven"),
        ("KZ-GOV-M1", "Head of unit", 5, D("2019-01-01"), None, "Person Eight"),
        ("KZ-75-AK", "Director", 3, D("2019-01-01"), None, "Person Nine"),
    ],
    "grants": [  # grant_id, year, funder, region, recipient_name, recipient_id, cents, currency, domain, procedure
        ("g1", 2023, "RO-CJ-CJC", "RO-CJ", "A Assoc", "R1", 100000, "RON", "social", "competitive", None),
        ("g2", 2023, "RO-CJ-001-L", "RO-CJ-001", "B Club", None, 50050, "RON", "culture", "direct", None),
        ("g3", 2024, "RO-CJ-CJC", "RO-CJ", "A Assoc", "R1", 200000, "RON", "social", "competitive", None),
        ("g4", 2024, "RO-GOV", "RO-AB", "C Youth", "R3", 30000, "RON", "youth", "competitive", None),
        ("g5", 2022, "RO-AB-AJC", "RO-AB", "C Youth", "R3", 10000, "RON", "youth", "direct", None),
        ("g6", 2025, "BG-18-OA", "BG-18", "D Civic", None, 195583, "BGN", "civic", "competitive", None),
        ("g7", 2026, "BG-18-OA", "BG-18-001", "D Civic", None, 100000, "EUR", "civic", "direct", None),
    ],
    "consultations": [
        ("c1", "RO-CJ-CJC", "Budget", D("2023-03-01"), D("2023-03-11"), None, 10, 4, 6, True, 30),
        ("c2", "RO-CJ-001-L", "Parking", D("2023-06-01"), D("2023-06-08"), None, 0, 0, 0, False, None),
        ("c3", "RO-GOV", "NGO law", D("2024-01-10"), D("2024-02-09"), None, 20, 0, 12, False, None),
        ("c4", "KZ-75-AK", "Parks", D("2024-05-01"), D("2024-05-21"), None, 5, 5, 3, True, 10),
        ("c5", "BG-18-OA", "Strategy", D("2024-07-01"), D("2024-07-15"), None, 2, 1, 2, False, None),
    ],
    "trainings": [
        ("t1", "Consultation basics", D("2023-04-01"), "RO-CJ-001", "consultation", "RO-CJ-CJC", None, 10, 5, 1, None),
        ("t2", "Grant writing", D("2023-09-01"), "RO-CJ", "grants", None, None, 4, 6, None, None),
        ("t3", "Consultation practice", D("2024-02-01"), "RO-CJ-002", "consultation", "RO-CJ-002-L", None, 3, 3, 0, 20),
        ("t4", "Civic participation", D("2024-03-01"), "BG-18-001", "civic participation", "BG-18-OA", None, 12, 0, None, None),
    ],
    "targets": [  # country, indicator, level (None: every level), value, source
        ("KZ", "coverage_pct", None, 100.0, "KZ recommendations"), ("KZ", "compliance_pct", None, 100.0, "KZ recommendations"),
        ("RO", "coverage_pct", None, 100.0, "Law 52/2003"), ("RO", "coverage_pct", "regional", 90.0, "RO regional plan"),
        ("RO", "without_officer", None, 0.0, "Law 52/2003"),
    ],
}


def load(engine: sa.Engine, summaries_from: sa.Engine | None = None) -> None:
    """Insert the small dataset and build the summary tables. A database at an earlier revision gets the columns it
    has; its summary rows are those of `summaries_from` (the same data at the latest revision) in its columns, or none."""
    at_head = migrate.current(engine) == migrate.head()
    with engine.begin() as conn:
        for kind in ("regions", "currencies", "exchange_rates", "rank_requirements", "consultation_rules",
                     "authorities", "liaison_officers", "grants", "consultations", "trainings", "targets"):
            if kind == "targets" and not at_head:
                continue  # a revision before targets had none
            table = getattr(t, kind)
            names = [c.name for c in table.columns]
            present = table if at_head else sa.Table(kind, sa.MetaData(), autoload_with=conn)
            rows = [{k: v for k, v in zip(names, row) if k in present.c} for row in ROWS[kind]]
            conn.execute(present.insert(), rows)
        if at_head:
            summary.refresh(conn, ("grants", "consultations", "trainings"), summary.ALL)
        elif summaries_from is not None:
            with summaries_from.connect() as source:
                for table in t.SUMMARY_TABLES:
                    present = sa.Table(table.name, sa.MetaData(), autoload_with=conn)
                    rows = [{k: v for k, v in row.items() if k in present.c}
                            for row in source.execute(sa.select(table)).mappings()]
                    if rows:
                        conn.execute(present.insert(), rows)
