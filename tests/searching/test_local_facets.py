"""The local filters through a real index: zone, residence and corps by its short name,
counted, ordered and filtered like every facet (contract, category and ROME family read
fields the parsers fill from richer files; their values are tested in test_facetvalues)."""

from __future__ import annotations

import datetime as dt

import pytest

AS_OF = dt.date(2025, 8, 15)

OFFERS = {
    "3134-25-4001/SR": ("Dumbéa", "au moins égale à 5 ans",
                        "Assistant socio-éducatif - spécialité conseiller en économie sociale"),
    "3134-25-4002/SR": ("Koné", "au moins égale à 10 ans",
                        "Assistant socio-éducatif, spécialité Direction des affaires sanitaires"),
    "3134-25-4003/SR": ("Grand Nouméa", None, "Rédacteur"),
    "3134-25-4004/SR": ("Lifou", "au moins égale à 5 ans", "Rédacteur"),
}


def _offer_text(reference: str, place: str, residence: str | None, corps: str) -> str:
    lines = [f"# Travailleur social à {place}", f"Référence : {reference} du 01/08/2025",
             "Employeur : Province Sud", f"Corps ou Cadre d’emploi /Domaine : {corps}",
             f"Lieu de travail : {place}"]
    if residence:
        lines.append(f"Durée de résidence exigée pour le recrutement sur titre (1): {residence}")
    lines += ["Date de dépôt de l’offre : vendredi 1 août 2025",
              "Date limite de candidature : vendredi 29 août 2025",
              "# Missions :", "Accompagnement social des familles."]
    return "\n\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from indexer import build_index, open_index

    folder = tmp_path_factory.mktemp("local-facets")
    corpus = folder / "corpus"
    corpus.mkdir()
    for reference, values in OFFERS.items():
        (corpus / f"{reference.replace('/', '-')}.txt").write_text(
            _offer_text(reference, *values), encoding="utf-8")
    build_index(corpus, folder / "index")
    with open_index(folder / "index") as opened:
        yield opened


def counts(page, name: str) -> list[tuple[str, int]]:
    return [(v.value, v.count) for v in page.facets[name]]


def test_local_facets_are_counted_in_their_order(index):
    page = index.search("", as_of=AS_OF)
    assert counts(page, "zone") == [("Grand Nouméa", 2), ("Brousse", 1), ("Îles", 1)]
    assert counts(page, "residence") == [("au moins 5 ans", 2), ("au moins 10 ans", 1)]
    assert counts(page, "corps") == [("Assistant socio-éducatif", 2), ("Rédacteur", 2)]
    assert counts(page, "contract") == counts(page, "category") == counts(page, "rome") == []


@pytest.mark.parametrize("filters, references", [
    ({"zone": ["Grand Nouméa"]}, {"3134-25-4001/SR", "3134-25-4003/SR"}),
    ({"zone": ["Brousse", "Îles"]}, {"3134-25-4002/SR", "3134-25-4004/SR"}),
    ({"residence": ["au moins 5 ans"]}, {"3134-25-4001/SR", "3134-25-4004/SR"}),
    ({"corps": ["Assistant socio-éducatif"]}, {"3134-25-4001/SR", "3134-25-4002/SR"}),
    ({"corps": ["Rédacteur"], "zone": ["Îles"]}, {"3134-25-4004/SR"}),
])
def test_local_filters(index, filters, references):
    page = index.search("social", filters=filters, as_of=AS_OF)
    assert {hit.reference for hit in page.hits} == references


def test_the_offer_keeps_its_own_words(index):
    # The filter shows the short name; the offer page still says what the offer says.
    assert index.get("3134-25-4002-SR").corps == OFFERS["3134-25-4002/SR"][2]
