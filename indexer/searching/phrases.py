"""Phrase matching: which candidate documents hold a sequence of words at consecutive
positions in one field (Whoosh's Phrase with slop 1)."""

from __future__ import annotations

from indexer.whoosh_internals.postings import positions


def adjacent_docs(searcher, field: str, words: list[str], docnums: list[int],
                  cache=None) -> list[int]:
    """The documents of ``docnums`` (sorted, live, each holding every word of ``words`` in
    ``field``) where some position p has ``words[i]`` at p + i, in ascending order.

    ``cache`` is `indexer.searching.scoring.TermScores.cache_for`'s: the posting blocks
    decoded for one phrase serve the next ones and the highlights.
    """
    if len(words) < 2:
        return list(docnums)
    # Only the candidates' positions: a rare word in a phrase spares decoding every
    # posting of the common ones.
    found = {word: positions(searcher, field, word, docnums, cache) for word in set(words)}
    first = found[words[0]]
    # Word i at p + i, i.e. p in (word i's positions - i): set operations run in C.
    rest = [(found[word], (-i).__add__) for i, word in enumerate(words) if i]
    kept = []
    for d in docnums:
        starts = first[d]
        for where, shift in rest:
            starts = starts.intersection(map(shift, where[d]))
            if not starts:
                break
        else:
            kept.append(d)
    return kept
