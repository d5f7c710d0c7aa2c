"""Phrase matching (`adjacent_docs`) against Whoosh's own Phrase query on a real index of
two segments with deleted offers: the same documents for every phrase."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3Codec

from indexer.offer import Offer
from indexer.schema import make_schema, offer_to_document
from indexer.searching.phrases import adjacent_docs
from indexer.whoosh_internals.codec import offres_codec

# (title, text): French offers whose words make phrases appear, nearly appear, repeat.
OFFERS = [
    ("Éducateur spécialisé", "Protection de l'enfance : suivi des mesures de protection de l'enfance."),
    ("Éducatrice", "La protection sociale de l'enfance et la protection de la santé."),
    ("Travailleur social", "Service social de la province, travailleur social de secteur."),
    ("Assistant social", "Le social travailleur : les mots à l'envers ne font pas une phrase."),
    ("Chargé de mission", "Chargé de mission chargé de mission auprès du directeur."),
    ("Infirmier", "Santé publique, santé scolaire, santé publique encore et santé."),
    ("Agent d'accueil", "Accueil du public. Service candidat : accueil, service, candidat."),
    ("Chef de service", "Chef de service social, chef de l'unité, service du chef."),
    ("Comptable", "aide sociale à l'enfance, aide sociale à domicile, aide à l'enfance sociale"),
    ("Éducateur", "Protection de l'enfance, protection judiciaire de la jeunesse."),
] * 3  # the segments and blocks hold every shape several times

PHRASES = [
    ("body", "protection de l'enfance"),  # an elision and a stop word between the words
    ("body", "travailleur social"),
    ("body", "social travailleur"),
    ("body", "chargé de mission chargé"),  # a repeated word, 3+ words
    ("body", "mission chargé de mission"),
    ("body", "santé publique"),
    ("body", "santé santé"),  # the same word twice, never adjacent to itself
    ("body", "service candidat"),
    ("body", "chef de service social"),
    ("body", "aide sociale à l'enfance"),
    ("body", "aide sociale à domicile"),
    ("body", "protection judiciaire de la jeunesse"),
    ("body", "enfance protection"),
    ("title", "éducateur spécialisé"),
    ("title", "chargé de mission"),
    ("title", "travailleur social"),
    ("title", "spécialisé éducateur"),
    ("body", "santé scolaire publique"),
]

DELETED = (4, 13, 21)  # documents of both segments


def _index(folder, codec):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    half = len(OFFERS) // 2
    for part in (range(half), range(half, len(OFFERS))):
        writer = ix.writer(codec=codec)
        for n in part:
            title, text = OFFERS[n]
            writer.add_document(**offer_to_document(Offer(title=title, text=text), f"o{n}", str(n)))
        writer.commit(merge=False)
    writer = ix.writer(codec=codec)
    for docnum in DELETED:
        writer.delete_document(docnum)
    writer.commit(merge=False)
    return whoosh_index.open_dir(str(folder))


@pytest.fixture(scope="module", params=["ours", "w3"])
def index(request, tmp_path_factory):
    codec = offres_codec() if request.param == "ours" else W3Codec()
    return _index(tmp_path_factory.mktemp("phrases") / request.param, codec)


def _words(searcher, text: str) -> list[str]:
    return [t.text for t in searcher.schema["body"].analyzer(text, mode="query")]


def _candidates(searcher, field: str, words: list[str]) -> list[int]:
    """The live documents holding every word (what the evaluator hands over)."""
    found = searcher.search(Q.And([Q.Term(field, w) for w in words]), limit=None)
    return sorted(hit.docnum for hit in found)


@pytest.mark.parametrize(("field", "text"), PHRASES)
def test_adjacent_docs_are_whooshs_phrase_matches(index, field, text):
    with index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2
        words = _words(searcher, text)
        assert len(words) >= 2
        expected = sorted(hit.docnum for hit in
                          searcher.search(Q.Phrase(field, words), limit=None))
        candidates = _candidates(searcher, field, words)
        got = adjacent_docs(searcher, field, words, candidates)
        assert got == expected
        assert type(got) is list and all(type(d) is int for d in got)
        cache: dict = {}

        def cached(entry, build):
            if entry not in cache:
                cache[entry] = build()
            return cache[entry]

        for _ in range(2):  # the second time from the cached blocks
            assert adjacent_docs(searcher, field, words, np.array(candidates, dtype=np.int64),
                                 cached) == expected
        assert not set(expected) & set(DELETED)


def test_the_table_finds_and_misses(index):
    """The table's phrases are not all found, nor all missed."""
    with index.searcher() as searcher:
        found = [bool(searcher.search(Q.Phrase(f, _words(searcher, t)), limit=None).scored_length())
                 for f, t in PHRASES]
    assert found.count(True) >= 10 and found.count(False) >= 2


def test_one_word_and_no_candidate(index):
    with index.searcher() as searcher:
        assert adjacent_docs(searcher, "body", ["sant"], [1, 5, 7]) == [1, 5, 7]
        assert adjacent_docs(searcher, "body", ["sant", "publiqu"], []) == []
        assert adjacent_docs(searcher, "body", ["sant", "publiqu"], np.array([], dtype=np.int64)) == []
