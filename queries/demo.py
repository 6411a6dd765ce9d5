"""The deterministic demo dataset: RO, BG, RS and KZ, 2015–2024, on the real level-1 regions.

Everything is drawn from numpy generators seeded by (seed, part name), so the same seed gives the
same rows on every engine and every run. Rows obey the data contract, so `civmon export` followed
by `civmon import` into an empty database reproduces them. Generation is vectorised and rows are
written in bulk (executemany on SQLite, COPY on PostgreSQL) inside one transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pycountry
import sqlalchemy as sa

from . import schema as t
from . import summary
from .db import Database
from .vocabulary import DOMAINS

SEED = 20261122
YEARS = tuple(range(2015, 2025))  # years with a shipped RON rate, so the default view has euro amounts
LAST_DAY = np.datetime64("2024-12-31")
IMPORTED_AT = dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc)
GRANT_CHUNK = 200_000
COUNTRIES = ("RO", "BG", "RS", "KZ")
FACT_TABLES = (t.authorities, t.liaison_officers, t.grants, t.consultations, t.trainings)


@dataclass(frozen=True)
class Scale:
    grants: int
    consultations: int
    trainings: int


SCALES = {
    "demo": Scale(grants=60_000, consultations=15_000, trainings=4_000),
    "national": Scale(grants=1_050_000, consultations=210_000, trainings=105_000),
}

# --- reference rows created when `civmon init` has not loaded them ------------------------------

CURRENCIES = (("RO", "RON", 2005, None), ("BG", "BGN", 1999, 2025), ("BG", "EUR", 2026, None),
              ("RS", "RSD", 2006, None), ("KZ", "KZT", 1993, None))
RANK_REQUIREMENTS = (("KZ", "central", 4), ("KZ", "regional", 4), ("KZ", "regional_department", 2),
                     ("KZ", "district", 2))
CONSULTATION_RULES = (("RO", 10), ("BG", 30))
# Goals the offices' own texts set (country, indicator, level or None for every level, value, source)
TARGETS = (
    ("KZ", "coverage_pct", None, 100.0, "2018 methodological recommendations on interaction with NGOs"),
    ("KZ", "compliance_pct", None, 100.0, "2018 methodological recommendations on interaction with NGOs"),
    ("RO", "coverage_pct", None, 100.0, "Law 52/2003, art. 4: a person responsible for relations with civil society"),
    ("RO", "on_time_pct", None, 100.0, "Law 52/2003, art. 7: at least 10 days for comments"),
    ("BG", "on_time_pct", None, 100.0, "Law on Normative Acts, art. 26: 30 days for comments"),
    ("RS", "cso_share_pct", None, 30.0, "Office for Cooperation with Civil Society, annual training plan"),
)

# --- level-1 regions: population (census 2021/2022, KZ 2023) -------------------------------------

POPULATION = {
    "RO-AB": 325941, "RO-AG": 569932, "RO-AR": 410143, "RO-B": 1716961, "RO-BC": 601387,
    "RO-BH": 551297, "RO-BN": 295988, "RO-BR": 281452, "RO-BT": 392821, "RO-BV": 546615,
    "RO-BZ": 404979, "RO-CJ": 679141, "RO-CL": 283458, "RO-CS": 246588, "RO-CT": 655997,
    "RO-CV": 200042, "RO-DB": 479404, "RO-DJ": 599442, "RO-GJ": 314684, "RO-GL": 496892,
    "RO-GR": 262066, "RO-HD": 361657, "RO-HR": 291950, "RO-IF": 542686, "RO-IL": 250816,
    "RO-IS": 760774, "RO-MH": 234339, "RO-MM": 452475, "RO-MS": 518193, "RO-NT": 454203,
    "RO-OT": 389329, "RO-PH": 696874, "RO-SB": 388325, "RO-SJ": 212224, "RO-SM": 329079,
    "RO-SV": 642551, "RO-TL": 193355, "RO-TM": 650533, "RO-TR": 323375, "RO-VL": 341861,
    "RO-VN": 335312, "RO-VS": 374700,
    "BG-01": 292227, "BG-02": 380286, "BG-03": 432198, "BG-04": 207371, "BG-05": 75408,
    "BG-06": 152813, "BG-07": 98387, "BG-08": 150146, "BG-09": 141177, "BG-10": 111736,
    "BG-11": 116394, "BG-12": 119950, "BG-13": 229814, "BG-14": 114162, "BG-15": 226120,
    "BG-16": 634497, "BG-17": 103223, "BG-18": 193483, "BG-19": 97770, "BG-20": 172690,
    "BG-21": 96284, "BG-22": 1274290, "BG-23": 231989, "BG-24": 296507, "BG-25": 98144,
    "BG-26": 211565, "BG-27": 151465, "BG-28": 109693,
    "RS-00": 1681405, "RS-01": 160163, "RS-02": 157711, "RS-03": 117896, "RS-04": 260244,
    "RS-05": 154491, "RS-06": 607178, "RS-07": 282547, "RS-08": 265377, "RS-09": 154497,
    "RS-10": 175573, "RS-11": 156367, "RS-12": 269728, "RS-13": 182047, "RS-14": 101100,
    "RS-15": 96715, "RS-16": 254659, "RS-17": 189281, "RS-18": 296532, "RS-19": 207197,
    "RS-20": 343950, "RS-21": 77341, "RS-22": 76700, "RS-23": 184502, "RS-24": 193802,
    "KZ-10": 607000, "KZ-11": 786000, "KZ-15": 926000, "KZ-19": 1531167, "KZ-23": 695000,
    "KZ-27": 690000, "KZ-31": 1222593, "KZ-33": 697000, "KZ-35": 1135351, "KZ-39": 830000,
    "KZ-43": 830000, "KZ-47": 775000, "KZ-55": 752000, "KZ-59": 535000, "KZ-61": 2142171,
    "KZ-62": 221000, "KZ-63": 727000, "KZ-71": 1430105, "KZ-75": 2228675, "KZ-79": 1222066,
}

# --- level-2 regions: real places (seat first), then generated ones up to the real count --------

RO_UAT_COUNT = {
    "RO-AB": 78, "RO-AG": 102, "RO-AR": 78, "RO-B": 6, "RO-BC": 93, "RO-BH": 101, "RO-BN": 62,
    "RO-BR": 44, "RO-BT": 78, "RO-BV": 58, "RO-BZ": 87, "RO-CJ": 81, "RO-CL": 55, "RO-CS": 77,
    "RO-CT": 70, "RO-CV": 45, "RO-DB": 89, "RO-DJ": 111, "RO-GJ": 70, "RO-GL": 65, "RO-GR": 54,
    "RO-HD": 69, "RO-HR": 67, "RO-IF": 40, "RO-IL": 66, "RO-IS": 98, "RO-MH": 66, "RO-MM": 76,
    "RO-MS": 102, "RO-NT": 83, "RO-OT": 112, "RO-PH": 104, "RO-SB": 64, "RO-SJ": 61, "RO-SM": 65,
    "RO-SV": 114, "RO-TL": 51, "RO-TM": 99, "RO-TR": 97, "RO-VL": 89, "RO-VN": 73, "RO-VS": 86,
}

RO_TOWNS = {
    "RO-AB": "Alba Iulia|Aiud|Blaj|Sebeș|Cugir|Ocna Mureș|Câmpeni|Zlatna|Abrud|Teiuș",
    "RO-AG": "Pitești|Câmpulung|Curtea de Argeș|Mioveni|Costești|Topoloveni|Ștefănești",
    "RO-AR": "Arad|Lipova|Ineu|Chișineu-Criș|Pecica|Curtici|Nădlac|Sebiș|Pâncota",
    "RO-B": "Sectorul 1|Sectorul 2|Sectorul 3|Sectorul 4|Sectorul 5|Sectorul 6",
    "RO-BC": "Bacău|Onești|Moinești|Comănești|Buhuși|Dărmănești|Târgu Ocna|Slănic-Moldova",
    "RO-BH": "Oradea|Salonta|Marghita|Beiuș|Aleșd|Valea lui Mihai|Ștei",
    "RO-BN": "Bistrița|Beclean|Năsăud|Sângeorz-Băi",
    "RO-BR": "Brăila|Ianca|Însurăței|Făurei",
    "RO-BT": "Botoșani|Dorohoi|Darabani|Flămânzi|Săveni|Bucecea",
    "RO-BV": "Brașov|Făgăraș|Săcele|Codlea|Zărnești|Râșnov|Rupea|Predeal|Ghimbav|Victoria",
    "RO-BZ": "Buzău|Râmnicu Sărat|Nehoiu|Pogoanele|Pătârlagele",
    "RO-CJ": "Cluj-Napoca|Turda|Dej|Câmpia Turzii|Gherla|Huedin",
    "RO-CL": "Călărași|Oltenița|Budești|Fundulea|Lehliu Gară",
    "RO-CS": "Reșița|Caransebeș|Oravița|Moldova Nouă|Bocșa|Anina|Oțelu Roșu|Băile Herculane",
    "RO-CT": "Constanța|Mangalia|Medgidia|Năvodari|Cernavodă|Ovidiu|Eforie|Techirghiol|Murfatlar|"
             "Hârșova|Negru Vodă|Băneasa",
    "RO-CV": "Sfântu Gheorghe|Târgu Secuiesc|Covasna|Baraolt|Întorsura Buzăului",
    "RO-DB": "Târgoviște|Moreni|Pucioasa|Găești|Titu|Fieni|Răcari",
    "RO-DJ": "Craiova|Băilești|Calafat|Filiași|Segarcea|Dăbuleni|Bechet",
    "RO-GJ": "Târgu Jiu|Motru|Rovinari|Bumbești-Jiu|Novaci|Târgu Cărbunești|Țicleni|Tismana|Turceni",
    "RO-GL": "Galați|Tecuci|Târgu Bujor|Berești",
    "RO-GR": "Giurgiu|Bolintin-Vale|Mihăilești",
    "RO-HD": "Deva|Hunedoara|Petroșani|Orăștie|Brad|Vulcan|Lupeni|Petrila|Hațeg|Simeria|Călan|"
             "Uricani|Aninoasa|Geoagiu",
    "RO-HR": "Miercurea Ciuc|Odorheiu Secuiesc|Gheorgheni|Toplița|Cristuru Secuiesc|Bălan|Vlăhița|"
             "Borsec|Băile Tușnad",
    "RO-IF": "Buftea|Voluntari|Pantelimon|Popești-Leordeni|Bragadiru|Chitila|Otopeni|Măgurele",
    "RO-IL": "Slobozia|Fetești|Urziceni|Țăndărei|Amara|Fierbinți-Târg|Căzănești",
    "RO-IS": "Iași|Pașcani|Hârlău|Târgu Frumos|Podu Iloaiei",
    "RO-MH": "Drobeta-Turnu Severin|Orșova|Strehaia|Vânju Mare|Baia de Aramă",
    "RO-MM": "Baia Mare|Sighetu Marmației|Borșa|Vișeu de Sus|Târgu Lăpuș|Seini|Baia Sprie|Cavnic|"
             "Șomcuta Mare|Ulmeni|Dragomirești|Săliștea de Sus|Tăuții-Măgherăuș",
    "RO-MS": "Târgu Mureș|Reghin|Sighișoara|Târnăveni|Luduș|Iernut|Sovata|Sângeorgiu de Pădure|"
             "Miercurea Nirajului|Sărmașu|Ungheni",
    "RO-NT": "Piatra Neamț|Roman|Târgu Neamț|Bicaz|Roznov",
    "RO-OT": "Slatina|Caracal|Balș|Corabia|Scornicești|Drăgănești-Olt|Piatra-Olt|Potcoava",
    "RO-PH": "Ploiești|Câmpina|Băicoi|Breaza|Bușteni|Comarnic|Mizil|Sinaia|Vălenii de Munte|Azuga|"
             "Boldești-Scăeni|Plopeni|Slănic|Urlați",
    "RO-SB": "Sibiu|Mediaș|Cisnădie|Avrig|Agnita|Dumbrăveni|Tălmaciu|Copșa Mică|Săliște|"
             "Ocna Sibiului|Miercurea Sibiului",
    "RO-SJ": "Zalău|Șimleu Silvaniei|Jibou|Cehu Silvaniei",
    "RO-SM": "Satu Mare|Carei|Negrești-Oaș|Tășnad|Ardud|Livada",
    "RO-SV": "Suceava|Fălticeni|Rădăuți|Câmpulung Moldovenesc|Vatra Dornei|Gura Humorului|Siret|"
             "Vicovu de Sus|Solca|Cajvana|Dolhasca|Frasin|Liteni|Milișăuți|Salcea|Broșteni",
    "RO-TL": "Tulcea|Babadag|Isaccea|Măcin|Sulina",
    "RO-TM": "Timișoara|Lugoj|Sânnicolau Mare|Jimbolia|Buziaș|Deta|Făget|Gătaia|Recaș|Ciacova",
    "RO-TR": "Alexandria|Roșiorii de Vede|Turnu Măgurele|Zimnicea|Videle",
    "RO-VL": "Râmnicu Vâlcea|Drăgășani|Băbeni|Călimănești|Horezu|Brezoi|Bălcești|Berbești|"
             "Băile Govora|Băile Olănești|Ocnele Mari",
    "RO-VN": "Focșani|Adjud|Mărășești|Panciu|Odobești",
    "RO-VS": "Vaslui|Bârlad|Huși|Negrești|Murgeni",
}

BG_MUNICIPALITIES = {
    "BG-01": "Blagoevgrad|Bansko|Belitsa|Gotse Delchev|Garmen|Kresna|Petrich|Razlog|Sandanski|"
             "Satovcha|Simitli|Strumyani|Hadzhidimovo|Yakoruda",
    "BG-02": "Burgas|Aytos|Kameno|Karnobat|Malko Tarnovo|Nesebar|Pomorie|Primorsko|Ruen|Sozopol|"
             "Sredets|Sungurlare|Tsarevo",
    "BG-03": "Varna|Avren|Aksakovo|Beloslav|Byala|Vetrino|Valchi Dol|Devnya|Dolni Chiflik|"
             "Dalgopol|Provadia|Suvorovo",
    "BG-04": "Veliko Tarnovo|Gorna Oryahovitsa|Svishtov|Pavlikeni|Polski Trambesh|Elena|Lyaskovets|"
             "Strazhitsa|Suhindol|Zlataritsa",
    "BG-05": "Vidin|Belogradchik|Boynitsa|Bregovo|Gramada|Dimovo|Kula|Makresh|Novo Selo|Ruzhintsi|"
             "Chuprene",
    "BG-06": "Vratsa|Mezdra|Kozloduy|Byala Slatina|Oryahovo|Roman|Krivodol|Borovan|Hayredin|Mizia",
    "BG-07": "Gabrovo|Dryanovo|Sevlievo|Tryavna",
    "BG-08": "Dobrich|Dobrichka|Balchik|Kavarna|General Toshevo|Tervel|Krushari|Shabla",
    "BG-09": "Kardzhali|Momchilgrad|Krumovgrad|Kirkovo|Ardino|Dzhebel|Chernoochene",
    "BG-10": "Kyustendil|Dupnitsa|Bobov Dol|Boboshevo|Kocherinovo|Nevestino|Rila|Sapareva Banya|"
             "Treklyano",
    "BG-11": "Lovech|Troyan|Teteven|Lukovit|Letnitsa|Ugarchin|Yablanitsa|Apriltsi",
    "BG-12": "Montana|Lom|Berkovitsa|Varshets|Chiprovtsi|Boychinovtsi|Brusartsi|Valchedram|"
             "Georgi Damyanovo|Medkovets|Yakimovo",
    "BG-13": "Pazardzhik|Velingrad|Panagyurishte|Peshtera|Batak|Belovo|Bratsigovo|Lesichovo|"
             "Rakitovo|Septemvri|Strelcha|Sarnitsa",
    "BG-14": "Pernik|Radomir|Breznik|Tran|Zemen|Kovachevtsi",
    "BG-15": "Pleven|Levski|Nikopol|Belene|Cherven Bryag|Dolni Dabnik|Dolna Mitropolia|Gulyantsi|"
             "Iskar|Knezha|Pordim",
    "BG-16": "Plovdiv|Asenovgrad|Karlovo|Brezovo|Kaloyanovo|Krichim|Kuklen|Laki|Maritsa|Perushtitsa|"
             "Parvomay|Rakovski|Rodopi|Sadovo|Sopot|Stamboliyski|Saedinenie|Hisarya",
    "BG-17": "Razgrad|Isperih|Kubrat|Zavet|Loznitsa|Samuil|Tsar Kaloyan",
    "BG-18": "Ruse|Borovo|Byala|Vetovo|Dve Mogili|Ivanovo|Slivo Pole|Tsenovo",
    "BG-19": "Silistra|Tutrakan|Dulovo|Alfatar|Glavinitsa|Kaynardzha|Sitovo",
    "BG-20": "Sliven|Nova Zagora|Kotel|Tvarditsa",
    "BG-21": "Smolyan|Chepelare|Devin|Madan|Zlatograd|Rudozem|Banite|Borino|Dospat|Nedelino",
    "BG-22": "Stolichna",
    "BG-23": "Botevgrad|Samokov|Ihtiman|Elin Pelin|Kostinbrod|Svoge|Slivnitsa|Etropole|Pirdop|"
             "Zlatitsa|Dragoman|Gorna Malina|Godech|Dolna Banya|Kostenets|Koprivshtitsa|Mirkovo|"
             "Pravets|Anton|Chavdar|Chelopech|Bozhurishte",
    "BG-24": "Stara Zagora|Kazanlak|Chirpan|Radnevo|Galabovo|Pavel Banya|Gurkovo|Maglizh|Nikolaevo|"
             "Bratya Daskalovi|Opan",
    "BG-25": "Targovishte|Popovo|Omurtag|Antonovo|Opaka",
    "BG-26": "Haskovo|Dimitrovgrad|Harmanli|Svilengrad|Lyubimets|Ivaylovgrad|Madzharovo|"
             "Mineralni Bani|Simeonovgrad|Stambolovo|Topolovgrad",
    "BG-27": "Shumen|Novi Pazar|Veliki Preslav|Kaolinovo|Kaspichan|Nikola Kozlevo|Smyadovo|Hitrino|"
             "Varbitsa|Venets",
    "BG-28": "Yambol|Tundzha|Elhovo|Straldzha|Bolyarovo",
}

RS_MUNICIPALITIES = {
    "RS-00": "Barajevo|Voždovac|Vračar|Grocka|Zvezdara|Zemun|Lazarevac|Mladenovac|Novi Beograd|"
             "Obrenovac|Palilula|Rakovica|Savski Venac|Sopot|Stari Grad|Surčin|Čukarica",
    "RS-01": "Subotica|Bačka Topola|Mali Iđoš",
    "RS-02": "Zrenjanin|Novi Bečej|Žitište|Nova Crnja|Sečanj",
    "RS-03": "Kikinda|Senta|Ada|Kanjiža|Novi Kneževac|Čoka",
    "RS-04": "Pančevo|Vršac|Alibunar|Bela Crkva|Kovačica|Kovin|Opovo|Plandište",
    "RS-05": "Sombor|Apatin|Kula|Odžaci",
    "RS-06": "Novi Sad|Bač|Bačka Palanka|Bački Petrovac|Beočin|Bečej|Vrbas|Žabalj|Srbobran|"
             "Sremski Karlovci|Temerin|Titel",
    "RS-07": "Sremska Mitrovica|Inđija|Irig|Pećinci|Ruma|Stara Pazova|Šid",
    "RS-08": "Šabac|Loznica|Bogatić|Vladimirci|Koceljeva|Krupanj|Ljubovija|Mali Zvornik",
    "RS-09": "Valjevo|Lajkovac|Ljig|Mionica|Osečina|Ub",
    "RS-10": "Smederevo|Smederevska Palanka|Velika Plana",
    "RS-11": "Požarevac|Veliko Gradište|Golubac|Žabari|Žagubica|Kučevo|Malo Crniće|Petrovac na Mlavi",
    "RS-12": "Kragujevac|Aranđelovac|Batočina|Knić|Lapovo|Rača|Topola",
    "RS-13": "Jagodina|Ćuprija|Despotovac|Paraćin|Rekovac|Svilajnac",
    "RS-14": "Bor|Kladovo|Majdanpek|Negotin",
    "RS-15": "Zaječar|Boljevac|Knjaževac|Sokobanja",
    "RS-16": "Užice|Arilje|Bajina Bašta|Kosjerić|Nova Varoš|Požega|Priboj|Prijepolje|Sjenica|Čajetina",
    "RS-17": "Čačak|Gornji Milanovac|Ivanjica|Lučani",
    "RS-18": "Kraljevo|Novi Pazar|Raška|Vrnjačka Banja|Tutin",
    "RS-19": "Kruševac|Aleksandrovac|Brus|Varvarin|Trstenik|Ćićevac",
    "RS-20": "Niš|Aleksinac|Gadžin Han|Doljevac|Merošina|Ražanj|Svrljig",
    "RS-21": "Prokuplje|Blace|Žitorađa|Kuršumlija",
    "RS-22": "Pirot|Babušnica|Bela Palanka|Dimitrovgrad",
    "RS-23": "Leskovac|Bojnik|Vlasotince|Lebane|Medveđa|Crna Trava",
    "RS-24": "Vranje|Bosilegrad|Bujanovac|Vladičin Han|Preševo|Surdulica|Trgovište",
}
RS_CITIES = frozenset(
    "Subotica|Zrenjanin|Kikinda|Pančevo|Vršac|Sombor|Novi Sad|Sremska Mitrovica|Šabac|Loznica|"
    "Valjevo|Smederevo|Požarevac|Kragujevac|Jagodina|Bor|Zaječar|Užice|Čačak|Kraljevo|Novi Pazar|"
    "Kruševac|Niš|Prokuplje|Pirot|Leskovac|Vranje".split("|"))

# KZ: (cities of the oblast, seat first; number of districts). Cities of republican significance
# are divided into city districts instead.
KZ_OBLASTS = {
    "KZ-10": ("Semey|Kurchatov", 10), "KZ-11": ("Kokshetau|Stepnogorsk", 17),
    "KZ-15": ("Aktobe", 12), "KZ-19": ("Konaev", 9), "KZ-23": ("Atyrau", 7), "KZ-27": ("Oral", 12),
    "KZ-31": ("Taraz", 10), "KZ-33": ("Taldykorgan|Tekeli", 8),
    "KZ-35": ("Karaganda|Temirtau|Balkhash|Saran|Shakhtinsk|Priozersk", 7),
    "KZ-39": ("Kostanay|Rudny|Lisakovsk|Arkalyk", 16), "KZ-43": ("Kyzylorda", 7),
    "KZ-47": ("Aktau|Zhanaozen", 5), "KZ-55": ("Pavlodar|Ekibastuz|Aksu", 10),
    "KZ-59": ("Petropavl", 13), "KZ-61": ("Turkistan|Kentau|Arys", 13),
    "KZ-62": ("Zhezkazgan|Satpayev|Karazhal", 3), "KZ-63": ("Oskemen|Ridder", 9),
}
KZ_CITY_DISTRICTS = {
    "KZ-71": "Almaty|Baikonyr|Esil|Saryarka|Nura",
    "KZ-75": "Alatau|Almaly|Auezov|Bostandyk|Zhetysu|Medeu|Nauryzbai|Turksib",
    "KZ-79": "Abay|Al-Farabi|Enbekshi|Karatau|Turan",
}

# Word parts of generated place names: (first parts, second parts).
PLACE_PARTS = {
    "RO": ("Valea|Dealu|Poiana|Lunca|Izvoru|Cornu|Piatra|Fântâna|Vadu|Runcu|Pădureni|Brazi|Frasinu|"
           "Ulmeni|Livezile|Vârfu|Crucea|Sălcioara|Movila|Stejaru|Dumbrava|Rediu|Coasta|Gura|Valea Lungă|"
           "Plopu|Teiu|Bradu|Măgura|Nucet",
           "Mare|Mic|Nou|Vechi|de Sus|de Jos|Rece|Seacă|Lungă|Albă|Neagră|Frumoasă|Verde|Sărată|Românesc|Nouă"),
    "KZ": ("Ak|Kara|Sary|Kok|Zhana|Ulken|Kyzyl|Tas|Bes|Shu|Kos|Orta|Zhel|Koktal|Bayan|Ekpin",
           "su|tau|kol|bulak|arka|ozek|tobe|kum|say|kala|agash|shoky|terek|zhar|kent|ata"),
}
RURAL_OKRUGS = (3, 9)  # KZ: rural okrugs per district, drawn in this range

# --- authorities ---------------------------------------------------------------------------------

# (authority_id, name, weight as a grant funder, weight as a training organiser, parent_id)
CENTRAL = {
    "RO": (
        ("RO-GOV-SGG", "Secretariat General of the Government", 0.5, 3.0, None),
        ("RO-GOV-SSC", "State Secretariat for Religious Affairs", 2.0, 0.2, None),
        ("RO-GOV-DRP", "Department for Romanians Abroad", 1.0, 0.3, None),
        ("RO-GOV-DRI", "Department for Interethnic Relations", 0.8, 0.5, None),
        ("RO-MIN-MDLPA", "Ministry of Development, Public Works and Administration", 0.5, 2.0, None),
        ("RO-MIN-MMSS", "Ministry of Labour and Social Solidarity", 1.5, 0.8, None),
        ("RO-MIN-MEDU", "Ministry of Education", 0.8, 0.6, None),
        ("RO-MIN-MC", "Ministry of Culture", 1.5, 0.5, None),
        ("RO-MIN-MS", "Ministry of Health", 0.6, 0.3, None),
        ("RO-MIN-MMAP", "Ministry of Environment, Waters and Forests", 0.5, 0.4, None),
        ("RO-MIN-MTS", "Ministry of Sport", 1.5, 0.2, None),
        ("RO-MIN-MFTES", "Ministry of Family, Youth and Equal Opportunities", 1.0, 0.6, None),
        ("RO-MIN-MFIN", "Ministry of Finance", 0.1, 0.3, None),
        ("RO-MIN-MJ", "Ministry of Justice", 0.2, 0.2, None),
        ("RO-AG-ANPIS", "National Agency for Payments and Social Inspection", 0.6, 0.3, "RO-MIN-MMSS"),
    ),
    "BG": (
        ("BG-GOV-AMS", "Administration of the Council of Ministers", 0.3, 1.5, None),
        ("BG-GOV-CDCS", "Council for the Development of Civil Society", 0.5, 2.0, "BG-GOV-AMS"),
        ("BG-MIN-MLSP", "Ministry of Labour and Social Policy", 2.0, 0.8, None),
        ("BG-MIN-MC", "Ministry of Culture", 3.0, 0.5, None),
        ("BG-MIN-MYS", "Ministry of Youth and Sports", 2.0, 0.6, None),
        ("BG-MIN-MES", "Ministry of Education and Science", 0.8, 0.6, None),
        ("BG-MIN-MH", "Ministry of Health", 0.5, 0.3, None),
        ("BG-MIN-MOEW", "Ministry of Environment and Water", 0.5, 0.4, None),
        ("BG-MIN-MRDPW", "Ministry of Regional Development and Public Works", 0.3, 0.8, None),
        ("BG-MIN-MF", "Ministry of Finance", 0.1, 0.3, None),
        ("BG-MIN-MJ", "Ministry of Justice", 0.2, 0.2, None),
        ("BG-AG-ASA", "Social Assistance Agency", 1.0, 0.3, "BG-MIN-MLSP"),
        ("BG-FND-NCF", "National Culture Fund", 1.0, 0.2, "BG-MIN-MC"),
    ),
    "RS": (
        ("RS-GOV-OCD", "Office for Cooperation with Civil Society", 1.0, 5.0, None),
        ("RS-MIN-MDULS", "Ministry of Public Administration and Local Self-Government", 0.5, 2.0, None),
        ("RS-MIN-MLJMP", "Ministry of Human and Minority Rights and Social Dialogue", 1.0, 1.0, None),
        ("RS-MIN-MK", "Ministry of Culture", 2.0, 0.4, None),
        ("RS-MIN-MOS", "Ministry of Tourism and Youth", 1.5, 0.8, None),
        ("RS-MIN-MSP", "Ministry of Sport", 2.0, 0.2, None),
        ("RS-MIN-MINRZS", "Ministry of Labour, Employment, Veteran and Social Affairs", 2.0, 0.5, None),
        ("RS-MIN-MPN", "Ministry of Education", 0.7, 0.5, None),
        ("RS-MIN-MZ", "Ministry of Health", 0.7, 0.3, None),
        ("RS-MIN-MZZS", "Ministry of Environmental Protection", 0.7, 0.4, None),
        ("RS-MIN-MEI", "Ministry of European Integration", 0.5, 1.0, None),
        ("RS-MIN-MF", "Ministry of Finance", 0.1, 0.2, None),
        ("RS-GOV-KIM", "Office for Kosovo and Metohija", 0.8, 0.1, None),
        ("RS-GOV-UZLJ", "Office for Human and Minority Rights", 0.5, 0.6, None),
    ),
    "KZ": (
        ("KZ-MIN-MCI", "Ministry of Culture and Information", 2.0, 3.0, None),
        ("KZ-GOV-CCSA", "Committee for Civil Society Affairs", 1.0, 3.0, "KZ-MIN-MCI"),
        ("KZ-GOV-CSCI", "Centre for Support of Civil Initiatives (NGO grant operator)", 3.0, 2.0,
         "KZ-MIN-MCI"),
        ("KZ-MIN-MLSP", "Ministry of Labour and Social Protection of the Population", 1.0, 0.5, None),
        ("KZ-MIN-MEDU", "Ministry of Education", 0.5, 0.5, None),
        ("KZ-MIN-MSHE", "Ministry of Science and Higher Education", 0.3, 0.2, None),
        ("KZ-MIN-MH", "Ministry of Health", 0.5, 0.3, None),
        ("KZ-MIN-MENR", "Ministry of Ecology and Natural Resources", 0.5, 0.3, None),
        ("KZ-MIN-MTS", "Ministry of Tourism and Sport", 0.5, 0.2, None),
        ("KZ-MIN-MDD", "Ministry of Digital Development, Innovation and Aerospace Industry", 0.2, 0.8,
         None),
        ("KZ-MIN-MNE", "Ministry of National Economy", 0.1, 0.2, None),
        ("KZ-MIN-MF", "Ministry of Finance", 0.1, 0.2, None),
        ("KZ-MIN-MJ", "Ministry of Justice", 0.1, 0.2, None),
        ("KZ-MIN-MA", "Ministry of Agriculture", 0.1, 0.1, None),
        ("KZ-MIN-MIA", "Ministry of Internal Affairs", 0.1, 0.1, None),
    ),
}

# Departments of KZ oblast akimats: (id suffix, name, weight as a grant funder).
KZ_DEPARTMENTS = (
    ("DIP", "Department of Internal Policy", 6.0), ("DYP", "Department of Youth Policy", 2.0),
    ("DSP", "Department of Employment and Social Programmes", 2.0),
    ("DCA", "Department of Culture, Archives and Documentation", 1.0),
    ("DPS", "Department of Physical Culture and Sport", 1.0), ("DHE", "Department of Health", 1.0),
    ("DED", "Department of Education", 1.0),
    ("DNR", "Department of Natural Resources and Environmental Management", 0.5),
    ("DRA", "Department of Religious Affairs", 0.3), ("DFI", "Department of Finance", 0.1),
    ("DEB", "Department of Economy and Budget Planning", 0.1),
    ("DEI", "Department of Entrepreneurship and Industry", 0.2), ("DTO", "Department of Tourism", 0.2),
    ("DAG", "Department of Agriculture", 0.1),
)
RO_DGASPC_SHARE = 0.25  # share of RO counties whose child-protection directorate is listed

# Authority role → (level, name template, weight as a consultation publisher).
ROLES = {
    "central": ("central", "{name}", 40.0),
    "regional": ("regional", "{name}", 15.0),
    "regional_department": ("regional_department", "{name}", 5.0),
    "district": ("district", "Akimat of {name}", 6.0),
    "seat": ("local", "Primăria Municipiului {name}", 10.0),
    "town": ("local", "Primăria Orașului {name}", 4.0),
    "commune": ("local", "Primăria Comunei {name}", 1.0),
    "sector": ("local", "Primăria {name}", 6.0),
    "bg_municipality": ("local", "Obshtina {name}", 3.0),
    "rs_city": ("local", "Grad {name}", 5.0),
    "rs_municipality": ("local", "Opština {name}", 2.0),
    "rs_city_municipality": ("local", "Gradska opština {name}", 2.0),
    "rural": ("local", "Akimat of {name}", 0.5),
}
# Share of each role's authorities that publish consultations (the others never do).
PUBLISHING_SHARE = {"commune": 0.55, "rural": 0.1}
LEVEL_ORDER = ("central", "regional", "regional_department", "district", "local")

REGIONAL_NAME = {
    "RO": "Consiliul Județean {name}", "BG": "Oblastna administratsia {name}",
    "RS": "{name} (upravni okrug)", "KZ": "Akimat of {name}",
}
REGIONAL_ID = {"RO": "{code}-{short}C", "BG": "{code}-RA", "RS": "{code}-UO", "KZ": "{code}-AKM"}
REGIONAL_SPECIAL = {"RO-B": ("RO-B-CGMB", "Consiliul General al Municipiului București"),
                    "RS-00": ("RS-00-GB", "Grad Beograd")}

# --- liaison officers ----------------------------------------------------------------------------

# P(an authority ever designated an officer), by country and level (role overrides level).
OFFICER_P = {
    "RO": {"central": 0.93, "regional": 0.9, "regional_department": 0.7, "local": 0.7,
           "commune": 0.5, "seat": 0.95},
    "BG": {"central": 0.85, "regional": 0.93, "local": 0.62},
    "RS": {"central": 0.9, "regional": 0.45, "local": 0.6, "rs_city": 0.8},
    "KZ": {"central": 0.97, "regional": 1.0, "regional_department": 0.9, "district": 0.92,
           "local": 0.55},
}
RANKS = (1, 2, 3, 4, 5, 6, 7)
# P(position_rank), by level; KZ has its own (its rank rules are often not met below oblast level).
RANK_P = {
    "central": (0.0, 0.05, 0.3, 0.2, 0.3, 0.15, 0.0),
    "regional": (0.0, 0.05, 0.25, 0.2, 0.3, 0.2, 0.0),
    "regional_department": (0.02, 0.08, 0.3, 0.2, 0.25, 0.15, 0.0),
    "district": (0.03, 0.1, 0.25, 0.2, 0.25, 0.17, 0.0),
    "local": (0.05, 0.1, 0.1, 0.1, 0.2, 0.3, 0.15),
}
RANK_P_KZ = {
    "central": (0.0, 0.15, 0.4, 0.27, 0.13, 0.05, 0.0),
    "regional": (0.0, 0.2, 0.3, 0.25, 0.2, 0.05, 0.0),
    "regional_department": (0.05, 0.4, 0.3, 0.15, 0.1, 0.0, 0.0),
    "district": (0.03, 0.35, 0.3, 0.12, 0.15, 0.05, 0.0),
    "local": (0.15, 0.15, 0.0, 0.0, 0.3, 0.3, 0.1),
}
POSITIONS = {1: "Head of the body", 2: "Deputy head", 3: "Director, {dept}",
             4: "Deputy director, {dept}", 5: "Head of unit, {unit}", 6: "Senior specialist, {unit}",
             7: "Specialist, {unit}"}
DEPARTMENT = {"RO": ("Public Relations Directorate", "Civil Society Relations"),
              "BG": ("Administrative Services Directorate", "Public Relations"),
              "RS": ("Department for General Affairs", "Cooperation with Civil Society"),
              "KZ": ("Internal Policy Department", "Civil Society Relations")}
TENURE_YEARS = 5.5
SUCCESSOR_P = {"RO": 0.85, "BG": 0.85, "RS": 0.8, "KZ": 0.96}  # P(a successor is appointed)
SECOND_OFFICER_P, DEC31_P, CHAIN = 0.1, 0.15, 6

# (male given names, female given names, surnames in male form, female surname suffix)
PEOPLE = {
    "RO": ("Andrei|Alexandru|Mihai|Ion|Gheorghe|Florin|Adrian|Daniel|Marius|Cristian|Bogdan|Radu|Vlad|"
           "Ștefan|Sorin|Dan|Cătălin|Ionuț|Constantin|Vasile",
           "Maria|Elena|Ana|Ioana|Andreea|Mihaela|Cristina|Alina|Daniela|Gabriela|Raluca|Irina|Simona|"
           "Roxana|Carmen|Laura|Diana|Adriana|Monica|Oana",
           "Popescu|Ionescu|Pop|Popa|Dumitru|Stan|Stoica|Gheorghe|Matei|Ciobanu|Rusu|Munteanu|"
           "Constantin|Marin|Lazăr|Florea|Dinu|Tudor|Moldovan|Toma|Barbu|Nistor|Sima|Ene|Cojocaru|"
           "Mocanu|Preda|Lungu|Vasile|Dobre", ""),
    "BG": ("Georgi|Ivan|Dimitar|Nikolay|Petar|Hristo|Stoyan|Todor|Vasil|Krasimir|Plamen|Stefan|Martin|"
           "Aleksandar|Yordan",
           "Maria|Ivanka|Elena|Desislava|Petya|Gergana|Radka|Snezhana|Tsvetelina|Milena|Yana|Silvia|"
           "Kalina|Teodora|Nadezhda",
           "Ivanov|Georgiev|Dimitrov|Petrov|Nikolov|Hristov|Stoyanov|Todorov|Iliev|Vasilev|Atanasov|"
           "Petkov|Angelov|Kolev|Yordanov|Marinov|Popov|Stefanov|Mihaylov|Kostov", "a"),
    "RS": ("Marko|Nikola|Stefan|Miloš|Dragan|Zoran|Nenad|Milan|Aleksandar|Dejan|Ivan|Goran|Vladimir|"
           "Jovan|Luka",
           "Jelena|Marija|Milica|Ana|Ivana|Jovana|Snežana|Dragana|Tamara|Maja|Vesna|Gordana|Sanja|"
           "Biljana|Katarina",
           "Jovanović|Petrović|Nikolić|Marković|Đorđević|Stojanović|Ilić|Stanković|Pavlović|"
           "Milošević|Popović|Đurić|Kostić|Savić|Todorović|Mitrović|Živković|Lazić|Ristić|Babić", ""),
    "KZ": ("Nurlan|Yerlan|Askar|Daniyar|Bauyrzhan|Serik|Marat|Arman|Yerzhan|Timur|Almas|Dauren|Aidos|"
           "Kairat|Ruslan",
           "Aigerim|Gulnara|Dinara|Saule|Aliya|Madina|Zhanar|Ainur|Assel|Gaukhar|Aizhan|Dana|Kamila|"
           "Lyazzat|Symbat",
           "Akhmetov|Omarov|Zhakupov|Iskakov|Abenov|Suleimenov|Karimov|Bekov|Sadykov|Nurpeisov|Ermekov|"
           "Baimukhanov|Kassymov|Zhunusov|Amanov|Tulegenov|Mukanov|Ibraev|Sarsenov|Nurlanov", "a"),
}

# --- grants --------------------------------------------------------------------------------------

# Per country: share of grants, rough units per EUR in 2016 and yearly drift, amount factor,
# P(competitive), funder-level mix (central, regional, regional_department, district, local),
# domain mix (order of contract.DOMAINS).
GRANT_COUNTRY = {
    "RO": dict(share=0.52, rate=4.49, drift=0.01, factor=1.0, competitive=0.7,
               funders=(0.15, 0.2, 0.03, 0.0, 0.62),
               domains=(0.18, 0.17, 0.22, 0.08, 0.07, 0.03, 0.04, 0.03, 0.13, 0.05)),
    "BG": dict(share=0.13, rate=1.95583, drift=0.0, factor=0.8, competitive=0.6,
               funders=(0.32, 0.08, 0.0, 0.0, 0.6),
               domains=(0.15, 0.3, 0.18, 0.08, 0.08, 0.04, 0.05, 0.04, 0.03, 0.05)),
    "RS": dict(share=0.17, rate=123.1, drift=-0.005, factor=0.8, competitive=0.62,
               funders=(0.25, 0.07, 0.0, 0.0, 0.68),
               domains=(0.15, 0.18, 0.25, 0.07, 0.08, 0.04, 0.05, 0.05, 0.08, 0.05)),
    "KZ": dict(share=0.18, rate=381.0, drift=0.04, factor=1.2, competitive=0.85,
               funders=(0.2, 0.05, 0.45, 0.25, 0.05),
               domains=(0.27, 0.1, 0.06, 0.1, 0.15, 0.07, 0.08, 0.12, 0.0, 0.05)),
}
MEDIAN_EUR = {"central": 12000, "regional": 6000, "regional_department": 9000, "district": 4000,
              "local": 2500}
AMOUNT_SIGMA, AMOUNT_GROWTH, DIRECT_FACTOR, MIN_AMOUNT = 1.0, 0.04, 0.75, 100.0
LEVEL1_REGION_P = {"central": 0.8, "regional": 0.75, "regional_department": 0.7, "district": 0.15,
                   "local": 0.15}  # P(grant region_code is the level-1 region)
NGO_POOL = (150, 400)
NGO_WITH_ID = 0.9
NGO_ZIPF = 0.8
NGO_OWN_DOMAIN_P = 0.85
AWARD_DATE_MISSING = 0.05

NGO_WORDS = {
    "RO": "Speranța|Solidaritate|Orizont|Lumina|Impreună|Casa Soarelui|Pro Vita|Floare de Colț|"
          "Viitorul|Izvor|Aripi|Curcubeu|Prietenii|Dor|Punți|Comunitatea|Renașterea|Alternative|"
          "Cuvântul|Ajutor|Pas cu Pas|Inimă|Făclia|Deschidere|Tradiții|Mâini Întinse",
    "BG": "Nadezhda|Svetlina|Prosveta|Badeshte|Zaedno|Obshtnost|Razvitie|Iskra|Dobrota|Rodina|Vazrazhdane|"
          "Harmonia|Zora|Most|Nov Pat|Otvoreni Vrati|Ednakvi|Obich|Tradicia|Bratstvo|Mladost|Sabornost",
    "RS": "Nada|Svetlost|Budućnost|Zajedno|Most|Korak|Iskra|Duga|Sunce|Prijatelji|Otvorena Vrata|"
          "Tradicija|Zajednica|Razvoj|Solidarnost|Srce|Mladost|Oaza|Snaga|Vidik|Ruka Ruci|Izvor",
    "KZ": "Umit|Zhardem|Bolashak|Nur|Kamkor|Dostar|Birlik|Zhas Orken|Samruk|Yntymak|Arman|Shapagat|"
          "Meyirim|Kemel|Ozat|Sana|Zhol|Qadam|Aqniet|Tagylym|Daryn|Zhuldyz",
}
NGO_FORMS = {  # per country: {domain: template}; "*" is the default
    "RO": {"*": "Asociația {w}", "sport": "Clubul Sportiv {w} {p}", "religious": "Parohia Ortodoxă {p} {w}",
           "culture": "Asociația Culturală {w} {p}", "youth": "Asociația Tinerilor {w} {p}",
           "education": "Fundația {w}", "environment": "Asociația Ecologică {w}",
           "civic": "Asociația Civică {w} {p}", "health": "Asociația {w} pentru Sănătate"},
    "BG": {"*": "Sdruzhenie {w}", "culture": "Narodno chitalishte {w} {p}", "sport": "Sporten klub {w} {p}",
           "religious": "Tsarkovno nastoyatelstvo {p} {w}", "youth": "Mladezhko sdruzhenie {w}",
           "education": "Fondatsia {w}", "environment": "Ekologichno sdruzhenie {w}",
           "civic": "Grazhdansko sdruzhenie {w} {p}"},
    "RS": {"*": "Udruženje građana {w}", "culture": "Kulturno-umetničko društvo {w} {p}",
           "sport": "Sportski klub {w} {p}", "religious": "Crkvena opština {p} {w}",
           "youth": "Omladinsko udruženje {w}", "education": "Fondacija {w}",
           "environment": "Ekološko udruženje {w}", "civic": "Građanska inicijativa {w} {p}"},
    "KZ": {"*": "Public Association {w}", "education": "Public Foundation {w}",
           "sport": "Sports Club {w} {p}", "youth": "Youth Association {w} {p}",
           "social": "Public Foundation {w} {p}", "civic": "Civic Alliance {w} {p}",
           "environment": "Ecological Society {w}", "culture": "Cultural Centre {w} {p}"},
}

# --- consultations -------------------------------------------------------------------------------

PERIODS = (5, 7, 10, 14, 15, 20, 21, 30, 45, 60)
CONSULTATION_COUNTRY = {  # P(period), P(debate), comment volume factor
    "RO": ((0.03, 0.05, 0.38, 0.06, 0.12, 0.08, 0.04, 0.18, 0.04, 0.02), 0.25, 1.0),
    "BG": ((0.03, 0.06, 0.04, 0.17, 0.02, 0.02, 0.02, 0.58, 0.04, 0.02), 0.22, 1.4),
    "RS": ((0.02, 0.05, 0.08, 0.05, 0.28, 0.25, 0.05, 0.18, 0.03, 0.01), 0.38, 0.8),
    "KZ": ((0.04, 0.1, 0.42, 0.08, 0.15, 0.06, 0.03, 0.08, 0.03, 0.01), 0.3, 1.6),
}
COMMENTS = {  # level → (mean comments when any, P(no comment))
    "central": (30.0, 0.15), "regional": (10.0, 0.3), "regional_department": (6.0, 0.4),
    "district": (5.0, 0.4), "local": (3.0, 0.5),
}
CONSULTATION_SUBJECTS = (
    "the annual budget", "local taxes and fees", "public transport", "waste management",
    "social services", "grants to non-profit organisations", "the urban development plan",
    "parking regulations", "public green spaces", "the youth strategy", "sports facilities",
    "cultural events", "water supply tariffs", "the school network", "public procurement rules",
    "civic participation", "cooperation with civil society", "access to public information",
    "animal welfare", "energy efficiency", "road maintenance", "tourism development",
    "the local development strategy", "public health programmes", "support for people with disabilities",
    "environmental protection", "volunteering", "digital public services", "the participatory budget",
    "housing support",
)
CONSULTATION_FORMS = {
    "central": ("Draft law on {s}", "Draft government decision on {s}", "Draft ministerial order on {s}",
                "Draft national strategy on {s}, {y}–{z}"),
    "regional": ("Draft decision on {s}", "Draft regional programme on {s}, {y}–{z}",
                 "Draft regulation on {s}"),
    "local": ("Draft local council decision on {s}", "Draft regulation on {s}",
              "Draft local programme on {s}, {y}–{z}"),
}
FORMS_OF_LEVEL = {"central": "central", "regional": "regional", "regional_department": "regional",
                  "district": "local", "local": "local"}
ADOPTED_P = 0.7

# --- trainings -----------------------------------------------------------------------------------

TOPICS = {
    "cooperation with CSOs": "Cooperation between public authorities and CSOs",
    "public consultation": "Organising public consultations on draft acts",
    "grant management": "Managing public grants for NGOs",
    "access to information": "Access to public information",
    "participatory budgeting": "Participatory budgeting in practice",
    "volunteering": "Volunteering and volunteer management",
    "EU funds": "EU funds for local partnerships",
    "digital participation": "Digital tools for civic participation",
}
TRAINING_SUFFIXES = ("", " — training for local officials", " — joint training for officials and CSOs",
                     " — workshop", " — regional seminar", " — module {k}")
# Per country: share, topic mix (order of TOPICS), organiser mix
# (none, central, regional, regional_department, district, local), mean public, mean CSO.
TRAINING_COUNTRY = {
    "RO": dict(share=0.35, topics=(0.2, 0.22, 0.15, 0.12, 0.08, 0.08, 0.1, 0.05),
               organisers=(0.2, 0.2, 0.3, 0.05, 0.0, 0.25), public=14, cso=10),
    "BG": dict(share=0.15, topics=(0.2, 0.2, 0.12, 0.12, 0.1, 0.08, 0.13, 0.05),
               organisers=(0.2, 0.25, 0.3, 0.0, 0.0, 0.25), public=13, cso=9),
    "RS": dict(share=0.2, topics=(0.3, 0.15, 0.15, 0.1, 0.08, 0.07, 0.1, 0.05),
               organisers=(0.2, 0.35, 0.1, 0.0, 0.0, 0.35), public=12, cso=12),
    "KZ": dict(share=0.3, topics=(0.25, 0.2, 0.2, 0.1, 0.05, 0.1, 0.0, 0.1),
               organisers=(0.15, 0.15, 0.15, 0.35, 0.2, 0.0), public=18, cso=8),
}
TRAINING_LEVEL2_P = 0.7
TRAINING_YEAR_FACTOR = {2020: 0.55, 2021: 0.8}  # fewer trainings during the pandemic

# The real events known from the offices' own publications (organiser, place, date, counts).
REAL_TRAININGS = (
    ("RS-OCD-2020-SOMBOR", "Cooperation of local self-governments and CSOs — Sombor",
     "2020-10-06", ("RS-05", "Sombor"), "cooperation with CSOs", "RS-GOV-OCD", 18, 12, 0, 30),
    ("RS-OCD-2020-NOVI-PAZAR", "Cooperation of local self-governments and CSOs — Novi Pazar",
     "2020-10-13", ("RS-18", "Novi Pazar"), "cooperation with CSOs", "RS-GOV-OCD", 15, 14, 0, 30),
    ("RS-OCD-2020-NOVI-SAD", "Cooperation of local self-governments and CSOs — Novi Sad",
     "2020-10-20", ("RS-06", "Novi Sad"), "cooperation with CSOs", "RS-GOV-OCD", 16, 13, 1, 30),
    ("BG-18-2019-CIVIC-PARTICIPATION", "Raising civic participation — training of Ruse Regional "
     "Administration staff", "2019-06-12", ("BG-18", "Ruse"), "public consultation", "BG-18-RA",
     26, 0, 0, 25),
)

YEAR_TREND = {"grants": 0.04, "consultations": 0.06, "trainings": 0.05}

# =================================================================================================
# helpers
# =================================================================================================


def _rng(seed: int, part: str) -> np.random.Generator:
    """An independent generator for one part of the dataset (stable across Python runs)."""
    tag = int.from_bytes(hashlib.sha256(part.encode()).digest()[:8], "little")
    return np.random.Generator(np.random.PCG64([seed, tag]))


def _split(total: int, weights) -> np.ndarray:
    """Integers summing to `total`, proportional to weights (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    exact = total * w / w.sum()
    out = np.floor(exact).astype(np.int64)
    rest = total - int(out.sum())
    if rest:
        out[np.argsort(-(exact - out), kind="stable")[:rest]] += 1
    return out


def _norm(p) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return p / p.sum()


def _pick(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category per draw, each draw with its own probability row (probs[rows[i]])."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(rows))
    return (u[:, None] >= cum[rows]).sum(axis=1)


def _weekday(days: np.ndarray) -> np.ndarray:
    """Dates moved to a working day within the same year."""
    fwd = np.busday_offset(days, 0, roll="forward")
    back = np.busday_offset(days, 0, roll="backward")
    same = fwd.astype("datetime64[Y]") == days.astype("datetime64[Y]")
    return np.where(same, fwd, back)


def _dates_in(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """A random working day in each given year."""
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where((years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0)), 366, 365)
    return _weekday(start + (rng.random(len(years)) * length).astype(np.int64))


def _iso(days: np.ndarray, missing: np.ndarray | None = None) -> list:
    """ISO date strings (None where missing)."""
    out = np.datetime_as_string(days, unit="D").astype(object)
    if missing is not None:
        out[missing] = None
    return out.tolist()


def _years(rng: np.random.Generator, n: int, trend: float, factor: dict | None = None) -> np.ndarray:
    """n years of YEARS in sorted order, growing by `trend` a year."""
    w = np.array([(1 + trend * i) * (factor or {}).get(y, 1.0) for i, y in enumerate(YEARS)])
    return np.repeat(np.array(YEARS), _split(n, w))


def _numbered(keys: list[str], parts: np.ndarray, fmt: str) -> list[str]:
    """Ids `fmt.format(key, n)`, n counting 1… within each key, in row order."""
    n = pd.Series(parts).groupby(pd.Series(parts)).cumcount().to_numpy() + 1
    return [fmt.format(k, i) for k, i in zip(keys, n.tolist())]


class Chooser:
    """Weighted draws of items within groups, vectorised (item -1 when a group has none)."""

    def __init__(self, groups, weights):
        groups, weights = np.asarray(groups, dtype=np.int64), np.asarray(weights, dtype=float)
        order = np.argsort(groups, kind="stable")
        self.items, self.groups = order, groups[order]
        w = weights[order]
        s = pd.Series(w)
        total = s.groupby(self.groups).transform("sum").to_numpy()
        frac = s.groupby(self.groups).cumsum().to_numpy() / np.where(total > 0, total, 1.0)
        last = np.r_[self.groups[1:] != self.groups[:-1], True]
        frac[last] = 1.0
        self.keys = self.groups + frac

    def pick(self, rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
        """One item per entry of `group`."""
        if not len(self.items):
            return np.full(len(group), -1)
        pos = np.searchsorted(self.keys, group + rng.random(len(group)), side="right")
        pos = np.minimum(pos, len(self.items) - 1)
        return np.where(self.groups[pos] == group, self.items[pos], -1)


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


# =================================================================================================
# the world: regions, authorities, NGOs
# =================================================================================================


def _level1() -> pd.DataFrame:
    """The level-1 regions, in a fixed order."""
    rows = [(code, pycountry.subdivisions.get(code=code).name, code[:2], POPULATION[code])
            for code in POPULATION]
    r1 = pd.DataFrame(rows, columns=["code", "name", "country", "population"])
    r1["ci"] = r1["country"].map({c: i for i, c in enumerate(COUNTRIES)})
    return r1


def _generated_names(rng, country: str, n: int, taken: set[str], suffix: str = "") -> list[str]:
    """n distinct generated place names not in `taken`."""
    first, second = (_split_names(p) for p in PLACE_PARTS[country])
    joiner = " " if country == "RO" else ""
    pool = [f"{a}{joiner}{b}" for a in first for b in second] + (list(first) if country == "RO" else [])
    pool = [f"{name}{suffix}" for name in pool if f"{name}{suffix}" not in taken]
    return [pool[i] for i in rng.permutation(len(pool))[:n]]


def _places(rng, code: str) -> list[tuple[str, str]]:
    """(name, kind) of the level-2 regions of one level-1 region, seat first."""
    country = code[:2]
    if country == "RO":
        known = _split_names(RO_TOWNS[code])
        if code == "RO-B":
            return [(name, "sector") for name in known]
        gen = _generated_names(rng, "RO", RO_UAT_COUNT[code] - len(known), set(known))
        return ([(known[0], "seat")] + [(n, "town") for n in known[1:]]
                + [(n, "commune") for n in gen])
    if country == "BG":
        return [(n, "bg_municipality") for n in _split_names(BG_MUNICIPALITIES[code])]
    if country == "RS":
        kind = "rs_city_municipality" if code == "RS-00" else None
        return [(n, kind or ("rs_city" if n in RS_CITIES else "rs_municipality"))
                for n in _split_names(RS_MUNICIPALITIES[code])]
    if code in KZ_CITY_DISTRICTS:
        return [(f"{n} district", "kz_city_district") for n in _split_names(KZ_CITY_DISTRICTS[code])]
    cities, n_districts = KZ_OBLASTS[code]
    cities = _split_names(cities)
    gen = _generated_names(rng, "KZ", n_districts, set(), suffix=" district")
    return [(n, "kz_city") for n in cities] + [(n, "kz_district") for n in gen]


PLACE_WEIGHT = {  # typical population of a place of each kind (the seat gets SEAT_SHARE)
    "seat": 0, "town": 15000, "commune": 3500, "sector": 280000, "bg_municipality": 15000,
    "rs_city": 60000, "rs_municipality": 20000, "rs_city_municipality": 90000, "kz_city": 60000,
    "kz_district": 40000, "kz_city_district": 250000,
}
SEAT_SHARE = {"RO": 0.3, "BG": 0.55, "RS": 0.5, "KZ": 0.4}
NO_SEAT = ("RO-B", "RS-00", "BG-23", "KZ-71", "KZ-75", "KZ-79")


def _place_populations(rng, code: str, kinds: list[str], population: int) -> np.ndarray:
    """Populations of a region's places, summing to the region's population."""
    base = np.array([PLACE_WEIGHT[k] for k in kinds], dtype=float)
    w = base * rng.lognormal(0.0, 0.5, len(kinds))
    if len(kinds) > 1 and code not in NO_SEAT:
        share = SEAT_SHARE[code[:2]]
        w[0] = share / (1 - share) * w[1:].sum()
    return _split(population, w if w.sum() > 0 else np.ones(len(kinds)))


def _level2(rng, r1: pd.DataFrame) -> pd.DataFrame:
    """The level-2 regions (municipalities, districts), codes <PARENT>-<NNN>."""
    frames = []
    for row in r1.itertuples():
        p1 = row.Index
        places = _places(rng, row.code)
        kinds = [k for _, k in places]
        frames.append(pd.DataFrame({
            "code": [f"{row.code}-{i:03d}" for i in range(1, len(places) + 1)],
            "name": [n for n, _ in places], "country": row.country, "parent_code": row.code,
            "p1": p1, "ci": row.ci, "kind": kinds,
            "population": _place_populations(rng, row.code, kinds, row.population),
        }))
    return pd.concat(frames, ignore_index=True)


def _authority_rows(rng, r1: pd.DataFrame, r2: pd.DataFrame) -> list[tuple]:
    """(authority_id, name, country, role, region_code, parent_id, p1, r2 index, population)."""
    rows = []
    for country in COUNTRIES:
        for aid, name, _gw, _tw, parent in CENTRAL[country]:
            rows.append((aid, name, country, "central", None, parent, -1, -1, 0))
    dgaspc = rng.random(len(r1)) < RO_DGASPC_SHARE
    for row in r1.itertuples():
        p1 = row.Index
        short = row.code.split("-")[1]
        aid, name = REGIONAL_SPECIAL.get(row.code, (
            REGIONAL_ID[row.country].format(code=row.code, short=short),
            REGIONAL_NAME[row.country].format(name=row.name)))
        rows.append((aid, name, row.country, "regional", row.code, None, p1, -1, row.population))
        if row.country == "KZ":
            rows += [(f"{row.code}-{suffix}", f"{dep} of {row.name}", "KZ", "regional_department",
                      row.code, aid, p1, -1, row.population) for suffix, dep, _w in KZ_DEPARTMENTS]
        elif row.country == "RO" and dgaspc[p1]:
            rows.append((f"{row.code}-DGASPC", "Direcția Generală de Asistență Socială și Protecția "
                         f"Copilului {row.name}", "RO", "regional_department", row.code, aid, p1, -1,
                         row.population))
    okrug_counts = rng.integers(RURAL_OKRUGS[0], RURAL_OKRUGS[1] + 1, len(r2))
    for i2, row in enumerate(r2.itertuples()):
        if row.country == "KZ":
            did = f"{row.code}-D"
            label = row.name if row.kind != "kz_city" else f"{row.name} city"
            rows.append((did, f"Akimat of {label}", "KZ", "district", row.code, None, row.p1, i2,
                         row.population))
            if row.kind == "kz_district":
                base = row.name.removesuffix(" district")
                n = int(okrug_counts[i2])
                rows += [(f"{row.code}-L{k:02d}", f"Akimat of {base} rural okrug {k}", "KZ", "rural",
                          row.code, did, row.p1, i2, row.population // n) for k in range(1, n + 1)]
        else:
            rows.append((f"{row.code}-L", ROLES[row.kind][1].format(name=row.name), row.country,
                         row.kind, row.code, None, row.p1, i2, row.population))
    return rows


def _authorities(rng, r1: pd.DataFrame, r2: pd.DataFrame) -> pd.DataFrame:
    """Every authority, parents before children."""
    a = pd.DataFrame(_authority_rows(rng, r1, r2), columns=[
        "authority_id", "name", "country", "role", "region_code", "parent_id", "p1", "r2", "population"])
    a["level"] = a["role"].map(lambda r: ROLES[r][0])
    a["ci"] = a["country"].map({c: i for i, c in enumerate(COUNTRIES)})
    rank = a["level"].map({lvl: i for i, lvl in enumerate(LEVEL_ORDER)})
    return a.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)


def _ngos(rng, r1: pd.DataFrame, r2: pd.DataFrame) -> pd.DataFrame:
    """The recipient pool of each level-1 region (Zipf-like weights, a few large NGOs)."""
    frames = []
    places_by_p1 = r2.groupby("p1")["name"].apply(list).to_dict()
    top = r1["population"].max()
    for row in r1.itertuples():
        p1 = row.Index
        size = int(np.clip(NGO_POOL[0] + (NGO_POOL[1] - NGO_POOL[0]) * np.sqrt(row.population / top),
                           *NGO_POOL))
        spec = GRANT_COUNTRY[row.country]
        domain = rng.choice(len(DOMAINS), size=size, p=_norm(spec["domains"]))
        words, places = _split_names(NGO_WORDS[row.country]), places_by_p1[p1]
        forms = NGO_FORMS[row.country]
        names, seen = [], set()
        w_idx, p_idx = rng.integers(0, len(words), size), rng.integers(0, len(places), size)
        for d, wi, pi in zip(domain.tolist(), w_idx.tolist(), p_idx.tolist()):
            place = places[pi].removesuffix(" district")
            name = forms.get(DOMAINS[d], forms["*"]).format(w=words[wi], p=place)
            base, k = name, 2
            while name in seen:
                name, k = f"{base} {k}", k + 1
            seen.add(name)
            names.append(name)
        rank = rng.permutation(size)
        weight = 1.0 / (rank + 1.0) ** NGO_ZIPF
        ids = np.array([f"{row.code}-NGO-{i:04d}" for i in range(1, size + 1)], dtype=object)
        ids[rng.random(size) >= NGO_WITH_ID] = None
        strength = rng.lognormal(0.0, 0.35, size) * np.where(rank < 5, 2.0, 1.0)
        frames.append(pd.DataFrame({"p1": p1, "name": names, "recipient_id": pd.Series(ids, dtype=object),
                                    "domain": domain,
                                    "weight": weight, "strength": strength}))
    return pd.concat(frames, ignore_index=True)


@dataclass
class World:
    """Regions, authorities and NGOs with the lookups the fact generators need."""
    r1: pd.DataFrame
    r2: pd.DataFrame
    authorities: pd.DataFrame
    ngos: pd.DataFrame
    currency: dict[tuple[str, int], str]

    def __post_init__(self):
        a, n1 = self.authorities, len(self.r1)
        self.level_idx = a["level"].map({lvl: i for i, lvl in enumerate(LEVEL_ORDER)}).to_numpy()
        self.regional_of = np.full(n1, -1)
        reg = a.index[a["role"] == "regional"]
        self.regional_of[a.loc[reg, "p1"].to_numpy()] = reg
        self.place_authority = np.full(len(self.r2), -1)  # the local (or KZ district) body of a place
        own = a.index[a["role"].isin(["district"] + [r for r in ROLES if ROLES[r][0] == "local"])
                      & (a["role"] != "rural")]
        self.place_authority[a.loc[own, "r2"].to_numpy()] = own
        central = a["role"] == "central"
        gw = {aid: g for c in COUNTRIES for aid, _n, g, _t, _p in CENTRAL[c]}
        tw = {aid: w for c in COUNTRIES for aid, _n, _g, w, _p in CENTRAL[c]}
        self.central_grants = self._chooser(central, "ci", a["authority_id"].map(gw))
        self.central_trainings = self._chooser(central, "ci", a["authority_id"].map(tw))
        dep_w = {s: w for s, _n, w in KZ_DEPARTMENTS}
        rd = a["role"] == "regional_department"
        self.departments = self._chooser(rd, "p1", a["authority_id"].str.rsplit("-", n=1).str[-1]
                                         .map(dep_w).fillna(1.0))
        self.districts = self._chooser(a["level"] == "district", "p1", a["population"] ** 0.7)
        self.locals = self._chooser(a["level"] == "local", "p1", a["population"] ** 0.9)
        self.places = Chooser(self.r2["p1"], self.r2["population"].astype(float))
        self.places_spread = Chooser(self.r2["p1"], self.r2["population"].astype(float) ** 0.5)
        self.recipients = Chooser(self.ngos["p1"], self.ngos["weight"])

    def _chooser(self, mask, group: str, weights) -> "_Subset":
        idx = np.flatnonzero(np.asarray(mask))
        return _Subset(idx, Chooser(self.authorities[group].to_numpy()[idx],
                                    np.asarray(weights, dtype=float)[idx]))

    def funder(self, rng, level: np.ndarray, p1: np.ndarray, ci: np.ndarray) -> np.ndarray:
        """An authority of each given level for each draw (the regional one when there is none)."""
        out = self.regional_of[p1].copy()
        for li, lvl in enumerate(LEVEL_ORDER):
            sel = np.flatnonzero(level == li)
            if lvl == "regional" or not len(sel):
                continue
            pool = {"central": self.central_grants, "regional_department": self.departments,
                    "district": self.districts, "local": self.locals}[lvl]
            got = pool.pick(rng, ci[sel] if lvl == "central" else p1[sel])
            out[sel] = np.where(got >= 0, got, out[sel])
        return out


class _Subset:
    """A Chooser over a subset of authorities, returning authority indices."""

    def __init__(self, idx: np.ndarray, chooser: Chooser):
        self.idx, self.chooser = idx, chooser

    def pick(self, rng, group: np.ndarray) -> np.ndarray:
        got = self.chooser.pick(rng, group)
        return np.where(got >= 0, self.idx[np.maximum(got, 0)], -1)


# =================================================================================================
# facts
# =================================================================================================


def _officers(rng, a: pd.DataFrame) -> dict[str, list]:
    """Liaison officers: most authorities one or two over time, some none, some ended on 31 Dec."""
    n = len(a)
    p_any = np.array([OFFICER_P[c].get(role, OFFICER_P[c].get(lvl, 0.6))
                      for c, role, lvl in zip(a["country"], a["role"], a["level"])])
    has = rng.random(n) < p_any
    kz = (a["country"] == "KZ").to_numpy()
    first = np.where(kz & (rng.random(n) < 0.75),
                     np.datetime64("2018-03-01") + rng.exponential(200, n).astype(np.int64),
                     np.datetime64("2010-01-01") + rng.integers(0, 5300, n))
    out = {k: [] for k in ("authority_id", "position", "position_rank", "appointed_on", "ended_on",
                           "full_name")}
    tenure = rng.exponential(TENURE_YEARS * 365, (n, CHAIN)).astype(np.int64) + 60
    draws = rng.random((n, CHAIN + 1, 3))
    gaps = np.where(rng.random((n, CHAIN)) < 0.3, 0, rng.integers(1, 120, (n, CHAIN)))
    second = rng.random(n) < np.where(a["level"].isin(["central", "regional"]), SECOND_OFFICER_P, 0.03)
    rank_cum = {(c, lvl): np.cumsum(_norm((RANK_P_KZ if c == "KZ" else RANK_P)[lvl]))
                for c in COUNTRIES for lvl in LEVEL_ORDER}
    names = _people(rng, a["country"].to_numpy(), 5)
    for i in np.flatnonzero(has):
        aid, c, lvl = a.at[i, "authority_id"], a.at[i, "country"], a.at[i, "level"]
        cum = rank_cum[(c, lvl)]
        starts = [first[i]] + ([first[i] + 30 + int(draws[i, CHAIN, 2] * 900)] if second[i] else [])
        k, seen = 0, set()
        for chain, start in enumerate(starts):
            appointed = start
            for step in range(CHAIN if chain == 0 else 1):
                if appointed > LAST_DAY:
                    break
                u_rank, u_dec, u_next = draws[i, step if chain == 0 else CHAIN, :]
                rank = int(np.searchsorted(cum, u_rank, side="right")) + 1
                ended = appointed + tenure[i, step]
                if ended > LAST_DAY:
                    ended = None
                elif u_dec < DEC31_P:
                    ended = ended.astype("datetime64[Y]") + np.timedelta64(1, "Y")
                    ended = ended.astype("datetime64[D]") - np.timedelta64(1, "D")
                key = (_position(rank, c), appointed)
                if key not in seen:
                    seen.add(key)
                    out["authority_id"].append(aid)
                    out["position"].append(key[0])
                    out["position_rank"].append(min(rank, 7))
                    out["appointed_on"].append(str(appointed))
                    out["ended_on"].append(None if ended is None else str(ended))
                    out["full_name"].append(names[i][k % len(names[i])])
                    k += 1
                if ended is None or u_next >= SUCCESSOR_P[c]:
                    break
                appointed = ended + gaps[i, step]
    return out


def _position(rank: int, country: str) -> str:
    dept, unit = DEPARTMENT[country]
    return POSITIONS[min(rank, 7)].format(dept=dept, unit=unit)


def _people(rng, countries: np.ndarray, k: int) -> list[list[str]]:
    """k generated full names per row, in the row's country."""
    n = len(countries)
    female = rng.random((n, k)) < 0.55
    gi, si = rng.integers(0, 1000, (n, k)), rng.integers(0, 1000, (n, k))
    lists = {c: tuple(_split_names(x) for x in PEOPLE[c][:3]) + (PEOPLE[c][3],) for c in COUNTRIES}
    out = []
    for i, c in enumerate(countries.tolist()):
        males, females, surnames, fem = lists[c]
        row = []
        for j in range(k):
            given = (females if female[i, j] else males)[gi[i, j] % len(females if female[i, j] else males)]
            surname = surnames[si[i, j] % len(surnames)]
            row.append(f"{given} {surname}{fem if female[i, j] else ''}")
        out.append(row)
    return out


def _grant_chunk(w: World, rng, year: int, n: int, numbered: np.ndarray) -> dict[str, list]:
    """n grants of one year as column lists; `numbered` counts the year's grants per region."""
    r1, a, ngos = w.r1, w.authorities, w.ngos
    shares = np.array([GRANT_COUNTRY[c]["share"] for c in r1["country"]])
    pop = r1["population"].to_numpy(dtype=float)
    country_pop = r1.groupby("ci")["population"].transform("sum").to_numpy(dtype=float)
    p1 = np.sort(rng.choice(len(r1), size=n, p=_norm(shares * pop / country_pop)))
    ci = r1["ci"].to_numpy()[p1]
    mix = np.array([_norm(GRANT_COUNTRY[c]["funders"]) for c in COUNTRIES])
    level = _pick(rng, mix, ci)
    funder = w.funder(rng, level, p1, ci)
    flevel = w.level_idx[funder]
    # region_code: the funder's own place for local/district bodies, else level 1 or a place in it
    l1_p = np.array([LEVEL1_REGION_P[x] for x in LEVEL_ORDER])[flevel]
    own_place = a["r2"].to_numpy()[funder]
    other_place = w.places.pick(rng, p1)
    place = np.where(own_place >= 0, own_place, other_place)
    use_l1 = (rng.random(n) < l1_p) | (place < 0)
    region = np.where(use_l1, r1["code"].to_numpy()[p1], w.r2["code"].to_numpy()[np.maximum(place, 0)])
    # recipient and domain
    ngo = w.recipients.pick(rng, p1)
    dom_mix = np.array([_norm(GRANT_COUNTRY[c]["domains"]) for c in COUNTRIES])
    domain = np.where(rng.random(n) < NGO_OWN_DOMAIN_P, ngos["domain"].to_numpy()[ngo],
                      _pick(rng, dom_mix, ci))
    competitive = rng.random(n) < np.array([GRANT_COUNTRY[c]["competitive"] for c in COUNTRIES])[ci]
    # amount in the country's currency
    factor = np.array([GRANT_COUNTRY[c]["factor"] for c in COUNTRIES])[ci]
    rate = np.array([GRANT_COUNTRY[c]["rate"] * (1 + GRANT_COUNTRY[c]["drift"]) ** (year - YEARS[0])
                     for c in COUNTRIES])[ci]
    median = np.array([MEDIAN_EUR[x] for x in LEVEL_ORDER])[flevel]
    eur = (median * factor * ngos["strength"].to_numpy()[ngo] * (1 + AMOUNT_GROWTH) ** (year - YEARS[0])
           * rng.lognormal(0.0, AMOUNT_SIGMA, n) * np.where(competitive, 1.0, DIRECT_FACTOR))
    amount = np.maximum(eur * rate, MIN_AMOUNT)
    style = rng.random(n)
    cents = np.where(style < 0.6, np.round(amount, -2) * 100,
                     np.where(style < 0.8, np.round(amount, -1) * 100, np.round(amount * 100)))
    cents = np.rint(np.maximum(cents, MIN_AMOUNT * 100)).astype(np.int64)
    # award date: competitive calls mostly in spring and summer
    day = np.where(competitive, rng.triangular(40, 150, 330, n), rng.uniform(0, 364, n)).astype(np.int64)
    awarded = _weekday(np.datetime64(f"{year}-01-01") + day)
    codes = r1["code"].to_numpy()[p1].tolist()
    number = pd.Series(p1).groupby(p1).cumcount().to_numpy() + 1 + numbered[p1]
    numbered += np.bincount(p1, minlength=len(numbered))
    currency = {c: w.currency[(c, year)] for c in COUNTRIES}
    return {
        "grant_id": [f"{c}-{year}-{k:05d}" for c, k in zip(codes, number.tolist())],
        "year": [year] * n,
        "funder_authority_id": a["authority_id"].to_numpy()[funder].tolist(),
        "region_code": region.tolist(),
        "recipient_name": ngos["name"].to_numpy()[ngo].tolist(),
        "recipient_id": ngos["recipient_id"].to_numpy()[ngo].tolist(),
        "amount_cents": cents.tolist(),
        "currency": [currency[COUNTRIES[c]] for c in ci.tolist()],
        "domain": [DOMAINS[d] for d in domain.tolist()],
        "procedure": np.where(competitive, "competitive", "direct").tolist(),
        "awarded_on": _iso(awarded, rng.random(n) < AWARD_DATE_MISSING),
    }


def _consultations(w: World, rng, n: int) -> dict[str, list]:
    """Consultations by central, regional and a subset of local authorities."""
    a = w.authorities
    weight = a["role"].map(lambda r: ROLES[r][2]).to_numpy(dtype=float)
    share = a["role"].map(lambda r: PUBLISHING_SHARE.get(r, 1.0)).to_numpy()
    weight = np.where(rng.random(len(a)) < share, weight, 0.0)
    years = _years(rng, n, YEAR_TREND["consultations"])
    auth = rng.choice(len(a), size=n, p=_norm(weight))
    ci, lvl = a["ci"].to_numpy()[auth], a["level"].to_numpy()[auth]
    published = _dates_in(rng, years)
    periods = np.array(PERIODS)[_pick(rng, np.array([_norm(CONSULTATION_COUNTRY[c][0]) for c in COUNTRIES]), ci)]
    deadline = published + periods
    mean, p_zero = (np.array([COMMENTS[x][k] for x in lvl]) for k in (0, 1))
    mean = mean * np.array([CONSULTATION_COUNTRY[c][2] for c in COUNTRIES])[ci]
    mean = mean * np.where(rng.random(n) < 0.01, 15.0, 1.0)  # the occasional controversial draft
    received = np.where(rng.random(n) < p_zero, 0, rng.negative_binomial(0.6, 0.6 / (0.6 + mean)) + 1)
    accepted = rng.binomial(received, rng.beta(1.5, 4.0, n))
    participants = np.where(received > 0, np.maximum(1, rng.binomial(received, rng.beta(4, 2, n))), 0)
    debate = rng.random(n) < np.array([CONSULTATION_COUNTRY[c][1] for c in COUNTRIES])[ci]
    debate_people = np.maximum(3, rng.lognormal(np.log(25), 0.8, n)).astype(np.int64)
    adopted = deadline + rng.lognormal(np.log(30), 0.7, n).astype(np.int64) + 3
    no_adoption = (rng.random(n) >= ADOPTED_P) | (adopted > LAST_DAY)
    ids = a["authority_id"].to_numpy()[auth].tolist()
    order = np.lexsort((published, auth))
    keyed = np.array([f"{i}-{y}" for i, y in zip(ids, years.tolist())], dtype=object)
    cols = {
        "consultation_id": None,
        "authority_id": ids,
        "title": _titles(rng, lvl, years),
        "published_on": _iso(published),
        "comments_deadline": _iso(deadline),
        "adopted_on": _iso(adopted, no_adoption),
        "comments_received": received.tolist(),
        "comments_accepted": accepted.tolist(),
        "participants": participants.tolist(),
        "public_debate_held": debate.tolist(),
        "debate_participants": np.where(debate, debate_people, -1).tolist(),
    }
    cols["debate_participants"] = [None if v < 0 else v for v in cols["debate_participants"]]
    cols = {k: [v[i] for i in order.tolist()] for k, v in cols.items() if v is not None}
    sorted_keys = keyed[order]
    cols["consultation_id"] = _numbered(sorted_keys.tolist(), pd.factorize(sorted_keys)[0], "{}-{:03d}")
    return cols


def _titles(rng, levels: np.ndarray, years: np.ndarray) -> list[str]:
    """Titles of draft acts."""
    n = len(levels)
    subject, form = rng.integers(0, len(CONSULTATION_SUBJECTS), n), rng.integers(0, 12, n)
    out = []
    for lvl, s, f, y in zip(levels.tolist(), subject.tolist(), form.tolist(), years.tolist()):
        forms = CONSULTATION_FORMS[FORMS_OF_LEVEL[lvl]]
        out.append(forms[f % len(forms)].format(s=CONSULTATION_SUBJECTS[s], y=y + 1, z=y + 3))
    return out


def _trainings(w: World, rng, n: int) -> dict[str, list]:
    """Trainings in level-2 or level-1 regions, with the real events appended."""
    r1, r2, a = w.r1, w.r2, w.authorities
    shares = np.array([TRAINING_COUNTRY[c]["share"] for c in r1["country"]])
    pop = r1["population"].to_numpy(dtype=float) ** 0.8
    country_pop = pd.Series(pop).groupby(r1["ci"]).transform("sum").to_numpy()
    n_random = n - len(REAL_TRAININGS)
    years = _years(rng, n_random, YEAR_TREND["trainings"], TRAINING_YEAR_FACTOR)
    p1 = rng.choice(len(r1), size=n_random, p=_norm(shares * pop / country_pop))
    ci = r1["ci"].to_numpy()[p1]
    place = np.where(rng.random(n_random) < TRAINING_LEVEL2_P, w.places_spread.pick(rng, p1), -1)
    region = np.where(place >= 0, r2["code"].to_numpy()[np.maximum(place, 0)], r1["code"].to_numpy()[p1])
    org_mix = np.array([_norm(TRAINING_COUNTRY[c]["organisers"]) for c in COUNTRIES])
    org_level = _pick(rng, org_mix, ci) - 1  # -1: no organising authority
    organiser = w.funder(rng, np.maximum(org_level, 0), p1, ci)
    central = org_level == 0
    organiser[central] = w.central_trainings.pick(rng, ci[central])
    own = w.place_authority[np.maximum(place, 0)]
    by_place = (place >= 0) & np.isin(org_level, (3, 4)) & (own >= 0)
    organiser = np.where(by_place, own, organiser)
    topics = list(TOPICS)
    topic = _pick(rng, np.array([_norm(TRAINING_COUNTRY[c]["topics"]) for c in COUNTRIES]), ci)
    mean_pub = np.array([TRAINING_COUNTRY[c]["public"] for c in COUNTRIES])[ci]
    mean_cso = np.array([TRAINING_COUNTRY[c]["cso"] for c in COUNTRIES])[ci]
    public = rng.negative_binomial(4, 4 / (4 + mean_pub)) + 2
    cso = rng.negative_binomial(3, 3 / (3 + mean_cso))
    other = np.where(rng.random(n_random) < 0.6, 0, rng.poisson(3, n_random))
    other_missing = rng.random(n_random) < 0.1
    total = public + cso + other
    target = np.round(total * rng.uniform(0.8, 1.4, n_random)).astype(np.int64)
    target_missing = rng.random(n_random) < 0.4
    held = _dates_in(rng, years)
    suffix = rng.integers(0, len(TRAINING_SUFFIXES), n_random)
    module = rng.integers(1, 5, n_random)
    titles = [TOPICS[topics[tp]] + TRAINING_SUFFIXES[s].format(k=k)
              for tp, s, k in zip(topic.tolist(), suffix.tolist(), module.tolist())]
    order = np.lexsort((held, p1))
    codes = r1["code"].to_numpy()[p1][order]
    yrs = years[order]
    key = np.array([f"{c}-{y}" for c, y in zip(codes.tolist(), yrs.tolist())], dtype=object)
    cols = {
        "training_id": _numbered(key.tolist(), pd.factorize(key)[0], "{}-T{:04d}"),
        "title": [titles[i] for i in order.tolist()],
        "held_on": _iso(held[order]),
        "region_code": region[order].tolist(),
        "topic": [topics[i] for i in topic[order].tolist()],
        "organiser_authority_id": [None if o < 0 or lv < 0 else a.at[int(o), "authority_id"]
                                   for o, lv in zip(organiser[order].tolist(), org_level[order].tolist())],
        "participants_public": public[order].tolist(),
        "participants_cso": cso[order].tolist(),
        "participants_other": [None if m else v for v, m in zip(other[order].tolist(),
                                                                other_missing[order].tolist())],
        "target_participants": [None if m else v for v, m in zip(target[order].tolist(),
                                                                 target_missing[order].tolist())],
    }
    for row in _real_trainings(r2):
        for k, v in zip(cols, row):
            cols[k].append(v)
    return cols


def _real_trainings(r2: pd.DataFrame) -> list[tuple]:
    """The real events, located in their municipalities."""
    where = {(p, n): c for c, p, n in zip(r2["code"], r2["parent_code"], r2["name"])}
    return [(tid, title, day, where[place], topic, org, pub, cso, other, target)
            for tid, title, day, place, topic, org, pub, cso, other, target in REAL_TRAININGS]


# =================================================================================================
# loading
# =================================================================================================


def _insert(conn: sa.Connection, table: sa.Table, cols: dict[str, list]) -> int:
    """Append rows given as column lists."""
    names = [c.name for c in table.columns if c.name in cols]
    return Database.bulk_insert(conn, table, names, list(zip(*(cols[name] for name in names))))


def has_data(engine: sa.Engine) -> bool:
    """Whether the database holds any non-reference rows (authorities, officers, facts)."""
    with engine.connect() as conn:
        return any(_count(conn, table) for table in FACT_TABLES)


def _count(conn, table: sa.Table) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _refuse_if_loaded(conn: sa.Connection) -> None:
    held = [f"{n:,} {table.name}" for table in FACT_TABLES if (n := _count(conn, table))]
    if held:
        raise ValueError("The database already holds data (" + ", ".join(held) + "); demo data is "
                         "loaded only into a database with nothing but the reference data.")


def _missing_rows(conn, table: sa.Table, key: tuple[str, ...], rows: list[tuple],
                  names: tuple[str, ...]) -> dict[str, list]:
    """The rows whose key is not yet in the table, as column lists."""
    present = {tuple(r) for r in conn.execute(sa.select(*(table.c[k] for k in key)))}
    pos = [names.index(k) for k in key]
    new = [r for r in rows if tuple(r[p] for p in pos) not in present]
    return {name: [r[i] for r in new] for i, name in enumerate(names)}


def _load_regions(conn, r1: pd.DataFrame, r2: pd.DataFrame) -> int:
    """Insert the regions not already present; existing level-2 codes must agree."""
    existing = {code: (level, parent) for code, level, parent in conn.execute(
        sa.select(t.regions.c.code, t.regions.c.level, t.regions.c.parent_code))}
    clash = [c for c, p in zip(r2["code"], r2["parent_code"]) if c in existing and existing[c] != (2, p)]
    clash += [c for c in r1["code"] if c in existing and existing[c][0] != 1]
    if clash:
        raise ValueError(f"Region {clash[0]} already exists with another level or parent; "
                         "demo data needs its own municipalities.")
    names = ("code", "name", "country", "level", "parent_code", "population")
    rows = [(c, n, k, 1, None, int(p)) for c, n, k, p in
            zip(r1["code"], r1["name"], r1["country"], r1["population"])]
    rows += [(c, n, k, 2, pc, int(p)) for c, n, k, pc, p in
             zip(r2["code"], r2["name"], r2["country"], r2["parent_code"], r2["population"])]
    return _insert(conn, t.regions, _missing_rows(conn, t.regions, ("code",), rows, names))


def _load_reference(conn) -> dict[str, int]:
    """Currencies, rank requirements, consultation rules and targets that are not yet present."""
    specs = (("currencies", t.currencies, ("country", "currency"), CURRENCIES,
              ("country", "currency", "from_year", "to_year")),
             ("rank_requirements", t.rank_requirements, ("country", "level"), RANK_REQUIREMENTS,
              ("country", "level", "max_position_rank")),
             ("consultation_rules", t.consultation_rules, ("country",), CONSULTATION_RULES,
              ("country", "min_comment_days")),
             ("targets", t.targets, ("country", "indicator", "level"), TARGETS,
              ("country", "indicator", "level", "value", "source")))
    return {kind: _insert(conn, table, _missing_rows(conn, table, key, list(rows), names))
            for kind, table, key, rows, names in specs}


def _currency_by_year(conn) -> dict[tuple[str, int], str]:
    """The currency of each country and demo year, from the currencies table."""
    rows = conn.execute(sa.select(t.currencies)).all()
    out = {}
    for country in COUNTRIES:
        for year in YEARS:
            found = sorted(r.currency for r in rows if r.country == country and r.from_year <= year
                           and (r.to_year is None or year <= r.to_year))
            if len(found) != 1:
                raise ValueError(f"The currencies table gives {len(found)} currencies for {country} in "
                                 f"{year}; it must give exactly one.")
            out[(country, year)] = found[0]
    return out


def _authority_columns(a: pd.DataFrame) -> dict[str, list]:
    cols = a[["authority_id", "name", "country", "level", "region_code", "parent_id"]]
    return {c: [None if pd.isna(v) else v for v in cols[c].tolist()] for c in cols.columns}


def _finish(conn, scale: str, seed: int, counts: dict[str, int]) -> None:
    """Summaries, dataset facts and one import-log row per kind loaded."""
    if conn.dialect.name == "postgresql":
        Database.analyze(conn, (t.regions, t.authorities, t.grants, t.consultations, t.trainings))
    summary.refresh(conn, ("grants", "consultations", "trainings"), summary.ALL)
    for kind, n in counts.items():
        if n:
            Database.log_import(conn, kind=kind, file_name=f"demo:{scale}", rows=n, added=n, replaced=0,
                                sha256=hashlib.sha256(f"{scale}:{seed}:{kind}".encode()).hexdigest(), source="demo",
                                at=IMPORTED_AT)
    Database.set_info(conn, "demo", scale)
    Database.set_info(conn, "demo_seed", str(seed))
    Database.changed(conn, IMPORTED_AT)


def build(engine: sa.Engine, scale: str = "demo", seed: int = SEED,
          progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Load the demo dataset in one transaction; returns the rows added per kind."""
    if scale not in SCALES:
        raise ValueError(f"Unknown demo scale {scale!r}; choose one of {', '.join(SCALES)}.")
    size, say = SCALES[scale], progress or (lambda _msg: None)
    with Database.of(engine).import_transaction(
            on_wait=lambda: say("another import is running; waiting for it to finish")) as conn:
        _refuse_if_loaded(conn)
        r1 = _level1()
        r2 = _level2(_rng(seed, "regions"), r1)
        authorities = _authorities(_rng(seed, "authorities"), r1, r2)
        ngos = _ngos(_rng(seed, "ngos"), r1, r2)
        counts = {"regions": _load_regions(conn, r1, r2)}
        counts.update(_load_reference(conn))
        world = World(r1, r2, authorities, ngos, _currency_by_year(conn))
        counts["authorities"] = _insert(conn, t.authorities, _authority_columns(authorities))
        counts["liaison_officers"] = _insert(conn, t.liaison_officers,
                                             _officers(_rng(seed, "officers"), authorities))
        say(f"{counts['authorities']:,} authorities, {counts['liaison_officers']:,} officers")
        counts["grants"] = 0
        per_year = _split(size.grants, [1 + YEAR_TREND["grants"] * i for i in range(len(YEARS))])
        for year, n in zip(YEARS, per_year.tolist()):
            numbered = np.zeros(len(r1), dtype=np.int64)
            for part, m in enumerate(_split(n, [1] * max(1, -(-n // GRANT_CHUNK))).tolist()):
                chunk = _grant_chunk(world, _rng(seed, f"grants-{year}-{part}"), year, m, numbered)
                counts["grants"] += _insert(conn, t.grants, chunk)
            say(f"grants {counts['grants']:,}/{size.grants:,}")
        counts["consultations"] = _insert(conn, t.consultations, _consultations(
            world, _rng(seed, "consultations"), size.consultations))
        counts["trainings"] = _insert(conn, t.trainings, _trainings(
            world, _rng(seed, "trainings"), size.trainings))
        say(f"{counts['consultations']:,} consultations, {counts['trainings']:,} trainings; "
            "refreshing summaries")
        _finish(conn, scale, seed, counts)
    return counts
