"""The place, acronym and derivation tables, tested through the analyzer: a word typed
searches the tokens the index gives the other spelling (both ways), and an area covers its
places without its places covering it."""

from __future__ import annotations

import pytest

from indexer.analysis import analyze, french_analyzer
from indexer.analysis.synonyms import parse_table, query_synonym_table, synonym_inclusions


def searched(typed: str) -> set[str]:
    """The tokens a query searches for ``typed``: its own, and its synonym tokens."""
    tokens = analyze(typed, mode="query")
    marks = query_synonym_table().get(tuple(tokens), ())
    if not tokens:  # acronyms that are stop words ("SI") are looked up folded
        marks = query_synonym_table().get((typed.lower(),), ())
    return set(tokens) | set(marks)


def indexed(written: str) -> set[str]:
    """The tokens the index stores for ``written`` (with positions, as the writer asks)."""
    return {t.text for t in french_analyzer()(written, positions=True, chars=True, mode="index")}


def meets(typed: str, written: str) -> bool:
    return bool(searched(typed) & indexed(written))


# typed, written in an offer: each finds the other
BOTH_WAYS = [
    ("Lifou", "Drehu"), ("Lifou", "Lifu"), ("Maré", "Nengone"), ("Ouvéa", "Iaai"),
    ("Île des Pins", "Kunié"), ("Grand Nouméa", "Nouméa agglo"),
    ("province des îles", "Province des îles Loyauté"),
    ("OPT", "Office des postes et télécommunications"),
    ("OPT", "Office des Postes et des Télécommunications"),
    ("DSI", "Direction des systèmes d'information"),
    ("DT", "direction des télécommunications"),
    ("DDI", "Direction de la distribution"),
    ("DMI", "Direction des moyens et de l'immobilier"),
    ("DPSP", "direction de la poste et des services de proximité"),
    ("RH", "ressources humaines"), ("DRH", "direction des ressources humaines"),
    ("BTP", "bâtiment et travaux publics"), ("SIG", "système d'information géographique"),
    ("DAF", "direction administrative et financière"), ("SAV", "service après-vente"),
    ("SI", "systèmes d'information"),
    ("banque", "bancaire"), ("banques", "bancaires"), ("vente", "vendre"),
    ("vente", "vendeuse"), ("ventes", "vendeur"), ("comptable", "comptabilité"),
    ("informatique", "informaticien"), ("informatique", "informaticienne"),
    ("informatique", "systèmes d'information"), ("finances", "financière"),
    ("secrétaire", "secrétariat"), ("acheteuse", "achats"), ("télécoms", "télécommunications"),
]


@pytest.mark.parametrize("a, b", BOTH_WAYS)
def test_both_ways(a, b):
    assert meets(a, b) and meets(b, a)


# area typed, place written: the area finds the place, the place does not find the area
COVERS = [
    ("Grand Nouméa", "Dumbéa"), ("Grand Nouméa", "Mont-Dore"), ("Grand Nouméa", "Païta"),
    ("noumea agglo", "Dumbéa"), ("Grand Nouméa", "Nouméa"),
    ("province des iles", "Lifou"), ("province des îles", "Maré"), ("province des iles", "Ouvéa"),
    ("province nord", "Koné"), ("province Nord", "Koumac"), ("province sud", "Bourail"),
]


@pytest.mark.parametrize("area, place", COVERS)
def test_an_area_covers_its_places(area, place):
    assert meets(area, place)
    assert not searched(place) & searched(area) - set(analyze(place, mode="query"))


# words that must stay apart
APART = [("Dumbéa", "Nouméa"), ("Koné", "Koumac"), ("information", "informatique"),
         ("vente", "ventilation"), ("banque", "banc"), ("province sud", "Lifou")]


@pytest.mark.parametrize("a, b", APART)
def test_apart(a, b):
    assert not meets(a, b)


def test_inclusion_lines_parse():
    groups, inclusions = parse_table(["Lifou = Drehu", "Grand Nouméa > Dumbéa | Païta"])
    assert groups == (("Lifou", "Drehu"),)
    assert inclusions == (("Grand Nouméa", ("Dumbéa", "Païta")),)


def test_every_covered_place_is_searchable():
    for head, places in synonym_inclusions():
        for place in (head, *places):
            assert analyze(place, mode="query"), place
