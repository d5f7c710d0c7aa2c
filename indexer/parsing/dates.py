"""French dates as written in job offers: "Vendredi 8 août 2025", "1er juin 2025", "29/04/25"."""

from __future__ import annotations

import datetime as dt
import re

from indexer.analysis.folding import fold_words

# Folded (unaccented, lower-case) month names and their usual abbreviations.
_MONTHS: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"

# A plausible window for an offer's dates: rejects typos such as year 0001 or 20225.
_MIN_YEAR, _MAX_YEAR = 1900, 2100

_ISO = r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?:[t ][0-9:.+\-z]*)?"
_NUMERIC = r"(?P<nd>\d{1,2})[/.\-](?P<nm>\d{1,2})[/.\-](?P<ny>\d{4}|\d{2})"
_WORDS = rf"(?P<wd>\d{{1,2}})(?:\s*(?:er|e))?\s+(?P<wm>{_MONTH_ALT})\.?\s+(?P<wy>\d{{4}})"
_ANY_DATE = rf"(?:{_ISO}|{_NUMERIC}|{_WORDS})"

_WHOLE = re.compile(rf"(?:{_WEEKDAYS}\s+)?(?:le\s+)?{_ANY_DATE}")
_SEARCH = re.compile(rf"(?<![\d/.\-]){_ANY_DATE}(?![\d/\-])")


def _from_match(m: re.Match[str]) -> dt.date | None:
    if m.group("iy"):
        year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    elif m.group("ny"):
        year, month, day = int(m.group("ny")), int(m.group("nm")), int(m.group("nd"))
        if len(m.group("ny")) == 2:
            # "29/04/25": offers are recent, so a two-digit year is in this century.
            year += 2000
    else:
        year, month, day = int(m.group("wy")), _MONTHS[m.group("wm")], int(m.group("wd"))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_french_date(s: str) -> dt.date | None:
    """A whole string read as one date, or None: "Vendredi 8 août 2025" → date(2025, 8, 8)."""
    folded = fold_words(s).strip(" .,;")
    m = _WHOLE.fullmatch(folded)
    return _from_match(m) if m else None


def find_french_date(text: str) -> dt.date | None:
    """The first valid date inside a longer text: "reportée au 12 septembre 2025." → 2025-09-12."""
    for m in _SEARCH.finditer(fold_words(text)):
        found = _from_match(m)
        if found is not None:
            return found
    return None


def looks_like_date(s: str) -> bool:
    """Whether a string is shaped like a date even if invalid: "31/02/2024" → True, "Immédiatement" → False."""
    return _WHOLE.fullmatch(fold_words(s).strip(" .,;")) is not None
