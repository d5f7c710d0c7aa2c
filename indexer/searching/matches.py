"""Matching documents with their scores as two aligned numpy arrays, and the And / Or /
AndNot of such sets, vectorised.

A `Matches` holds ``docs`` (int64 doc numbers, strictly ascending) and ``scores`` (float64,
one per document). Scores add up in the order the parts are given (Or: the largest part
first), one float addition at a time, as the per-document evaluation did: the sums are the
same to the bit. It is also a read-only ``Mapping`` of plain ``int`` to plain ``float`` for
the callers and tests that want one; nothing numpy leaves through that side.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

_NO_DOCS = np.empty(0, dtype=np.int64)
_NO_SCORES = np.empty(0, dtype=np.float64)


class Matches(Mapping):
    """Documents (ascending) and their scores; shared by the cache, so never modified."""

    __slots__ = ("docs", "scores")

    def __init__(self, docs: np.ndarray, scores: np.ndarray) -> None:
        self.docs = docs
        self.scores = scores

    @classmethod
    def of(cls, scores: dict[int, float]) -> "Matches":
        """From a ``{docnum: score}`` dict (Whoosh's own evaluation)."""
        if not scores:
            return EMPTY
        docs = np.fromiter(scores, dtype=np.int64, count=len(scores))
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        order = np.argsort(docs, kind="stable")
        return cls(docs[order], values[order])

    @classmethod
    def same_score(cls, docs: np.ndarray, score: float) -> "Matches":
        return cls(docs, np.full(len(docs), float(score)))

    def __len__(self) -> int:
        return len(self.docs)

    def __bool__(self) -> bool:
        return len(self.docs) > 0

    def __iter__(self):
        return iter(self.docs.tolist())

    def _index(self, docnum) -> int:
        i = int(np.searchsorted(self.docs, docnum))
        if i < len(self.docs) and self.docs[i] == docnum:
            return i
        return -1

    def __getitem__(self, docnum) -> float:
        i = self._index(docnum)
        if i < 0:
            raise KeyError(docnum)
        return float(self.scores[i])

    def __contains__(self, docnum) -> bool:
        return self._index(docnum) >= 0

    def items(self):
        return zip(self.docs.tolist(), self.scores.tolist())

    def __repr__(self) -> str:
        return f"Matches({len(self)} documents)"

    def boosted(self, boost: float) -> "Matches":
        return Matches(self.docs, self.scores * boost)

    def take(self, keep: np.ndarray) -> "Matches":
        """The documents where ``keep`` (a boolean array aligned with ``docs``) is true."""
        return Matches(self.docs[keep], self.scores[keep])

    def scores_of(self, docs: np.ndarray) -> np.ndarray:
        """The scores of ``docs`` (ascending, each one of these documents)."""
        if len(docs) == len(self.docs):
            return self.scores
        return self.scores[positions(self.docs, docs)]


EMPTY = Matches(_NO_DOCS, _NO_SCORES)


def _dense(needles: np.ndarray, haystack: np.ndarray) -> int:
    """The size of a dense array over doc numbers for a lookup of ``needles`` in
    ``haystack``, or 0 when binary search costs less (few needles for the doc range)."""
    size = int(max(haystack[-1], needles.max())) + 1
    return size if len(needles) * 16 > size else 0


def contains(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """For each of ``needles``, whether the ascending ``haystack`` holds it."""
    if not len(haystack) or not len(needles):
        return np.zeros(len(needles), dtype=bool)
    size = _dense(needles, haystack)
    if size:
        flags = np.zeros(size, dtype=bool)
        flags[haystack] = True
        return flags[needles]
    where = np.searchsorted(haystack, needles)
    where[where == len(haystack)] = 0
    return haystack[where] == needles


def positions(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """The index in the ascending ``haystack`` of each of ``needles`` (all in it)."""
    if not len(needles):
        return np.empty(0, dtype=np.int64)
    size = _dense(needles, haystack)
    if size:
        index = np.empty(size, dtype=np.int64)
        index[haystack] = np.arange(len(haystack))
        return index[needles]
    return np.searchsorted(haystack, needles)


def intersect(parts: list[Matches]) -> Matches:
    """Documents in every part, scores summed in the parts' order."""
    if len(parts) == 1:
        return parts[0]
    docs = min(parts, key=len).docs
    for part in sorted(parts, key=len)[1:]:
        if not len(docs):
            return EMPTY
        docs = docs[contains(part.docs, docs)]
    if not len(docs):
        return EMPTY
    total = parts[0].scores_of(docs)
    for part in parts[1:]:
        total = total + part.scores_of(docs)
    return Matches(docs, total)


def union(parts: list[Matches]) -> Matches:
    """Documents in any part, scores summed from the largest part to the smallest."""
    parts = [part for part in parts if len(part)]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    ordered = sorted(parts, key=len, reverse=True)
    size = max(int(part.docs[-1]) for part in parts) + 1
    # Dense over doc numbers: each part's documents are distinct, so += adds once each.
    total = np.zeros(size, dtype=np.float64)
    present = np.zeros(size, dtype=bool)
    for part in ordered:
        total[part.docs] += part.scores
        present[part.docs] = True
    docs = np.flatnonzero(present)
    return Matches(docs, total[docs])


def without(positive: Matches, negative: Matches) -> Matches:
    """The documents of ``positive`` not in ``negative``, with their scores."""
    if not len(negative) or not len(positive):
        return positive
    return positive.take(~contains(negative.docs, positive.docs))
