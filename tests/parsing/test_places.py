"""Communes, provinces and employer names: tables of literal inputs and expected outputs."""

from __future__ import annotations

import pytest

from indexer.parsing.places import COMMUNES, find_commune, normalise_employer, province_of


def test_thirty_three_communes_in_three_provinces() -> None:
    assert len(COMMUNES) == 33
    assert sorted(set(COMMUNES.values())) == [
        "Province Nord", "Province Sud", "Province des Îles Loyauté",
    ]


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("CMS de Houaïlou", "Houaïlou"),
        ("CMS de Houailou", "Houaïlou"),
        ("KONE", "Koné"),
        ("Koné", "Koné"),
        ("Le Mont-Dore", "Mont-Dore"),
        ("Mont Dore", "Mont-Dore"),
        ("Ile des Pins", "Île des Pins"),
        ("ILE-DES-PINS", "Île des Pins"),
        ("Nouméa", "Nouméa"),
        ("nouméa centre-ville", "Nouméa"),
        ("Kaala Gomen", "Kaala-Gomen"),
        ("La Foa", "La Foa"),
        ("We, Lifou", "Lifou"),
        ("Païta", "Païta"),
        ("Paita", "Païta"),
        # "Grand Nouméa" is the agglomeration of four communes, not the commune of Nouméa.
        ("Grand Nouméa", None),
        ("GRAND NOUMEA", None),
        # whole words only
        ("Poumbaya", None),
        ("Konéville", None),
        ("Paris", None),
        ("", None),
    ],
)
def test_find_commune(location: str, expected: str | None) -> None:
    assert find_commune(location) == expected


@pytest.mark.parametrize(
    ("commune", "expected"),
    [
        ("Houaïlou", "Province Nord"),
        ("KONE", "Province Nord"),
        ("Nouméa", "Province Sud"),
        ("Île des Pins", "Province Sud"),
        ("Maré", "Province des Îles Loyauté"),
        ("Paris", None),
        (None, None),
    ],
)
def test_province_of(commune: str | None, expected: str | None) -> None:
    assert province_of(commune) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PROVINCE SUD", "Province Sud"),
        ("Province Sud", "Province Sud"),
        ("Province-Nord", "Province Nord"),
        ("province nord", "Province Nord"),
        ("Province des Iles Loyauté", "Province des Îles Loyauté"),
        ("PROVINCE DES ILES LOYAUTE", "Province des Îles Loyauté"),
        ("Province des Îles", "Province des Îles Loyauté"),
        ("Gouvernement de la Nouvelle-Calédonie", "Gouvernement de la Nouvelle-Calédonie"),
        ("GOUVERNEMENT DE LA NOUVELLE-CALEDONIE", "Gouvernement de la Nouvelle-Calédonie"),
        ("DASSPS", "DASSPS"),
        ("DIRECTION DES AFFAIRES SANITAIRES (DASSPS)", "Direction des Affaires Sanitaires (DASSPS)"),
        ("MAIRIE D'OUEGOA", "Mairie d'Ouegoa"),
        ("mairie de nouméa", "Mairie de Nouméa"),
        ("CHS ALBERT BOUSQUET", "CHS Albert Bousquet"),
        ("OPT-NC", "OPT-NC"),
        ("  Ville de   Dumbéa ", "Ville de Dumbéa"),
    ],
)
def test_normalise_employer(raw: str, expected: str) -> None:
    assert normalise_employer(raw) == expected
