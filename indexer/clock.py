"""Nouméa's calendar: the local day, and whether an offer is open on it (the one rule)."""

from __future__ import annotations

import datetime as dt

# New Caledonia has kept UTC+11 all year since 1998; no tz database needed.
NOUMEA = dt.timezone(dt.timedelta(hours=11), "Pacific/Noumea")
NOUMEA_OFFSET = "+11:00"  # the same offset, as ISO 8601 writes it

STATUS_OPEN, STATUS_CLOSED = "ouverte", "clôturée"


def today_in_noumea() -> dt.date:
    return dt.datetime.now(NOUMEA).date()


def is_closed(deadline: int, today: int) -> bool:
    """On day ``today`` (an ordinal), is an offer whose deadline is the ordinal ``deadline``
    (0: none stated) closed? An offer stays open through its deadline day, and an offer
    without a stated deadline counts as open."""
    return 0 < deadline < today


def offer_status(deadline: dt.date | None, as_of: dt.date) -> str:
    """`STATUS_OPEN` or `STATUS_CLOSED` for an offer with this deadline on day ``as_of``."""
    closed = is_closed(deadline.toordinal() if deadline else 0, as_of.toordinal())
    return STATUS_CLOSED if closed else STATUS_OPEN
