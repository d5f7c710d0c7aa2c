"""A worker's occurrence rows (`TermRows`) are the French analyzer's occurrences, one row each."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis.batch import ARRAY_MIN_CHARS, TermRows
from indexer.analysis.memo import index_occurrences
from test_memo import _chain, _texts


def grouped(rows: TermRows, value: str) -> dict[str, list[tuple[int, int, int]]]:
    """The rows of ``value`` by term, as (position, start, end) in the rows' order."""
    found: dict[str, list[tuple[int, int, int]]] = {}
    for number, pos, start, end in rows.rows(value).tolist():
        found.setdefault(rows.texts[number], []).append((pos, start, end))
    return found


def chain_positions(value: str) -> dict[str, list[tuple[int, int, int]]]:
    return {text: sorted(found) for text, found in _chain(value).items()}


LONG = " ".join(["Le service recrute"] * 20)  # past ARRAY_MIN_CHARS: the array path

# Each case alone (the short path) and after a long text (the array path).
CASES = [
    ("L’éducatrice de l'ASE", {"educateu": [(0, 2, 12)], "ase": [(1, 18, 21)]}),
    # a term of the synonym table gives its mark over its three words
    ("l'aide sociale à l'enfance", {"aide": [(0, 2, 6)], "social": [(1, 7, 14)],
                                    "enfanc": [(2, 19, 26)], "ase": [(0, 2, 26)]}),
    # a hyphenated whole shares its first part's position
    ("socio-éducatif", {"socioeducatif": [(0, 0, 14)], "socio": [(0, 0, 5)],
                        "educatif": [(1, 6, 14)]}),
    ("3134-25-0977/SR", {"3134-25-0977/sr": [(0, 0, 15)], "3134": [(0, 0, 4)],
                         "25": [(1, 5, 7)], "0977": [(2, 8, 12)], "sr": [(3, 13, 15)]}),
    # inclusive endings skipped; stop words close their gap after the first word kept
    ("le/la candidat(e) retenu(e) et les usagers",
     {"candidat": [(2, 6, 14)], "retenu": [(3, 18, 24)], "usag": [(4, 35, 42)]}),
    ("éducateur·rice·s assistant(e)s chef(fe)", {"educateu": [(0, 0, 9)],
                                                "asistant": [(1, 17, 26)], "chef": [(2, 31, 35)]}),
    ("Œuvre œuvre ŒUVRE", {"oeuvr": [(0, 0, 5), (1, 6, 11), (2, 12, 17)]}),
    ("le la les", {}),
    ("", {}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_french_table(text: str, expected: dict) -> None:
    assert len(text) < ARRAY_MIN_CHARS
    assert grouped(TermRows(), text) == expected == chain_positions(text)
    # after a long text, the array path: the analyzer's occurrences too, the case's last
    long = LONG + " " + text
    assert len(long) >= ARRAY_MIN_CHARS
    after = grouped(TermRows(), long)
    assert {term: sorted(found) for term, found in after.items()} == chain_positions(long)
    base = len(LONG) + 1
    for term, found in expected.items():
        assert [(s - base, e - base) for _, s, e in after[term][-len(found):]] == [
            (s, e) for _, s, e in found]


def test_every_text_of_the_corpus_gives_the_analyzers_occurrences() -> None:
    rows = TermRows()
    texts = _texts()
    long = [t for t in texts if len(t) >= ARRAY_MIN_CHARS]
    assert len(long) > 10
    for _ in range(2):  # the second pass answers from the memo
        for text in texts + [" ".join(texts[:40])]:
            assert {t: sorted(f) for t, f in grouped(rows, text).items()} == chain_positions(text)


def _deltas(found: dict[str, list[tuple[int, int, int]]]) -> dict[str, list[int]]:
    out = {}
    for text, triples in found.items():
        flat, pos, end_before = [], 0, 0
        for p, start, end in triples:
            flat += (p - pos, start - end_before, end - start)
            pos, end_before = p, end
        out[text] = flat
    return out


_WORDS = st.sampled_from(["l'", "d’", "qu'", "aide", "sociale", "à", "enfance", "ASE", "socio-",
                          "éducatif", "Koné", "provinces", "Nord", "Sud", "3134-25/SR", "(e)",
                          "·rice", "le", "de", "-", "/", "assistant", "service", "social",
                          "protection", "de l'enfance", "DSI", "Direction", "des", "systèmes",
                          "d'information", "œuvre", "et/ou", "–", "’", "."])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=120), st.sampled_from([" ", "", "\n", ", "]))
def test_any_text_gives_index_occurrences_in_the_analyzers_order(words, glue) -> None:
    text = glue.join(words)
    # the rows' order within a term is the analyzer's: their deltas are index_occurrences'
    assert _deltas(grouped(TermRows(), text)) == index_occurrences(text, True)
