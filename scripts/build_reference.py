#!/usr/bin/env python3
"""Build data/reference/regions.csv for civmon.

Codes and names come from pycountry (ISO 3166-2, data from Debian iso-codes).
Populations come from the dictionaries below; each dictionary sits next to a
constant naming the statistics office, the dataset, the reference date and a
URL.  A value of None means "not verified" and is written as an empty cell.

Run:  .venv/bin/python scripts/build_reference.py
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "reference" / "regions.csv"

COUNTRY_ORDER = ["RO", "BG", "RS", "KZ"]

# --------------------------------------------------------------------------
# Romania
# --------------------------------------------------------------------------
RO_SOURCE = {
    "institution": "Institutul National de Statistica (INS), Romania",
    "dataset": "Recensamantul Populatiei si Locuintelor 2021 (RPL2021), final results: "
               "resident population by county",
    "reference_date": "2021-12-01",
    "url": "https://www.recensamantromania.ro/ (RPL2021 results section; INS tempo-online / insse.ro)",
    "national_total": 19_053_815,
}
RO_POPULATION = {
    "RO-AB": 325_941, "RO-AG": 569_932, "RO-AR": 410_143, "RO-B": 1_716_961,
    "RO-BC": 601_387, "RO-BH": 551_297, "RO-BN": 295_988, "RO-BR": 281_452,
    "RO-BT": 392_821, "RO-BV": 546_615, "RO-BZ": 404_979, "RO-CJ": 679_141,
    "RO-CL": 283_458, "RO-CS": 246_588, "RO-CT": 655_997, "RO-CV": 200_042,
    "RO-DB": 479_404, "RO-DJ": 599_442, "RO-GJ": 314_685, "RO-GL": 496_892,
    "RO-GR": 262_066, "RO-HD": 361_657, "RO-HR": 291_950, "RO-IF": 542_704,
    "RO-IL": 250_816, "RO-IS": 760_774, "RO-MH": 234_339, "RO-MM": 452_475,
    "RO-MS": 518_193, "RO-NT": 454_203, "RO-OT": 383_280, "RO-PH": 695_119,
    "RO-SB": 388_326, "RO-SJ": 212_224, "RO-SM": 330_668, "RO-SV": 642_551,
    "RO-TL": 193_355, "RO-TM": 650_533, "RO-TR": 323_544, "RO-VL": 341_861,
    "RO-VN": 335_312, "RO-VS": 374_700,
}

# --------------------------------------------------------------------------
# Bulgaria
# --------------------------------------------------------------------------
BG_SOURCE = {
    "institution": "National Statistical Institute (NSI), Bulgaria",
    "dataset": "Census 2021 (Population and Housing Census), final results: "
               "population by district (oblast)",
    "reference_date": "2021-09-07",
    "url": "https://census2021.bg/ and https://www.nsi.bg/",
    "national_total": 6_519_789,
}
BG_POPULATION = {
    "BG-01": 292_227,    # Blagoevgrad
    "BG-02": 380_286,    # Burgas
    "BG-03": 432_198,    # Varna
    "BG-04": 207_371,    # Veliko Tarnovo
    "BG-05": 75_408,     # Vidin
    "BG-06": 152_813,    # Vratsa
    "BG-07": 98_387,     # Gabrovo
    "BG-08": 150_146,    # Dobrich
    "BG-09": 141_177,    # Kardzhali
    "BG-10": 111_736,    # Kyustendil
    "BG-11": 116_394,    # Lovech
    "BG-12": 119_950,    # Montana
    "BG-13": 229_814,    # Pazardzhik
    "BG-14": 114_162,    # Pernik
    "BG-15": 226_120,    # Pleven
    "BG-16": 634_497,    # Plovdiv
    "BG-17": 103_223,    # Razgrad
    "BG-18": 193_483,    # Ruse
    "BG-19": 97_770,     # Silistra
    "BG-20": 172_690,    # Sliven
    "BG-21": 96_284,     # Smolyan
    "BG-22": 1_274_290,  # Sofia (stolitsa)
    "BG-23": 231_989,    # Sofia (oblast)
    "BG-24": 296_507,    # Stara Zagora
    "BG-25": 98_144,     # Targovishte
    "BG-26": 211_565,    # Haskovo
    "BG-27": 151_465,    # Shumen
    "BG-28": 109_693,    # Yambol
}

# --------------------------------------------------------------------------
# Serbia (without Kosovo and Metohija: RZS has not enumerated it since 1999)
# --------------------------------------------------------------------------
RS_SOURCE = {
    "institution": "Statistical Office of the Republic of Serbia (RZS)",
    "dataset": "2022 Census of Population, Households and Dwellings, final results: "
               "population by area (oblast/okrug) and City of Belgrade",
    "reference_date": "2022-09-30",
    "url": "https://popis2022.stat.gov.rs/ and https://www.stat.gov.rs/",
    "national_total": 6_647_003,
}
RS_POPULATION = {
    "RS-00": 1_681_405,  # Grad Beograd
    "RS-01": 160_163,    # Severnobacki
    "RS-02": 157_711,    # Srednjebanatski
    "RS-03": 117_896,    # Severnobanatski
    "RS-04": 260_244,    # Juznobanatski
    "RS-05": 154_491,    # Zapadnobacki
    "RS-06": 607_178,    # Juznobacki
    "RS-07": 282_547,    # Sremski
    "RS-08": 265_377,    # Macvanski
    "RS-09": 154_497,    # Kolubarski
    "RS-10": 175_573,    # Podunavski
    "RS-11": 156_367,    # Branicevski
    "RS-12": 269_728,    # Sumadijski
    "RS-13": 182_047,    # Pomoravski
    "RS-14": 101_100,    # Borski
    "RS-15": 96_715,     # Zajecarski
    "RS-16": 254_659,    # Zlatiborski
    "RS-17": 189_281,    # Moravicki
    "RS-18": 296_532,    # Raski
    "RS-19": 207_197,    # Rasinski
    "RS-20": 343_950,    # Nisavski
    "RS-21": 77_341,     # Toplicki
    "RS-22": 76_700,     # Pirotski
    "RS-23": 184_502,    # Jablanicki
    "RS-24": 193_802,    # Pcinjski
}
# Left out on purpose: RS-25..RS-29 (Kosovo districts) and the autonomous
# provinces RS-KM / RS-VO (not level-1 units in this table).
RS_INCLUDED = {f"RS-{i:02d}" for i in range(0, 25)}

# --------------------------------------------------------------------------
# Kazakhstan (20 current units, incl. Abay, Zhetisu, Ulytau created 2022)
# --------------------------------------------------------------------------
KZ_SOURCE = {
    "institution": "Bureau of National Statistics, Agency for Strategic Planning and "
                   "Reforms of the Republic of Kazakhstan",
    "dataset": "Population of the Republic of Kazakhstan by region, 1 January 2023 "
               "(as republished in open-data-kazakhstan/city-population, "
               "data/city_population.csv, commit 47fd2a3)",
    "reference_date": "2023-01-01",
    "url": "https://stat.gov.kz/",
    "national_total": 19_765_004,
}
# One reference date for all 20 regions (by the 2022 boundaries); the rows sum
# to the Bureau's published national total for the start of 2023.
KZ_POPULATION = {
    "KZ-10": 610_189,     # Abai
    "KZ-11": 787_971,     # Akmola
    "KZ-15": 928_185,     # Aktobe
    "KZ-19": 1_505_984,   # Almaty region
    "KZ-23": 693_040,     # Atyrau
    "KZ-27": 688_091,     # West Kazakhstan
    "KZ-31": 1_217_955,   # Jambyl
    "KZ-33": 698_675,     # Jetisu
    "KZ-35": 1_134_753,   # Karaganda
    "KZ-39": 832_110,     # Kostanay
    "KZ-43": 833_531,     # Kyzylorda
    "KZ-47": 766_956,     # Mangystau
    "KZ-55": 754_903,     # Pavlodar
    "KZ-59": 534_024,     # North Kazakhstan
    "KZ-61": 2_119_063,   # Turkistan
    "KZ-62": 221_395,     # Ulytau
    "KZ-63": 730_172,     # East Kazakhstan
    "KZ-71": 1_354_435,   # Astana (city)
    "KZ-75": 2_161_695,   # Almaty (city)
    "KZ-79": 1_191_877,   # Shymkent (city)
}

POPULATION = {"RO": RO_POPULATION, "BG": BG_POPULATION, "RS": RS_POPULATION, "KZ": KZ_POPULATION}
SOURCES = {"RO": RO_SOURCE, "BG": BG_SOURCE, "RS": RS_SOURCE, "KZ": KZ_SOURCE}
EXPECTED_COUNT = {"RO": 42, "BG": 28, "RS": 25, "KZ": 20}


def subdivisions(country: str):
    subs = sorted(pycountry.subdivisions.get(country_code=country), key=lambda s: s.code)
    if country == "RS":
        subs = [s for s in subs if s.code in RS_INCLUDED]
    return subs


def build_rows():
    rows = []
    for country in COUNTRY_ORDER:
        pops = POPULATION[country]
        subs = subdivisions(country)
        codes = {s.code for s in subs}
        missing_in_dict = codes - set(pops)
        extra_in_dict = set(pops) - codes
        if missing_in_dict or extra_in_dict or len(subs) != EXPECTED_COUNT[country]:
            sys.exit(f"{country}: code mismatch; not in dict {sorted(missing_in_dict)}, "
                     f"not in pycountry {sorted(extra_in_dict)}, count {len(subs)}")
        for s in subs:
            pop = pops[s.code]
            rows.append({
                "code": s.code,
                "name": s.name,
                "country": country,
                "level": 1,
                "parent_code": "",
                "population": "" if pop is None else int(pop),
            })
    return rows


def main() -> None:
    rows = build_rows()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh,
            fieldnames=["code", "name", "country", "level", "parent_code", "population"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)

    print(f"wrote {OUT.relative_to(ROOT)} ({len(rows)} rows, pycountry {pycountry.__version__})")
    for country in COUNTRY_ORDER:
        vals = [v for v in POPULATION[country].values()]
        known = [v for v in vals if v is not None]
        total = SOURCES[country]["national_total"]
        s = sum(known)
        print(f"{country}: {len(vals)} regions, {len(known)} with population, "
              f"sum {s:,} vs national total {total:,} "
              f"({s - total:+,}; {100 * s / total:.2f}%) "
              f"[{SOURCES[country]['reference_date']}]")


if __name__ == "__main__":
    main()
