"""The local filters' values from what offers state (French tables of inputs and outputs)."""

from __future__ import annotations

import pytest

from indexer.facetvalues import (
    category_of, contract_of, corps_short, residence_label, rome_family, zone_of,
)
from indexer.offer import Offer
from indexer.schema import facet_values


@pytest.mark.parametrize("commune, location, province, zone", [
    ("Nouméa", "Nouméa", "Province Sud", "Grand Nouméa"),
    ("Dumbéa", None, "Province Sud", "Grand Nouméa"),
    ("Le Mont-Dore", None, "Province Sud", "Grand Nouméa"),
    ("Mont-Dore", None, "Province Sud", "Grand Nouméa"),
    ("Païta", None, "Province Sud", "Grand Nouméa"),
    (None, "Grand Nouméa", "Province Sud", "Grand Nouméa"),
    ("Bourail", None, "Province Sud", "Brousse"),
    ("Koné", None, "Province Nord", "Brousse"),
    ("Houaïlou", None, "Province Nord", "Brousse"),
    ("Lifou", None, "Province des Îles Loyauté", "Îles"),
    ("Maré", None, "Province des Îles Loyauté", "Îles"),
    ("Île des Pins", None, "Province Sud", "Îles"),
    (None, "Wé", "Province des Îles Loyauté", "Îles"),
    (None, None, "Province Sud", None),
    (None, None, None, None),
])
def test_zone(commune, location, province, zone):
    assert zone_of(commune, location, province) == zone


@pytest.mark.parametrize("residence, label", [
    ("au moins égale à 5 ans", "au moins 5 ans"),
    ("Au moins égale à 10 ans", "au moins 10 ans"),
    ("3 ans", "au moins 3 ans"),
    ("1 an", "au moins 1 an"),
    ("aucune", "aucune"),
    ("Sans objet", "aucune"),
    ("Non spécifiée", None),
    (None, None),
])
def test_residence(residence, label):
    assert residence_label(residence) == label


@pytest.mark.parametrize("code, family", [
    ("M1302", "Support à l’entreprise"),
    ("I1307", "Installation et maintenance"),
    ("K1201", "Services à la personne et à la collectivité"),
    ("J1506", "Santé"),
    (" N1103 ", "Transport et logistique"),
    ("Z9999", None),
    ("M13", None),
    (None, None),
])
def test_rome_family(code, family):
    assert rome_family(code) == family


@pytest.mark.parametrize("corps, short", [
    ("Assistant socio-éducatif - spécialité conseiller en économie sociale et familiale - ou "
     "assistant de service social", "Assistant socio-éducatif"),
    ("Assistant socio-éducatif, spécialité Direction des affaires sanitaires et sociales",
     "Assistant socio-éducatif"),
    ("Assistant socio-éducatif – assistant de service social ou éducateur spécialisé",
     "Assistant socio-éducatif"),
    ("Rédacteur", "Rédacteur"),
    ('"Technicien des télécommunications"', "Technicien des télécommunications"),
    ("Technicien supérieur (catégorie B)", "Technicien supérieur"),
    ("Attaché ou rédacteur", "Attaché"),
    ("Ingénieur territorial en chef de classe normale des services techniques provinciaux",
     "Ingénieur territorial en chef de classe…"),
    (None, None),
])
def test_corps_short_name(corps, short):
    assert corps_short(corps) == short


@pytest.mark.parametrize("value, contract", [
    ("titulaire", "titulaire"), ("Contractuel", "contractuel"), ("CDD", None), (None, None)])
def test_contract(value, contract):
    assert contract_of(value) == contract


@pytest.mark.parametrize("value, category", [
    ("A", "A"), ("b", "B"), ("Catégorie C", "C"), ("E", None), (None, None)])
def test_category(value, category):
    assert category_of(value) == category


def test_facet_values_of_an_offer():
    offer = Offer(reference="3134-26-0712/SR", title="Chef(fe) de centre",
                  employer="Office des postes et télécommunications", corps="Cadre technique",
                  direction="Direction des télécommunications", location="Agence Entreprises",
                  commune="Nouméa", province="Province Sud", residence="au moins égale à 5 ans",
                  respnc="Chef d’établissement", rome_code="M1302", contract="titulaire",
                  category="A")
    assert facet_values(offer) == {
        "employer": "Office des postes et télécommunications",
        "commune": "Nouméa",
        "province": "Province Sud",
        "respnc": "Chef d’établissement",
        "corps": "Cadre technique",
        "direction": "Direction des télécommunications",
        "zone": "Grand Nouméa",
        "contract": "titulaire",
        "category": "A",
        "residence": "au moins 5 ans",
        "rome": "Support à l’entreprise",
    }
