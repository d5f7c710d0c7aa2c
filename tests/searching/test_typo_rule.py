"""The one rule for typos, as tables: query -> « Vouliez-vous dire », fallback, first offers.

A suggestion only for a word whose analysed form the index does not know, never when the
query as typed found offers; a real French word is never corrected behind the user's back.
"""

from __future__ import annotations

import pytest

from indexer.analysis.lexicon import is_french_word

EDUC = "3134-24-1986/SR"  # the only seed offer that says "éducateur"
CESF = "3134-25-0977/SR"
ASSISTANT_SOCIAL = {"3134-24-1801/SR", "3134-25-1255/SR"}

# query, suggestion, fallback, the first references (in order)
SEEDS = [
    # the analyzer merges éducatrice with éducateur: found as typed, nothing to suggest
    ("educatrice", None, None, [EDUC]),
    ("éducatrices", None, None, [EDUC]),
    ("educatrice specialisee", None, None, [EDUC]),
    ("conseillere economie sociale familiale", None, None, [CESF]),
    # real French words the corpus lacks: not corrected, no hint pointing elsewhere
    ("infirmiere", None, None, []),
    ("infirmier Koné", None, None, []),
    # typos: corrected whatever the first letter, in the gender typed
    ("ducateur", "éducateur", "fuzzy", [EDUC]),
    ("educatrise", "éducatrice", "fuzzy", [EDUC]),
    ("travailleur socail", "travailleur social", "fuzzy", [CESF]),
]


@pytest.mark.parametrize("query, suggestion, fallback, first", SEEDS)
def test_seed_table(seed_index, query, suggestion, fallback, first):
    page = seed_index.search(query)
    assert (page.suggestion, page.fallback) == (suggestion, fallback)
    assert [h.reference for h in page.hits][:len(first)] == first


@pytest.mark.parametrize("query, first", [
    ("assistante sociale", ASSISTANT_SOCIAL),
    ("travailleuse sociale", {CESF}),
])
def test_feminine_queries_find_and_suggest_nothing(seed_index, query, first):
    page = seed_index.search(query)
    assert (page.suggestion, page.fallback) == (None, None)
    assert first <= {h.reference for h in page.hits[:len(first) + 1]}


def test_a_real_french_word_is_never_rewritten(seed_index):
    """« infirmier Koné » used to become « informer Koné » (social-work offers with
    "informations" marked)."""
    page = seed_index.search("infirmier Koné")
    assert page.fallback != "fuzzy"
    assert page.suggestion is None
    assert not any("inform" in h.snippet.lower() for h in page.hits)


@pytest.mark.parametrize("word, french", [
    ("infirmier", True), ("Infirmière", True), ("infirmiere", True), ("éducatrice", True),
    ("informaticien", True), ("socail", False), ("ducateur", False), ("educatrise", False),
])
def test_lexicon(word, french):
    assert is_french_word(word) is french
