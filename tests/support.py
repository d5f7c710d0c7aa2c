"""What several test modules share: the repository's paths and the fixed "today".

Tests import these from here, never from conftest (pytest loads conftest itself, and a
second import under another name would define its fixtures twice)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"

# A fixed "today" for status facets, so tests do not depend on the calendar.
AS_OF = dt.date(2025, 8, 15)
