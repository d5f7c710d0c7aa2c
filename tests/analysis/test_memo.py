"""The memoised index analysis gives the French analyzer's tokens, positions and offsets."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from indexer.analysis import french_analyzer
from indexer.analysis.memo import index_occurrences, positions_function
from indexer.building.corpus import ReadOffer, iter_corpus, read_offer
from indexer.parsing import DEFAULT_MAX_BYTES
from indexer.schema import FREE_TEXT_FIELDS, offer_to_document
from indexer.whoosh_internals.position_blocks import absolute
from support import ROOT

_ANALYZER = french_analyzer()


def index_positions(value: str) -> dict[str, list[tuple[int, int, int]]]:
    """`index_occurrences` read back as (position, startchar, endchar) triples."""
    return {text: absolute(deltas, True) for text, deltas in index_occurrences(value, True).items()}


def _chain(value: str) -> dict[str, list[tuple[int, int, int]]]:
    """What Whoosh's Characters format collects from the analyzer (stop words removed)."""
    seen = defaultdict(list)
    for t in _ANALYZER(value, positions=True, chars=True, boosts=True, mode="index"):
        if not t.stopped:
            seen[t.text].append((t.pos, t.startchar, t.endchar))
    return dict(seen)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L’éducatrice de l'ASE", {"educateu": [(0, 2, 12)], "ase": [(1, 18, 21)]}),
        # the spelled-out form carries the group's token over its three words
        ("l'aide sociale à l'enfance", {"aide": [(0, 2, 6)], "social": [(1, 7, 14)],
                                        "enfanc": [(2, 19, 26)], "ase": [(0, 2, 26)]}),
        # a hyphenated whole shares its first part's position
        ("socio-éducatif", {"socioeducatif": [(0, 0, 14)], "socio": [(0, 0, 5)], "educatif": [(1, 6, 14)]}),
        # a reference keeps its separators in the whole
        ("3134-25-0977/SR", {"3134-25-0977/sr": [(0, 0, 15)], "3134": [(0, 0, 4)], "25": [(1, 5, 7)],
                             "0977": [(2, 8, 12)], "sr": [(3, 13, 15)]}),
        # inclusive endings are skipped; stop words close their gap, after the first word kept
        ("le/la candidat(e) retenu(e) et les usagers",
         {"candidat": [(2, 6, 14)], "retenu": [(3, 18, 24)], "usag": [(4, 35, 42)]}),
        ("Œuvre œuvre ŒUVRE", {"oeuvr": [(0, 0, 5), (1, 6, 11), (2, 12, 17)]}),
        ("", {}),
    ],
)
def test_french_table(text: str, expected: dict) -> None:
    assert index_positions(text) == expected == _chain(text)


def _texts() -> list[str]:
    texts = []
    for folder in (ROOT / "tests" / "fixtures", ROOT / "corpus"):
        for path in iter_corpus(folder):
            read = read_offer(path, DEFAULT_MAX_BYTES) if isinstance(path, Path) else None
            if isinstance(read, ReadOffer):
                doc = offer_to_document(read.offer, "id", read.digest)
                texts.extend(doc[name] for name in FREE_TEXT_FIELDS)
    return texts


def test_every_text_of_the_corpus_analyses_alike() -> None:
    texts = _texts()
    assert len(texts) > 50
    for text in texts:
        assert index_positions(text) == _chain(text)
    # a second pass answers from the memo, alike
    assert [index_positions(t) for t in texts] == [_chain(t) for t in texts]


def _deltas(found: dict[str, list[tuple[int, int, int]]], chars: bool) -> dict[str, list[int]]:
    """Whoosh's deltas of each text's occurrences (what ``Characters.encode`` pickles), flat."""
    deltas = {}
    for text, triples in found.items():
        flat, pos, char = [], 0, 0
        for p, start, end in triples:
            flat += (p - pos, start - char, end - start) if chars else (p - pos,)
            pos, char = p, end
        deltas[text] = flat
    return deltas


@pytest.mark.parametrize("chars", [True, False])
def test_occurrences_are_whooshs_deltas_of_the_chain(chars: bool) -> None:
    texts = _texts() + ["l'aide sociale à l'enfance, l'ASE et l'aide sociale", "socio-éducatif socio"]
    for text in texts:
        assert index_occurrences(text, chars) == _deltas(_chain(text), chars)


def test_only_the_french_analyzer_has_the_fast_path() -> None:
    from whoosh.analysis import KeywordAnalyzer, StandardAnalyzer

    assert positions_function(french_analyzer()) is index_occurrences
    assert positions_function(StandardAnalyzer()) is None
    assert positions_function(KeywordAnalyzer(lowercase=True)) is None
    assert positions_function(None) is None
