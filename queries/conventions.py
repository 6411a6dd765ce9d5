"""How the offices write dates, numbers and yes/no in their own files, read into the contract's values.

SPEC, Records as they come: dates as 2024-11-18, 18.11.2024 or 18/11/2024 (day first); numbers as 25000.5,
25,000.50, 25.000,50 or 25 000,50 (a space or a no-break space between thousands); true/false, yes/no, 1/0, da/nu,
да/не in any case. A number that reads two ways (25.000: twenty-five thousand, or twenty-five with three decimals)
follows the file's declared decimal separator, and is an error naming the cell when none is declared.

Each function reads one cell's text and returns the canonical text the importer's checks expect (ISO date; digits
with a dot for decimals; "true"/"false"), or None with the reason. The importer calls them once per distinct value.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

# The decimal separator a file declares: "comma" (25.000,50), "point" (25,000.50) or None (not declared)
DECIMAL_SEPARATORS = ("comma", "point")

_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # the contract's own form
DATE_FORMS = "YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY"


def read_date(text: str) -> str | None:
    """A date as YYYY-MM-DD (not yet checked to be a real date), or None when it is written in no known form."""
    if ISO_DATE.fullmatch(text):
        return text
    if m := _DAY_FIRST.fullmatch(text):
        return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    return None


TRUE = frozenset(("true", "yes", "1", "da", "да"))
FALSE = frozenset(("false", "no", "0", "nu", "ne", "не", "нет"))
BOOL_FORMS = "true/false, yes/no, 1/0, da/nu or да/не"


def read_bool(text: str) -> str | None:
    word = text.lower()
    return "true" if word in TRUE else "false" if word in FALSE else None


_SPACES = (" ", "\u00a0", "\u202f")  # a space, a no-break space and a narrow no-break space between thousands


def _grouped(whole: str, sep: str) -> str | None:
    """'1.234.567' grouped by `sep` -> '1234567'; None when the groups are not 1-3 digits then threes."""
    parts = whole.split(sep)
    if len(parts) < 2 or not (1 <= len(parts[0]) <= 3) or not all(len(p) == 3 for p in parts[1:]) \
            or not all(p.isdigit() for p in parts) or (parts[0] == "0"):
        return None
    return "".join(parts)


def _readings(text: str) -> list[tuple[str, str | None]]:
    """Every way the text reads as a number: (digits[.digits], the decimal separator that reading needs, or None
    when it needs none)."""
    sign, body = ("-", text[1:]) if text[:1] == "-" else ("", text)
    if not body:
        return []
    out: list[tuple[str, str | None]] = []
    if body.isdigit():
        return [(sign + body, None)]
    for space in _SPACES:  # 25 000 or 25 000,50 or 25 000.50
        if space in body:
            whole, decimal, fraction = _split_decimal(body.replace(space, "\x00"), "\x00")
            grouped = _grouped(whole, "\x00")
            if grouped is not None and fraction is not None:
                out.append((sign + grouped + ("." + fraction if fraction else ""), decimal))
            return out
    for decimal, group, name in ((".", ",", "point"), (",", ".", "comma")):
        whole, has_decimal, fraction = body.rpartition(decimal) if decimal in body else (body, "", "")
        if has_decimal and not fraction.isdigit():
            continue
        if whole.isdigit():  # no grouping: 25000.5 / 25000,5
            out.append((sign + whole + "." + fraction, name))
        elif (grouped := _grouped(whole, group)) is not None:  # 25,000.50 / 25.000,50 / 1.234.567
            out.append((sign + grouped + ("." + fraction if has_decimal else ""), name if has_decimal else
                        ("comma" if group == "." else "point")))
    return out


def _split_decimal(body: str, group: str) -> tuple[str, str | None, str | None]:
    """A space-grouped number's whole part, its decimal separator (or None) and its fraction ('' when none; None
    when what follows the separator is not digits)."""
    for decimal, name in ((",", "comma"), (".", "point")):
        if decimal in body:
            whole, _, fraction = body.rpartition(decimal)
            return whole, name, fraction if fraction.isdigit() else None
    return body, None, ""


_TWO_WAYS = re.compile(r"-?[1-9]\d{0,2}\.\d{3}")


def one_way(text: str) -> str:
    """A number written with a dot for decimals, as civmon writes one (exports, a spreadsheet's number cells): with a
    fourth decimal 0 when it would otherwise also read as grouped thousands (117.307 -> 117.3070)."""
    return text + "0" if _TWO_WAYS.fullmatch(text) else text


def _value(reading: str) -> tuple[str, str]:
    """A reading's number as (whole digits without leading zeros, fraction without trailing zeros): equal readings
    compare equal."""
    whole, _, fraction = reading.lstrip("-").partition(".")
    return ("-" if reading.startswith("-") else "") + (whole.lstrip("0") or "0"), fraction.rstrip("0")


def read_number(text: str, separator: str | None, whole: bool = False) -> tuple[str | None, str | None]:
    """(the number as digits with a dot for decimals, None) or (None, why not). `separator`: the file's declared
    decimal separator (DECIMAL_SEPARATORS) or None. `whole`: a count, for which a reading with decimals is no
    reading at all (25.000 in a count is twenty-five thousand)."""
    readings = _readings(text)
    if whole:
        readings = [(r, s) for r, s in readings if "." not in r]
    values = {_value(r): (r, s) for r, s in readings}
    if len(values) > 1 and separator is not None:
        values = {v: (r, s) for v, (r, s) in values.items() if s in (None, separator)}
    if len(values) == 1:
        sign_whole, fraction = next(iter(values))
        return sign_whole + ("." + fraction if fraction else ""), None
    if not values:
        return None, None
    a, b = sorted(r for r, _s in values.values())[:2]
    return None, (f"reads two ways ({a} or {b}): declare the file's decimal separator (--decimal-comma or "
                  f"--decimal-point, or the upload form's choice)")


# The forms a file of one convention writes most (1.250.000,50 with a declared comma; 1,250,000.50 with a point;
# both separators at once, which read one way), read for a whole column at once: read_number is then left the
# rare cells these do not match.
_FAST = {
    "comma": (re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)"), ".", ","),
    "point": (re.compile(r"-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)"), ",", "."),
    None: (re.compile(r"-?\d{1,3}(?:\.\d{3})+,\d+"), ".", ","),
}


def read_numbers(values: np.ndarray, separator: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(which of the texts are in their convention's usual form, those as read_number gives them) for a column."""
    pattern, group, decimal = _FAST[separator]
    texts = pd.Series(values, dtype=object)
    usual = texts.map(pattern.fullmatch).notna().to_numpy()
    read = texts[usual].str.replace(group, "", regex=False).str.replace(decimal, ".", regex=False)
    # without the decimals' trailing zeros, as read_number writes them (25.000,50 -> 25000.5)
    return usual, np.array([r.rstrip("0").rstrip(".") if "." in r else r for r in read], dtype=object)
