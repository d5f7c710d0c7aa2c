"""One field's occurrences in many documents, grouped into postings by term at once.

A worker's analysis gives each text as rows (term number, position, start, end) in the
order the analyzer yields them (`indexer.analysis.batch.TermRows`). `FieldRows` keeps the
rows of each document as they come and, when the postings are written (a run spilled, the
segment finished), sorts all of them by (term, document) in one stable sort: each term's
postings then come out as the arrays `_Postings` holds for an "occurrences" field (document
numbers, weights, counts and the flat deltas of `index_occurrences`), without a step of
Python per document and term. The occurrences of other paths (a value not a str, a field
stored as Whoosh's value bytes) convert here too: `encoded_items`, `decoded_occurrences`
(and `indexer.analysis.batch.rows_of` into rows).

    >>> field = FieldRows(weigh=2.0, chars=True)
    >>> _ = field.add(np.array([[0, 0, 0, 3], [1, 1, 4, 7], [0, 2, 8, 11]], np.int32), 0, 1.0)
    >>> _ = field.add(np.array([[1, 0, 0, 3]], np.int32), 1, 1.0)
    >>> [(text, list(docs), list(weights), list(counts), list(numbers))
    ...  for text, (docs, weights, counts, numbers) in field.entries(["zèbre", "âne"])]
    [('zèbre', [0], [4.0], [2], [0, 0, 3, 2, 5, 3]), ('âne', [0, 1], [2.0, 2.0], [1, 1], [1, 4, 3, 0, 0, 3])]
"""

from __future__ import annotations

from array import array
from typing import Iterator

import numpy as np
from whoosh import formats

from indexer.whoosh_internals.position_blocks import absolute, deltas_of

Entry = tuple[array, array, array, array]


class FieldRows:
    """The rows of one field's documents, added in document order."""

    def __init__(self, weigh: float, chars: bool) -> None:
        self.weigh = weigh  # the field's boost: a posting weighs its count times this
        self.chars = chars  # whether the deltas hold characters besides positions
        self.blocks: list[np.ndarray] = []
        self.docs = array("I")
        self.counts = array("I")
        self.boosts = array("d")

    def add(self, rows: np.ndarray, docnum: int, boost: float) -> int:
        """Add a document's rows; returns the field's length there (its occurrences)."""
        count = len(rows)
        if count:
            self.blocks.append(rows)
            self.docs.append(docnum)
            self.counts.append(count)
            self.boosts.append(boost)
        return count

    def entries(self, texts: list[str]) -> Iterator[tuple[str, Entry]]:
        """(term, (documents, weights, counts, flat deltas)) of every term, in term order."""
        if not self.blocks:
            return
        rows = np.concatenate(self.blocks)
        counts = np.frombuffer(self.counts, np.uint32)
        docs = np.repeat(np.frombuffer(self.docs, np.uint32).astype(np.int64), counts)
        ids = rows[:, 0]
        used = np.unique(ids)
        names = [texts[number] for number in used.tolist()]
        order = sorted(range(len(names)), key=names.__getitem__)
        rank = np.zeros(int(used[-1]) + 1, np.int64)
        rank[used[order]] = np.arange(len(order))
        span = int(docs[-1]) + 1
        key = rank[ids] * span + docs
        # Stable: a term's occurrences in a document keep the analyzer's order.
        perm = np.argsort(key, kind="stable")
        key = key[perm]
        rows = rows[perm]
        total = len(key)
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])  # each posting's first row
        numbers = self._deltas(rows, starts)
        post_counts = np.diff(np.r_[starts, total]).astype(np.uint32)
        post_docs = (key[starts] % span).astype(np.uint32)
        boosts = np.repeat(np.frombuffer(self.boosts, np.float64), counts)[perm][starts]
        # As `_Postings.add_occurrences` weighs: count times the field's boost, times the document's.
        weights = post_counts.astype(np.float64) * self.weigh * boosts
        term_rank = key[starts] // span
        firsts = np.flatnonzero(np.r_[True, term_rank[1:] != term_rank[:-1]])
        posting_ends = np.r_[firsts, len(starts)].tolist()
        width = 3 if self.chars else 1
        number_ends = (np.r_[starts[firsts], total] * width).tolist()
        docs_b, weights_b = post_docs.tobytes(), weights.tobytes()
        counts_b, numbers_b = post_counts.tobytes(), numbers.tobytes()
        for t, j in enumerate(order):
            a, b = posting_ends[t], posting_ends[t + 1]
            na, nb = number_ends[t], number_ends[t + 1]
            entry = (array("I"), array("d"), array("I"), array("i"))
            entry[0].frombytes(docs_b[4 * a:4 * b])
            entry[1].frombytes(weights_b[8 * a:8 * b])
            entry[2].frombytes(counts_b[4 * a:4 * b])
            entry[3].frombytes(numbers_b[4 * na:4 * nb])
            yield names[j], entry

    def _deltas(self, rows: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """The flat deltas of the sorted rows: each position's distance from the previous one
        of its posting (the first from 0), with chars that, its start's distance from the
        previous end and its length."""
        pos = rows[:, 1].astype(np.int64)
        before = np.empty_like(pos)
        before[0] = 0
        before[1:] = pos[:-1]
        before[starts] = 0
        if not self.chars:
            return (pos - before).astype(np.int32)
        start, end = rows[:, 2].astype(np.int64), rows[:, 3].astype(np.int64)
        last_end = np.empty_like(end)
        last_end[0] = 0
        last_end[1:] = end[:-1]
        last_end[starts] = 0
        return np.column_stack((pos - before, start - last_end, end - start)).astype(np.int32).ravel()

    def clear(self) -> None:
        self.blocks = []
        self.docs, self.counts, self.boosts = array("I"), array("I"), array("d")


def encoded_items(fmt, found: dict[str, list[int]], chars: bool) -> list:
    """``field.index``'s items from an analysis' occurrences (Whoosh's value bytes)."""
    width = 3 if chars else 1
    return [(text.encode("utf-8"), len(deltas) // width, len(deltas) // width * fmt.field_boost,
             fmt.encode(absolute(deltas, chars))) for text, deltas in found.items()]


def decoded_occurrences(fmt, items) -> dict[str, list[int]]:
    """An analysis' occurrences (deltas) from ``field.index``'s items (a value not a str)."""
    chars = type(fmt) is formats.Characters
    return {tbytes.decode("utf-8"): deltas_of(fmt.decode_characters(vbytes) if chars
                                              else fmt.decode_positions(vbytes), chars)
            for tbytes, _, _, vbytes in items}
