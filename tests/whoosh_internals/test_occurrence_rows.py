"""Rows grouped into postings give what adding each document's occurrences one by one gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis.batch import rows_of
from indexer.whoosh_internals.occurrence_rows import FieldRows


def one_by_one(documents, weigh: float, chars: bool) -> dict[str, tuple[list, list, list, list]]:
    """term -> (docs, weights, counts, flat deltas), a document at a time (the reference)."""
    width = 3 if chars else 1
    terms: dict[str, tuple[list, list, list, list]] = {}
    for docnum, boost, found in documents:
        for text, flat in found.items():
            docs, weights, counts, numbers = terms.setdefault(text, ([], [], [], []))
            freq = len(flat) // width
            docs.append(docnum)
            weights.append(freq * weigh * boost)
            counts.append(freq)
            numbers.extend(flat)
    return dict(sorted(terms.items()))


_OCCURRENCE = st.tuples(st.integers(0, 40), st.integers(-3, 60), st.integers(0, 12))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 3.0),
                          st.dictionaries(st.sampled_from(["a", "b", "zèbre", "âne", "é", "ab"]),
                                          st.lists(_OCCURRENCE, min_size=1, max_size=5),
                                          max_size=5)),
                max_size=12),
       st.booleans(), st.sampled_from([1.0, 2.5]))
def test_grouped_rows_are_the_postings_one_by_one(documents, chars, weigh) -> None:
    numbered = []
    for docnum, (boost, occurrences) in enumerate(documents):
        found = {}
        for text, triples in occurrences.items():
            found[text] = [n for t in triples for n in (t if chars else t[:1])]
        numbered.append((docnum * 2, boost, found))
    texts: list[str] = []
    numbers: dict[str, int] = {}

    def number(text: str) -> int:
        if text not in numbers:
            numbers[text] = len(texts)
            texts.append(text)
        return numbers[text]

    field = FieldRows(weigh, chars)
    for docnum, boost, found in numbered:
        assert field.add(rows_of(found, number, chars), docnum, boost) == sum(
            len(flat) // (3 if chars else 1) for flat in found.values())
    got = {text: tuple(list(part) for part in entry) for text, entry in field.entries(texts)}
    assert got == one_by_one(numbered, weigh, chars)
    assert list(got) == sorted(got, key=lambda t: t.encode("utf-8"))


def test_an_empty_field_has_no_entries() -> None:
    field = FieldRows(1.0, True)
    assert field.add(np.zeros((0, 4), np.int32), 0, 1.0) == 0
    assert list(field.entries([])) == []


@pytest.mark.parametrize("chars", [True, False])
def test_rows_of_reads_the_deltas_back(chars: bool) -> None:
    found = {"a": [0, 2, 3, 4, 1, 2] if chars else [0, 4], "b": [1, 6, 2] if chars else [1]}
    rows = rows_of(found, {"a": 0, "b": 1}.__getitem__, chars).tolist()
    if chars:
        assert rows == [[0, 0, 2, 5], [0, 4, 6, 8], [1, 1, 6, 8]]
    else:
        assert rows == [[0, 0, 0, 0], [0, 4, 0, 0], [1, 1, 0, 0]]
