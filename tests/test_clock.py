"""Nouméa's day and the one open/closed rule, as a table."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.clock import NOUMEA, NOUMEA_OFFSET, STATUS_CLOSED, STATUS_OPEN, is_closed, offer_status

DAY = dt.date(2025, 8, 15)


@pytest.mark.parametrize("deadline, status", [
    (None, STATUS_OPEN),                       # no deadline stated: open
    (DAY + dt.timedelta(days=1), STATUS_OPEN),
    (DAY, STATUS_OPEN),                        # open through its deadline day
    (DAY - dt.timedelta(days=1), STATUS_CLOSED),
    (dt.date(2020, 1, 1), STATUS_CLOSED),
])
def test_offer_status(deadline, status):
    assert offer_status(deadline, DAY) == status
    ordinal = deadline.toordinal() if deadline else 0
    assert is_closed(ordinal, DAY.toordinal()) is (status == STATUS_CLOSED)


def test_noumea_is_utc_plus_eleven():
    assert NOUMEA.utcoffset(None) == dt.timedelta(hours=11)
    assert dt.datetime(2025, 8, 15, tzinfo=NOUMEA).isoformat().endswith(NOUMEA_OFFSET)
