"""The interface's languages: complete catalogues, intact placeholders, translated pages and charts.

The catalogues are dashboard/locales/<lang>/LC_MESSAGES/messages.po, updated from the template
dashboard/locales/messages.pot by `make messages`. No browser: pages are rendered by calling their
layout functions against the small SQLite dataset.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import plotly.utils
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from dashboard import i18n
from queries import db

from . import small_dataset

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "dashboard" / "locales"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG = re.compile(r"</?[A-Za-z][^>]*>")
CODE = re.compile(r"`[^`]*`")


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _template_ids() -> list[str]:
    return [m.id for m in _read(LOCALES / "messages.pot") if m.id]


def _template_keys() -> list[tuple[str | None, str]]:
    """(msgctxt, msgid) of every message: a menu label has a context of its own."""
    return [(m.context, m.id) for m in _read(LOCALES / "messages.pot") if m.id]


def _catalogue(lang: str):
    return _read(LOCALES / lang / "LC_MESSAGES" / "messages.po")


def test_i18n001_the_four_languages_have_catalogues():
    assert TRANSLATED == ["ro", "ru", "bg", "sr"]
    for lang in TRANSLATED:
        cat = _catalogue(lang)
        assert str(cat.locale) == lang
        assert cat.num_plurals == {"ro": 3, "ru": 3, "bg": 2, "sr": 3}[lang]
        assert cat.charset == "utf-8"
        assert (LOCALES / lang / "LC_MESSAGES" / "messages.po").read_bytes().decode("utf-8")
    assert len(_template_ids()) > 200


@pytest.mark.parametrize("lang", TRANSLATED)
def test_i18n002_every_msgid_has_a_translation(lang):
    cat = _catalogue(lang)
    problems = []
    for context, msgid in _template_keys():
        m = cat.get(msgid, context=context)
        if m is None:
            problems.append(f"missing: {msgid!r}" + (f" (context {context})" if context else ""))
        elif not (m.string or "").strip():
            problems.append(f"empty: {msgid!r}")
        elif m.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
    problems += [f"fuzzy: {m.id!r}" for m in cat if m.id and m.fuzzy and m.id not in _template_ids()]
    assert not problems, f"{lang}: run `make messages` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_i18n003_placeholders_markup_and_spacing_survive_translation(lang):
    problems = []
    for m in _catalogue(lang):
        if not m.id or not m.string:
            continue
        for name, pattern in (("placeholders", PLACEHOLDER), ("HTML tags", TAG), ("code spans", CODE)):
            if sorted(pattern.findall(m.id)) != sorted(pattern.findall(m.string)):
                problems.append(f"{name} differ: {m.id!r} -> {m.string!r}")
        if m.id.endswith(" ") != m.string.endswith(" "):
            problems.append(f"trailing space differs: {m.id!r} -> {m.string!r}")
        try:
            m.string.format(**{p[1:-1]: "x" for p in PLACEHOLDER.findall(m.id)}) if PLACEHOLDER.search(m.id) else None
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(f"str.format fails ({exc!r}): {m.string!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_i18n004_template_holds_every_marked_string_and_registry_text():
    """The template is current: every `_()`/`tr()` literal and every registry text is in it."""
    keywords = {**DEFAULT_KEYWORDS, "tr": None}
    marked = {msgid for _file, _line, msgid, _comments, _context in
              extract_from_dir(str(ROOT / "dashboard"), method_map=[("**.py", "python")], keywords=keywords)}
    spec = importlib.util.spec_from_file_location("extract_registry_messages",
                                                  ROOT / "scripts" / "extract_registry_messages.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    registry = {msgid for msgid, _where, _comment in script.registry_messages()}
    missing = sorted((marked | registry) - set(_template_ids()))
    assert "Funding" in marked and "Liaison officer coverage and rank compliance" in registry
    assert not missing, "run `make messages` (and translate the new strings): " + ", ".join(map(repr, missing))


def test_i18n005_translator_and_localised_names():
    assert i18n.translator("ro")("Funding") == "Finanțare"
    assert i18n.translator("ru")("Consultations") == "Общественные обсуждения"
    assert i18n.translator("bg")("Consultations") == "Обществени консултации"
    assert i18n.translator("sr")("Consultations") == "Јавне консултације"
    assert i18n.translator("en")("Funding") == "Funding"
    assert i18n.translator("ro")("a text nobody translated") == "a text nobody translated"
    assert i18n.translator("ro")("{change} points vs {year}").format(change="+1,5", year=2023) == \
        "+1,5 puncte procentuale față de 2023"
    assert i18n.region_name("RS-00", "Beograd", "sr") == "Београд"
    assert i18n.country_name("RO", "ro") == "România"
    # every country of the dataset in every language (pycountry's Romanian catalogue lacked Kazakhstan)
    names = {lang: [i18n.country_name(cc, lang) for cc in ("RO", "BG", "KZ", "RS")] for lang in i18n.LANGUAGES}
    assert names["en"] == ["Romania", "Bulgaria", "Kazakhstan", "Serbia"]
    assert names["ro"] == ["România", "Bulgaria", "Kazahstan", "Serbia"]
    assert names["ru"] == ["Румыния", "Болгария", "Казахстан", "Сербия"]
    assert names["bg"] == ["Румъния", "България", "Казахстан", "Сърбия"]
    assert names["sr"] == ["Румунија", "Бугарска", "Казахстан", "Србија"]
    assert i18n.country_name("XX", "ro") == "XX"


def test_i18n006_chart_texts_in_romanian():
    from dashboard import charts
    from dashboard.state import State
    df = pd.DataFrame({"country": ["RO", "RO"], "period_days": [7, 12], "consultations": [3, 5],
                       "min_comment_days": [10, 10]})
    fig = charts.get("consultation-periods").figure(df, State(lang="ro"))
    assert fig.layout.xaxis.title.text.replace("<br>", " ") == "Zile între publicare și termenul-limită pentru comentarii"
    assert fig.layout.yaxis.title.text == "Consultări publice"
    assert "minimul legal (România): 10" in [a.text for a in fig.layout.annotations]
    assert fig.data[0].hovertemplate.startswith("%{x} zile")
    english = charts.get("consultation-periods").figure(df, State())
    assert "legal minimum Romania: 10" in [a.text for a in english.layout.annotations]


@pytest.fixture
def dashboard_db(sqlite_engine, monkeypatch):
    """The dashboard's default engine pointed at the small dataset."""
    small_dataset.load(sqlite_engine)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    db.get_engine.cache_clear()
    yield sqlite_engine
    db.get_engine.cache_clear()


