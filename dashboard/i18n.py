"""Languages of the interface: gettext catalogues, localised region names, number and date formats.

Catalogues live in dashboard/locales/<lang>/LC_MESSAGES/messages.po (extracted with Babel from the
`_()` calls, see the Makefile's `messages` target) and are read once at start-up. Region names
come from pycountry's ISO 3166-2 catalogues where it has them.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
import gettext as _gettext
from pathlib import Path

import pycountry
from babel import Locale
from babel.dates import format_date as _format_date
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from queries.scope import rounded

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = {"en": "English", "ro": "Română", "ru": "Русский", "bg": "Български", "sr": "Српски"}
DEFAULT = "en"
# Babel locale per interface language (Serbian in Cyrillic, as its official script).
BABEL_LOCALE = {"en": "en_GB", "ro": "ro_RO", "ru": "ru_RU", "bg": "bg_BG", "sr": "sr_Cyrl_RS"}


def _(text: str) -> str:
    """Marks a string for extraction (`make messages`); it is translated where it is shown."""
    return text


def normalise(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT


@functools.cache
def _catalogue(lang: str) -> dict[str, str]:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT or not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    # a message with a context (msgctxt) is keyed "context\x04msgid", as gettext does
    return {(f"{m.context}\x04{m.id}" if m.context else m.id): m.string
            for m in catalog if m.id and m.string and not m.fuzzy}


def translator(lang: str | None):
    """The `_` function for a language: the translation, or the English text when there is none. With a
    `context` (a msgctxt such as "menu", marked with `pgettext`), the translation for that context if any."""
    table = _catalogue(normalise(lang))

    def _(text: str, context: str | None = None) -> str:
        if context and f"{context}\x04{text}" in table:
            return table[f"{context}\x04{text}"]
        return table.get(text, text)
    return _


def pgettext(context: str, text: str) -> str:
    """Marks a string with a context for extraction (a short menu label, say); translate it with
    `translator(lang)(text, context=...)`."""
    return text


def filter_message(exc: Exception, lang: str | None) -> str:
    """A queries.FilterError's message in the language: its template from the catalogue, filled with its values
    (the query layer writes its messages in English only)."""
    template, params = getattr(exc, "template", None), getattr(exc, "params", None) or {}
    if not template:
        return str(exc)
    text = translator(lang)(template)
    return text.format(**params) if params else text


@functools.cache
def _iso_names(lang: str):
    try:
        return _gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return _gettext.NullTranslations()


def region_name(code: str, fallback: str, lang: str | None) -> str:
    """A level-1 region's name in the language, from pycountry's catalogue; else the stored name."""
    sub = pycountry.subdivisions.get(code=code)
    if sub is None:
        return fallback
    if normalise(lang) == DEFAULT:
        return sub.name
    return _iso_names(normalise(lang)).gettext(sub.name)


def country_name(code: str, lang: str | None) -> str:
    """A country's name in the language: Unicode CLDR's (through Babel), which has every country in every
    language civmon speaks (pycountry's catalogue left "Kazakhstan" untranslated in Romanian: "Kazahstan");
    in English pycountry's common name; the code itself for a code neither knows."""
    lang = normalise(lang)
    if lang != DEFAULT:
        name = locale(lang).territories.get(code.upper()) if isinstance(code, str) else None
        if name:
            return name
    c = pycountry.countries.get(alpha_2=code)
    return (getattr(c, "common_name", None) or c.name) if c is not None else code


def locale(lang: str | None) -> Locale:
    return Locale.parse(BABEL_LOCALE[normalise(lang)])


def number(value, lang: str | None, digits: int = 0) -> str:
    """A number as the language writes it, rounded as the reporting layer rounds (half up: 0.5 → 1, where Babel
    alone would round half to even); an empty value as an en dash."""
    if value is None:
        return "–"
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(repr(rounded(value, digits))), format=fmt, locale=locale(lang))


def percent(value, lang: str | None) -> str:
    """A percentage value (already × 100, one decimal) as the language writes it."""
    if value is None:
        return "–"
    return format_percent(Decimal(repr(rounded(value, 1))) / 100, format="#,##0.0%", locale=locale(lang))


def money(value, currency: str | None, lang: str | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{number(value, lang, digits)} {currency or ''}".strip()


COMPACT_FROM = 1_000_000  # amounts from a million up are written short on cards ("234.8M RON", "234,8 mil. RON")


def compact_money(value, currency: str | None, lang: str | None) -> str:
    """A large amount in the language's short form, with three or four significant digits ("1.68B RON",
    "20,9 млрд KZT"), rounded half up as the reporting layer rounds (Babel alone rounds half to even); an amount
    under a million as `money` writes it. The exact figure goes beside it (a card's hover, every export)."""
    if value is None or abs(value) < COMPACT_FROM:
        return money(value, currency, lang)
    magnitude = 10 ** ((len(str(int(abs(value)))) - 1) // 3 * 3)  # millions, billions…
    mantissa = abs(value) / magnitude
    digits = 2 if mantissa < 10 else 1
    shown = Decimal(repr(rounded(value / magnitude, digits))) * magnitude
    text = format_compact_decimal(shown, format_type="short", locale=locale(lang), fraction_digits=digits)
    return f"{text} {currency or ''}".strip()


def date(value: dt.date | None, lang: str | None) -> str:
    return "–" if value is None else _format_date(value, format="long", locale=locale(lang))
