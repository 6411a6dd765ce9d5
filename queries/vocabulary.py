"""The words of the data contract that the schema, the contract, the queries and the pages all use."""
from __future__ import annotations

LEVELS_OF_GOVERNMENT = ("central", "regional", "regional_department", "district", "local")
DOMAINS = ("social", "culture", "sport", "education", "youth", "environment", "health", "civic",
           "religious", "other")
PROCEDURES = ("competitive", "direct")
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
