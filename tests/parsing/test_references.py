"""References in their real spellings → one key, and the date of a "du <date>" suffix."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.parsing.references import split_reference

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3134-26-0677/SR", ("3134-26-0677/SR", None)),
        ("3134-26-0677 SR", ("3134-26-0677/SR", None)),
        ("3134-26-0677_SR", ("3134-26-0677/SR", None)),
        ("3134-26-0677-SR", ("3134-26-0677/SR", None)),
        ("3134-26-0677SR", ("3134-26-0677/SR", None)),
        ("3134-26-0677/sr", ("3134-26-0677/SR", None)),
        ("3134-26-677/SR", ("3134-26-677/SR", None)),
        ("3134-26-12345/SR", ("3134-26-12345/SR", None)),
        ("3134-26-0677 SR du 8 mai 2026", ("3134-26-0677/SR", D(2026, 5, 8))),
        ("3134-26-0677/SR du 08/05/2026", ("3134-26-0677/SR", D(2026, 5, 8))),
        ("3134-26-0677_SR_du_8_mai_2026", ("3134-26-0677/SR", D(2026, 5, 8))),
        ("Réf. 3134-26-0677/SR, du 1er juin 2026", ("3134-26-0677/SR", D(2026, 6, 1))),
        ("n° 3134-26-0677 SR", ("3134-26-0677/SR", None)),
        # other references are kept as written
        ("26-65092/MPRH", ("26-65092/MPRH", None)),
        ("26-1246 du 02/03/2026", ("26-1246", D(2026, 3, 2))),
        ("AVP-2026-05-01", ("AVP-2026-05-01", None)),
        ("n° 26-1246.", ("26-1246", None)),
        ("deux mots", (None, None)),
    ],
)
def test_split_reference(raw: str, expected: tuple[str | None, dt.date | None]) -> None:
    assert split_reference(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("content__dsi__3134-26-1047_SR.md", "3134-26-1047/SR"),
        ("data__3134-26-0677_SR_du_8_mai_2026.md", "3134-26-0677/SR"),
        ("Offre 3134-26-0677 SR (republiée)", "3134-26-0677/SR"),
        ("content__mot-drh__2026-06-25-mot.md", None),
        ("3134-26-0677-SRX", None),
    ],
)
def test_find_reference(text: str, expected: str | None) -> None:
    from indexer.parsing.references import find_reference

    assert find_reference(text) == expected