def _text(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_i18n007_funding_page_in_romanian(dashboard_db):
    from dashboard import app  # Dash Pages: pages register once the app exists
    app.default()
    from dashboard import callbacks
    import dash

    # the page as Dash Pages registered it ("pages.funding"): importing dashboard.pages.funding would register
    # the page a second time, and Dash then refuses every request of the session (duplicate paths)
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/funding")
    page = _text(layout(lang="ro"))
    for text in ("Finanțare", "Prezentare", "Finanțarea de-a lungul anilor",
                 "Câți bani publici acordă autoritățile",
                 "Nivel de administrație", "Resetează filtrele"):
        assert text in page, text
    assert "How much public money" not in page and '"lang": "ro"' in page

    assert "Acordat ONG-urilor" in _text(callbacks.draw_kpis("?lang=ro", {"type": "kpi-state", "area": "funding"}))
    fig, _table = callbacks.render_chart("funding-by-domain", "?lang=ro")
    assert fig.layout.xaxis.title.text.startswith("Sumă")
    english = _text(layout())
    assert "How much public money" in english and "Finanțare" not in english


def test_i18n008_the_menu_has_short_labels_of_its_own():
    """The menu's labels (msgctxt "menu") fit one line; a page's title keeps its full wording."""
    ro = i18n.translator("ro")
    assert ro("Liaison officers", context="menu") == "Responsabili societate civilă"
    assert ro("Liaison officers") == "Responsabili pentru relația cu societatea civilă"
    assert ro("Funding", context="no such context") == "Finanțare"  # no context translation: the plain one
    assert i18n.translator("en")("Liaison officers", context="menu") == "Liaison officers"


@pytest.mark.parametrize("query, lang, words", [
    ("?year_from=abc", "ro", ["year_from trebuie să fie un an", "'abc'"]),
    ("?country=Romania", "ru", ["country должен быть двухбуквенным кодом ISO", "'ROMANIA'"]),
    ("?year_from=2024&year_to=2019", "bg", ["периодът 2024-2019 свършва"]),
    ("?level=federal", "sr", ["level мора бити једна од вредности", "'federal'"]),
    ("?year_from=abc", "en", ["year_from must be a year such as 2023, not 'abc'"]),
])
def test_i18n009_messages_about_unusable_parameters_are_translated(query, lang, words):
    """The query layer's FilterError messages (in English) are shown in the page's language."""
    from dashboard import state as st

    error = st.parse(f"{query}&lang={lang}").error
    assert all(w in error for w in words), error


def test_i18n010_an_unknown_region_is_explained_in_the_language(dashboard_db):
    from dashboard import app
    app.default()
    from dashboard import callbacks

    fig, table = callbacks.render_chart("funding-by-year", "?region=XX-99&lang=ru")
    assert table.children == "неизвестный код региона: XX-99"
    assert fig.layout.annotations[0].text.startswith("неизвестный код региона")


def test_i18n011_browser_tab_titles_speak_the_language_of_the_address():
    import dash
    from dashboard import app
    app.default()
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    title = next(p["title"] for p in dash.page_registry.values() if p["path"] == "/funding")
    app = app.default().server
    with app.test_request_context("/funding?lang=bg"):  # the first HTML of the page
        assert title() == "civmon — Финансиране"
    with app.test_request_context("/_dash-update-component", method="POST"):  # Dash Pages' routing callback
        token = context_value.set(AttributeDict(input_values={"_pages_location.search": "?country=RO&lang=sr"}))
        try:
            assert title() == "civmon — Финансирање"
        finally:
            context_value.reset(token)
    with app.test_request_context("/funding"):
        assert title() == "civmon — Funding"

