"""Free text over every field a job seeker names, place aliases, acronyms and derived words,
on offers of our own that reproduce the real OPT-NC cases (tests/searching/nc_offers.py)."""

from __future__ import annotations

import pytest

from nc_offers import REF, write_corpus

NEWS = "the news page"


@pytest.fixture(scope="module")
def nc_index(tmp_path_factory):
    from indexer import build_index, open_index

    folder = tmp_path_factory.mktemp("nc")
    build_index(write_corpus(folder / "corpus"), folder / "index")
    with open_index(folder / "index") as index:
        yield index


def refs(page) -> list[str]:
    return [NEWS if h.reference.startswith("sans-ref") else h.reference for h in page.hits]


# query, the offers expected first (any order among them), offers that must not be found
TABLE = [
    # places, in the place field (the news page that names them comes after)
    ("lifou", {"lifou"}, {"kone"}),
    ("lifu", {"lifou"}, set()),
    ("drehu", {"lifou"}, set()),
    ("province des iles", {"lifou", "support"}, {"kone", "noumea"}),
    ("province nord", {"kone", "bank"}, {"lifou", "noumea"}),
    ("Koumac", {"bank"}, set()),
    ("noumea agglo", {"noumea", "dev", "sales", "accounts", "works"}, {"lifou", "kone"}),
    ("Dumbéa", {"sales"}, {"noumea", "dev"}),
    # employers and directions
    ("OPT", {"lifou", "kone", "dev", "bank", "sales", "noumea"}, {"accounts", "works"}),
    ("direction de la distribution", {"lifou", "kone"}, set()),
    # acronyms, both ways
    ("DSI", {"dev"}, set()),
    ("direction des systemes d'information", {"dev"}, set()),
    ("BTP", {"works"}, set()),
    ("DBAF", {"accounts"}, set()),
    # job families and derived words
    ("banque", {"bank"}, set()),
    ("bancaire", {"bank"}, set()),
    ("vendre", {"sales", "kone"}, set()),
    ("vente", {"sales", "kone"}, set()),
    ("comptabilité", {"accounts"}, set()),
    ("comptable", {"accounts"}, set()),
    ("informatique", {"support", "dev"}, set()),
    ("informaticien", {"support", "dev"}, set()),
    ("secrétariat", {"noumea"}, set()),
]


@pytest.mark.parametrize("query, first, absent", TABLE)
def test_table(nc_index, query, first, absent):
    page = nc_index.search(query)
    found = refs(page)
    assert (page.suggestion, page.fallback) == (None, None)
    assert set(found[:len(first)]) == {REF[k] for k in first}
    assert not {REF[k] for k in absent} & set(found)


def test_a_covered_place_does_not_search_its_area(nc_index):
    """Grand Nouméa covers Dumbéa; Dumbéa does not cover Nouméa."""
    assert REF["sales"] in refs(nc_index.search("grand nouméa"))
    assert REF["noumea"] not in refs(nc_index.search("dumbea"))


def test_words_next_to_each_other_rank_first(nc_index):
    assert refs(nc_index.search("chef d'agence"))[0] == REF["lifou"]


# query, the first hit's labels as marked (only the labels the query matched)
MARKED = [
    ("Koumac", {"location": '<mark class="match">Koumac</mark>',
                "commune": '<mark class="match">Koumac</mark>'}),
    ("bancaire", {"respnc": 'Services <mark class="match">bancaires</mark>'}),
    ("DSI", {"direction": '<mark class="match">Direction des systèmes d&#39;information</mark>'}),
    ("java", {}),
]


@pytest.mark.parametrize("query, marked", MARKED)
def test_each_field_has_its_own_highlighting(nc_index, query, marked):
    assert nc_index.search(query).hits[0].fields_html == marked
