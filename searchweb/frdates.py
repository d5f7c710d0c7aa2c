"""French dates and numbers for the pages, independent of the system locale.

>>> long_date(dt.date(2025, 8, 8))
'vendredi 8 août 2025'
>>> long_date(dt.date(2025, 8, 1))
'vendredi 1er août 2025'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indexer.clock import is_closed

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

# Offers closing within this many days get a "clôture dans N jours" warning.
CLOSING_SOON_DAYS = 7

NARROW_NBSP = "\u202f"


def as_date(value: dt.date | str | None) -> dt.date | None:
    """A date from a date or an ISO string ('2025-08-08'); None when absent or malformed."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def long_date(value: dt.date | str | None) -> str:
    """'2025-08-08' -> 'vendredi 8 août 2025'; the first of the month is written '1er'."""
    day = as_date(value)
    return f"{WEEKDAYS[day.weekday()]} {short_date(day)}" if day else ""


def short_date(value: dt.date | str | None) -> str:
    """'2025-08-08' -> '8 août 2025' (for compact lists)."""
    day = as_date(value)
    if day is None:
        return ""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class DeadlineStatus:
    """What a job seeker needs to know about a deadline: a label and a CSS modifier."""

    label: str
    kind: str  # "closed" | "soon" | "open"


def deadline_status(deadline: dt.date | str | None, today: dt.date) -> DeadlineStatus:
    """The deadline in words, as a job seeker reads it (as of `today`).

    ``None`` -> 'ouverte' (an offer without a stated deadline is open, as in the index);
    past -> 'clôturée le 14 août 2025'; then 'clôture aujourd’hui', 'clôture demain',
    'clôture dans 3 jours' (up to CLOSING_SOON_DAYS), else 'ouverte'.
    """
    day = as_date(deadline)
    if day is None:
        return DeadlineStatus("ouverte", "open")
    if is_closed(day.toordinal(), today.toordinal()):
        return DeadlineStatus(f"clôturée le {short_date(day)}", "closed")
    left = (day - today).days
    if left == 0:
        return DeadlineStatus("clôture aujourd’hui", "soon")
    if left == 1:
        return DeadlineStatus("clôture demain", "soon")
    if left <= CLOSING_SOON_DAYS:
        return DeadlineStatus(f"clôture dans {left} jours", "soon")
    return DeadlineStatus("ouverte", "open")


def day_or_text(value: str | None) -> str:
    """A stated date in French words, any other statement as it is.

    '2025-04-29' -> 'mardi 29 avril 2025'; 'Immédiatement' -> 'Immédiatement'.
    """
    day = as_date(value)
    return long_date(day) if day else (value or "")


def number(value: int) -> str:
    """12345 -> '12 345' (French thousands separator, a narrow no-break space)."""
    return f"{value:,}".replace(",", NARROW_NBSP)


def milliseconds(value: float) -> str:
    """3.24 -> '3,2 ms'; 0.04 -> '< 0,1 ms'; 1234.5 -> '1 235 ms'."""
    if value < 0.1:
        return "< 0,1 ms"
    if value < 10:
        return f"{value:.1f}".replace(".", ",") + " ms"
    return f"{number(round(value))} ms"


def count_offers(total: int) -> str:
    """0 -> 'aucune offre', 1 -> '1 offre', 25 -> '25 offres'."""
    if total == 0:
        return "aucune offre"
    return f"{number(total)} offre" + ("s" if total > 1 else "")
