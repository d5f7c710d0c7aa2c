"""Phrase matching: which candidate documents hold a sequence of words at consecutive
positions in one field (Whoosh's Phrase with slop 1)."""

from __future__ import annotations

import numpy as np

from indexer.whoosh_internals.postings import term_positions

# A (document, position) pair as one int64: positions stay far below 2**32.
_DOC_SHIFT = 32


def adjacent_docs(searcher, field: str, words: list[str], docnums,
                  cache=None) -> list[int]:
    """The documents of ``docnums`` (sorted ints, a list or a 1-D numpy array, each
    holding every word of ``words`` in ``field``) where some position p has ``words[i]`` at
    p + i, in ascending order.

    ``cache`` is `indexer.searching.scoring.TermScores.cache_for`'s: the posting blocks
    decoded for one phrase serve the next ones and the highlights.
    """
    if len(words) < 2:
        return np.asarray(docnums, dtype=np.int64).tolist()
    candidates = np.asarray(docnums, dtype=np.int64)
    if not len(candidates):
        return []
    reader = searcher.reader()
    fieldtype = searcher.schema[field]
    # Only the candidates' positions: a rare word in a phrase spares decoding every
    # posting of the common ones.
    found = {word: term_positions(reader, field, fieldtype.to_bytes(word), candidates, cache)
             for word in set(words)}
    # Word i at p + i, i.e. p in (word i's positions - i): the (document, p) keys of each
    # word looked up in the sorted keys still possible. Keys come by document, positions
    # nearly in order: the stable sort (a merge sort) is about linear on them.
    starts = None
    for i, word in enumerate(words):
        docs, where = found[word].docs, found[word].positions
        keep = where >= i
        keys = (docs[keep] << _DOC_SHIFT) + (where[keep] - i)
        if starts is not None:
            at = np.minimum(np.searchsorted(starts, keys), len(starts) - 1)
            keys = keys[starts[at] == keys]
        if not len(keys):
            return []
        starts = np.sort(keys, kind="stable")
    kept = starts >> _DOC_SHIFT
    return kept[np.concatenate(([True], kept[1:] != kept[:-1]))].tolist()
