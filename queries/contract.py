"""The data contract: for each import kind, its columns, types, key and table.

This is the one description of the import templates. The importer validates against it,
`data/templates/KIND.csv` is written from it, and `civmon export` writes files in its shape.
Row rules that need more than one column or the database live in `queries.importer`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from . import schema
from .vocabulary import DOMAINS, LEVELS_OF_GOVERNMENT, PROCEDURES, TARGET_INDICATORS

@dataclass(frozen=True)
class Column:
    """One column of an import file.

    type: text | code | int | date | bool | money | rate | number | enum  (rate: > 0; number: ≥ 0)
    db: the table column it is stored in (money is stored in minor units).
    """
    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    db: str | None = None
    example: str = ""

    @property
    def db_name(self) -> str:
        return self.db or self.name


@dataclass(frozen=True)
class Kind:
    name: str
    table: sa.Table
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    title: str
    is_reference: bool = False  # shipped in data/reference and loaded by `civmon init`
    affects_all_summaries: bool = False  # a change here can move any fact between summary rows
    notes: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("regions", schema.regions, (
        C("code", "code", True, example="RO-CJ"),
        C("name", "text", True, example="Cluj"),
        C("country", "code", True, example="RO"),
        C("level", "int", True, min=1, max=2, example="1"),
        C("parent_code", "code", example=""),
        C("population", "int", min=0, example="679141"),
    ), key=("code",), title="Regions (level 1: county/oblast/district; level 2: municipality)",
        is_reference=True, affects_all_summaries=True),
    Kind("authorities", schema.authorities, (
        C("authority_id", "code", True, example="RO-CJ-CJC"),
        C("name", "text", True, example="Consiliul Județean Cluj"),
        C("country", "code", True, example="RO"),
        C("level", "enum", True, choices=LEVELS_OF_GOVERNMENT, example="regional"),
        C("region_code", "code", example="RO-CJ"),
        C("parent_id", "code", example=""),
    ), key=("authority_id",), title="Public authorities", affects_all_summaries=True),
    Kind("liaison_officers", schema.liaison_officers, (
        C("authority_id", "code", True, example="RO-CJ-CJC"),
        C("position", "text", True, example="Director, Public Relations Directorate"),
        C("position_rank", "int", True, min=1, max=9, example="3"),
        C("appointed_on", "date", True, example="2021-03-01"),
        C("ended_on", "date", example=""),
        C("full_name", "text", example="Ana Pop"),
    ), key=("authority_id", "position", "appointed_on"), title="Liaison officers for civil society"),
    Kind("rank_requirements", schema.rank_requirements, (
        C("country", "code", True, example="KZ"),
        C("level", "enum", True, choices=LEVELS_OF_GOVERNMENT, example="central"),
        C("max_position_rank", "int", True, min=1, max=9, example="4"),
    ), key=("country", "level"), title="Minimum officer rank per level of government",
        is_reference=True),
    Kind("grants", schema.grants, (
        C("grant_id", "code", True, example="RO-CJ-2024-0001"),
        C("year", "int", True, min=1900, max=2100, example="2024"),
        C("funder_authority_id", "code", True, example="RO-CJ-CJC"),
        C("region_code", "code", True, example="RO-CJ"),
        C("recipient_name", "text", True, example="Asociația Exemplu"),
        C("recipient_id", "code", example="RO12345678"),
        C("amount", "money", True, db="amount_cents", example="25000.00"),
        C("currency", "code", True, example="RON"),
        C("domain", "enum", True, choices=DOMAINS, example="social"),
        C("procedure", "enum", True, choices=PROCEDURES, example="competitive"),
        C("awarded_on", "date", example="2024-05-15"),
    ), key=("grant_id",), title="Grants to NGOs"),
    Kind("exchange_rates", schema.exchange_rates, (
        C("currency", "code", True, example="RON"),
        C("year", "int", True, min=1900, max=2100, example="2024"),
        C("units_per_eur", "rate", True, example="4.9746"),
    ), key=("currency", "year"), title="Annual average exchange rates to the euro",
        is_reference=True),
    Kind("currencies", schema.currencies, (
        C("country", "code", True, example="BG"),
        C("currency", "code", True, example="EUR"),
        C("from_year", "int", True, min=1900, max=2100, example="2026"),
        C("to_year", "int", min=1900, max=2100, example=""),
    ), key=("country", "currency"), title="Currency of each country's amounts, by year",
        is_reference=True),
    Kind("consultations", schema.consultations, (
        C("consultation_id", "code", True, example="RO-CJ-CJC-2024-017"),
        C("authority_id", "code", True, example="RO-CJ-CJC"),
        C("title", "text", True, example="Draft decision on the 2025 county budget"),
        C("published_on", "date", True, example="2024-11-04"),
        C("comments_deadline", "date", True, example="2024-11-18"),
        C("adopted_on", "date", example="2024-12-19"),
        # counts may be empty: not reported, stored as NULL, never as 0 (SPEC, Records as they come)
        C("comments_received", "int", min=0, example="23"),
        C("comments_accepted", "int", min=0, example="7"),
        C("participants", "int", min=0, example="15"),
        C("public_debate_held", "bool", example="true"),
        C("debate_participants", "int", min=0, example="40"),
    ), key=("consultation_id",), title="Public consultations on draft acts"),
    Kind("consultation_rules", schema.consultation_rules, (
        C("country", "code", True, example="RO"),
        C("min_comment_days", "int", True, min=0, max=365, example="10"),
    ), key=("country",), title="Legal minimum consultation period", is_reference=True,
        affects_all_summaries=True),
    Kind("targets", schema.targets, (
        C("country", "code", True, example="KZ"),
        C("indicator", "enum", True, choices=TARGET_INDICATORS, example="coverage_pct"),
        C("level", "enum", choices=LEVELS_OF_GOVERNMENT, example=""),
        C("value", "number", True, example="100"),
        C("source", "text", True, example="2018 methodological recommendations"),
    ), key=("country", "indicator", "level"), title="Targets and legal minimums for the headline figures",
        notes=("level empty: the target holds at every level of government",
               "value in the figure's unit: a share in per cent (100), a count, an amount in the country's currency; "
               "a ceiling for without_officer, a floor for every other figure")),
    Kind("trainings", schema.trainings, (
        C("training_id", "code", True, example="RO-CJ-2024-T01"),
        C("title", "text", True, example="Cooperation of local self-governments and CSOs"),
        C("held_on", "date", True, example="2020-10-06"),
        C("region_code", "code", True, example="RO-CJ"),
        C("topic", "text", True, example="cooperation with CSOs"),
        C("organiser_authority_id", "code", example="RO-CJ-CJC"),
        C("participants_total", "int", min=0, example="32"),
        C("participants_public", "int", min=0, example="18"),
        C("participants_cso", "int", min=0, example="12"),
        C("participants_other", "int", min=0, example="2"),
        C("target_participants", "int", min=0, example="30"),
    ), key=("training_id",), title="Capacity-building trainings"),
)}

# Order in which a full dataset must be loaded so that every reference already exists.
LOAD_ORDER = ("regions", "currencies", "exchange_rates", "rank_requirements", "consultation_rules",
              "authorities", "liaison_officers", "grants", "consultations", "trainings", "targets")
REFERENCE_KINDS = tuple(k for k in LOAD_ORDER if KINDS[k].is_reference)
