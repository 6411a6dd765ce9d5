"""The words of the data contract that the schema, the contract, the queries and the pages all use."""
from __future__ import annotations

LEVELS_OF_GOVERNMENT = ("central", "regional", "regional_department", "district", "local")
DOMAINS = ("social", "culture", "sport", "education", "youth", "environment", "health", "civic",
           "religious", "other")
PROCEDURES = ("competitive", "direct")
# The headline figures a target may be set for (queries.headlines), and those where less is better: a target for
# these is a ceiling, for every other a floor.
TARGET_INDICATORS = ("authorities", "covered", "coverage_pct", "compliant", "compliance_pct", "without_officer",
                     "amount", "grants", "competitive_share_pct", "consultations", "comments_per_consultation",
                     "acceptance_pct", "on_time_pct", "trainings", "participants", "cso_share_pct", "reach_pct")
LOWER_IS_BETTER = frozenset({"without_officer"})
COUNTRIES_SHIPPED = ("RO", "BG", "RS", "KZ")

# Seniority scale for position_rank (1 = most senior).
POSITION_RANKS = {
    1: "head of the body",
    2: "deputy head",
    3: "director of department",
    4: "deputy director of department",
    5: "head of unit",
    6: "senior specialist",
    7: "specialist",
}
