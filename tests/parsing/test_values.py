"""Contacts, links, ROME codes, coordinates, contract and category as typed values: literal tables."""

from __future__ import annotations

import pytest

from indexer.parsing import values


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("Par email : DRH-candidature@opt.nc", "DRH-candidature@opt.nc"),
        ("Écrire à drh@province-sud.nc.", "drh@province-sud.nc"),
        ("mailto:prenom.nom+rh@mairie-kone.nc", "prenom.nom+rh@mairie-kone.nc"),
        ("Aucune adresse @ ici", None),
    ],
)
def test_email_in(text: str, email: str | None) -> None:
    assert values.email_in(text) == email


def test_every_email_in() -> None:
    assert values.email_in("a@x.nc ou b@x.nc, a@x.nc", every=True) == "a@x.nc, b@x.nc"


@pytest.mark.parametrize(
    ("text", "labelled", "phone"),
    [
        ("Tél : 26.79.38", False, "26.79.38"),
        ("Contact : le chef de projet - Tél : 26 82 65", False, "26 82 65"),
        ("Par téléphone : +687 267770", False, "+687 267770"),
        ("Tél : 26.79.38 ou 77.88.99", False, "26.79.38 ou 77.88.99"),
        ("+687 20 64 60", True, "+687 20 64 60"),
        # a labelled value is kept as written
        ("27.11.22 ou 77.88.99 (standard)", True, "27.11.22 ou 77.88.99 (standard)"),
        ("267680", True, "267680"),
        # numbers that are not telephones: a date, a count, no telephone word
        ("Date limite : 29/05/2026", False, None),
        ("Il y a 12 34 56 agents", False, None),
        ("Tél : 2026-05-29", False, None),
    ],
)
def test_phone_in(text: str, labelled: bool, phone: str | None) -> None:
    assert values.phone_in(text, labelled=labelled) == phone


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (values.url_in, "https://example.nc/avp/26-0677.pdf", "https://example.nc/avp/26-0677.pdf"),
        (values.url_in, "", None),
        (values.url_in, "voir le site", None),
        (values.rome_code, "m1607", "M1607"),
        (values.rome_code, "Code ROME : K2104", "K2104"),
        (values.rome_code, "Secrétariat", None),
        (values.contract_kind, "Titulaire", "titulaire"),
        (values.contract_kind, "Fonctionnaire ou contractuel", "titulaire"),
        (values.contract_kind, "Contractuel (CDD d'un an)", "contractuel"),
        (values.contract_kind, "CDI", "contractuel"),
        (values.contract_kind, "FULL_TIME", None),
        (values.category_letter, "Catégorie B", "B"),
        (values.category_letter, "a", "A"),
        (values.category_letter, "Cadre", None),
    ],
)
def test_typed_values(function, text: str, expected) -> None:
    assert function(text) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("-22.2796701", 90, -22.2796701), ("166,4424", 180, 166.4424), ("200", 180, None), ("", 90, None),
     ("nord", 90, None)],
)
def test_coordinate(text: str, limit: float, expected: float | None) -> None:
    assert values.coordinate(text, limit) == expected
