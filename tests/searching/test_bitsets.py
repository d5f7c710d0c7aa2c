"""Byte-coded facet columns count what a plain Counter over the documents counts."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.searching.bitsets import CodedColumn, doc_mask, mask_docs

_VALUES = st.sampled_from(["Province Sud", "Province Nord", "Nouméa", "", None, "ouverte"])


@settings(max_examples=300, deadline=None)
@given(column=st.lists(_VALUES, max_size=300), data=st.data())
def test_counts_and_masks_match_a_counter(column, data):
    size = len(column)
    docs = data.draw(st.sets(st.integers(0, max(size - 1, 0)), max_size=size)) if size else set()
    chosen = data.draw(st.sets(_VALUES, max_size=3))
    coded = CodedColumn.of(column)
    mask = doc_mask(docs, size)
    assert mask_docs(mask) == docs
    assert coded.counts(mask) == {v: n for v, n in Counter(column[d] for d in docs).items() if v}
    kept = {d for d in range(size) if column[d] in chosen and column[d]}
    assert mask_docs(coded.mask_for(chosen)) == kept


def test_too_many_distinct_values_are_not_coded():
    assert CodedColumn.of([f"v{i}" for i in range(256)]) is None
    assert CodedColumn.of([f"v{i}" for i in range(255)]) is not None
