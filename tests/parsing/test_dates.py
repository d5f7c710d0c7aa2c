"""French dates: a table of literal inputs and the date expected (None = refused)."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.parsing.dates import find_french_date, looks_like_date, parse_french_date

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vendredi 8 août 2025", D(2025, 8, 8)),
        ("vendredi 16 mai 2025", D(2025, 5, 16)),
        ("Vendredi 07 mars 2025", D(2025, 3, 7)),
        ("1er juin 2025", D(2025, 6, 1)),
        ("1ᵉʳ mars 2023", D(2023, 3, 1)),
        ("le 1 er juin 2025", D(2025, 6, 1)),
        ("29/04/25", D(2025, 4, 29)),
        ("06/06/2025", D(2025, 6, 6)),
        ("06.06.2025", D(2025, 6, 6)),
        ("2026-05-15", D(2026, 5, 15)),
        ("2025-08-08T00:00:00+11:00", D(2025, 8, 8)),
        ("8 aout 2025", D(2025, 8, 8)),
        ("3 fevrier 2024", D(2024, 2, 3)),
        ("3 février 2024", D(2024, 2, 3)),
        ("3 FÉVRIER 2024", D(2024, 2, 3)),
        ("14 juil. 2025", D(2025, 7, 14)),
        ("14 sept 2025", D(2025, 9, 14)),
        ("29 février 2024", D(2024, 2, 29)),
        ("  Vendredi 8 août 2025.  ", D(2025, 8, 8)),
        # invalid or not a date
        ("31/02/2024", None),
        ("29 février 2025", None),
        ("2024-13-45", None),
        ("0001-01-01", None),
        ("hier", None),
        ("", None),
        ("Immédiatement", None),
        ("8 brumaire 2025", None),
        ("32 mai 2025", None),
        ("Vendredi 8 août 2025 à midi", None),
    ],
)
def test_parse_french_date(text: str, expected: dt.date | None) -> None:
    assert parse_french_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Modification de la date de clôture : nouvelle date le 15/09/2025", D(2025, 9, 15)),
        ("date de clôture reportée au 12 septembre 2025.", D(2025, 9, 12)),
        ("prolongée jusqu'au vendredi 3 octobre 2025", D(2025, 10, 3)),
        ("le 31/02/2024 puis le 01/03/2024", D(2024, 3, 1)),
        ("référence 3134-25-0977/SR", None),
        ("aucune date", None),
    ],
)
def test_find_french_date(text: str, expected: dt.date | None) -> None:
    assert find_french_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("31/02/2024", True), ("2024-13-45", True), ("Immédiatement", False), ("Susceptible d'être vacant", False)],
)
def test_looks_like_date(text: str, expected: bool) -> None:
    assert looks_like_date(text) is expected
